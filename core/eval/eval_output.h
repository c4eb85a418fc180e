// Files written by `glip eval`: metrics.json and per_category_ap.csv, both atomically (temp file + rename).
//
// metrics.json (numbers are fractions, -1 where pycocotools gives -1):
//   {"iou_type": "bbox", "AP": .., "AP50": .., "AP75": .., "APs": .., "APm": .., "APl": ..,
//    "AR1": .., "AR10": .., "AR100": .., "ARs": .., "ARm": .., "ARl": ..,
//    "num_images": I, "num_categories": K, "num_detections": N, "num_dropped_detections": n,
//    "per_category": [{"id": 1, "name": "person", "AP": .., "AP50": .., "num_gt": .., "num_det": ..}, ...]}
// per_category_ap.csv: header "category_id,name,AP,AP50,num_gt,num_det", one row per dataset category in id order
// (AP = IoU .50:.95, area all, maxDets 100; -1 for a category without non-crowd ground truth).
#pragma once
#include <string>

#include "core/eval/coco_eval.h"

namespace glip::eval {

std::string metrics_json(const EvalResult& result);       // the metrics.json text
std::string per_category_csv(const EvalResult& result);   // the per_category_ap.csv text

// Creates `dir` if needed and writes dir/metrics.json and dir/per_category_ap.csv. Returns the metrics.json path.
std::string write_eval_outputs(const std::string& dir, const EvalResult& result);

// The results-file evaluation of `glip eval --results R --ann-file A`: reads both files and evaluates.
EvalResult evaluate_results_file(const std::string& results_path, const std::string& ann_file, int num_threads = 0);

}  // namespace glip::eval
