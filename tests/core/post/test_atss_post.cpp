// ATSS post-processing on hand-derived cases: box decoding/clipping/resizing, the threshold-before-centerness
// rule, score aggregation, labels without tokens, NMS explanation, the kthvalue top-K tie rule, config mapping and
// bad input.
#include <ATen/ATen.h>
#include <QtTest>
#include <c10/core/InferenceMode.h>

#include <cmath>
#include <vector>

#include "core/common/error.h"
#include "core/config/config.h"
#include "core/post/atss_postprocessor.h"
#include "core/post/boxes.h"

using namespace glip::post;

namespace {

at::Tensor boxes(std::vector<float> v) { return at::tensor(v, at::kFloat).view({-1, 4}); }
double max_abs(const at::Tensor& a, const at::Tensor& b) { return (a - b).abs().max().item<double>(); }
float logit(double p) { return static_cast<float>(std::log(p / (1 - p))); }

// One level of h = 1, w = n locations; location i has anchor (20i, 0, 20i + 9, 9) unless overridden, zero box
// regression (the box is the anchor), the given centerness logits and token logits (n x T).
AtssLevelInput make_level(const std::vector<std::vector<float>>& token_logits, const std::vector<float>& ctr,
                          std::vector<int64_t> anchor_slot = {}) {
  const int64_t n = static_cast<int64_t>(token_logits.size()), t = static_cast<int64_t>(token_logits[0].size());
  AtssLevelInput in;
  in.box_regression = at::zeros({1, 4, 1, n});
  in.centerness = at::tensor(ctr, at::kFloat).view({1, 1, 1, n});
  std::vector<float> flat;
  for (const auto& row : token_logits) flat.insert(flat.end(), row.begin(), row.end());
  in.dot_product_logits = at::tensor(flat, at::kFloat).view({1, n, t});
  in.anchors = at::zeros({n, 4});
  for (int64_t i = 0; i < n; ++i) {
    const float x = 20.f * static_cast<float>(anchor_slot.empty() ? i : anchor_slot[i]);
    in.anchors[i] = at::tensor({x, 0.f, x + 9.f, 9.f});
  }
  return in;
}

int64_t row_of_anchor(const AtssCandidates& c, int64_t anchor) {
  const at::Tensor r = (c.anchor_index == anchor).nonzero();
  return r.size(0) == 1 ? r[0][0].item<int64_t>() : -1;
}

}  // namespace

class TestAtssPost : public QObject {
  Q_OBJECT
 private slots:
  // Anchor (0,0,15,15): w = h = 16, centre 7.5. dx = 10 -> +1 width; dw = 5*log 2 -> width 32:
  // x1 = 23.5 - 15.5 = 8, x2 = 23.5 + 15.5 = 39. dw = 100 clamps at log(1000/16): width 1000, x = 7.5 -+ 499.5.
  void decode_hand_values() {
    c10::InferenceMode guard;
    const at::Tensor anchors = boxes({0, 0, 15, 15, 0, 0, 15, 15});
    const at::Tensor codes = at::tensor({10.f, 0.f, static_cast<float>(5 * std::log(2.0)), 0.f,  //
                                         0.f, 0.f, 100.f, 0.f})
                                 .view({2, 4});
    const at::Tensor got = decode_boxes(codes, anchors);
    QVERIFY(max_abs(got, boxes({8, 0, 39, 15, -492, 0, 507, 15})) < 1e-3);
    QVERIFY(max_abs(clip_boxes(got, ImageSizeHW{10, 20}), boxes({8, 0, 19, 9, 0, 0, 19, 9})) == 0);
  }

  void resize_and_xywh() {
    c10::InferenceMode guard;
    const at::Tensor b = boxes({10, 20, 29, 39});
    // x by 300/200, y by 50/100.
    QVERIFY(max_abs(resize_boxes(b, ImageSizeHW{100, 200}, ImageSizeHW{50, 300}), boxes({15, 10, 43.5, 19.5})) == 0);
    QVERIFY(max_abs(xyxy_to_xywh(b), boxes({10, 20, 20, 20})) == 0);  // "+1" widths
    QCOMPARE(small_boxes_keep(boxes({0, 0, 4, 4, 0, 0, 2, 9}), 4).size(0), int64_t{1});  // widths 5 and 3
  }

  // Threshold on the label score before centerness; NMS explanation; kthvalue tie rule.
  void selection_rules() {
    c10::InferenceMode guard;
    // loc:            0     1     2     3     4     5 (=anchor of 0)  6 (low ctr)  7 (p = 0.04)
    std::vector<float> p = {0.9f, 0.7f, 0.6f, 0.6f, 0.5f, 0.8f, 0.06f, 0.04f};
    std::vector<float> ctr = {30, 30, 30, 30, 30, 30, -5, 30};  // sigmoid(30) == 1 in float
    std::vector<std::vector<float>> logits;
    for (float v : p) logits.push_back({logit(v)});
    AtssLevelInput lvl = make_level(logits, ctr, {0, 1, 2, 3, 4, 0, 6, 7});
    AtssParams params;
    params.detections_per_image = 3;
    AtssOutput out = atss_postprocess({lvl}, PositiveMap{{1, {0}}}, ImageSizeHW{100, 200}, params);
    const AtssCandidates& c = out.candidates;
    QCOMPARE(c.scores.size(0), int64_t{7});  // location 7 (0.04) is below the threshold
    QCOMPARE(out.above_threshold[0], int64_t{7});
    QCOMPARE(row_of_anchor(c, 7), int64_t{-1});
    const int64_t r6 = row_of_anchor(c, 6);
    QVERIFY(r6 >= 0);  // label score 0.06 > 0.05 although the final score is ~0.02
    QVERIFY(c.scores[r6].item<float>() < 0.05f);
    QVERIFY(std::abs(c.label_scores[r6].item<float>() - 0.06f) < 1e-6);
    // Location 5 has location 0's box and a lower score: suppressed by it with IoU 1.
    const int64_t r0 = row_of_anchor(c, 0), r5 = row_of_anchor(c, 5);
    QCOMPARE(c.suppressed_by[r5].item<int64_t>(), r0);
    QCOMPARE(c.suppression_iou[r5].item<float>(), 1.f);
    // NMS keeps 6 (0,1,2,3,4,6); the 4th smallest score is sqrt(0.6) (locations 2 and 3 tie): scores >= it stay,
    // so 4 detections (> 3) and locations 4 and 6 are cut.
    QCOMPARE(out.detections.scores.size(0), int64_t{4});
    QVERIFY(c.removed_by_top_k[row_of_anchor(c, 4)].item<bool>());
    QVERIFY(c.removed_by_top_k[r6].item<bool>());
    QCOMPARE(c.removed_by_top_k.sum().item<int64_t>(), int64_t{2});
    // Detections are in candidate order (kept indices ascending); scores = sqrt(p).
    QVERIFY(at::equal(out.detections.candidate_index, std::get<0>(out.detections.candidate_index.sort())));
    QVERIFY(max_abs(std::get<0>(out.detections.scores.sort()),
                    at::sqrt(at::tensor({0.6f, 0.6f, 0.7f, 0.9f}))) < 1e-6);
    QVERIFY(at::equal(out.detections.labels, at::ones({4}, at::kLong)));

    // Per-level top-n: only the 2 best by label score x centerness survive.
    params.pre_nms_top_n = 2;
    AtssOutput top2 = atss_postprocess({lvl}, PositiveMap{{1, {0}}}, ImageSizeHW{100, 200}, params);
    QCOMPARE(top2.candidates.scores.size(0), int64_t{2});
    QVERIFY(at::equal(std::get<0>(top2.candidates.anchor_index.sort()), at::tensor({0, 5}, at::kLong)));
  }

  // MEAN / MAX over a label's tokens; labels without a token in the map have a zero column.
  void score_aggregation() {
    c10::InferenceMode guard;
    AtssLevelInput lvl = make_level({{2.f, -1.f, 0.f}}, {30});
    const PositiveMap pm{{1, {0, 2}}, {3, {1}}};
    const double s2 = 1 / (1 + std::exp(-2.0)), s0 = 0.5, sm1 = 1 / (1 + std::exp(1.0));
    for (ScoreAgg agg : {ScoreAgg::kMean, ScoreAgg::kMax}) {
      AtssParams params;
      params.score_agg = agg;
      AtssOutput out = atss_postprocess({lvl}, pm, ImageSizeHW{50, 50}, params);
      const AtssCandidates& c = out.candidates;
      QCOMPARE(c.labels.size(0), int64_t{2});
      const at::Tensor order = std::get<1>(c.labels.sort());
      QVERIFY(at::equal(c.labels.index_select(0, order), at::tensor({1, 3}, at::kLong)));
      const double want1 = agg == ScoreAgg::kMean ? (s2 + s0) / 2 : s2;
      QVERIFY(std::abs(c.label_scores[order[0]].item<double>() - want1) < 1e-6);
      QVERIFY(std::abs(c.label_scores[order[1]].item<double>() - sm1) < 1e-6);
      // Different labels on the same box: both detections survive class-wise NMS.
      QCOMPARE(out.detections.labels.size(0), int64_t{2});
    }
  }

  void empty_levels() {
    c10::InferenceMode guard;
    AtssLevelInput a = make_level({{-9.f}, {-9.f}}, {0, 0});
    AtssOutput out = atss_postprocess({a, a}, PositiveMap{{1, {0}}}, ImageSizeHW{50, 50}, AtssParams{});
    QCOMPARE(out.candidates.scores.size(0), int64_t{0});
    QCOMPARE(out.detections.boxes_xyxy.size(0), int64_t{0});
    QCOMPARE(out.detections.boxes_xyxy.size(1), int64_t{4});
    OriginalDetections o = to_original_image(out.detections, ImageSizeHW{50, 50}, ImageSizeHW{100, 80});
    QCOMPARE(o.boxes_xywh.size(0), int64_t{0});
  }

  // A label with an empty token list (cut by MAX_QUERY_LEN truncation) has no candidates, whatever the threshold
  // (the official mean over no tokens is NaN, never > threshold); the other labels' candidates, scores, boxes and
  // order are exactly those of the map without it. Hand-derived: location 0 p = (s(2), s(-1)) = (.88, .27),
  // location 1 (s(.5), s(1)) = (.62, .73), location 2 (s(-3), s(0)) = (.047, .5): 5 pairs above 0.05.
  void labels_without_tokens() {
    c10::InferenceMode guard;
    AtssLevelInput lvl = make_level({{2.f, -1.f}, {0.5f, 1.f}, {-3.f, 0.f}}, {30, 30, 30});
    const ImageSizeHW size{50, 80};
    const PositiveMap with_empty{{1, {0}}, {2, {}}, {3, {1}}, {4, {}}};
    for (ScoreAgg agg : {ScoreAgg::kMean, ScoreAgg::kMax}) {
      AtssParams params;
      params.score_agg = agg;
      const AtssOutput ref = atss_postprocess({lvl}, PositiveMap{{1, {0}}, {3, {1}}}, size, params);
      const AtssOutput got = atss_postprocess({lvl}, with_empty, size, params);
      QCOMPARE(got.candidates.labels.size(0), int64_t{5});
      QCOMPARE(std::get<0>(got.candidates.labels.sort()).sum().item<int64_t>(), int64_t{1 + 1 + 3 + 3 + 3});
      QCOMPARE(got.above_threshold, ref.above_threshold);
      QVERIFY(at::equal(got.candidates.labels, ref.candidates.labels));
      QVERIFY(at::equal(got.candidates.scores, ref.candidates.scores));
      QVERIFY(at::equal(got.candidates.boxes_xyxy, ref.candidates.boxes_xyxy));
      QVERIFY(at::equal(got.detections.candidate_index, ref.detections.candidate_index));
      QVERIFY(at::equal(got.detections.scores, ref.detections.scores));
      QVERIFY(at::equal(got.detections.boxes_xyxy, ref.detections.boxes_xyxy));
      QVERIFY(at::equal(got.detections.labels, ref.detections.labels));
    }
    // A negative threshold: every (location, label with tokens) pair is a candidate, no label without tokens is.
    AtssParams all;
    all.inference_threshold = -1;
    const AtssOutput neg = atss_postprocess({lvl}, with_empty, size, all);
    QCOMPARE(neg.candidates.labels.size(0), int64_t{6});
    QCOMPARE(((neg.candidates.labels == 2) | (neg.candidates.labels == 4)).sum().item<int64_t>(), int64_t{0});
    // Nothing to score: no candidates, no detections, well-formed empty outputs.
    for (const PositiveMap& pm : {PositiveMap{}, PositiveMap{{1, {}}}, PositiveMap{{2, {}}, {5, {}}}}) {
      const AtssOutput none = atss_postprocess({lvl, lvl}, pm, size, AtssParams{});
      QCOMPARE(none.candidates.scores.size(0), int64_t{0});
      QCOMPARE(none.detections.boxes_xyxy.size(0), int64_t{0});
      QCOMPARE(none.detections.boxes_xyxy.size(1), int64_t{4});
      QCOMPARE(none.above_threshold, (std::vector<int64_t>{0, 0}));
      QCOMPARE(to_original_image(none.detections, size, ImageSizeHW{100, 160}).boxes_xywh.size(0), int64_t{0});
    }
  }

  void params_from_config() {
    glip::Config cfg = glip::Config::defaults();
    AtssParams p = atss_params_from_config(cfg);
    QCOMPARE(p.inference_threshold, 0.05);
    QCOMPARE(p.pre_nms_top_n, int64_t{1000});
    QCOMPARE(p.nms_threshold, 0.6);
    QCOMPARE(p.detections_per_image, int64_t{100});
    QCOMPARE(p.min_size, 0.0);
    QVERIFY(p.score_agg == ScoreAgg::kMean);
    cfg.merge_from_list({"MODEL.DYHEAD.SCORE_AGG", "\"MAX\"", "MODEL.ATSS.INFERENCE_TH", "0.1"});
    p = atss_params_from_config(cfg);
    QVERIFY(p.score_agg == ScoreAgg::kMax);
    QCOMPARE(p.inference_threshold, 0.1);
    glip::Config bad = glip::Config::defaults();
    bad.merge_from_list({"MODEL.DYHEAD.SCORE_AGG", "\"SUM\""});
    QVERIFY_THROWS_EXCEPTION(glip::Error, atss_params_from_config(bad));
    glip::Config mdetr = glip::Config::defaults();
    mdetr.merge_from_list({"TEST.MDETR_STYLE_AGGREGATE_CLASS_NUM", "80"});
    QVERIFY_THROWS_EXCEPTION(glip::Error, atss_params_from_config(mdetr));
  }

  void bad_input_throws() {
    c10::InferenceMode guard;
    AtssLevelInput lvl = make_level({{1.f, 1.f}, {1.f, 1.f}}, {0, 0});
    const ImageSizeHW size{50, 50};
    QVERIFY_THROWS_EXCEPTION(glip::Error, atss_postprocess({lvl}, PositiveMap{{1, {2}}}, size, AtssParams{}));
    QVERIFY_THROWS_EXCEPTION(glip::Error, atss_postprocess({lvl}, PositiveMap{{0, {0}}}, size, AtssParams{}));
    QVERIFY_THROWS_EXCEPTION(glip::Error, atss_postprocess({}, PositiveMap{{1, {0}}}, size, AtssParams{}));
    QVERIFY_THROWS_EXCEPTION(glip::Error, atss_postprocess({lvl}, PositiveMap{{1, {0}}}, ImageSizeHW{0, 5}, AtssParams{}));
    AtssLevelInput wrong = lvl;
    wrong.anchors = at::zeros({3, 4});
    QVERIFY_THROWS_EXCEPTION(glip::Error, atss_postprocess({wrong}, PositiveMap{{1, {0}}}, size, AtssParams{}));
    wrong = lvl;
    wrong.dot_product_logits = at::zeros({1, 3, 2});
    QVERIFY_THROWS_EXCEPTION(glip::Error, atss_postprocess({wrong}, PositiveMap{{1, {0}}}, size, AtssParams{}));
    wrong = lvl;
    wrong.centerness = at::zeros({1, 1, 2, 1});
    QVERIFY_THROWS_EXCEPTION(glip::Error, atss_postprocess({wrong}, PositiveMap{{1, {0}}}, size, AtssParams{}));
  }
};

QTEST_APPLESS_MAIN(TestAtssPost)
#include "test_atss_post.moc"
