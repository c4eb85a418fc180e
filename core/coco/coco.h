// COCO datasets as GLIP Studio exports and imports them (the published cocodataset.org "instances" format), and
// raw model predictions in the COCO results format. No Qt, no torch.
//
//   glip::coco::DatasetBuilder b;
//   int64_t img = b.add_image("photos/cat.jpg", 640, 480);
//   glip::coco::Attributes a;  a.source = glip::coco::Source::Model;  a.score = 0.87;
//   b.add_box(img, "tabby cat", {12.5, 30, 200, 310}, a);      // x1 y1 x2 y2 -> clamped [x, y, w, h], area = w*h
//   glip::coco::write_dataset("annotations.json", b.dataset());  // validates, then writes atomically
//   glip::coco::Dataset back = glip::coco::read_dataset("annotations.json");
//
// Written file (keys in this order; "attributes" only when the image / annotation has some):
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
// Reading tolerates extra fields anywhere; segmentation polygons are not kept (GLIP Studio edits boxes only).
// Coordinates of float32 boxes survive write -> read exactly: w = x2 - x1 is computed in double (exact for two
// floats) and written with shortest round-trip formatting, so x + w gives x2 back bit for bit.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/eval/coco_io.h"

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

// Reading: malformed JSON, a missing required field (id; image_id, category_id, bbox for annotations) or a wrong
// type throws glip::Error naming the origin, the element ("annotations[3]") and the field. Not validated: call
// find_problems() to review an imported file.
Dataset parse_dataset(std::string_view json_text, const std::string& origin);
Dataset read_dataset(const std::string& path);

// ---------------------------------------------------------------------------------------------------------------
// Raw predictions: the COCO results format [{"image_id", "category_id", "bbox": [x, y, w, h], "score"}],
// as glip::eval reads and writes it (core/eval/coco_io.h).

using Result = glip::eval::Detection;

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
// Validates (glip::Error listing the problems), then writes atomically.
void write_results(const std::string& path, const std::vector<Result>& results, const Dataset* reference = nullptr);
std::vector<Result> read_results(const std::string& path);

}  // namespace glip::coco
