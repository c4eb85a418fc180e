// COCO files, the one model and reader/writer of core/: datasets (the published cocodataset.org "instances"
// format, as GLIP Studio exports and imports them and as the evaluator reads ground truth) and results files (the
// list that pycocotools' COCO.loadRes reads: raw predictions, `glip predict --format coco-results`, evaluation
// outputs and merged shards). No Qt, no torch: ui/ may include this header.
//
//   glip::coco::DatasetBuilder b;
//   int64_t img = b.add_image("photos/cat.jpg", 640, 480);
//   glip::coco::Attributes a;  a.source = glip::coco::Source::Model;  a.score = 0.87;
//   b.add_box(img, "tabby cat", {12.5, 30, 200, 310}, a);      // x1 y1 x2 y2 -> clamped [x, y, w, h], area = w*h
//   glip::coco::write_dataset("annotations.json", b.dataset());  // validates, then writes atomically
//   glip::coco::Dataset back = glip::coco::read_dataset("annotations.json");
//   std::vector<glip::coco::Result> r = glip::coco::read_results("bbox.json");
//
// Written dataset (keys in this order; "attributes" only when the image / annotation has some):
//   {"info": {"description": ...}, "licenses": [],
//    "images": [{"id", "file_name", "width", "height", "attributes": {"status": "unlabeled"|"predicted"|"edited"|
//                "reviewed", <foreign keys kept verbatim>}}],
//    "annotations": [{"id", "image_id", "category_id", "bbox": [x, y, w, h] (floats), "area", "iscrowd": 0,
//                     "segmentation": [], "attributes": {"source": "model"|"manual"|"edited", "score",
//                     "caption", "span": [[begin, end], ...], <foreign keys kept verbatim>}}],
//    "categories": [{"id", "name" (verbatim, spaces kept), "supercategory"}]}
// Ids start at 1. Boxes use continuous pixel coordinates: w = x2 - x1 (not GLIP's legacy x2 - x1 + 1; see
// ResultsOptions for the results file).
//
// Reading is streaming (SAX): segmentation polygons and other unused fields are skipped without building a DOM, so
// a 5,000-image x 100-detection results file parses in well under a second. Extra fields are tolerated anywhere;
// segmentation polygons are not kept (GLIP Studio edits boxes only). Coordinates of float32 boxes survive
// write -> read exactly: w = x2 - x1 is computed in double (exact for two floats) and written with shortest
// round-trip formatting, so x + w gives x2 back bit for bit.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace glip::coco {

// Where an annotation comes from: the model as predicted, drawn by hand, or a model box changed by hand.
enum class Source { Model, Manual, Edited };
const char* to_string(Source s);                               // "model", "manual", "edited"
std::optional<Source> source_from_string(std::string_view s);  // nullopt for anything else

// GLIP Studio's per-annotation provenance, under "attributes". Every member is optional in the file.
struct Attributes {
  std::optional<Source> source;
  std::optional<double> score;               // model score (kept when a model box is edited)
  std::string caption;                       // the prompt caption ("" = absent)
  std::vector<std::array<int64_t, 2>> span;  // the label's character spans in `caption` (empty = absent)
  std::string extra;                         // other keys found under "attributes", as a JSON object text
  bool operator==(const Attributes& o) const;
  bool operator!=(const Attributes& o) const { return !(*this == o); }
};

// GLIP Studio's per-image extension, under the image's "attributes" (COCO allows extra fields).
struct ImageAttributes {
  std::string status;  // the review status ("" = absent), kept as text: GLIP Studio interprets it
  std::string extra;   // other keys found under "attributes", as a JSON object text
  bool operator==(const ImageAttributes& o) const;
  bool operator!=(const ImageAttributes& o) const { return !(*this == o); }
};

struct Image {
  int64_t id = 0;
  std::string file_name;
  int64_t width = 0;   // 0 when absent on import
  int64_t height = 0;  // 0 when absent on import
  std::optional<ImageAttributes> attributes;
};

struct Category {
  int64_t id = 0;
  std::string name;  // verbatim
  std::string supercategory;
};

// Required in a file: id, image_id, category_id, bbox. `area` defaults to bbox w*h and `iscrowd` to 0 when absent
// (pycocotools would fail on such files). A file's "ignore" field is not kept: pycocotools' COCOeval overwrites it
// with iscrowd.
struct Annotation {
  int64_t id = 0;
  int64_t image_id = 0;
  int64_t category_id = 0;
  std::array<double, 4> bbox{};  // x, y, w, h
  double area = 0;
  int64_t iscrowd = 0;
  std::optional<Attributes> attributes;
};

struct Dataset {
  std::vector<Image> images;
  std::vector<Annotation> annotations;
  std::vector<Category> categories;
  std::string description = "GLIP Studio export";  // info.description
  std::string origin;  // the file (or origin) it was read from, for messages; "" when built in memory

  const Image* find_image(int64_t id) const;
  const Category* find_category(int64_t id) const;
  const Category* find_category(std::string_view name) const;
};

// [x1, y1, x2, y2] -> [x, y, w, h] with the corners ordered and clamped to [0, width] x [0, height].
// Non-finite coordinates are passed through (validation reports them).
std::array<double, 4> clamp_xyxy_to_xywh(const std::array<double, 4>& xyxy, double width, double height);

// Builds a dataset with ids 1, 2, ... in insertion order; categories are created on first use of a name.
class DatasetBuilder {
 public:
  DatasetBuilder() = default;
  explicit DatasetBuilder(std::string description) { ds_.description = std::move(description); }

  int64_t add_image(const std::string& file_name, int64_t width, int64_t height,
                    const std::optional<ImageAttributes>& attributes = std::nullopt);
  // The id of category `name` (verbatim), added with `supercategory` when new.
  int64_t category(const std::string& name, const std::string& supercategory = "");
  // Adds an annotation: the box is clamped to the image (see clamp_xyxy_to_xywh), area = w * h.
  int64_t add_box(int64_t image_id, const std::string& label, const std::array<double, 4>& xyxy,
                  const std::optional<Attributes>& attributes = std::nullopt);

  const Dataset& dataset() const { return ds_; }
  Dataset take() { return std::move(ds_); }

 private:
  Dataset ds_;
};

// Validation (run by to_json / write_dataset): ids > 0 and unique per section, annotation image and category ids
// exist, image sizes > 0, category names non-empty and unique, bbox / area / score finite, w and h > 0, boxes
// inside their image (as clamping leaves them), area finite and >= 0 (an imported file may carry COCO's
// segmentation area; the builder always writes w * h). Returns one line per problem, empty when valid.
std::vector<std::string> find_problems(const Dataset& ds);
// Throws glip::Error("<what>: N problem(s):\n  ...") listing (up to 20 of) the problems.
void validate(const Dataset& ds, const std::string& what = "COCO dataset");

std::string to_json(const Dataset& ds);  // validates first
void write_dataset(const std::string& path, const Dataset& ds);  // validates, then temp file + rename

// Reading: malformed JSON, a wrong top-level type, a missing required field (id; image_id, category_id, bbox for
// annotations), a wrong type or a non-finite bbox throws glip::Error naming the origin, the element
// ("annotations[3]") and the field. Integers may be written as 3, 3.0 or true. Not validated: call find_problems()
// to review an imported file (glip::eval::read_ground_truth adds the evaluator's own rule).
Dataset parse_dataset(std::string_view json_text, const std::string& origin);
Dataset read_dataset(const std::string& path);

// ---------------------------------------------------------------------------------------------------------------
// Results files: a JSON array of [{"image_id", "category_id", "bbox": [x, y, w, h], "score"}], written one object
// per line with shortest round-trip numbers.

struct Result {
  int64_t image_id = 0;
  int64_t category_id = 0;
  std::array<double, 4> bbox{};  // x, y, w, h
  double score = 0;
};

struct ResultsOptions {
  // false: w = x2 - x1 (the same convention as the dataset export, so predictions and annotations compare
  // exactly); true: w = x2 - x1 + 1, GLIP's convert("xywh") as in the official bbox.json files.
  bool glip_plus_one = false;
};

// One result from an x1 y1 x2 y2 box, clamped to the image like annotations.
Result make_result(int64_t image_id, int64_t category_id, const std::array<double, 4>& xyxy, double score,
                   double width, double height, const ResultsOptions& options = {});

// ids > 0, finite bbox and score, w and h > 0; with `reference`, image and category ids must exist there.
std::vector<std::string> find_result_problems(const std::vector<Result>& results, const Dataset* reference = nullptr);
// Throws glip::Error("COCO results: N problem(s):\n  ...") listing (up to 20 of) the problems.
void validate_results(const std::vector<Result>& results, const Dataset* reference = nullptr);

// Not validated: evaluation outputs keep whatever ids their dataset has (some start at 0). An export calls
// validate_results() first.
std::string results_to_json(const std::vector<Result>& results);
void write_results(const std::string& path, const std::vector<Result>& results);  // atomic (temp file + rename)

// Reading: a JSON array of result objects (extra fields such as "segmentation" are ignored); errors name the
// origin, the element ("[5]") and the field, as for datasets. "score" is required.
std::vector<Result> parse_results(std::string_view json_text, const std::string& origin);
std::vector<Result> read_results(const std::string& path);

}  // namespace glip::coco
