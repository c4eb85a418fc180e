// Session::detect_batch (TEST.IMS_PER_BATCH in one forward pass) against detect() one image at a time with the
// same padding (DetectParams::pad_to_*), which the golden tests prove equal to the official code: on the golden
// sets' models (tiny-a with early fusion, tiny-ta without), with both kernel sets (native, and generic: the path
// every non-CPU device takes), with a prompt of several chunks, and with images of different sizes so that the
// padding really differs from each image's own.
#include <c10/core/InferenceMode.h>

#include <map>
#include <tuple>
#include <vector>

#include "engine_test_util.h"
#include <QtTest>  // after torch: Qt's `slots` macro breaks ATen headers

using namespace glip;
using namespace glip::engine_test;

namespace {

// A horizontally flipped copy of the right 3/4 of an image: a third, differently sized image from the same photo.
RgbImage cropped_mirror(const RgbImage& in) {
  RgbImage out;
  out.width = in.width * 3 / 4;
  out.height = in.height;
  out.pixels.resize(static_cast<size_t>(out.width * out.height * 3));
  for (int y = 0; y < out.height; ++y)
    for (int x = 0; x < out.width; ++x)
      for (int c = 0; c < 3; ++c)
        out.pixels[static_cast<size_t>((y * out.width + x) * 3 + c)] =
            in.pixels[static_cast<size_t>((y * in.width + (in.width - 1 - x)) * 3 + c)];
  return out;
}

// A batched run against one-by-one. The same candidates (chunk, level, location, label) — as a set: within a level
// they come in topk(sorted=False)'s order, which float noise can permute when more than PRE_NMS_TOP_N pass the
// threshold (the golden tests compare them as sets too) —, the same NMS decisions (suppressors matched through the
// candidates), the same detections (matched through their candidate), and the same numbers up to rounding: a
// convolution or GEMM over B images may block and sum differently from one over one image (measured: scores
// <= 3e-6, boxes <= 3e-4 px, float32 noise carried through ~20 layers; bounds 1e-5 and 1e-3 px, ten times tighter
// than the golden tests' bounds against the official code). Where two detections tie within that noise at the
// per-image top-k cut (DETECTIONS_PER_IMG), either may be the one kept: a detection on one side only must score
// within 1e-5 of its side's lowest kept score of that chunk, and as many on each side.
constexpr float kScoreTol = 1e-5f, kBoxTol = 1e-3f;

float lowest_score(const DetectResult& r, int chunk) {
  float lo = 1;
  for (const Detection& d : r.detections)
    if (r.candidates.at(static_cast<size_t>(d.candidate)).chunk == chunk) lo = std::min(lo, d.score);
  return lo;
}

void expect_equal_results(const DetectResult& got, const DetectResult& want, const std::string& what) {
  const QByteArray w = QByteArray::fromStdString(what);
  QVERIFY2(!want.detections.empty(), w.constData());
  QCOMPARE(got.image_width, want.image_width);
  QCOMPARE(got.image_height, want.image_height);
  QCOMPARE(got.resized_width, want.resized_width);
  QCOMPARE(got.resized_height, want.resized_height);
  QVERIFY2(got.candidates.size() == want.candidates.size(), w.constData());
  using Key = std::tuple<int, int, int64_t, int>;  // chunk, level, anchor, label
  auto key = [](const Candidate& c) { return Key{c.chunk, c.level, c.anchor, c.label}; };
  std::map<Key, int> want_index;
  for (size_t j = 0; j < want.candidates.size(); ++j) want_index[key(want.candidates[j])] = static_cast<int>(j);
  std::vector<int> to_want(got.candidates.size(), -1);  // got candidate index -> want candidate index
  int moved = 0;
  for (size_t i = 0; i < got.candidates.size(); ++i) {
    const auto it = want_index.find(key(got.candidates[i]));
    QVERIFY2(it != want_index.end(), (what + ": a candidate of the batch is not one of the single run").c_str());
    to_want[i] = it->second;
    moved += it->second != static_cast<int>(i);
  }
  float max_cand = 0;
  for (size_t i = 0; i < got.candidates.size(); ++i) {
    const Candidate& a = got.candidates[i];
    const Candidate& b = want.candidates[static_cast<size_t>(to_want[i])];
    QCOMPARE(a.suppressed_by < 0 ? -1 : to_want[static_cast<size_t>(a.suppressed_by)], b.suppressed_by);
    max_cand = std::max(max_cand, std::abs(a.score - b.score));
  }
  std::map<int, const Detection*> got_by_candidate;  // by the want candidate index
  for (const Detection& d : got.detections) got_by_candidate[to_want.at(static_cast<size_t>(d.candidate))] = &d;
  float max_box = 0, max_score = 0;
  int only_want = 0;
  for (const Detection& b : want.detections) {
    const auto it = got_by_candidate.find(b.candidate);
    if (it == got_by_candidate.end()) {
      const int chunk = want.candidates.at(static_cast<size_t>(b.candidate)).chunk;
      QVERIFY2(b.score - lowest_score(want, chunk) <= kScoreTol, w.constData());
      ++only_want;
      continue;
    }
    const Detection& a = *it->second;
    got_by_candidate.erase(it);
    QCOMPARE(a.label, b.label);
    QCOMPARE(a.phrase, b.phrase);
    max_score = std::max(max_score, std::abs(a.score - b.score));
    for (int k = 0; k < 4; ++k) max_box = std::max(max_box, std::abs(a.box[k] - b.box[k]));
  }
  for (const auto& [candidate, a] : got_by_candidate)
    QVERIFY2(a->score - lowest_score(got, want.candidates.at(static_cast<size_t>(candidate)).chunk) <= kScoreTol,
             w.constData());
  QCOMPARE(static_cast<int>(got_by_candidate.size()), only_want);
  QCOMPARE(got.detections.size(), want.detections.size());
  qInfo("%s: %zu detections (%d swapped at the top-k cut), %zu candidates (%d in another slot), max |box diff| "
        "%.3g px, max |score diff| %.3g (candidates %.3g)",
        what.c_str(), want.detections.size(), only_want, want.candidates.size(), moved, static_cast<double>(max_box),
        static_cast<double>(max_score), static_cast<double>(max_cand));
  QVERIFY2(max_box <= kBoxTol, w.constData());
  QVERIFY2(max_score <= kScoreTol && max_cand <= kScoreTol, w.constData());
}

struct Case {
  std::vector<RgbImage> images;
  std::vector<std::string> names;
};

Case three_images() {
  Case c;
  const RgbImage coffee = golden_image("coffee");
  c.images = {golden_image("astronaut"), coffee, cropped_mirror(coffee)};
  c.names = {"astronaut", "coffee", "coffee mirrored"};
  return c;
}

// The batch's padded input size as run_eval computes it: the largest resized size (before divisibility).
std::array<int64_t, 2> batch_size_of(Session& s, const std::vector<RgbImage>& images, int64_t min_size = 0) {
  std::array<int64_t, 2> hw{0, 0};
  for (const RgbImage& img : images) {
    const auto r = s.resized_size(img.height, img.width, min_size);
    hw = {std::max(hw[0], r[0]), std::max(hw[1], r[1])};
  }
  return hw;
}

void check_batch(const std::shared_ptr<const Model>& model, const Prompt& prompt, const std::string& what,
                 const DetectParams& base = {}) {
  const Case c = three_images();
  Session batched(model), single(model);
  const std::vector<DetectResult> got = batched.detect_batch(c.images, prompt, base);
  QCOMPARE(got.size(), c.images.size());
  const auto hw = batch_size_of(single, c.images, base.min_size);
  for (size_t i = 0; i < c.images.size(); ++i) {
    DetectParams dp = base;
    dp.pad_to_height = std::max(hw[0], base.pad_to_height);
    dp.pad_to_width = std::max(hw[1], base.pad_to_width);
    const DetectResult want = single.detect(c.images[i], prompt, dp);
    expect_equal_results(got[i], want, what + ", " + c.names[i]);
  }
}

}  // namespace

class TestEngineBatch : public QObject {
  Q_OBJECT

 private slots:
  void earlyFusionNative() {
    check_batch(tiny_model(), golden_run("coffee.det").prompt, "tiny-a, detection");
    check_batch(tiny_model(), golden_run("astronaut.grd").prompt, "tiny-a, grounding");
  }

  // The path CUDA tensors take (only ATen operations): batched deformable convolution, NMS per image.
  void earlyFusionGeneric() {
    check_batch(tiny_model({}, "tiny-a", Precision::fp32, Kernels::generic), golden_run("coffee.det").prompt,
                "tiny-a generic, detection");
  }

  // GLIP-T (A): no fusion, the logits take lang.embedded (repeated per image).
  void withoutFusion() {
    check_batch(tiny_model({}, "tiny-ta"), golden_run("coffee.det", "tiny-ta").prompt, "tiny-ta, detection");
  }

  // 100 categories: two prompt chunks, each run on the whole batch.
  void chunkedPrompt() {
    std::vector<std::string> names;
    for (const auto& l : golden_run("coffee.coco80.800x1333").prompt.labels) names.push_back(l.name);
    for (const char* n : {"traffic cone", "wooden spoon", "coffee saucer", "space helmet", "american flag",
                          "white spacesuit", "espresso machine", "sugar cube", "paper napkin", "table cloth",
                          "tea kettle", "water bottle", "baseball glove", "ice cream", "picture frame", "flower pot",
                          "garbage truck", "street sign", "swimming pool", "soccer goal"})
      names.emplace_back(n);
    const Prompt p = Prompt::categories(names);
    QVERIFY(tiny_model()->prompt_chunks(p).size() >= 2);
    check_batch(tiny_model(), p, "tiny-a, 100 categories");
  }

  // A larger padding than the batch's own (eval's pad_to with a batch run in two calls), a threshold, a preview size.
  void paramsApply() {
    DetectParams dp;
    dp.pad_to_height = 400;
    dp.pad_to_width = 700;
    check_batch(tiny_model(), golden_run("coffee.det").prompt, "tiny-a, padded to 400x700", dp);
    dp = {};
    dp.min_size = 256;
    check_batch(tiny_model(), golden_run("coffee.det").prompt, "tiny-a, preview 256", dp);
    const Case c = three_images();
    Session s(tiny_model());
    const auto all = s.detect_batch(c.images, golden_run("coffee.det").prompt);
    dp = {};
    dp.score_threshold = all[1].detections.at(all[1].detections.size() / 2).score;
    const auto some = s.detect_batch(c.images, golden_run("coffee.det").prompt, dp);
    QCOMPARE(some[1].detections.size(), select_detections(all[1].detections, dp.score_threshold).size());
    QVERIFY(some[1].detections.size() < all[1].detections.size());
  }

  // The padding matters (so the comparison above is not vacuous): the astronaut (304 x 304) run alone differs from
  // the astronaut padded to the coffee's 304 x 456; a batch of one is detect() itself.
  void paddingChangesResults() {
    const Prompt p = golden_run("astronaut.det").prompt;
    const RgbImage a = golden_image("astronaut");
    Session s(tiny_model());
    const DetectResult alone = s.detect(a, p);
    const std::vector<DetectResult> one = s.detect_batch({a}, p);
    expect_equal_results(one.at(0), alone, "batch of one");
    const std::vector<DetectResult> two = s.detect_batch({a, golden_image("coffee")}, p);
    bool differs = two[0].detections.size() != alone.detections.size();
    for (size_t i = 0; !differs && i < alone.detections.size(); ++i)
      differs = std::abs(two[0].detections[i].score - alone.detections[i].score) > 1e-4f;
    QVERIFY(differs);
  }

  void badInput() {
    Session s(tiny_model());
    const Prompt p = golden_run("coffee.det").prompt;
    QVERIFY_THROWS_EXCEPTION(Error, s.detect_batch({}, p));
    RgbImage empty;
    try {
      s.detect_batch({golden_image("coffee"), empty}, p);
      QFAIL("an empty image was accepted");
    } catch (const Error& e) {
      QVERIFY2(std::string(e.what()).find("image 2 of the batch") != std::string::npos, e.what());
    }
    DetectParams dp;
    dp.probe = true;
    QVERIFY_THROWS_EXCEPTION(Error, s.detect_batch({golden_image("coffee")}, p, dp));
    QVERIFY_THROWS_EXCEPTION(Error, s.detect_batch({golden_image("coffee")}, Prompt{}));
    // The session still works afterwards.
    QCOMPARE(s.detect_batch({golden_image("coffee")}, p).size(), size_t(1));
  }
};

QTEST_GUILESS_MAIN(TestEngineBatch)
#include "test_engine_batch.moc"
