#include "core/post/atss_postprocessor.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <string>

#include "core/common/error.h"
#include "core/common/shape.h"
#include "core/ops/nms/nms.h"

namespace glip::post {
namespace {

[[noreturn]] void fail(const std::string& what) { throw glip::Error("ATSS post-processing: " + what); }

// The largest label (0 for an empty map); labels must be 1-based. A label may have an empty token list.
int64_t largest_label(const PositiveMap& pm) {
  int64_t m = 0;
  for (const auto& [label, tokens] : pm) {
    if (label < 1) fail("positive map label " + std::to_string(label) + " is not 1-based");
    m = std::max(m, label);
  }
  return m;
}

}  // namespace

at::Tensor label_scores(const at::Tensor& prob, const PositiveMap& pm, int64_t width, ScoreAgg agg) {
  at::Tensor scores = at::zeros({1, prob.size(1), width}, prob.options());
  if (agg == ScoreAgg::kOneHot) {
    const int64_t k = static_cast<int64_t>(pm.size());
    if (k > prob.size(2)) fail("ONEHOT aggregation needs at least as many tokens as labels");
    scores.narrow(2, 0, k).copy_(prob.narrow(2, 0, k));
    return scores;
  }
  for (const auto& [label, tokens] : pm) {
    if (tokens.empty()) continue;
    const at::Tensor idx = at::tensor(tokens, at::kLong);
    const at::Tensor sel = prob.index_select(2, idx);  // 1 x P x n
    scores.select(2, label - 1).copy_(agg == ScoreAgg::kMean ? sel.mean(-1) : std::get<0>(sel.max(-1)));
  }
  return scores;
}

namespace {

struct LevelCandidates {
  at::Tensor anchor_index, labels, label_scores, centerness, scores, boxes;
  int64_t above_threshold = 0, removed_small = 0;
};

LevelCandidates level_candidates(const AtssLevelInput& in, size_t li, const PositiveMap& pm, int64_t width,
                                 ImageSizeHW size, const AtssParams& p) {
  const std::string lvl = "level " + std::to_string(li) + ": ";
  const at::Tensor& br = in.box_regression;
  if (!br.defined() || br.dim() != 4 || br.size(0) != 1 || br.size(1) != 4)
    fail(lvl + "box_regression must be 1 x 4 x h x w, got " + (br.defined() ? shape_str(br.sizes()) : "undefined"));
  const int64_t h = br.size(2), w = br.size(3), npos = h * w;
  const at::Tensor& ct = in.centerness;
  if (!ct.defined() || ct.dim() != 4 || ct.size(0) != 1 || ct.size(1) != 1 || ct.size(2) != h || ct.size(3) != w)
    fail(lvl + "centerness must be 1 x 1 x " + std::to_string(h) + " x " + std::to_string(w));
  const at::Tensor& dl = in.dot_product_logits;
  if (!dl.defined() || dl.dim() != 3 || dl.size(0) != 1 || dl.size(1) != npos)
    fail(lvl + "dot_product_logits must be 1 x " + std::to_string(npos) + " x T, got " +
         (dl.defined() ? shape_str(dl.sizes()) : "undefined"));
  const at::Tensor& an = in.anchors;
  if (!an.defined() || an.dim() != 2 || an.size(0) != npos || an.size(1) != 4)
    fail(lvl + "anchors must be " + std::to_string(npos) + " x 4, got " + (an.defined() ? shape_str(an.sizes()) : "undefined"));
  for (const auto& [label, tokens] : pm)
    for (int64_t t : tokens)
      if (t < 0 || t >= dl.size(2))
        fail("token index " + std::to_string(t) + " of label " + std::to_string(label) + " is outside the " +
             std::to_string(dl.size(2)) + " logit tokens");

  const at::Tensor prob = at::sigmoid(dl.to(at::kFloat));                    // 1 x P x T
  const at::Tensor cls = label_scores(prob, pm, width, p.score_agg);         // 1 x P x L
  const at::Tensor regression = br.to(at::kFloat).permute({0, 2, 3, 1}).reshape({1, -1, 4});  // 1 x P x 4
  const at::Tensor candidate = cls > p.inference_threshold;                  // 1 x P x L
  // A label with an empty token list (its text was cut by MAX_QUERY_LEN truncation): the official MEAN / MAX over
  // no tokens is NaN and NaN > threshold is false, so it is never a candidate (whatever the threshold).
  if (p.score_agg != ScoreAgg::kOneHot)
    for (const auto& [label, tokens] : pm)
      if (tokens.empty()) candidate.select(2, label - 1).fill_(false);
  const int64_t n_above = candidate.sum().item<int64_t>();
  const int64_t top_n = std::min(n_above, p.pre_nms_top_n);
  const at::Tensor ctr = at::sigmoid(ct.to(at::kFloat).reshape({1, -1}));    // 1 x P
  const at::Tensor weighted = cls * ctr.unsqueeze(2);                        // 1 x P x L

  const at::Tensor per_cls = weighted[0].masked_select(candidate[0]);        // n_above
  auto [top_vals, top_idx] = per_cls.topk(top_n, /*dim=*/-1, /*largest=*/true, /*sorted=*/false);
  const at::Tensor nz = candidate[0].nonzero().index_select(0, top_idx);     // top_n x 2 (location, column)
  const at::Tensor loc = nz.select(1, 0).contiguous();
  const at::Tensor col = nz.select(1, 1).contiguous();

  LevelCandidates c;
  c.above_threshold = n_above;
  const at::Tensor boxes = decode_boxes(regression[0].index_select(0, loc), an.to(at::kFloat).index_select(0, loc));
  c.boxes = clip_boxes(boxes, size);                                         // top_n x 4
  c.scores = at::sqrt(top_vals);
  c.anchor_index = loc;
  c.labels = col + 1;
  c.label_scores = cls[0].index({loc, col});
  c.centerness = ctr[0].index_select(0, loc);
  const at::Tensor keep = small_boxes_keep(c.boxes, p.min_size);
  c.removed_small = top_n - keep.size(0);
  if (c.removed_small > 0) {
    for (at::Tensor* t : {&c.boxes, &c.scores, &c.anchor_index, &c.labels, &c.label_scores, &c.centerness})
      *t = t->index_select(0, keep);
  }
  return c;
}

}  // namespace

AtssOutput atss_postprocess(const std::vector<AtssLevelInput>& levels, const PositiveMap& positive_map,
                            ImageSizeHW image_size, const AtssParams& params, TensorProbe* probe) {
  if (levels.empty()) fail("no pyramid levels given");
  if (image_size.height < 1 || image_size.width < 1)
    fail("image size " + std::to_string(image_size.height) + "x" + std::to_string(image_size.width) + " is empty");
  // At least one column, so that a map without labels (or without tokens) runs the ordinary path to "no
  // candidates" (a zero column never passes a threshold >= 0, like the official zero-initialised scores).
  const int64_t largest = largest_label(positive_map);  // also validates the labels
  const int64_t width = std::max<int64_t>(
      1, params.score_agg == ScoreAgg::kOneHot ? static_cast<int64_t>(positive_map.size()) : largest);

  std::vector<at::Tensor> lv, ai, lb, ls, ce, sc, bx;
  AtssOutput out;
  for (size_t i = 0; i < levels.size(); ++i) {
    LevelCandidates c = level_candidates(levels[i], i, positive_map, width, image_size, params);
    lv.push_back(at::full({c.scores.size(0)}, static_cast<int64_t>(i), at::kLong));
    ai.push_back(c.anchor_index);
    lb.push_back(c.labels);
    ls.push_back(c.label_scores);
    ce.push_back(c.centerness);
    sc.push_back(c.scores);
    bx.push_back(c.boxes);
    out.above_threshold.push_back(c.above_threshold);
    out.removed_small.push_back(c.removed_small);
  }
  AtssCandidates& cand = out.candidates;
  cand.level = at::cat(lv);
  cand.anchor_index = at::cat(ai);
  cand.labels = at::cat(lb);
  cand.label_scores = at::cat(ls);
  cand.centerness = at::cat(ce);
  cand.scores = at::cat(sc);
  cand.boxes_xyxy = at::cat(bx);
  probe_put(probe, "post.pre_nms.level", cand.level);
  probe_put(probe, "post.pre_nms.boxes_xyxy", cand.boxes_xyxy);
  probe_put(probe, "post.pre_nms.scores", cand.scores);
  probe_put(probe, "post.pre_nms.labels", cand.labels);

  // boxlist_ml_nms: class-wise NMS over all levels; kept indices ascending.
  at::Tensor keep;
  if (params.nms_threshold > 0) {
    ops::NmsResult nms = ops::ml_nms_explained(cand.boxes_xyxy, cand.scores, cand.labels, params.nms_threshold,
                                              params.generic_nms);
    keep = nms.keep;
    cand.suppressed_by = nms.suppressed_by;
    cand.suppression_iou = nms.suppression_iou;
  } else {  // the official boxlist_ml_nms returns the list unchanged for a threshold <= 0
    keep = at::arange(cand.scores.size(0), at::kLong);
    cand.suppressed_by = at::full({cand.scores.size(0)}, -1, at::kLong);
    cand.suppression_iou = at::zeros({cand.scores.size(0)}, at::kFloat);
  }

  // select_over_all_levels: keep everything scoring >= the (M - K + 1)-th smallest score.
  cand.removed_by_top_k = at::zeros({cand.scores.size(0)}, at::kBool);
  const int64_t m = keep.size(0), k = params.detections_per_image;
  if (m > k && k > 0) {
    const at::Tensor kept_scores = cand.scores.index_select(0, keep);
    const double thresh = std::get<0>(at::kthvalue(kept_scores, m - k + 1)).item<double>();
    const at::Tensor pass = kept_scores >= thresh;
    cand.removed_by_top_k.index_put_({keep.masked_select(~pass)}, true);
    keep = keep.masked_select(pass);
  }
  Detections& det = out.detections;
  det.candidate_index = keep;
  det.boxes_xyxy = cand.boxes_xyxy.index_select(0, keep);
  det.scores = cand.scores.index_select(0, keep);
  det.labels = cand.labels.index_select(0, keep);
  probe_put(probe, "final.resized.boxes_xyxy", det.boxes_xyxy);
  probe_put(probe, "final.resized.scores", det.scores);
  probe_put(probe, "final.resized.labels", det.labels);
  return out;
}

OriginalDetections to_original_image(const Detections& d, ImageSizeHW resized_size, ImageSizeHW original_size,
                                     TensorProbe* probe) {
  if (resized_size.height < 1 || resized_size.width < 1 || original_size.height < 1 || original_size.width < 1)
    fail("image sizes must be positive to rescale detections");
  OriginalDetections o;
  o.boxes_xyxy = resize_boxes(d.boxes_xyxy, resized_size, original_size);
  o.boxes_xywh = xyxy_to_xywh(o.boxes_xyxy);
  o.scores = d.scores;
  o.labels = d.labels;
  probe_put(probe, "final.orig.boxes_xyxy", o.boxes_xyxy);
  probe_put(probe, "final.orig.scores", o.scores);
  probe_put(probe, "final.orig.labels", o.labels);
  probe_put(probe, "final.orig.boxes_xywh", o.boxes_xywh);
  return o;
}

}  // namespace glip::post
