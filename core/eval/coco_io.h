// COCO files: a ground-truth dataset (instances_*.json style) and a bbox results file (the list that
// pycocotools' COCO.loadRes reads). Both are parsed with a streaming (SAX) reader, so segmentation polygons and
// other unused fields are skipped without building a DOM: a 5,000-image x 100-detection results file parses in
// well under a second.
//
//   glip::eval::CocoDataset gt = glip::eval::read_coco_dataset("instances_val2017.json");
//   std::vector<glip::eval::Detection> dets = glip::eval::read_detections("bbox.json");
//
// Malformed JSON, a wrong top-level type, a missing or mistyped field throw glip::Error naming the file, the
// array element (e.g. "annotations[12]" or "[5]") and the field.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace glip::eval {

struct CocoImage {
  int64_t id = 0;
  int64_t width = 0;   // 0 when absent
  int64_t height = 0;  // 0 when absent
  std::string file_name;
};

struct CocoCategory {
  int64_t id = 0;
  std::string name;  // "" when absent
};

// One ground-truth annotation. Required: id, image_id, category_id, bbox. `area` defaults to bbox w*h and
// `iscrowd` to 0 when absent (pycocotools would fail on such files). `ignore` is read for completeness but, as in
// pycocotools (COCOeval._prepare overwrites it with iscrowd), it does not affect the evaluation.
struct CocoAnnotation {
  int64_t id = 0;
  int64_t image_id = 0;
  int64_t category_id = 0;
  std::array<double, 4> bbox{};  // x, y, w, h
  double area = 0;
  int64_t iscrowd = 0;
  int64_t ignore = 0;
};

struct CocoDataset {
  std::vector<CocoImage> images;
  std::vector<CocoAnnotation> annotations;
  std::vector<CocoCategory> categories;
  std::string source;  // file name (or origin) it was read from, for messages
};

// One detection of a bbox results file: {"image_id", "category_id", "bbox": [x, y, w, h], "score"}.
struct Detection {
  int64_t image_id = 0;
  int64_t category_id = 0;
  std::array<double, 4> bbox{};  // x, y, w, h
  double score = 0;
};

// Ground truth. Duplicate annotation ids are an error (pycocotools would silently evaluate one of them twice).
CocoDataset read_coco_dataset(const std::string& path);
CocoDataset parse_coco_dataset(std::string_view json_text, const std::string& origin);

// Results: a JSON array of detection objects (extra fields such as "segmentation" are ignored).
std::vector<Detection> read_detections(const std::string& path);
std::vector<Detection> parse_detections(std::string_view json_text, const std::string& origin);

// The results file format again (shortest round-trip number formatting), and its atomic write.
std::string detections_to_json(const std::vector<Detection>& detections);
void write_detections(const std::string& path, const std::vector<Detection>& detections);


}  // namespace glip::eval
