// The engine API the studio uses instead of core/ internals: ModelInfo (from the config), the token preview,
// prompt chunks, the one threshold rule, and the inspection helpers (box decoding and label scores on probe
// tensors) checked against values written out by hand here.
#include <cmath>
#include <memory>

#include <QtTest>

#include "core/engine/engine.h"
#include "tests/common/paths.h"

using namespace glip;

namespace {

TensorView view(std::vector<int64_t> shape, std::vector<float> data) { return TensorView::of(shape, data); }

float sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }

// One level (P3, the one level of GLIP's default config) of 1 x 2 locations, 5 tokens "[CLS] a cat dog [SEP]": label 1 = tokens {1, 2}, label 2 = {3}.
struct OneLevel {
  std::map<std::string, TensorView> probes;
  PromptChunk chunk;
  DetectResult result;
  OneLevel() {
    chunk.tokens = {"[CLS]", "a", "cat", "dog", "[SEP]"};
    chunk.label_tokens = {{1, {1, 2}}, {2, {3}}};
    // Anchors: location 0 = [10, 20, 73, 83] (64 x 64, centre (41.5, 51.5)), location 1 shifted by 8.
    probes["anchors.p3"] = view({2, 4}, {10, 20, 73, 83, 18, 20, 81, 83});
    // Codes (dx, dy, dw, dh) laid out 1 x 4 x h x w: location 0 = (10, 0, 0, 0), location 1 = (0, 0, 1000, 0).
    probes["head.box_regression.p3"] = view({1, 4, 1, 2}, {10, 0, 0, 0, 0, 1000, 0, 0});
    probes["head.centerness.p3"] = view({1, 1, 1, 2}, {0.0f, 2.0f});
    probes["head.dot_product_logits.p3"] = view({1, 2, 5}, {-5, 1, 3, -1, -5, -5, -2, 0, 4, -5});
    result.image_width = 200;
    result.image_height = 100;
    result.resized_width = 400;
    result.resized_height = 200;
  }
};

ModelInfo withAggregation(ScoreAggregation a) {
  ModelInfo info = default_model_info();
  info.score_aggregation = a;
  return info;
}

}  // namespace

class TestEngineApi : public QObject {
  Q_OBJECT
 private slots:
  void defaultModelInfoIsGlipsDefaults() {
    const ModelInfo& info = default_model_info();
    QCOMPARE(info.anchor_strides, (std::vector<int64_t>{16}));  // defaults.py's (16,): GLIP configs set 8..128
    QCOMPARE(info.level_names, (std::vector<std::string>{"p3"}));
    QCOMPARE(info.candidate_threshold, 0.05f);
    QCOMPARE(info.nms_threshold, 0.6f);
    QCOMPARE(info.max_query_len, int64_t{256});
    QVERIFY(info.score_aggregation == ScoreAggregation::Mean);
  }

  void modelInfoFollowsTheConfig() {
    ModelParams p;
    p.config_file = glip::test::tiny_config();
    p.random_init = true;
    p.overrides = {"MODEL.ATSS.INFERENCE_TH", "0.25", "MODEL.DYHEAD.SCORE_AGG", "\"MAX\"",
                   "MODEL.LANGUAGE_BACKBONE.MAX_QUERY_LEN", "128", "MODEL.ATSS.NMS_TH", "0.5"};
    const auto model = Model::load(p);
    const ModelInfo& info = model->info();
    QCOMPARE(info.candidate_threshold, 0.25f);
    QCOMPARE(info.nms_threshold, 0.5f);
    QCOMPARE(info.max_query_len, int64_t{128});
    QVERIFY(info.score_aggregation == ScoreAggregation::Max);
    QCOMPARE(info.level_names.size(), info.anchor_strides.size());
    // The chunks the model runs: [CLS] ... [SEP] and the positive map.
    const std::vector<PromptChunk> chunks = model->prompt_chunks(Prompt::categories({"cat", "hot dog"}));
    QCOMPARE(chunks.size(), size_t{1});
    QCOMPARE(chunks[0].tokens, (std::vector<std::string>{"[CLS]", "cat", ".", "hot", "dog", "[SEP]"}));
    QCOMPARE(chunks[0].label_tokens.at(1), (std::vector<int64_t>{1}));
    QCOMPARE(chunks[0].label_tokens.at(2), (std::vector<int64_t>{3, 4}));
  }

  void selectDetectionsKeepsScoresAtOrAboveTheThreshold() {
    std::vector<Detection> d(4);
    d[0].score = 0.9f;
    d[1].score = 0.5f;
    d[2].score = 0.49f;
    d[3].score = 0.7f;
    const std::vector<Detection> kept = select_detections(d, 0.5f);
    QCOMPARE(kept.size(), size_t{3});
    QCOMPARE(kept[0].score, 0.9f);
    QCOMPARE(kept[1].score, 0.5f);
    QCOMPARE(kept[2].score, 0.7f);
    QCOMPARE(select_detections(d, 0.0f).size(), size_t{4});
    QVERIFY(select_detections(d, 0.95f).empty());
  }

  // compare_detections, by hand: boxes 10x10; IoU of [0,0,10,10] and [1,0,11,10] = 90/110 = 0.818, and of
  // [0,0,10,10] and [0,0,10,9.5] = 95/100 = 0.95.
  void compareDetectionsByHand() {
    auto det = [](int label, float score, std::array<float, 4> box) {
      Detection d;
      d.label = label;
      d.score = score;
      d.box = box;
      return d;
    };
    const std::vector<Detection> ref = {det(1, 0.5f, {0, 0, 10, 10}), det(2, 0.9f, {20, 20, 30, 30}),
                                        det(1, 0.7f, {40, 0, 50, 10}), det(3, 0.1f, {0, 0, 10, 10})};
    QCOMPARE(compare_detections(ref, ref).kept, size_t{4});
    QCOMPARE(compare_detections(ref, ref).max_score_diff, 0.0f);
    const std::vector<Detection> other = {
        det(1, 0.52f, {0, 0, 10, 9.5f}),   // ref 0: IoU 0.95, score +0.02
        det(1, 0.88f, {20, 20, 30, 30}),   // same box as ref 1 but label 1: no match
        det(2, 0.85f, {21, 20, 31, 30}),   // ref 1: IoU 0.818 < 0.9
        det(1, 0.69f, {40, 0, 50, 10})};   // ref 2: exact, score -0.01
    const Agreement a = compare_detections(ref, other);
    QCOMPARE(a.compared, size_t{4});
    QCOMPARE(a.kept, size_t{2});
    QCOMPARE(a.share(), 0.5);
    QVERIFY(std::abs(a.max_score_diff - 0.02f) < 1e-6f);
    QCOMPARE(compare_detections(ref, other, 4, 0.8f).kept, size_t{3});  // ref 1 matches at IoU 0.818
    // top_k takes the reference's highest scores: ref 1 (0.9) and ref 2 (0.7).
    const Agreement top2 = compare_detections(ref, other, 2);
    QCOMPARE(top2.compared, size_t{2});
    QCOMPARE(top2.kept, size_t{1});
    QVERIFY(std::abs(top2.max_score_diff - 0.01f) < 1e-6f);
    // Each detection of the other run matches once: two identical references, one candidate.
    QCOMPARE(compare_detections({ref[0], ref[0]}, {ref[0]}).kept, size_t{1});
    QCOMPARE(compare_detections({}, other).share(), 1.0);
  }

  void previewOfCategoriesAndCaptions() {
    const TokenPreview c = preview_tokens(Prompt::categories({"traffic_light", "cat"}));
    QCOMPARE(c.chunks, 1);
    QCOMPARE(c.label_names, (std::vector<std::string>{"traffic light", "cat"}));
    QCOMPARE(c.tokens.size(), size_t{4});  // traffic light . cat
    QCOMPARE(c.tokens[1].text, std::string("light"));
    QCOMPARE(c.tokens[1].label, 1);
    QCOMPARE(c.tokens[2].label, 0);  // "."
    QCOMPARE(c.tokens[3].label, 2);
    QCOMPARE(c.tokens[3].source, std::string("cat"));

    // A caption past a small MAX_QUERY_LEN: the tokens past max_query_len - 2 are marked, none dropped.
    ModelInfo small = default_model_info();
    small.max_query_len = 4;
    Prompt p;
    p.caption = "a cat and a \xE2\x98\x83 dog";
    p.labels = {{"a cat", {{0, 5}}}, {"dog", {{14, 17}}}};
    const TokenPreview g = preview_tokens(p, small);
    QCOMPARE(g.tokens.size(), size_t{6});
    QCOMPARE(g.truncated_tokens, 4);
    QVERIFY(!g.tokens[1].truncated && g.tokens[2].truncated);
    QCOMPARE(g.tokens[1].label, 1);
    QCOMPARE(g.tokens[4].text, std::string("[UNK]"));
    QVERIFY(g.tokens[4].unknown);
    QCOMPARE(g.tokens[4].source, std::string("\xE2\x98\x83"));
    QCOMPARE(g.tokens[5].label, 2);

    // Detection prompts chunk at MAX_QUERY_LEN: 3 one-token categories need 3 + 2 separators + 2 tokens.
    ModelInfo tiny = default_model_info();
    tiny.max_query_len = 5;
    const TokenPreview chunked = preview_tokens(Prompt::categories({"cat", "dog", "cow"}), tiny);
    QCOMPARE(chunked.chunks, 2);
    QCOMPARE(chunked.tokens.back().chunk, 1);
    QCOMPARE(chunked.tokens.back().label, 3);
    QVERIFY_THROWS_EXCEPTION(Error, preview_tokens(Prompt::categories({"cat", "(nothing left)"})));
  }

  void scoreLocationDecodesAndAggregatesAsGlip() {
    const OneLevel l;
    const LocationOutputs o = score_location(l.probes, l.chunk, default_model_info(), l.result, 0, 0);
    // dx = 10 / 10 = 1 anchor width: the box moves by 64; resized -> original halves x and y.
    QCOMPARE(o.anchor_resized, (std::array<float, 4>{10, 20, 73, 83}));
    QCOMPARE(o.anchor, (std::array<float, 4>{5, 10, 36.5f, 41.5f}));
    QCOMPARE(o.box, (std::array<float, 4>{37, 10, 68.5f, 41.5f}));
    QCOMPARE(o.centerness, 0.5f);
    QCOMPARE(o.token_logits, (std::vector<float>{-5, 1, 3, -1, -5}));
    QCOMPARE(o.token_scores.size(), size_t{5});
    QCOMPARE(o.token_scores[2], sigmoid(3));
    QCOMPARE(o.label_scores.size(), size_t{2});
    QCOMPARE(o.label_scores.at(1), (sigmoid(1) + sigmoid(3)) / 2);  // MEAN
    QCOMPARE(o.label_scores.at(2), sigmoid(-1));
    QCOMPARE(final_score(0.64f, 0.25f), 0.4f);

    // Location 1: dw = 1000 / 5 clamped at log(1000/16): width 64 * 62.5 = 4000, clipped to the resized image.
    const LocationOutputs w = score_location(l.probes, l.chunk, default_model_info(), l.result, 0, 1);
    QCOMPARE(w.box[0], 0.0f);
    QCOMPARE(w.box[2], 399.0f * 0.5f);
    QCOMPARE(w.centerness, sigmoid(2));
    const LocationOutputs m = score_location(l.probes, l.chunk, withAggregation(ScoreAggregation::Max), l.result, 0, 1);
    QCOMPARE(m.label_scores.at(1), sigmoid(0));  // MAX of sigmoid(-2), sigmoid(0)

    QVERIFY_THROWS_EXCEPTION(Error, score_location(l.probes, l.chunk, default_model_info(), l.result, 0, 2));
    QVERIFY_THROWS_EXCEPTION(Error, score_location(l.probes, l.chunk, default_model_info(), l.result, 1, 0));
    PromptChunk outside = l.chunk;
    outside.label_tokens[3] = {7};
    QVERIFY_THROWS_EXCEPTION(Error, score_location(l.probes, outside, default_model_info(), l.result, 0, 0));
  }

  void labelScoreMapEqualsScoreLocation() {
    const OneLevel l;
    const TensorView& logits = l.probes.at("head.dot_product_logits.p3");
    for (ScoreAggregation a : {ScoreAggregation::Mean, ScoreAggregation::Max}) {
      const ModelInfo info = withAggregation(a);
      for (int label : {1, 2}) {
        const std::vector<float> map = label_score_map(logits, l.chunk, label, info);
        QCOMPARE(map.size(), size_t{2});
        for (int64_t loc = 0; loc < 2; ++loc)
          QCOMPARE(map[size_t(loc)], score_location(l.probes, l.chunk, info, l.result, 0, loc).label_scores.at(label));
      }
    }
    PromptChunk cut = l.chunk;
    cut.label_tokens[3] = {};  // cut by truncation: no score
    QVERIFY_THROWS_EXCEPTION(Error, label_score_map(logits, cut, 3, default_model_info()));
    const std::vector<float> p = probabilities(l.probes.at("head.centerness.p3"));
    QCOMPARE(p.size(), size_t{2});
    QCOMPARE(p[0], 0.5f);
    QCOMPARE(p[1], sigmoid(2));
    QVERIFY_THROWS_EXCEPTION(Error, TensorView::of({2, 2}, {1, 2, 3}));
  }
};

QTEST_GUILESS_MAIN(TestEngineApi)
#include "test_engine_api.moc"
