// Reading COCO datasets and results files (core/coco/coco.h) with a streaming (SAX) parser: the top level is cut
// into flat records (one per image, annotation, category or result); unused nested values such as segmentation
// polygons are skipped without building a DOM.
#include <cmath>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <utility>

#include "core/coco/coco.h"
#include "core/common/error.h"
#include "core/common/file_io.h"

namespace glip::coco {
namespace {

using json = nlohmann::json;

// One field of a record: a scalar, a flat array of numbers, or a captured JSON value.
struct Value {
  enum class Kind { Null, Bool, Int, Float, String, NumArray, Json, Other };
  static Value of(Kind k) {
    Value v;
    v.kind = k;
    return v;
  }
  Kind kind = Kind::Null;
  int64_t i = 0;
  double d = 0;
  bool int_overflow = false;
  std::string s;
  std::vector<double> nums;
  json j;  // Kind::Json
};

struct Record {
  std::vector<std::pair<std::string, Value>> fields;
  const Value* find(std::string_view key) const {
    for (const auto& f : fields)
      if (f.first == key) return &f.second;
    return nullptr;
  }
};

// What a RecordReader extracts. Two layouts:
//  - sections: a top-level object whose keys in `sections` hold arrays of record objects (datasets);
//  - top array: the top level is itself an array of record objects (results).
// Record fields named in `number_arrays` are collected when they hold only numbers; record fields named in
// `captured` (and top-level values named in `captured_top`) are kept as JSON values; any other nested value is
// Kind::Other and skipped, as is everything outside the records.
struct Layout {
  bool top_array = false;
  std::vector<std::string> sections;
  std::vector<std::string> number_arrays;
  std::vector<std::string> captured;
  std::vector<std::string> captured_top;
};

bool listed(const std::vector<std::string>& names, const std::string& s) {
  for (const auto& n : names)
    if (n == s) return true;
  return false;
}

class RecordReader : public nlohmann::json_sax<json> {
 public:
  using OnRecord = std::function<void(const std::string& section, size_t index, const Record& rec)>;
  using OnTop = std::function<void(const std::string& key, json value)>;

  RecordReader(std::string origin, Layout layout, OnRecord on_record, OnTop on_top = {})
      : origin_(std::move(origin)),
        layout_(std::move(layout)),
        on_record_(std::move(on_record)),
        on_top_(std::move(on_top)),
        rec_depth_(layout_.top_array ? 2 : 3) {}

  bool null() override { return scalar(Value{}, json()); }
  bool boolean(bool b) override {
    Value v;
    v.kind = Value::Kind::Bool;
    v.i = b ? 1 : 0;
    v.d = static_cast<double>(v.i);
    return scalar(std::move(v), json(b));
  }
  bool number_integer(number_integer_t x) override {
    Value v;
    v.kind = Value::Kind::Int;
    v.i = x;
    v.d = static_cast<double>(x);
    return scalar(std::move(v), json(x));
  }
  bool number_unsigned(number_unsigned_t x) override {
    Value v;
    v.kind = Value::Kind::Int;
    v.int_overflow = x > static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
    v.i = static_cast<int64_t>(x);
    v.d = static_cast<double>(x);
    return scalar(std::move(v), json(x));
  }
  bool number_float(number_float_t x, const string_t&) override {
    Value v;
    v.kind = Value::Kind::Float;
    v.d = x;
    return scalar(std::move(v), json(x));
  }
  bool string(string_t& s) override {
    if (capturing()) return capture(json(s));
    Value v;
    v.kind = Value::Kind::String;
    v.s = std::move(s);
    return scalar(std::move(v), json());
  }
  bool binary(binary_t&) override { return scalar(Value::of(Value::Kind::Other), json()); }

  bool start_object(std::size_t) override { return open(false); }
  bool start_array(std::size_t) override { return open(true); }
  bool end_object() override { return close(); }
  bool end_array() override { return close(); }

  bool key(string_t& k) override {
    if (capturing()) {
      capture_key_ = k;
      return true;
    }
    if (skipping()) return true;
    if (!layout_.top_array && depth_ == 1) {
      section_key_ = k;
    } else if (depth_ == rec_depth_) {
      field_key_ = k;
    }
    return true;
  }

  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& ex) override {
    std::string what = ex.what();
    // nlohmann messages look like "[json.exception.parse_error.101] parse error at line 1, column 5: ..."
    auto pos = what.find("] ");
    if (pos != std::string::npos) what = what.substr(pos + 2);
    throw Error(origin_ + ": invalid JSON (byte " + std::to_string(position) + "): " + what);
  }

 private:
  bool skipping() const { return skip_above_ >= 0 && depth_ > skip_above_; }
  bool capturing() const { return !capture_stack_.empty(); }
  std::string where() const {
    std::string s = layout_.top_array ? "" : section_;
    return s + "[" + std::to_string(index_) + "]";
  }

  // Adds `v` to the captured container on top of the stack; returns the added element.
  json* capture_add(json v) {
    json& top = *capture_stack_.back();
    if (top.is_array()) {
      top.push_back(std::move(v));
      return &top.back();
    }
    json& slot = top[capture_key_];
    slot = std::move(v);
    return &slot;
  }
  bool capture(json v) {
    capture_add(std::move(v));
    return true;
  }
  void start_capture(bool is_array, json* target) {
    *target = is_array ? json::array() : json::object();
    capture_stack_.push_back(target);
  }

  bool open(bool is_array) {
    if (capturing()) {
      capture_stack_.push_back(capture_add(is_array ? json::array() : json::object()));
      return true;
    }
    if (skipping()) {
      ++depth_;
      return true;
    }
    if (depth_ == 0) {
      if (layout_.top_array && !is_array)
        throw Error(origin_ + ": expected a JSON array of results at the top level");
      if (!layout_.top_array && is_array)
        throw Error(origin_ + ": expected a JSON object (COCO dataset) at the top level");
      ++depth_;
      return true;
    }
    if (!layout_.top_array && depth_ == 1) {  // value of a top-level key
      const bool wanted = listed(layout_.sections, section_key_);
      if (wanted && !is_array) throw Error(origin_ + ": '" + section_key_ + "' must be an array");
      if (wanted) {
        section_ = section_key_;
        index_ = 0;
        ++depth_;
        return true;
      }
      if (listed(layout_.captured_top, section_key_)) {
        capture_top_key_ = section_key_;
        start_capture(is_array, &captured_);
        return true;
      }
      skip_above_ = depth_;
      ++depth_;
      return true;
    }
    if (depth_ == rec_depth_ - 1) {  // an element of a record array
      if (is_array) throw Error(origin_ + ": " + where() + ": expected an object, got an array");
      rec_.fields.clear();
      ++depth_;
      return true;
    }
    if (depth_ == rec_depth_) {  // a nested value of a record field
      if (is_array && listed(layout_.number_arrays, field_key_)) {
        rec_.fields.emplace_back(field_key_, Value::of(Value::Kind::NumArray));
        collecting_ = true;
        ++depth_;
        return true;
      }
      if (listed(layout_.captured, field_key_)) {
        rec_.fields.emplace_back(field_key_, Value::of(Value::Kind::Json));
        start_capture(is_array, &rec_.fields.back().second.j);
        return true;
      }
      rec_.fields.emplace_back(field_key_, Value::of(Value::Kind::Other));
      skip_above_ = depth_;
      ++depth_;
      return true;
    }
    // Nested container inside a collected number array: the field is not a flat number array.
    if (collecting_) rec_.fields.back().second.kind = Value::Kind::Other;
    collecting_ = false;
    skip_above_ = depth_;
    ++depth_;
    return true;
  }

  bool close() {
    if (capturing()) {
      capture_stack_.pop_back();
      if (!capturing() && !capture_top_key_.empty()) {  // a captured top-level value is complete
        if (on_top_) on_top_(capture_top_key_, std::move(captured_));
        capture_top_key_.clear();
      }
      return true;
    }
    --depth_;
    if (skip_above_ >= 0) {
      if (depth_ > skip_above_) return true;
      skip_above_ = -1;
      return true;
    }
    if (depth_ == rec_depth_) {  // end of a collected number array
      collecting_ = false;
      return true;
    }
    if (depth_ == rec_depth_ - 1) {  // end of a record
      on_record_(section_, index_, rec_);
      ++index_;
    }
    return true;
  }

  // `as_json` is the value for a capture (strings are handled in string()).
  bool scalar(Value v, json as_json) {
    if (capturing()) return capture(std::move(as_json));
    if (skipping()) return true;
    if (depth_ == 0) {
      throw Error(origin_ + ": expected a JSON " + std::string(layout_.top_array ? "array" : "object") +
                  " at the top level, got a scalar");
    }
    if (!layout_.top_array && depth_ == 1) {  // scalar value of a top-level key (e.g. "info": "...")
      if (listed(layout_.sections, section_key_))
        throw Error(origin_ + ": '" + section_key_ + "' must be an array");
      return true;
    }
    if (depth_ == rec_depth_ - 1) throw Error(origin_ + ": " + where() + ": expected an object, got a scalar");
    if (depth_ == rec_depth_) {
      rec_.fields.emplace_back(field_key_, std::move(v));
      return true;
    }
    if (collecting_ && depth_ == rec_depth_ + 1) {
      Value& arr = rec_.fields.back().second;
      if (v.kind == Value::Kind::Int || v.kind == Value::Kind::Float)
        arr.nums.push_back(v.d);
      else
        arr.kind = Value::Kind::Other;
    }
    return true;
  }

  std::string origin_;
  Layout layout_;
  OnRecord on_record_;
  OnTop on_top_;
  int rec_depth_;
  int depth_ = 0;        // nesting depth outside captures
  int skip_above_ = -1;  // while >= 0, events at depth > skip_above_ are ignored
  bool collecting_ = false;
  std::string section_key_, section_, field_key_;
  size_t index_ = 0;
  Record rec_;
  std::vector<json*> capture_stack_;  // open containers of the value being captured
  std::string capture_key_;           // key of the next member of a captured object
  std::string capture_top_key_;       // top-level key whose value is being captured
  json captured_;
};

// Field accessors with user-facing messages: "<origin>: <where>: field '<key>' <what>".
struct FieldReader {
  const std::string& origin;
  const std::string& where;  // e.g. "annotations[3]"
  const Record& rec;

  [[noreturn]] void fail(std::string_view key, const std::string& what) const {
    throw Error(origin + ": " + where + ": field '" + std::string(key) + "' " + what);
  }
  const Value* get(std::string_view key, bool required) const {
    const Value* v = rec.find(key);
    if ((v == nullptr || v->kind == Value::Kind::Null) && required) fail(key, "is missing");
    if (v != nullptr && v->kind == Value::Kind::Null) return nullptr;
    return v;
  }
  bool integer(std::string_view key, bool required, int64_t& out) const {
    const Value* v = get(key, required);
    if (v == nullptr) return false;
    if ((v->kind == Value::Kind::Int && !v->int_overflow) || v->kind == Value::Kind::Bool) {
      out = v->i;
    } else if (v->kind == Value::Kind::Float && std::isfinite(v->d) && std::floor(v->d) == v->d &&
               std::fabs(v->d) < 9.0e15) {
      out = static_cast<int64_t>(v->d);
    } else {
      fail(key, "must be an integer");
    }
    return true;
  }
  bool number(std::string_view key, bool required, double& out) const {
    const Value* v = get(key, required);
    if (v == nullptr) return false;
    if (v->kind != Value::Kind::Int && v->kind != Value::Kind::Float) fail(key, "must be a number");
    out = v->d;
    return true;
  }
  bool text(std::string_view key, std::string& out) const {
    const Value* v = get(key, false);
    if (v == nullptr) return false;
    if (v->kind != Value::Kind::String) fail(key, "must be a string");
    out = v->s;
    return true;
  }
  void box(std::string_view key, std::array<double, 4>& out) const {
    const Value* v = get(key, true);
    if (v->kind != Value::Kind::NumArray || v->nums.size() != 4)
      fail(key, "must be an array of 4 numbers [x, y, w, h]");
    for (size_t j = 0; j < 4; ++j) {
      if (!std::isfinite(v->nums[j])) fail(key, "must hold finite numbers");
      out[j] = v->nums[j];
    }
  }
  // GLIP Studio's "attributes" object; nullptr when absent.
  const json* object(std::string_view key) const {
    const Value* v = get(key, false);
    if (v == nullptr) return nullptr;
    if (v->kind != Value::Kind::Json || !v->j.is_object()) fail(key, "must be an object");
    return &v->j;
  }
};

// Reads "attributes" members; anything else is kept verbatim in `extra` (canonical JSON object text).
struct AttributeReader {
  const std::string& origin;
  const std::string where;  // e.g. "annotations[3].attributes"

  [[noreturn]] void fail(const char* key, const std::string& what) const {
    throw Error(origin + ": " + where + ": field '" + key + "' " + what);
  }
  std::string text(const char* key, const json& v) const {
    if (!v.is_string()) fail(key, "must be a string");
    return v.get<std::string>();
  }
  static std::string extra_text(const json& extra) { return extra.empty() ? std::string() : extra.dump(); }
};

Attributes read_attributes(const json& a, const std::string& origin, const std::string& where) {
  AttributeReader r{origin, where + ".attributes"};
  Attributes out;
  json extra = json::object();
  for (auto it = a.begin(); it != a.end(); ++it) {
    const std::string& k = it.key();
    if (it->is_null() && (k == "source" || k == "score" || k == "caption")) continue;  // absent
    if (k == "source") {
      const std::string s = r.text("source", *it);
      out.source = source_from_string(s);
      if (!out.source) r.fail("source", "must be \"model\", \"manual\" or \"edited\", got \"" + s + "\"");
    } else if (k == "score") {
      if (!it->is_number()) r.fail("score", "must be a number");
      out.score = it->get<double>();
    } else if (k == "caption") {
      out.caption = r.text("caption", *it);
    } else if (k == "span") {
      const json& sp = *it;
      if (!sp.is_array()) r.fail("span", "must be a list of [begin, end] pairs");
      for (const json& p : sp) {
        if (!p.is_array() || p.size() != 2 || !p[0].is_number_integer() || !p[1].is_number_integer())
          r.fail("span", "must be a list of [begin, end] pairs");
        out.span.push_back({p[0].get<int64_t>(), p[1].get<int64_t>()});
      }
    } else {
      extra[k] = *it;
    }
  }
  out.extra = AttributeReader::extra_text(extra);
  return out;
}

ImageAttributes read_image_attributes(const json& a, const std::string& origin, const std::string& where) {
  AttributeReader r{origin, where + ".attributes"};
  ImageAttributes out;
  json extra = json::object();
  for (auto it = a.begin(); it != a.end(); ++it) {
    if (it.key() == "status") {
      if (!it->is_null()) out.status = r.text("status", *it);
    } else {
      extra[it.key()] = *it;
    }
  }
  out.extra = AttributeReader::extra_text(extra);
  return out;
}

void run_sax(std::string_view text, RecordReader& reader, const std::string& origin) {
  bool ok = json::sax_parse(text.begin(), text.end(), &reader, nlohmann::detail::input_format_t::json, true);
  if (!ok) throw Error(origin + ": invalid JSON");
}

}  // namespace

Dataset parse_dataset(std::string_view json_text, const std::string& origin) {
  Dataset ds;
  ds.description.clear();
  ds.origin = origin;
  std::string where;
  auto on_record = [&](const std::string& section, size_t index, const Record& rec) {
    where = section + "[" + std::to_string(index) + "]";
    FieldReader f{origin, where, rec};
    if (section == "images") {
      Image im;
      f.integer("id", true, im.id);
      f.text("file_name", im.file_name);
      f.integer("width", false, im.width);
      f.integer("height", false, im.height);
      if (const json* a = f.object("attributes")) im.attributes = read_image_attributes(*a, origin, where);
      ds.images.push_back(std::move(im));
    } else if (section == "categories") {
      Category c;
      f.integer("id", true, c.id);
      f.text("name", c.name);
      f.text("supercategory", c.supercategory);
      ds.categories.push_back(std::move(c));
    } else {
      Annotation a;
      f.integer("id", true, a.id);
      f.integer("image_id", true, a.image_id);
      f.integer("category_id", true, a.category_id);
      f.box("bbox", a.bbox);
      if (!f.number("area", false, a.area)) a.area = a.bbox[2] * a.bbox[3];
      f.integer("iscrowd", false, a.iscrowd);
      if (const json* at = f.object("attributes")) a.attributes = read_attributes(*at, origin, where);
      ds.annotations.push_back(std::move(a));
    }
  };
  auto on_top = [&](const std::string&, json info) {  // "info"
    if (!info.is_object()) return;
    auto d = info.find("description");
    if (d != info.end() && d->is_string()) ds.description = d->get<std::string>();
  };
  Layout layout;
  layout.sections = {"images", "annotations", "categories"};
  layout.number_arrays = {"bbox"};
  layout.captured = {"attributes"};
  layout.captured_top = {"info"};
  RecordReader reader(origin, std::move(layout), on_record, on_top);
  run_sax(json_text, reader, origin);
  return ds;
}

Dataset read_dataset(const std::string& path) { return parse_dataset(read_text_file(path), path); }

std::vector<Result> parse_results(std::string_view json_text, const std::string& origin) {
  std::vector<Result> results;
  results.reserve(json_text.size() / 80 + 1);
  std::string where;
  auto on_record = [&](const std::string&, size_t index, const Record& rec) {
    where = "[" + std::to_string(index) + "]";
    FieldReader f{origin, where, rec};
    Result r;
    f.integer("image_id", true, r.image_id);
    f.integer("category_id", true, r.category_id);
    f.box("bbox", r.bbox);
    f.number("score", true, r.score);
    results.push_back(r);
  };
  Layout layout;
  layout.top_array = true;
  layout.number_arrays = {"bbox"};
  RecordReader reader(origin, std::move(layout), on_record);
  run_sax(json_text, reader, origin);
  return results;
}

std::vector<Result> read_results(const std::string& path) { return parse_results(read_text_file(path), path); }

}  // namespace glip::coco
