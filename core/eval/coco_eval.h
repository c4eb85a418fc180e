// COCO bbox evaluation, numerically equal to pycocotools' COCOeval(gt, gt.loadRes(results), 'bbox') with the
// default parameters: evaluate() + accumulate() + summarize().
//
//   glip::coco::Dataset gt = glip::eval::read_ground_truth("instances_val2017.json");
//   glip::eval::EvalResult r = glip::eval::evaluate_bbox(gt, glip::coco::read_results("bbox.json"));
//   std::cout << glip::eval::format_summary(r);   // the 12 familiar lines
//   double ap = r.stats[0];                        // AP @[.50:.95]
//
// Semantics reproduced from pycocotools (coco.py, cocoeval.py, maskApi.c bbIou):
//  - loadRes: detection ids are 1..N in file order, area = w*h, iscrowd = 0; a detection whose image_id is not an
//    image of the dataset is an error; detections of categories not in the dataset's categories are dropped.
//  - params: imgIds = all dataset images, catIds = all dataset categories (sorted); iouThrs and recThrs built like
//    np.linspace; maxDets 1/10/100; areaRng all [0, 1e10], small [0, 32^2], medium [32^2, 96^2], large
//    [96^2, 1e10] (bounds inclusive on both sides).
//  - evaluateImg: gt ignore = iscrowd (the file's "ignore" field is overwritten, as in pycocotools) or area out of
//    range; gts sorted non-ignored first, dts by score descending, both with stable ordering (mergesort); crowd
//    IoU = intersection / detection area; greedy matching at each IoU threshold; unmatched dts out of range are
//    ignored. At most maxDets[-1] = 100 detections per image and category are evaluated.
//  - accumulate: dts of all images concatenated in image-id order and stably sorted by score; the precision
//    envelope and the 101-point interpolation with searchsorted(side='left'); -1 where there is no non-ignored gt.
//  - summarize: means over entries > -1, -1 when there is none.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/coco/coco.h"

namespace glip::eval {

struct EvalParams {
  std::vector<double> iou_thrs;   // T = 10: .50:.05:.95
  std::vector<double> rec_thrs;   // R = 101: 0:.01:1
  std::vector<int64_t> max_dets;  // M = 3: 1, 10, 100 (sorted ascending)
  std::vector<std::array<double, 2>> area_rng;  // A = 4
  std::vector<std::string> area_lbl;            // all, small, medium, large

  static EvalParams bbox_defaults();
};

// Names of the 12 summary statistics, in pycocotools' order (the keys of metrics.json).
extern const std::array<const char*, 12> kStatNames;

struct CategoryAP {
  int64_t id = 0;
  std::string name;
  double ap = -1;    // mean precision over IoU .50:.95, area all, maxDets 100 (entries > -1); -1 if none
  double ap50 = -1;  // same at IoU .50
  int64_t num_gt = 0;   // non-crowd ground truths
  int64_t num_det = 0;  // detections of this category (before the 100-per-image cut)
};

struct EvalResult {
  EvalParams params;
  std::vector<int64_t> image_ids;     // I, sorted
  std::vector<int64_t> category_ids;  // K, sorted
  std::array<double, 12> stats{};     // AP, AP50, AP75, APs, APm, APl, AR1, AR10, AR100, ARs, ARm, ARl
  std::vector<CategoryAP> per_category;  // in category_ids order
  std::vector<double> precision;  // [T][R][K][A][M], -1 where undefined (as COCOeval.eval['precision'])
  std::vector<double> recall;     // [T][K][A][M]
  int64_t num_detections = 0;          // detections in the results
  int64_t num_dropped_categories = 0;  // detections whose category is not in the dataset (dropped)

  double precision_at(size_t t, size_t r, size_t k, size_t a, size_t m) const;
  double recall_at(size_t t, size_t k, size_t a, size_t m) const;
};

// Runs the evaluation. Throws glip::Error if a detection names an image that is not in the dataset.
// `num_threads` <= 0 uses std::thread::hardware_concurrency(); the result does not depend on it.
EvalResult evaluate_bbox(const coco::Dataset& gt, const std::vector<coco::Result>& detections,
                         int num_threads = 0);

// Ground truth for the evaluation: coco::read_dataset, and duplicate annotation ids are an error (pycocotools would
// silently evaluate one of them twice).
coco::Dataset read_ground_truth(const std::string& path);

// The 12 summary lines exactly as COCOeval.summarize() prints them (each ends with '\n').
std::string format_summary(const EvalResult& result);

}  // namespace glip::eval
