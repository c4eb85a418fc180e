#include "core/eval/coco_io.h"


#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unordered_set>
#include <utility>

#include "core/common/error.h"
#include "core/common/file_io.h"

namespace glip::eval {
namespace {

using json = nlohmann::json;

// A scalar (or a flat array of numbers) found as a field of one record object.
struct Value {
  enum class Kind { Null, Bool, Int, Float, String, NumArray, Other };
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
};

struct Record {
  std::vector<std::pair<std::string, Value>> fields;
  const Value* find(std::string_view key) const {
    for (const auto& f : fields)
      if (f.first == key) return &f.second;
    return nullptr;
  }
};

// SAX handler that cuts a COCO file into flat records. Two layouts:
//  - sections: top-level object whose keys in `sections` hold arrays of record objects (ground truth);
//  - top array: the top level is itself an array of record objects (results).
// Array-valued fields named in `array_fields` are collected when they hold only numbers; any other nested value
// is recorded as Kind::Other and skipped. Everything outside the records is skipped.
class RecordReader : public nlohmann::json_sax<json> {
 public:
  using Callback = std::function<void(const std::string& section, size_t index, const Record& rec)>;

  RecordReader(std::string origin, bool top_array, std::vector<std::string> sections,
               std::vector<std::string> array_fields, Callback cb)
      : origin_(std::move(origin)),
        top_array_(top_array),
        sections_(std::move(sections)),
        array_fields_(std::move(array_fields)),
        cb_(std::move(cb)),
        rec_depth_(top_array ? 2 : 3) {}

  bool null() override { return scalar(Value{}); }
  bool boolean(bool b) override {
    Value v;
    v.kind = Value::Kind::Bool;
    v.i = b ? 1 : 0;
    v.d = v.i;
    return scalar(std::move(v));
  }
  bool number_integer(number_integer_t x) override {
    Value v;
    v.kind = Value::Kind::Int;
    v.i = x;
    v.d = static_cast<double>(x);
    return scalar(std::move(v));
  }
  bool number_unsigned(number_unsigned_t x) override {
    Value v;
    v.kind = Value::Kind::Int;
    v.int_overflow = x > static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
    v.i = static_cast<int64_t>(x);
    v.d = static_cast<double>(x);
    return scalar(std::move(v));
  }
  bool number_float(number_float_t x, const string_t&) override {
    Value v;
    v.kind = Value::Kind::Float;
    v.d = x;
    return scalar(std::move(v));
  }
  bool string(string_t& s) override {
    Value v;
    v.kind = Value::Kind::String;
    v.s = std::move(s);
    return scalar(std::move(v));
  }
  bool binary(binary_t&) override { return scalar(Value::of(Value::Kind::Other)); }

  bool start_object(std::size_t) override { return open(false); }
  bool start_array(std::size_t) override { return open(true); }
  bool end_object() override { return close(); }
  bool end_array() override { return close(); }

  bool key(string_t& k) override {
    if (skipping()) return true;
    if (!top_array_ && depth_ == 1) {
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
  std::string where() const {
    std::string s = top_array_ ? "" : section_;
    return s + "[" + std::to_string(index_) + "]";
  }

  bool open(bool is_array) {
    if (skipping()) {
      ++depth_;
      return true;
    }
    if (depth_ == 0) {
      if (top_array_ && !is_array) throw Error(origin_ + ": expected a JSON array of detections at the top level");
      if (!top_array_ && is_array) throw Error(origin_ + ": expected a JSON object (COCO dataset) at the top level");
      ++depth_;
      return true;
    }
    if (!top_array_ && depth_ == 1) {  // value of a top-level key
      bool wanted = false;
      for (const auto& s : sections_) wanted = wanted || s == section_key_;
      if (wanted && !is_array) throw Error(origin_ + ": '" + section_key_ + "' must be an array");
      if (wanted) {
        section_ = section_key_;
        index_ = 0;
        ++depth_;
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
      bool wanted = false;
      for (const auto& s : array_fields_) wanted = wanted || s == field_key_;
      if (is_array && wanted) {
        Value v;
        v.kind = Value::Kind::NumArray;
        rec_.fields.emplace_back(field_key_, std::move(v));
        collecting_ = true;
        ++depth_;
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
      cb_(section_, index_, rec_);
      ++index_;
    }
    return true;
  }

  bool scalar(Value v) {
    if (skipping()) return true;
    if (depth_ == 0) {
      throw Error(origin_ + ": expected a JSON " + std::string(top_array_ ? "array" : "object") +
                  " at the top level, got a scalar");
    }
    if (!top_array_ && depth_ == 1) {  // scalar value of a top-level key (e.g. "info": "...")
      for (const auto& s : sections_)
        if (s == section_key_) throw Error(origin_ + ": '" + section_key_ + "' must be an array");
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
  bool top_array_;
  std::vector<std::string> sections_;
  std::vector<std::string> array_fields_;
  Callback cb_;
  int rec_depth_;
  int depth_ = 0;
  int skip_above_ = -1;  // while >= 0, events at depth > skip_above_ are ignored
  bool collecting_ = false;
  std::string section_key_, section_, field_key_;
  size_t index_ = 0;
  Record rec_;
};

// Field accessors with user-facing messages.
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
    if (v->kind == Value::Kind::Int && !v->int_overflow) {
      out = v->i;
    } else if (v->kind == Value::Kind::Bool) {
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
    if (v->kind != Value::Kind::NumArray || v->nums.size() != 4) fail(key, "must be an array of 4 numbers [x, y, w, h]");
    for (int j = 0; j < 4; ++j) {
      if (!std::isfinite(v->nums[j])) fail(key, "must hold finite numbers");
      out[j] = v->nums[j];
    }
  }
};

void run_sax(std::string_view text, RecordReader& reader, const std::string& origin) {
  bool ok = json::sax_parse(text.begin(), text.end(), &reader, nlohmann::detail::input_format_t::json, true);
  if (!ok) throw Error(origin + ": invalid JSON");
}

}  // namespace

CocoDataset parse_coco_dataset(std::string_view json_text, const std::string& origin) {
  CocoDataset ds;
  ds.source = origin;
  std::string where;
  auto on_record = [&](const std::string& section, size_t index, const Record& rec) {
    where = section + "[" + std::to_string(index) + "]";
    FieldReader f{origin, where, rec};
    if (section == "images") {
      CocoImage im;
      f.integer("id", true, im.id);
      f.integer("width", false, im.width);
      f.integer("height", false, im.height);
      f.text("file_name", im.file_name);
      ds.images.push_back(std::move(im));
    } else if (section == "categories") {
      CocoCategory c;
      f.integer("id", true, c.id);
      f.text("name", c.name);
      ds.categories.push_back(std::move(c));
    } else {
      CocoAnnotation a;
      f.integer("id", true, a.id);
      f.integer("image_id", true, a.image_id);
      f.integer("category_id", true, a.category_id);
      f.box("bbox", a.bbox);
      if (!f.number("area", false, a.area)) a.area = a.bbox[2] * a.bbox[3];
      f.integer("iscrowd", false, a.iscrowd);
      f.integer("ignore", false, a.ignore);
      ds.annotations.push_back(a);
    }
  };
  RecordReader reader(origin, false, {"images", "annotations", "categories"}, {"bbox"}, on_record);
  run_sax(json_text, reader, origin);

  std::unordered_set<int64_t> ann_ids;
  ann_ids.reserve(ds.annotations.size() * 2);
  for (size_t i = 0; i < ds.annotations.size(); ++i) {
    if (!ann_ids.insert(ds.annotations[i].id).second)
      throw Error(origin + ": annotations[" + std::to_string(i) + "]: duplicate annotation id " +
                  std::to_string(ds.annotations[i].id));
  }
  return ds;
}

CocoDataset read_coco_dataset(const std::string& path) { return parse_coco_dataset(read_text_file(path), path); }

std::vector<Detection> parse_detections(std::string_view json_text, const std::string& origin) {
  std::vector<Detection> dets;
  dets.reserve(json_text.size() / 80 + 1);
  std::string where;
  auto on_record = [&](const std::string&, size_t index, const Record& rec) {
    where = "[" + std::to_string(index) + "]";
    FieldReader f{origin, where, rec};
    Detection d;
    f.integer("image_id", true, d.image_id);
    f.integer("category_id", true, d.category_id);
    f.box("bbox", d.bbox);
    f.number("score", true, d.score);
    dets.push_back(d);
  };
  RecordReader reader(origin, true, {}, {"bbox"}, on_record);
  run_sax(json_text, reader, origin);
  return dets;
}

std::vector<Detection> read_detections(const std::string& path) {
  return parse_detections(read_text_file(path), path);
}

namespace {
void append_number(std::string& out, double x) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), x);  // shortest representation that round-trips
  out.append(buf, r.ptr);
}
}  // namespace

std::string detections_to_json(const std::vector<Detection>& detections) {
  std::string out;
  out.reserve(detections.size() * 96 + 2);
  out += "[";
  for (size_t i = 0; i < detections.size(); ++i) {
    const Detection& d = detections[i];
    out += i == 0 ? "\n" : ",\n";
    out += "{\"image_id\": " + std::to_string(d.image_id) + ", \"category_id\": " + std::to_string(d.category_id) +
           ", \"bbox\": [";
    for (int j = 0; j < 4; ++j) {
      if (j) out += ", ";
      append_number(out, d.bbox[j]);
    }
    out += "], \"score\": ";
    append_number(out, d.score);
    out += "}";
  }
  out += "\n]\n";
  return out;
}

void write_detections(const std::string& path, const std::vector<Detection>& detections) {
  write_file_atomic(path, detections_to_json(detections));
}

}  // namespace glip::eval
