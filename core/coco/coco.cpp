#include "core/coco/coco.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <unordered_map>
#include <unordered_set>

#include "core/common/error.h"
#include "core/common/file_io.h"

namespace glip::coco {
namespace {

using json = nlohmann::json;          // the canonical text of foreign attribute keys
using ojson = nlohmann::ordered_json;  // writing: keys in the documented order

bool finite4(const std::array<double, 4>& b) {
  return std::isfinite(b[0]) && std::isfinite(b[1]) && std::isfinite(b[2]) && std::isfinite(b[3]);
}

// Shortest representation that round-trips.
void append_shortest(std::string& out, double x) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), x);
  out.append(buf, r.ptr);
}

std::string num(double x) {
  if (std::isnan(x)) return "NaN";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  ojson j = x;
  return j.dump();
}

// Adds the keys of the JSON object text `extra` that `o` does not have yet.
void merge_extra(ojson& o, const std::string& extra) {
  if (extra.empty()) return;
  json e = json::parse(extra, nullptr, false);
  if (!e.is_object()) return;
  for (auto it = e.begin(); it != e.end(); ++it)
    if (!o.contains(it.key())) o[it.key()] = ojson::parse(it->dump());
}

ojson write_image_attributes(const ImageAttributes& a) {
  ojson o = ojson::object();
  if (!a.status.empty()) o["status"] = a.status;
  merge_extra(o, a.extra);
  return o;
}

std::string canonical_extra(const std::string& t) {
  return t.empty() ? std::string() : json::parse(t, nullptr, false).dump();
}

ojson write_attributes(const Attributes& a) {
  ojson o = ojson::object();
  if (a.source) o["source"] = to_string(*a.source);
  if (a.score) o["score"] = *a.score;
  if (!a.caption.empty()) o["caption"] = a.caption;
  if (!a.span.empty()) {
    ojson sp = ojson::array();
    for (const auto& p : a.span) sp.push_back({p[0], p[1]});
    o["span"] = sp;
  }
  merge_extra(o, a.extra);
  return o;
}

}  // namespace

const char* to_string(Source s) {
  switch (s) {
    case Source::Model: return "model";
    case Source::Manual: return "manual";
    case Source::Edited: return "edited";
  }
  return "manual";
}

std::optional<Source> source_from_string(std::string_view s) {
  if (s == "model") return Source::Model;
  if (s == "manual") return Source::Manual;
  if (s == "edited") return Source::Edited;
  return std::nullopt;
}

bool Attributes::operator==(const Attributes& o) const {
  return source == o.source && score == o.score && caption == o.caption && span == o.span &&
         canonical_extra(extra) == canonical_extra(o.extra);
}

bool ImageAttributes::operator==(const ImageAttributes& o) const {
  return status == o.status && canonical_extra(extra) == canonical_extra(o.extra);
}

const Image* Dataset::find_image(int64_t id) const {
  for (const Image& im : images)
    if (im.id == id) return &im;
  return nullptr;
}

const Category* Dataset::find_category(int64_t id) const {
  for (const Category& c : categories)
    if (c.id == id) return &c;
  return nullptr;
}

const Category* Dataset::find_category(std::string_view name) const {
  for (const Category& c : categories)
    if (c.name == name) return &c;
  return nullptr;
}

std::array<double, 4> clamp_xyxy_to_xywh(const std::array<double, 4>& b, double width, double height) {
  if (!finite4(b)) return {b[0], b[1], b[2] - b[0], b[3] - b[1]};
  double x1 = std::clamp(std::min(b[0], b[2]), 0.0, std::max(width, 0.0));
  double x2 = std::clamp(std::max(b[0], b[2]), 0.0, std::max(width, 0.0));
  double y1 = std::clamp(std::min(b[1], b[3]), 0.0, std::max(height, 0.0));
  double y2 = std::clamp(std::max(b[1], b[3]), 0.0, std::max(height, 0.0));
  return {x1, y1, x2 - x1, y2 - y1};
}

// ----- builder ---------------------------------------------------------------------------------------------------

int64_t DatasetBuilder::add_image(const std::string& file_name, int64_t width, int64_t height,
                                  const std::optional<ImageAttributes>& attributes) {
  Image im;
  im.id = static_cast<int64_t>(ds_.images.size()) + 1;
  im.file_name = file_name;
  im.width = width;
  im.height = height;
  im.attributes = attributes;
  ds_.images.push_back(im);
  return im.id;
}

int64_t DatasetBuilder::category(const std::string& name, const std::string& supercategory) {
  if (const Category* c = ds_.find_category(name)) return c->id;
  Category c;
  c.id = static_cast<int64_t>(ds_.categories.size()) + 1;
  c.name = name;
  c.supercategory = supercategory;
  ds_.categories.push_back(c);
  return c.id;
}

int64_t DatasetBuilder::add_box(int64_t image_id, const std::string& label, const std::array<double, 4>& xyxy,
                                const std::optional<Attributes>& attributes) {
  const Image* im = ds_.find_image(image_id);
  if (im == nullptr) throw Error("COCO export: no image with id " + std::to_string(image_id));
  Annotation a;
  a.id = static_cast<int64_t>(ds_.annotations.size()) + 1;
  a.image_id = image_id;
  a.category_id = category(label);
  a.bbox = clamp_xyxy_to_xywh(xyxy, static_cast<double>(im->width), static_cast<double>(im->height));
  a.area = a.bbox[2] * a.bbox[3];
  a.attributes = attributes;
  ds_.annotations.push_back(a);
  return a.id;
}

// ----- validation ------------------------------------------------------------------------------------------------

std::vector<std::string> find_problems(const Dataset& ds) {
  std::vector<std::string> p;
  std::unordered_map<int64_t, const Image*> images;
  for (size_t i = 0; i < ds.images.size(); ++i) {
    const Image& im = ds.images[i];
    const std::string w = "images[" + std::to_string(i) + "] (id " + std::to_string(im.id) + ")";
    if (im.id <= 0) p.push_back(w + ": id must be > 0");
    else if (!images.emplace(im.id, &im).second) p.push_back(w + ": duplicate image id");
    if (im.width <= 0 || im.height <= 0)
      p.push_back(w + ": image size " + std::to_string(im.width) + "x" + std::to_string(im.height) +
                  " must be positive");
    if (im.file_name.empty()) p.push_back(w + ": empty file_name");
    if (im.attributes && !im.attributes->extra.empty() &&
        !json::parse(im.attributes->extra, nullptr, false).is_object())
      p.push_back(w + ": attributes.extra is not a JSON object");
  }
  std::unordered_set<int64_t> cats;
  std::unordered_set<std::string> names;
  for (size_t i = 0; i < ds.categories.size(); ++i) {
    const Category& c = ds.categories[i];
    const std::string w = "categories[" + std::to_string(i) + "] (id " + std::to_string(c.id) + ")";
    if (c.id <= 0) p.push_back(w + ": id must be > 0");
    else if (!cats.insert(c.id).second) p.push_back(w + ": duplicate category id");
    if (c.name.empty()) p.push_back(w + ": empty name");
    else if (!names.insert(c.name).second) p.push_back(w + ": duplicate category name \"" + c.name + "\"");
  }
  std::unordered_set<int64_t> anns;
  for (size_t i = 0; i < ds.annotations.size(); ++i) {
    const Annotation& a = ds.annotations[i];
    const std::string w = "annotations[" + std::to_string(i) + "] (id " + std::to_string(a.id) + ")";
    if (a.id <= 0) p.push_back(w + ": id must be > 0");
    else if (!anns.insert(a.id).second) p.push_back(w + ": duplicate annotation id");
    auto im = images.find(a.image_id);
    if (im == images.end()) p.push_back(w + ": image_id " + std::to_string(a.image_id) + " does not exist");
    if (!cats.count(a.category_id))
      p.push_back(w + ": category_id " + std::to_string(a.category_id) + " does not exist");
    const auto& b = a.bbox;
    if (!finite4(b)) {
      p.push_back(w + ": bbox [" + num(b[0]) + ", " + num(b[1]) + ", " + num(b[2]) + ", " + num(b[3]) +
                  "] is not finite");
      continue;
    }
    if (b[2] <= 0 || b[3] <= 0) {
      p.push_back(w + ": empty box (w " + num(b[2]) + ", h " + num(b[3]) + ")");
    } else if (im != images.end() && im->second->width > 0 && im->second->height > 0) {
      const Image& img = *im->second;
      // x + w may round one ulp past the border for clamped double boxes: allow 1e-6 px.
      constexpr double kSlack = 1e-6;
      if (b[0] < 0 || b[1] < 0 || b[0] + b[2] > static_cast<double>(img.width) + kSlack ||
          b[1] + b[3] > static_cast<double>(img.height) + kSlack)
        p.push_back(w + ": bbox [" + num(b[0]) + ", " + num(b[1]) + ", " + num(b[2]) + ", " + num(b[3]) +
                    "] leaves the " + std::to_string(img.width) + "x" + std::to_string(img.height) + " image");
    }
    if (!std::isfinite(a.area) || a.area < 0) p.push_back(w + ": area " + num(a.area) + " is not a finite number >= 0");
    if (a.iscrowd != 0 && a.iscrowd != 1) p.push_back(w + ": iscrowd must be 0 or 1");
    if (a.attributes && a.attributes->score && !std::isfinite(*a.attributes->score))
      p.push_back(w + ": attributes.score is not finite");
    if (a.attributes && !a.attributes->extra.empty() && !json::parse(a.attributes->extra, nullptr, false).is_object())
      p.push_back(w + ": attributes.extra is not a JSON object");
  }
  return p;
}

namespace {
[[noreturn]] void throw_problems(const std::string& what, const std::vector<std::string>& p) {
  std::string msg = what + ": " + std::to_string(p.size()) + (p.size() == 1 ? " problem" : " problems") + ":";
  const size_t shown = std::min<size_t>(p.size(), 20);
  for (size_t i = 0; i < shown; ++i) msg += "\n  " + p[i];
  if (shown < p.size()) msg += "\n  ... and " + std::to_string(p.size() - shown) + " more";
  throw Error(msg);
}
}  // namespace

void validate(const Dataset& ds, const std::string& what) {
  std::vector<std::string> p = find_problems(ds);
  if (!p.empty()) throw_problems(what, p);
}

// ----- writing / reading -----------------------------------------------------------------------------------------

std::string to_json(const Dataset& ds) {
  validate(ds);
  ojson root = ojson::object();
  root["info"] = ojson{{"description", ds.description}};
  root["licenses"] = ojson::array();
  ojson images = ojson::array();
  for (const Image& im : ds.images) {
    ojson o{{"id", im.id}, {"file_name", im.file_name}, {"width", im.width}, {"height", im.height}};
    if (im.attributes) o["attributes"] = write_image_attributes(*im.attributes);
    images.push_back(std::move(o));
  }
  root["images"] = std::move(images);
  ojson anns = ojson::array();
  for (const Annotation& a : ds.annotations) {
    ojson o = ojson::object();
    o["id"] = a.id;
    o["image_id"] = a.image_id;
    o["category_id"] = a.category_id;
    o["bbox"] = ojson::array({a.bbox[0], a.bbox[1], a.bbox[2], a.bbox[3]});
    o["area"] = a.area;
    o["iscrowd"] = a.iscrowd;
    o["segmentation"] = ojson::array();
    if (a.attributes) o["attributes"] = write_attributes(*a.attributes);
    anns.push_back(std::move(o));
  }
  root["annotations"] = std::move(anns);
  ojson cats = ojson::array();
  for (const Category& c : ds.categories)
    cats.push_back(ojson{{"id", c.id}, {"name", c.name}, {"supercategory", c.supercategory}});
  root["categories"] = std::move(cats);
  return root.dump(1) + "\n";
}

void write_dataset(const std::string& path, const Dataset& ds) {
  glip::write_file_atomic(path, to_json(ds));
}

// ----- results ---------------------------------------------------------------------------------------------------

Result make_result(int64_t image_id, int64_t category_id, const std::array<double, 4>& xyxy, double score,
                   double width, double height, const ResultsOptions& options) {
  Result r;
  r.image_id = image_id;
  r.category_id = category_id;
  r.score = score;
  if (options.glip_plus_one) {
    // GLIP: clip_to_image(remove_empty=False) clamps to [0, size - 1], then convert("xywh") adds 1.
    r.bbox = clamp_xyxy_to_xywh(xyxy, width - 1, height - 1);
    r.bbox[2] += 1;
    r.bbox[3] += 1;
  } else {
    r.bbox = clamp_xyxy_to_xywh(xyxy, width, height);
  }
  return r;
}

std::vector<std::string> find_result_problems(const std::vector<Result>& results, const Dataset* reference) {
  std::vector<std::string> p;
  for (size_t i = 0; i < results.size(); ++i) {
    const Result& r = results[i];
    const std::string w = "[" + std::to_string(i) + "]";
    if (r.image_id <= 0) p.push_back(w + ": image_id must be > 0");
    else if (reference && !reference->find_image(r.image_id))
      p.push_back(w + ": image_id " + std::to_string(r.image_id) + " does not exist");
    if (r.category_id <= 0) p.push_back(w + ": category_id must be > 0");
    else if (reference && !reference->find_category(r.category_id))
      p.push_back(w + ": category_id " + std::to_string(r.category_id) + " does not exist");
    if (!finite4(r.bbox)) p.push_back(w + ": bbox is not finite");
    else if (r.bbox[2] <= 0 || r.bbox[3] <= 0)
      p.push_back(w + ": empty box (w " + num(r.bbox[2]) + ", h " + num(r.bbox[3]) + ")");
    if (!std::isfinite(r.score)) p.push_back(w + ": score is not finite");
  }
  return p;
}

void validate_results(const std::vector<Result>& results, const Dataset* reference) {
  std::vector<std::string> p = find_result_problems(results, reference);
  if (!p.empty()) throw_problems("COCO results", p);
}

std::string results_to_json(const std::vector<Result>& results) {
  std::string out;
  out.reserve(results.size() * 96 + 2);
  out += "[";
  for (size_t i = 0; i < results.size(); ++i) {
    const Result& r = results[i];
    out += i == 0 ? "\n" : ",\n";
    out += "{\"image_id\": " + std::to_string(r.image_id) + ", \"category_id\": " + std::to_string(r.category_id) +
           ", \"bbox\": [";
    for (size_t j = 0; j < 4; ++j) {
      if (j) out += ", ";
      append_shortest(out, r.bbox[j]);
    }
    out += "], \"score\": ";
    append_shortest(out, r.score);
    out += "}";
  }
  out += "\n]\n";
  return out;
}

void write_results(const std::string& path, const std::vector<Result>& results) {
  glip::write_file_atomic(path, results_to_json(results));
}

}  // namespace glip::coco
