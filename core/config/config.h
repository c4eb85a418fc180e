// glip::Config — GLIP's yacs configuration in C++.
//
// The key set and defaults are those of the official maskrcnn_benchmark/config/defaults.py (every key), so any
// GLIP YAML file or yacs cfg.dump() output loads. Values are typed like yacs: bool, int, float, string, and lists/tuples of
// those. GLIP's tuple strings such as "(64, 128, 256)" are parsed like yacs' literal_eval.
//
//   glip::Config cfg = glip::Config::defaults();
//   cfg.merge_from_file("models/glip_Swin_T_O365_GoldG.yaml");
//   cfg.merge_from_list({"MODEL.DYHEAD.SCORE_AGG", "\"MEAN\"", "TEST.IMS_PER_BATCH", "3"});
//   int64_t c = cfg.get_int("MODEL.DYHEAD.CHANNELS");
//
// Unknown keys and type mismatches throw glip::Error naming the file and line (or "command line"), the key and the
// value. Type rules are exactly yacs 0.1.8's (_check_and_coerce_cfg_value_type): the value must have the type of the
// key's current value, except list <-> tuple (converted) and None (accepted for and by any leaf). An int is NOT
// accepted for a float key (yacs raises), nor a bool for an int key. Values read from YAML are typed like PyYAML's
// safe_load (YAML 1.1: yes/no/on/off are bools, 1e-5 is a string, ...); then, like yacs, a string value goes
// through Python's literal_eval ("(64, 128)" -> tuple, "1e-5" -> float, "'x'" -> 'x'), for the literals GLIP
// configs hold: None, bools, decimal ints, floats, quoted strings, and tuples, lists and dicts of those; anything
// else stays a string (as yacs keeps text literal_eval rejects; here also 0x10, 1_000, sets...). Sections that defaults.py creates with new_allowed=True (MODEL.MULTITASK,
// MODEL.SPEC, MODEL.BACKBONE.LAYER_SEARCH, DATASETS.REGISTER) accept new keys from files, as in yacs.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace glip {

class Config {
 public:
  // The official defaults (defaults.py at GLIP commit 9dda955).
  static Config defaults();

  // An empty config (like yacs' CN()): no keys at all. Use Config::defaults() for GLIP's.
  Config();
  Config(const Config&);
  Config& operator=(const Config&);
  Config(Config&&) noexcept;
  Config& operator=(Config&&) noexcept;
  ~Config();

  // yacs merge_from_file: keys must exist (or their section accept new keys); values are checked as described
  // above. Remembers the directory of the last merged file (see config_dir()). A failed merge leaves the config
  // unchanged. Errors: missing/unreadable file, malformed YAML (file:line:column), unknown key, wrong type.
  void merge_from_file(const std::string& path);
  // The same for YAML text; `origin` names it in error messages. Does not change config_dir().
  void merge_from_string(const std::string& yaml_text, const std::string& origin = "<string>");
  // yacs merge_from_list: alternating KEY VALUE tokens as on GLIP's command line; VALUE goes through
  // literal_eval ("3" -> 3, "\"MEAN\"" -> "MEAN", "False" -> false, "(1, 2)" -> tuple); a bare word stays a string.
  // The key must exist (new_allowed does not apply, as in yacs); an odd token count is an error. A failed merge
  // leaves the config unchanged.
  void merge_from_list(const std::vector<std::string>& key_values);

  // Getters take dotted keys ("MODEL.DYHEAD.CHANNELS") of leaf values and throw glip::Error when the key does
  // not exist, names a section, or holds another type (get_float and get_float_list also take ints).
  bool has(const std::string& key) const;  // a leaf value or a section
  bool is_none(const std::string& key) const;
  // Python type name of the value: "NoneType", "bool", "int", "float", "str", "list", "tuple" ("CfgNode" for a
  // section).
  std::string type_name(const std::string& key) const;
  // Python repr() of the value, e.g. "'MEAN'", "(64, 128)", "True", "None", "1e-05".
  std::string repr(const std::string& key) const;
  // The value (or section) as JSON text: lists and tuples as arrays, dicts and sections as objects, None as
  // null. For values the getters below do not cover, e.g. ODinW's DATASETS.OVERRIDE_CATEGORY list of dicts.
  std::string to_json(const std::string& key) const;
  bool get_bool(const std::string& key) const;
  int64_t get_int(const std::string& key) const;
  double get_float(const std::string& key) const;  // accepts int values too
  std::string get_str(const std::string& key) const;
  std::vector<int64_t> get_int_list(const std::string& key) const;
  std::vector<double> get_float_list(const std::string& key) const;  // accepts ints
  std::vector<std::string> get_str_list(const std::string& key) const;

  // Every leaf key (dotted), sorted; sections themselves are not listed (empty sections have no leaves).
  std::vector<std::string> keys() const;
  // Same keys, same types (list and tuple differ) and same values.
  bool operator==(const Config& other) const;
  bool operator!=(const Config& other) const { return !(*this == other); }

  // Directory of the last file given to merge_from_file ("" if none): relative paths such as MODEL.WEIGHT and
  // the BERT directory are resolved against it.
  const std::string& config_dir() const;

  // Every key, type and value as one line of text (Python repr of the tree: sections as dicts with sorted keys,
  // list and tuple, int and float kept apart, floats to the last bit). Equal configs give equal text; changing any
  // key, type or value changes it. For fingerprints (a resumed evaluation checks its settings with it), not for
  // reading back.
  std::string canonical_text() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace glip
