// ATSS post-processing of GLIP's dot-product (grounding) head, as maskrcnn_benchmark/modeling/rpn/inference.py
// ATSSPostProcessor (forward_for_single_feature_map + select_over_all_levels) with convert_grounding_to_od_logits,
// plus the final BoxList.resize / convert("xywh") to the original image. Batch size 1.
//
// Per level (h x w locations, T valid tokens):
//   prob    = sigmoid(dot_product_logits)                         (h*w) x T
//   s[:, j-1] = MEAN (or MAX) of prob over label j's tokens        (h*w) x L, L = largest label id
//   candidate  <=> s > inference_threshold (before centerness); at most pre_nms_top_n per level by topk of
//              s * sigmoid(centerness) (topk(sorted=False): the candidates' order within a level is libtorch's);
//   score    = sqrt(s * sigmoid(centerness)); box = decode(box_regression, anchor) clipped to the unpadded image;
//   boxes with a "+1" side < min_size are dropped.
// All levels: class-wise NMS (ml_nms, IoU > nms_threshold, "+1" areas); if more than detections_per_image remain,
// everything scoring >= the kthvalue threshold is kept (ties can keep more).
//
// Labels without tokens. A label whose token list is empty (its phrase was cut by MAX_QUERY_LEN truncation: the
// official create_positive_map_label_to_token_from_positive_map gives it []) has no detections: the official
// MEAN / MAX over no tokens is NaN, never above the threshold. A label absent from the map has a zero column, as
// officially. Either way the other labels' candidates, scores and order are exactly those of the map without it.
//
// Score width. The official code writes label j to column j-1 of a tensor whose width comes from the unused
// cls_logits conv (MODEL.DYHEAD.NUM_CLASSES - 1 = 80), so a prompt with labels beyond 80 fails there (IndexError).
// Here the width is the largest label in the positive map; the candidates and their order are the same whenever
// the official code runs (column order does not depend on the width).
#pragma once
#include <ATen/Tensor.h>

#include <cstdint>
#include <map>
#include <vector>

#include "core/probe/probe.h"
#include "core/post/boxes.h"

namespace glip {
class Config;
}

namespace glip::post {

// label (1-based) -> token indices into the logits' T dimension (the same type as core/text's PositiveMap).
using PositiveMap = std::map<int64_t, std::vector<int64_t>>;

enum class ScoreAgg {
  kMean,    // "MEAN": mean of the label's token probabilities (GLIP's default)
  kMax,     // "MAX": max of them
  kOneHot,  // "ONEHOT": label j = token j-1, for j = 1..number of labels
};

struct AtssParams {
  double inference_threshold = 0.05;   // MODEL.ATSS.INFERENCE_TH
  int64_t pre_nms_top_n = 1000;        // MODEL.ATSS.PRE_NMS_TOP_N (per level)
  double nms_threshold = 0.6;          // MODEL.ATSS.NMS_TH
  int64_t detections_per_image = 100;  // MODEL.ATSS.DETECTIONS_PER_IMG (<= 0: no cut)
  double min_size = 0;                 // make_atss_postprocessor hard-codes 0
  ScoreAgg score_agg = ScoreAgg::kMean;  // MODEL.DYHEAD.SCORE_AGG
  bool generic_nms = false;            // the ATen-only ml_nms on the CPU too (ModelParams::kernels generic)
};

// From the inference keys the official build reads: MODEL.ATSS.{INFERENCE_TH, PRE_NMS_TOP_N, NMS_TH,
// DETECTIONS_PER_IMG}, MODEL.DYHEAD.SCORE_AGG. MODEL.ATSS.NUM_CLASSES is passed to the official post-processor but
// never used. TEST.MDETR_STYLE_AGGREGATE_CLASS_NUM != -1 (another aggregation) is refused with glip::Error.
// Defined in atss_config.cpp.
AtssParams atss_params_from_config(const glip::Config& cfg);

// convert_grounding_to_od_logits on probabilities 1 x P x T -> 1 x P x `width` (label j in column j-1; zeros for
// labels absent from the map; labels with an empty token list are left at zero, atss_postprocess excludes them
// from the candidates). Also the engine's inspection of probes (glip::score_location).
at::Tensor label_scores(const at::Tensor& prob, const PositiveMap& pm, int64_t width, ScoreAgg agg);

// One pyramid level, P3 first. Shapes as the head produces them.
struct AtssLevelInput {
  at::Tensor box_regression;      // 1 x 4 x h x w
  at::Tensor centerness;          // 1 x 1 x h x w (logits)
  at::Tensor dot_product_logits;  // 1 x (h*w) x T (T >= 1 + the largest token index used)
  at::Tensor anchors;             // (h*w) x 4, xyxy
};

// Every pre-NMS candidate (after the threshold, the per-level top-n and remove_small_boxes), all levels
// concatenated in the official order (level by level, within a level libtorch's topk(sorted=False) order).
struct AtssCandidates {
  at::Tensor level;            // N int64, 0 = first level given (P3)
  at::Tensor anchor_index;     // N int64, location (anchor) index within the level, row-major y*w + x
  at::Tensor labels;           // N int64, 1-based
  at::Tensor label_scores;     // N float, aggregated token probability (before centerness)
  at::Tensor centerness;       // N float, sigmoid(centerness)
  at::Tensor scores;           // N float, sqrt(label_score * centerness)
  at::Tensor boxes_xyxy;       // N x 4 float, decoded and clipped, resized-image pixels
  at::Tensor suppressed_by;    // N int64, -1 if NMS kept it, else the index (in this table) of the suppressor
  at::Tensor suppression_iou;  // N float, IoU with the suppressor (0 if kept)
  at::Tensor removed_by_top_k; // N bool, kept by NMS but cut by detections_per_image
};

// Final detections in the official output order.
struct Detections {
  at::Tensor boxes_xyxy;       // M x 4 float
  at::Tensor scores;           // M float
  at::Tensor labels;           // M int64, 1-based
  at::Tensor candidate_index;  // M int64, row in AtssCandidates
};

struct AtssOutput {
  AtssCandidates candidates;
  Detections detections;                      // resized-image pixels
  std::vector<int64_t> above_threshold;       // per level: candidates over the threshold, before the top-n cut
  std::vector<int64_t> removed_small;         // per level: dropped by remove_small_boxes
};

// Probes: post.pre_nms.{level,boxes_xyxy,scores,labels}, final.resized.{boxes_xyxy,scores,labels}.
// Throws glip::Error on inconsistent shapes, token indices outside [0, T) or labels < 1. Labels with an empty
// token list, or an empty map, are not errors: they give no candidates.
AtssOutput atss_postprocess(const std::vector<AtssLevelInput>& levels, const PositiveMap& positive_map,
                            ImageSizeHW image_size, const AtssParams& params, TensorProbe* probe = nullptr);

// Detections mapped to the original image (BoxList.resize: x by W0/w, y by H0/h) with the COCO-style xywh
// (w = x2 - x1 + 1). Probes: final.orig.{boxes_xyxy,scores,labels,boxes_xywh}.
struct OriginalDetections {
  at::Tensor boxes_xyxy;  // M x 4
  at::Tensor boxes_xywh;  // M x 4
  at::Tensor scores;      // M
  at::Tensor labels;      // M int64
};
OriginalDetections to_original_image(const Detections& detections, ImageSizeHW resized_size,
                                     ImageSizeHW original_size, TensorProbe* probe = nullptr);

}  // namespace glip::post
