// Session behaviour on the tiny-a model: stage caches (inference_count), cancel, no detections, chunked prompts
// (81+ labels, > 256 tokens), a caption and a category past 256 tokens, bad input, and one detect()'s time.
#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>

#include <chrono>
#include <future>
#include <set>
#include <thread>

#include "core/engine/model_config.h"
#include "core/text/prompt.h"
#include "engine_test_util.h"
#include <QtTest>  // after torch: Qt's `slots` macro breaks ATen headers

using namespace glip;
using namespace glip::engine_test;

namespace {

std::vector<std::string> coco80() {
  const GoldenRun r = golden_run("coffee.coco80.800x1333");
  std::vector<std::string> names;
  for (const auto& l : r.prompt.labels) names.push_back(l.name);
  return names;
}

// 20 more names: COCO 80 (194 tokens) + these make > 256 tokens and labels past 80.
std::vector<std::string> hundred_names() {
  std::vector<std::string> names = coco80();
  for (const char* n : {"traffic cone", "wooden spoon", "coffee saucer", "space helmet", "american flag",
                        "white spacesuit", "espresso machine", "sugar cube", "paper napkin", "table cloth",
                        "tea kettle", "water bottle", "baseball glove", "ice cream", "picture frame", "flower pot",
                        "garbage truck", "street sign", "swimming pool", "soccer goal"})
    names.emplace_back(n);
  return names;
}

// Detections exactly equal (same computation must give the same numbers); labels shifted by `offset`.
void expect_same(const std::vector<Detection>& a, const std::vector<Detection>& b, int offset = 0) {
  QCOMPARE(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    QCOMPARE(a[i].label, b[i].label + offset);
    QCOMPARE(a[i].phrase, b[i].phrase);
    QCOMPARE(a[i].score, b[i].score);
    for (int k = 0; k < 4; ++k) QCOMPARE(a[i].box[k], b[i].box[k]);
  }
}

std::vector<Detection> with_labels(const std::vector<Detection>& d, int lo, int hi) {
  std::vector<Detection> out;
  for (const auto& x : d)
    if (x.label >= lo && x.label <= hi) out.push_back(x);
  return out;
}

}  // namespace

class TestEngineSession : public QObject {
  Q_OBJECT

 private slots:
  // 3. Caches: threshold -> no inference; new caption -> text + fuse only; same inputs -> nothing.
  void caches() {
    c10::InferenceMode guard;
    const GoldenRun det = golden_run("astronaut.det"), grd = golden_run("astronaut.grd");
    Session s(tiny_model());
    const RgbImage astro = golden_image("astronaut"), coffee = golden_image("coffee");
    QCOMPARE(s.inference_count(), int64_t{0});

    const DetectResult r1 = s.detect(astro, det.prompt);
    QCOMPARE(s.inference_count(), int64_t{3});  // image, text, fuse
    QCOMPARE(r1.detections.size(), size_t{100});

    // A threshold change: selection only.
    const float th = r1.detections[30].score;
    const DetectResult sel = s.select(th);
    QCOMPARE(s.inference_count(), int64_t{3});
    size_t expected = 0;
    for (const auto& d : r1.detections) expected += d.score >= th;
    QCOMPARE(sel.detections.size(), expected);
    QVERIFY(expected > 0 && expected < r1.detections.size());
    expect_same(sel.detections, std::vector<Detection>(r1.detections.begin(), r1.detections.begin() + expected));
    expect_same(s.select(0.0f).detections, r1.detections);
    QCOMPARE(s.inference_count(), int64_t{3});

    // Same inputs: cache hit, same result; with a threshold: = select().
    expect_same(s.detect(astro, det.prompt).detections, r1.detections);
    QCOMPARE(s.inference_count(), int64_t{3});
    DetectParams dp;
    dp.score_threshold = th;
    expect_same(s.detect(astro, det.prompt, dp).detections, sel.detections);
    QCOMPARE(s.inference_count(), int64_t{3});

    // A new caption on the same image: BERT + fusion only (+2), and the result is the golden one (not stale).
    const DetectResult r2 = s.detect(astro, grd.prompt);
    QCOMPARE(s.inference_count(), int64_t{5});
    const DetMatch m = match_detections(r2.detections, golden_detections(grd.json), 1e-2, 1e-4);
    QVERIFY2(m.ok, m.error.c_str());
    {
      Session fresh(tiny_model());
      expect_same(fresh.detect(astro, grd.prompt).detections, r2.detections);
    }
    // Back to the first prompt: all three stages cached.
    expect_same(s.detect(astro, det.prompt).detections, r1.detections);
    QCOMPARE(s.inference_count(), int64_t{5});
    // A new image with a cached prompt: image + fusion (+2).
    const DetectResult r3 = s.detect(coffee, det.prompt);
    QCOMPARE(s.inference_count(), int64_t{7});
    const DetMatch m3 = match_detections(r3.detections, golden_detections(golden_run("coffee.det").json), 1e-2, 1e-4);
    QVERIFY2(m3.ok, m3.error.c_str());
    // clear_cache(): everything runs again.
    s.clear_cache();
    expect_same(s.detect(coffee, det.prompt).detections, r3.detections);
    QCOMPARE(s.inference_count(), int64_t{10});
  }

  // A preview size (DetectParams::min_size) is GLIP's own resize at another size: tiny-a's config says 304 / 1333,
  // so a preview at 800 resizes the coffee photo (no cap reached) as the official run with INPUT.MIN_SIZE_TEST 800
  // INPUT.MAX_SIZE_TEST 1333 did, and must give that golden run's detections. The model's own size is the
  // default; the image is encoded once per size; a size below 32 is refused.
  void previewSize() {
    c10::InferenceMode guard;
    const GoldenRun run = golden_run("coffee.coco80.800x1333");
    const RgbImage coffee = golden_image("coffee");
    Session s(tiny_model());
    DetectParams preview;
    preview.min_size = 800;
    const DetectResult r = s.detect(coffee, run.prompt, preview);
    QCOMPARE(r.resized_height, run.json.at("prompt").at("image_size_hw")[0].get<int>());
    QCOMPARE(r.resized_width, run.json.at("prompt").at("image_size_hw")[1].get<int>());
    const auto hw = s.resized_size(coffee.height, coffee.width, 800);
    QCOMPARE(hw[0], int64_t{r.resized_height});
    QCOMPARE(hw[1], int64_t{r.resized_width});
    const DetMatch m = match_detections(r.detections, golden_detections(run.json), 1e-2, 1e-4);
    QVERIFY2(m.ok, m.error.c_str());
    QCOMPARE(s.inference_count(), int64_t{3});

    // At the model's size (0, or 304 said explicitly): another image encoding, and the plain result.
    const DetectResult full = s.detect(coffee, run.prompt);
    QCOMPARE(s.inference_count(), int64_t{5});  // image + fuse; the text is cached
    QVERIFY(full.resized_height < r.resized_height);
    preview.min_size = 304;
    expect_same(s.detect(coffee, run.prompt, preview).detections, full.detections);
    QCOMPARE(s.inference_count(), int64_t{5});  // the same input as the model's size: cached
    preview.min_size = 800;
    expect_same(s.detect(coffee, run.prompt, preview).detections, r.detections);
    QCOMPARE(s.inference_count(), int64_t{5});

    preview.min_size = 16;
    QVERIFY_THROWS_EXCEPTION(Error, s.detect(coffee, run.prompt, preview));
  }

  // probe = true after an unprobed run re-runs the stages to record them; afterwards an unprobed run is a hit.
  void probeAfterCache() {
    c10::InferenceMode guard;
    Session s(tiny_model());
    const RgbImage img = golden_image("coffee");
    const Prompt p = golden_run("coffee.grd").prompt;
    const DetectResult r = s.detect(img, p);
    QCOMPARE(s.inference_count(), int64_t{3});
    QVERIFY(s.probe_names().empty());
    QVERIFY_THROWS_EXCEPTION(Error, s.save_probes(QDir::temp().filePath("never-written.pt").toStdString()));
    DetectParams dp;
    dp.probe = true;
    expect_same(s.detect(img, p, dp).detections, r.detections);
    QCOMPARE(s.inference_count(), int64_t{6});
    for (const char* k : {"image.tensor", "swin.stage3", "fpn.p7", "anchors.p3", "bert.hidden_states.2", "lang.hidden",
                          "dyhead.3.vlfuse.lang_hidden", "head.centerness.p5", "post.pre_nms.scores",
                          "final.orig.boxes_xyxy"})
      QVERIFY2(!s.probe(k).empty(), k);
    QVERIFY(s.probe("dyhead.0.vlfuse.attn_v2l").empty());  // attention maps only with probe_attention
    expect_same(s.detect(img, p).detections, r.detections);
    QCOMPARE(s.inference_count(), int64_t{6});
    const TensorView v = s.probe("lang.hidden");  // still the probed run's
    QCOMPARE(v.shape, (std::vector<int64_t>{1, 18, 32}));
    // Attention maps asked for after a probed run without them: the fusion runs again to record them.
    dp.probe_attention = true;
    expect_same(s.detect(img, p, dp).detections, r.detections);
    QVERIFY(!s.probe("dyhead.0.vlfuse.attn_v2l").empty());
    QVERIFY(!s.probe("dyhead.3.vlfuse.attn_l2v").empty());
    QVERIFY(!s.probe("fpn.p3").empty());
  }

  // One Model shared by sessions in parallel threads: the same results as one after the other.
  void sharedModelThreads() {
    c10::InferenceMode guard;
    const std::vector<std::string> tags = {"astronaut.det", "astronaut.grd", "coffee.det", "coffee.grd"};
    std::vector<DetectResult> sequential;
    {
      Session s(tiny_model());
      for (const auto& t : tags) {
        const GoldenRun run = golden_run(t);
        sequential.push_back(s.detect(golden_image(run.image), run.prompt));
      }
    }
    std::vector<std::future<DetectResult>> jobs;
    for (const auto& t : tags)
      jobs.push_back(std::async(std::launch::async, [t] {
        c10::InferenceMode g;
        const GoldenRun run = golden_run(t);
        Session s(tiny_model());
        return s.detect(golden_image(run.image), run.prompt);
      }));
    for (size_t i = 0; i < tags.size(); ++i) expect_same(jobs[i].get().detections, sequential[i].detections);
  }

  // cancel() during detect throws Cancelled; the session works afterwards (and its caches are intact).
  void cancel() {
    c10::InferenceMode guard;
    const GoldenRun run = golden_run("coffee.coco80.800x1333");  // 800x1216 input: seconds of work per stage
    Session s(tiny_model(run.overrides));
    const RgbImage img = golden_image(run.image);
    auto job = std::async(std::launch::async, [&]() -> std::string {
      try {
        s.detect(img, run.prompt);
        return "finished";
      } catch (const Cancelled&) {
        return "cancelled";
      } catch (const std::exception& e) {
        return std::string("error: ") + e.what();
      }
    });
    // Cancel once the image stage is done: BERT on 194 tokens and the fusion at 800x1216 are still ahead.
    while (s.inference_count() < 1 && job.wait_for(std::chrono::milliseconds(0)) != std::future_status::ready)
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    s.cancel();
    QCOMPARE(QString::fromStdString(job.get()), QString("cancelled"));
    const int64_t after_cancel = s.inference_count();
    QVERIFY(after_cancel >= 1 && after_cancel < 3);

    // The session still works: the image stage is reused, the result is the golden one.
    const DetectResult r = s.detect(img, run.prompt);
    QCOMPARE(s.inference_count(), int64_t{3});
    const DetMatch m = match_detections(r.detections, golden_detections(run.json), 1e-2, 1e-4);
    QVERIFY2(m.ok, m.error.c_str());

    // A cancel() while nothing runs is not left pending for the next detect.
    s.cancel();
    expect_same(s.detect(img, run.prompt).detections, r.detections);
  }

  // 5. No detections: an image and prompt where nothing passes the candidate threshold.
  void noDetections() {
    c10::InferenceMode guard;
    Session s(tiny_model({"MODEL.ATSS.INFERENCE_TH", "0.99"}));
    DetectParams dp;
    dp.probe = true;
    const DetectResult r = s.detect(golden_image("astronaut"), golden_run("astronaut.det").prompt, dp);
    QVERIFY(r.detections.empty());
    QVERIFY(r.candidates.empty());
    QCOMPARE(r.image_width, 512);
    QVERIFY(s.select(0.0f).detections.empty());
    QVERIFY(!s.probe("fpn.p3").empty());
    QTemporaryDir tmp;
    s.save_probes(tmp.filePath("p.pt").toStdString());  // empty candidate tensors are saved fine
    // The normal model, with a threshold above every score: empty too.
    Session n(tiny_model());
    const DetectResult all = n.detect(golden_image("astronaut"), golden_run("astronaut.det").prompt);
    QVERIFY(!all.detections.empty());
    QVERIFY(n.select(1.01f).detections.empty());
  }

  // 5. 100 labels, 264+ tokens: chunked automatically; every label maps back to its own name, and each chunk's
  // detections equal those of that chunk's categories run alone (label ids shifted).
  void manyLabelsAutoChunk() {
    c10::InferenceMode guard;
    const std::vector<std::string> names = hundred_names();
    Session s(tiny_model());
    const RgbImage img = golden_image("coffee");
    const DetectResult r = s.detect(img, Prompt::categories(names));
    std::map<int, std::set<int>> chunk_labels;  // chunk -> labels of its candidates
    for (const auto& c : r.candidates) chunk_labels[c.chunk].insert(c.label);
    QVERIFY2(chunk_labels.size() >= 2, "a > 256-token prompt must run in chunks");
    int max_label = 0;
    for (const auto& d : r.detections) {
      QVERIFY(d.label >= 1 && d.label <= 100);
      QCOMPARE(d.phrase, names[d.label - 1]);
      max_label = std::max(max_label, d.label);
    }
    QVERIFY2(max_label > 80, "labels past 80 must be detected");
    // The chunks, as the text library splits the list with this model's options: each one's detections equal
    // those of its categories run alone (label ids shifted), and together they are all the detections.
    const std::vector<text::TokenizedPrompt> chunks =
        text::detection_prompts(names, text::prompt_options_from_config(model_config(*s.model())));
    QCOMPARE(chunks.size(), chunk_labels.size());
    size_t total = 0;
    for (size_t i = 0; i < chunks.size(); ++i) {
      const int lo = static_cast<int>(chunks[i].labels.front()), hi = static_cast<int>(chunks[i].labels.back());
      QCOMPARE(static_cast<size_t>(hi - lo + 1), chunks[i].labels.size());
      QVERIFY(chunk_labels[static_cast<int>(i)].size() > 0);
      QVERIFY(*chunk_labels[static_cast<int>(i)].begin() >= lo && *chunk_labels[static_cast<int>(i)].rbegin() <= hi);
      Session alone(tiny_model());
      const DetectResult a =
          alone.detect(img, Prompt::categories(std::vector<std::string>(names.begin() + lo - 1, names.begin() + hi)));
      std::set<int> alone_chunks;
      for (const auto& c : a.candidates) alone_chunks.insert(c.chunk);
      QCOMPARE(alone_chunks.size(), size_t{1});
      const std::vector<Detection> mine = with_labels(r.detections, lo, hi);
      expect_same(mine, a.detections, lo - 1);
      total += mine.size();
    }
    QCOMPARE(total, r.detections.size());
    qInfo("100 labels: %zu chunks, %zu detections, largest label %d", chunks.size(), r.detections.size(), max_label);
  }

  // TEST.CHUNKED_EVALUATION 40: 100 names in chunks of 40, 40, 20 with global label ids.
  void manyLabelsFixedChunks() {
    c10::InferenceMode guard;
    const std::vector<std::string> names = hundred_names();
    Session s(tiny_model({"TEST.CHUNKED_EVALUATION", "40"}));
    const RgbImage img = golden_image("coffee");
    const DetectResult r = s.detect(img, Prompt::categories(names));
    std::set<int> chunks;
    for (const auto& c : r.candidates) {
      QCOMPARE(c.chunk, (c.label - 1) / 40);
      chunks.insert(c.chunk);
    }
    QCOMPARE(chunks.size(), size_t{3});
    for (const auto& d : r.detections) QCOMPARE(d.phrase, names[d.label - 1]);
    // The third chunk (labels 81..100) = those 20 categories alone.
    Session alone(tiny_model());
    const DetectResult a =
        alone.detect(img, Prompt::categories(std::vector<std::string>(names.begin() + 80, names.end())));
    QVERIFY(!a.detections.empty());
    expect_same(with_labels(r.detections, 81, 100), a.detections, 80);
  }

  // A 302-word caption whose last noun phrases are past MAX_QUERY_LEN (labels 3, 4): the run does not fail, the cut
  // phrases have no candidates, are named in the warning and listed in labels_without_tokens, and the phrases that
  // fit are detected exactly as in the caption cut where the model's truncation cuts it (same 256 input ids, same
  // spans: an independent run with no label past the limit).
  void longCaptionCutPhrases() {
    c10::InferenceMode guard;
    const LongCaption lc = long_caption();
    const RgbImage img = golden_image("astronaut");
    Session s(tiny_model());
    const DetectResult r = s.detect(img, Prompt::grounding(lc.caption, lc.spans));
    QCOMPARE(r.labels_without_tokens, (std::vector<int>{3, 4}));
    QVERIFY(!r.detections.empty());
    for (const auto& d : r.detections) QVERIFY(d.label == 1 || d.label == 2);
    for (const auto& c : r.candidates) QVERIFY(c.label == 1 || c.label == 2);
    QCOMPARE(r.warnings.size(), size_t{1});
    const std::string& w = r.warnings[0];
    QVERIFY2(w.find("'a red flag'") != std::string::npos && w.find("'a white spacesuit'") != std::string::npos &&
                 w.find("'an astronaut'") == std::string::npos && w.find("'a helmet'") == std::string::npos,
             w.c_str());

    const text::BertTokenizer& tok = text::BertTokenizer::bert_base_uncased();
    QVERIFY(tok.encode(lc.caption, 256).truncated());
    QVERIFY(!tok.encode(lc.prefix, 256).truncated());
    QCOMPARE(tok.encode(lc.prefix, 256).input_ids, tok.encode(lc.caption, 256).input_ids);
    QVERIFY(lc.spans[1][1] <= static_cast<int64_t>(lc.prefix.size()));
    QVERIFY(lc.spans[2][0] >= static_cast<int64_t>(lc.prefix.size()));
    Session cut(tiny_model());
    const DetectResult a = cut.detect(img, Prompt::grounding(lc.prefix, {lc.spans[0], lc.spans[1]}));
    QVERIFY(a.warnings.empty() && a.labels_without_tokens.empty());
    expect_same(r.detections, a.detections);

    // The same with the phrases found by the heuristic (`glip predict --caption` without --phrase).
    const Prompt heuristic = Prompt::grounding(lc.caption);
    QCOMPARE(heuristic.labels.size(), size_t{4});
    for (size_t i = 0; i < 4; ++i) QCOMPARE(heuristic.labels[i].name, lc.names[i]);
    expect_same(s.detect(img, heuristic).detections, a.detections);
  }

  // A category longer than MAX_QUERY_LEN among the 16 golden ones (as label 3, and again as the last label 18):
  // no failure, no detection of it, a warning naming it, and the others detected exactly as the same list without
  // it (same boxes, scores and order; labels shifted past 3), in one prompt and in fixed chunks of 5.
  void overlongCategory() {
    c10::InferenceMode guard;
    const RgbImage img = golden_image("astronaut");
    std::vector<std::string> names;
    for (const auto& l : golden_run("astronaut.det").prompt.labels) names.push_back(l.name);
    std::vector<std::string> with = names;
    with.insert(with.begin() + 2, long_category("vase"));
    with.push_back(long_category("kite"));
    for (const std::vector<std::string>& ov : {std::vector<std::string>{},
                                               std::vector<std::string>{"TEST.CHUNKED_EVALUATION", "5"}}) {
      Session s(tiny_model(ov));
      const DetectResult r = s.detect(img, Prompt::categories(with));
      const DetectResult ref = s.detect(img, Prompt::categories(names));
      QCOMPARE(r.labels_without_tokens, (std::vector<int>{3, 18}));
      QVERIFY(ref.labels_without_tokens.empty() && ref.warnings.empty());
      QCOMPARE(r.detections.size(), ref.detections.size());
      QVERIFY(!r.detections.empty());
      for (size_t i = 0; i < r.detections.size(); ++i) {
        const Detection &d = r.detections[i], &e = ref.detections[i];
        QCOMPARE(d.label, e.label + (e.label >= 3 ? 1 : 0));
        QCOMPARE(d.phrase, e.phrase);
        QCOMPARE(d.score, e.score);
        for (int k = 0; k < 4; ++k) QCOMPARE(d.box[k], e.box[k]);
      }
      QCOMPARE(r.candidates.size(), ref.candidates.size());
      for (size_t i = 0; i < r.candidates.size(); ++i) {
        QCOMPARE(r.candidates[i].chunk, ref.candidates[i].chunk);
        QCOMPARE(r.candidates[i].score, ref.candidates[i].score);
      }
      std::string all;
      for (const auto& w : r.warnings) all += w + "\n";
      QVERIFY2(all.find("'vase table table") != std::string::npos &&
                   all.find("label 3, 300 tokens") != std::string::npos &&
                   all.find("'kite table table") != std::string::npos &&
                   all.find("label 18, 300 tokens") != std::string::npos,
               all.c_str());
    }
  }

  // 5. Bad input: glip::Error with a message, and the session keeps working.
  void badInput() {
    c10::InferenceMode guard;
    Session s(tiny_model());
    const RgbImage img = golden_image("astronaut");
    auto expect_error = [&](const std::function<void()>& f, const char* what) {
      try {
        f();
      } catch (const Cancelled&) {
        QFAIL((std::string(what) + ": Cancelled instead of an input error").c_str());
      } catch (const Error& e) {
        QVERIFY2(std::string(e.what()).size() > 10, what);
        qInfo("%s -> %s", what, e.what());
        return;
      }
      QFAIL((std::string(what) + ": no glip::Error").c_str());
    };
    expect_error([] { Prompt::categories({}); }, "empty category list");
    expect_error([&] { s.detect(img, Prompt::grounding("")); }, "empty caption");
    expect_error([&] { s.detect(img, Prompt::grounding("   ")); }, "blank caption");
    expect_error([&] { s.detect(img, Prompt::grounding("", {{{0, 1}}})); }, "span in an empty caption");
    expect_error([&] { s.detect(img, Prompt::grounding("a cat", {{{3, 9}}})); }, "span past the caption");
    expect_error([&] { s.detect(img, Prompt{}); }, "default Prompt");
    expect_error([&] {
      Prompt p;
      p.labels.push_back({"x", {{{0, 1}}}});
      s.detect(img, p);
    }, "labels without caption");
    expect_error([&] { s.detect(img, Prompt::categories({""})); }, "one empty category name");
    expect_error([&] { s.detect(img, Prompt::categories({"(unused)"})); }, "a name empty after clean_name");
    expect_error([&] { s.detect(RgbImage{}, Prompt::categories({"cat"})); }, "empty image");
    expect_error([&] { image::load_image(tiny_dir() + "/no-such-image.png"); }, "missing image file");
    expect_error([&] { image::load_image(tiny_dir() + "/tiny-a.yaml"); }, "not an image");
    // detect() encodes the image before it tokenizes the prompt: that ran once (then cached), nothing else did.
    QCOMPARE(s.inference_count(), int64_t{1});
    // Still works.
    const DetectResult r = s.detect(img, golden_run("astronaut.det").prompt);
    QCOMPARE(r.detections.size(), size_t{100});
  }

  // Weights that are not there are reported before the model is built (GLIP-T would take seconds and a GiB first),
  // naming the file, and saying where the name came from when it was the config's MODEL.WEIGHT.
  void missingWeightsFailFast() {
    ModelParams p;
    p.config_file = test::source_path("models/glip_Swin_T_O365_GoldG.yaml");
    try {
      Model::load(p);
      QFAIL("GLIP-T loaded without its weights");
    } catch (const Error& e) {
      const std::string m = e.what();
      qInfo("%s", m.c_str());
      QVERIFY(m.find("weights not found") != std::string::npos);
      QVERIFY(m.find("swin_tiny_patch4_window7_224.pth") != std::string::npos);
      QVERIFY(m.find("MODEL.WEIGHT") != std::string::npos);
    }
    p.weight_file = "/nonexistent/glip_tiny_model_o365_goldg.pth";
    try {
      Model::load(p);
      QFAIL("GLIP-T loaded without its weights");
    } catch (const Error& e) {
      QVERIFY(std::string(e.what()).find("/nonexistent/glip_tiny_model_o365_goldg.pth") != std::string::npos);
    }
  }

  // Time of one uncached detect() (image + text + fusion + post) on tiny-a, astronaut, 16 categories.
  void timing() {
    c10::InferenceMode guard;
    Session s(tiny_model());
    const RgbImage img = golden_image("astronaut");
    const Prompt p = golden_run("astronaut.det").prompt;
    std::vector<double> t;
    for (int i = 0; i < 5; ++i) {
      s.clear_cache();
      const auto t0 = std::chrono::steady_clock::now();
      const DetectResult r = s.detect(img, p);
      t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
      QCOMPARE(r.detections.size(), size_t{100});
    }
    std::sort(t.begin(), t.end());
    const auto t0 = std::chrono::steady_clock::now();
    s.select(0.3f);
    const double sel = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    qInfo("tiny-a detect() astronaut 512x512 -> 304x304, 16 categories, %d threads: min %.3f s, median %.3f s; "
          "select(): %.2g s", at::get_num_threads(), t.front(), t[t.size() / 2], sel);
  }
};

QTEST_APPLESS_MAIN(TestEngineSession)
#include "test_engine_session.moc"
