#include "core/eval/eval_output.h"

#include <charconv>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/coco/coco.h"

namespace glip::eval {
namespace {

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string number_text(double x) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), x);
  return std::string(buf, r.ptr);
}

}  // namespace

std::string metrics_json(const EvalResult& result) {
  nlohmann::ordered_json j;
  j["iou_type"] = "bbox";
  for (size_t i = 0; i < kStatNames.size(); ++i) j[kStatNames[i]] = result.stats[i];
  j["num_images"] = result.image_ids.size();
  j["num_categories"] = result.category_ids.size();
  j["num_detections"] = result.num_detections;
  j["num_dropped_detections"] = result.num_dropped_categories;
  nlohmann::ordered_json per = nlohmann::ordered_json::array();
  for (const CategoryAP& c : result.per_category) {
    nlohmann::ordered_json e;
    e["id"] = c.id;
    e["name"] = c.name;
    e["AP"] = c.ap;
    e["AP50"] = c.ap50;
    e["num_gt"] = c.num_gt;
    e["num_det"] = c.num_det;
    per.push_back(std::move(e));
  }
  j["per_category"] = std::move(per);
  return j.dump(1) + "\n";
}

std::string per_category_csv(const EvalResult& result) {
  std::string out = "category_id,name,AP,AP50,num_gt,num_det\n";
  for (const CategoryAP& c : result.per_category) {
    out += std::to_string(c.id) + "," + csv_field(c.name) + "," + number_text(c.ap) + "," + number_text(c.ap50) + "," +
           std::to_string(c.num_gt) + "," + std::to_string(c.num_det) + "\n";
  }
  return out;
}

std::string write_eval_outputs(const std::string& dir, const EvalResult& result) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir)) throw Error("cannot create output directory '" + dir + "': " + ec.message());
  const std::string metrics = (fs::path(dir) / "metrics.json").string();
  write_file_atomic(metrics, metrics_json(result));
  write_file_atomic((fs::path(dir) / "per_category_ap.csv").string(), per_category_csv(result));
  return metrics;
}

EvalResult evaluate_results_file(const std::string& results_path, const std::string& ann_file, int num_threads) {
  const coco::Dataset gt = read_ground_truth(ann_file);
  const std::vector<coco::Result> dets = coco::read_results(results_path);
  try {
    return evaluate_bbox(gt, dets, num_threads);
  } catch (const Error& e) {
    throw Error(results_path + ": " + e.what());
  }
}

}  // namespace glip::eval
