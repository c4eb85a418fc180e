// glip::Config: yacs' merge semantics (merge_from_file / merge_from_list) over the defaults.py tree.
#include "core/config/config.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/config/value.h"

namespace glip {

using config_detail::Value;
using Kind = config_detail::Value::Kind;

struct Config::Impl {
  Value root = Value::node(false);
  std::string dir;
};

namespace {

std::string where(const std::string& origin, int line) {
  return line > 0 ? origin + ":" + std::to_string(line) : origin;
}

std::string describe(const Value& v) {
  return v.is_node() ? std::string("a section") : std::string(config_detail::type_name(v.kind)) + " " +
                                                      config_detail::short_repr(v);
}

// yacs _decode_cfg_value: strings go through literal_eval; everything else (sections included) stays as is.
Value decode(const Value& raw, const std::string& at) {
  if (raw.kind != Kind::Str) return raw;
  std::optional<Value> v;
  try {
    v = config_detail::literal_eval(raw.s);
  } catch (const Error& e) {
    throw Error(at + ": " + e.what());
  }
  if (!v) return raw;
  v->line = raw.line;
  return *v;
}

// yacs _check_and_coerce_cfg_value_type: `repl` may replace `orig` if the types are equal, either is None (and
// the other a leaf), or list <-> tuple (converted to orig's kind).
void check_and_coerce(Value& repl, const Value& orig, const std::string& key, const std::string& at) {
  if (repl.kind == orig.kind) return;
  // yacs' _VALID_TYPES: None, bool, int, float, str, list, tuple (not dict, not CfgNode).
  auto valid = [](const Value& v) { return v.kind != Kind::Node && v.kind != Kind::Dict; };
  if ((repl.kind == Kind::None && valid(orig)) || (orig.kind == Kind::None && valid(repl))) return;
  if (repl.is_sequence() && orig.is_sequence()) {
    repl.kind = orig.kind;
    return;
  }
  if (orig.is_node())
    throw Error(at + ": config key " + key + " is a section; it cannot be set to " + describe(repl));
  if (repl.is_node())
    throw Error(at + ": config key " + key + " is a value of type " + config_detail::type_name(orig.kind) +
                " (current value " + config_detail::short_repr(orig) + "), not a section; it cannot take a mapping");
  throw Error(at + ": type mismatch for config key " + key + ": it holds " + describe(orig) +
              ", so it cannot take the " + describe(repl) +
              " (yacs converts only list <-> tuple and None; write the value with the key's type)");
}

// yacs _merge_a_into_b.
void merge_tree(const Value& a, Value& b, const std::string& prefix, const std::string& origin) {
  for (const auto& [k, raw] : a.entries) {
    const std::string full = prefix + k;
    const std::string at = where(origin, raw.line);
    Value v = decode(raw, at);
    if (Value* existing = b.find(k)) {
      check_and_coerce(v, *existing, full, at);
      if (v.is_node()) {
        merge_tree(v, *existing, full + ".", origin);
      } else {
        v.line = 0;
        *existing = std::move(v);
      }
    } else if (b.new_allowed) {
      b.set(k, std::move(v));  // a new mapping becomes a section of its own (new_allowed=False), as in yacs
    } else {
      throw Error(at + ": unknown config key " + full + " (value: " +
                  (v.is_node() ? std::string("a mapping") : config_detail::short_repr(v)) +
                  "); GLIP's defaults.py has no such key");
    }
  }
}

std::vector<std::string> split_key(const std::string& key) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t dot = key.find('.', start);
    parts.push_back(key.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return parts;
}

const Value* lookup(const Value& root, const std::string& key) {
  const Value* v = &root;
  for (const std::string& part : split_key(key)) {
    if (!v->is_node()) return nullptr;
    v = v->find(part);
    if (v == nullptr) return nullptr;
  }
  return v == &root ? nullptr : v;
}

void collect_keys(const Value& node, const std::string& prefix, std::vector<std::string>& out) {
  for (const auto& [k, v] : node.entries) {
    if (v.is_node()) collect_keys(v, prefix + k + ".", out);
    else out.push_back(prefix + k);
  }
}

}  // namespace

Config::Config() : impl_(std::make_unique<Impl>()) {}
Config::Config(const Config& o) : impl_(std::make_unique<Impl>(*o.impl_)) {}
Config& Config::operator=(const Config& o) {
  if (this != &o) impl_ = std::make_unique<Impl>(*o.impl_);
  return *this;
}
Config::Config(Config&&) noexcept = default;
Config& Config::operator=(Config&&) noexcept = default;
Config::~Config() = default;

Config Config::defaults() {
  Config c;
  c.impl_->root = config_detail::default_tree();
  return c;
}

void Config::merge_from_string(const std::string& yaml_text, const std::string& origin) {
  Value raw = config_detail::parse_yaml(yaml_text, origin);
  Value merged = impl_->root;
  merge_tree(raw, merged, "", origin);
  impl_->root = std::move(merged);
}

void Config::merge_from_file(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(path, ec)) throw Error("config file " + path + " does not exist");
  if (fs::is_directory(path, ec)) throw Error("config file " + path + " is a directory, not a YAML file");
  require_regular_file(path, "config file");  // a named pipe would block the read forever
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot open config file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw Error("cannot read config file " + path);
  merge_from_string(ss.str(), path);
  impl_->dir = fs::absolute(path, ec).parent_path().lexically_normal().string();
  if (ec) impl_->dir = fs::path(path).parent_path().string();
}

void Config::merge_from_list(const std::vector<std::string>& key_values) {
  const std::string origin = "command line";
  if (key_values.size() % 2 != 0)
    throw Error(origin + ": odd number of override tokens (" + std::to_string(key_values.size()) +
                "); overrides are KEY VALUE pairs, and the last key " + key_values.back() + " has no value");
  Value merged = impl_->root;
  for (size_t k = 0; k < key_values.size(); k += 2) {
    const std::string& key = key_values[k];
    const std::string& token = key_values[k + 1];
    Value* node = &merged;
    Value* target = nullptr;
    std::vector<std::string> parts = split_key(key);
    for (size_t p = 0; p < parts.size(); ++p) {
      Value* child = node->is_node() ? node->find(parts[p]) : nullptr;
      if (child == nullptr) {
        throw Error(origin + ": unknown config key " + key + " (value: " + config_detail::short_repr(Value::str(token)) +
                    "); GLIP's defaults.py has no such key");
      }
      if (p + 1 == parts.size()) target = child;
      else node = child;
    }
    Value v = decode(Value::str(token), origin);
    check_and_coerce(v, *target, key, origin);
    *target = std::move(v);
  }
  impl_->root = std::move(merged);
}

namespace {
const Value& leaf(const Value& root, const std::string& key) {
  const Value* v = lookup(root, key);
  if (v == nullptr) throw Error("config key " + key + " does not exist");
  if (v->is_node()) throw Error("config key " + key + " is a section, not a value");
  return *v;
}
[[noreturn]] void wrong_type(const std::string& key, const Value& v, const char* wanted) {
  throw Error("config key " + key + " holds " + describe(v) + ", not " + wanted);
}
}  // namespace

bool Config::has(const std::string& key) const { return lookup(impl_->root, key) != nullptr; }

bool Config::is_none(const std::string& key) const { return leaf(impl_->root, key).kind == Kind::None; }

std::string Config::type_name(const std::string& key) const {
  const Value* v = lookup(impl_->root, key);
  if (v == nullptr) throw Error("config key " + key + " does not exist");
  return config_detail::type_name(v->kind);
}

std::string Config::repr(const std::string& key) const {
  const Value* v = lookup(impl_->root, key);
  if (v == nullptr) throw Error("config key " + key + " does not exist");
  return config_detail::repr(*v);
}

std::string Config::to_json(const std::string& key) const {
  const Value* v = lookup(impl_->root, key);
  if (v == nullptr) throw Error("config key " + key + " does not exist");
  return config_detail::to_json(*v);
}

bool Config::get_bool(const std::string& key) const {
  const Value& v = leaf(impl_->root, key);
  if (v.kind != Kind::Bool) wrong_type(key, v, "a bool");
  return v.b;
}

int64_t Config::get_int(const std::string& key) const {
  const Value& v = leaf(impl_->root, key);
  if (v.kind != Kind::Int) wrong_type(key, v, "an int");
  return v.i;
}

double Config::get_float(const std::string& key) const {
  const Value& v = leaf(impl_->root, key);
  if (v.kind == Kind::Int) return static_cast<double>(v.i);
  if (v.kind != Kind::Float) wrong_type(key, v, "a float");
  return v.f;
}

std::string Config::get_str(const std::string& key) const {
  const Value& v = leaf(impl_->root, key);
  if (v.kind != Kind::Str) wrong_type(key, v, "a str");
  return v.s;
}

std::vector<int64_t> Config::get_int_list(const std::string& key) const {
  const Value& v = leaf(impl_->root, key);
  if (!v.is_sequence()) wrong_type(key, v, "a list or tuple of ints");
  std::vector<int64_t> out;
  for (const Value& item : v.items) {
    if (item.kind != Kind::Int) wrong_type(key, v, "a list or tuple of ints");
    out.push_back(item.i);
  }
  return out;
}

std::vector<double> Config::get_float_list(const std::string& key) const {
  const Value& v = leaf(impl_->root, key);
  if (!v.is_sequence()) wrong_type(key, v, "a list or tuple of numbers");
  std::vector<double> out;
  for (const Value& item : v.items) {
    if (item.kind == Kind::Int) out.push_back(static_cast<double>(item.i));
    else if (item.kind == Kind::Float) out.push_back(item.f);
    else wrong_type(key, v, "a list or tuple of numbers");
  }
  return out;
}

std::vector<std::string> Config::get_str_list(const std::string& key) const {
  const Value& v = leaf(impl_->root, key);
  if (!v.is_sequence()) wrong_type(key, v, "a list or tuple of strings");
  std::vector<std::string> out;
  for (const Value& item : v.items) {
    if (item.kind != Kind::Str) wrong_type(key, v, "a list or tuple of strings");
    out.push_back(item.s);
  }
  return out;
}

std::vector<std::string> Config::keys() const {
  std::vector<std::string> out;
  collect_keys(impl_->root, "", out);
  return out;
}

bool Config::operator==(const Config& other) const { return config_detail::same(impl_->root, other.impl_->root); }

const std::string& Config::config_dir() const { return impl_->dir; }

std::string Config::canonical_text() const { return config_detail::repr(impl_->root); }

}  // namespace glip
