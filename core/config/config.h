// glip::Config — GLIP's yacs configuration in C++.
//
// The key set and defaults are those of the official maskrcnn_benchmark/config/defaults.py (every key), so any
// GLIP YAML file or cfg.dump() loads. Values are typed like yacs: bool, int, float, string, and lists/tuples of
// those. GLIP's tuple strings such as "(64, 128, 256)" are parsed like yacs' literal_eval.
//
//   glip::Config cfg = glip::Config::defaults();
//   cfg.merge_from_file("models/glip_Swin_T_O365_GoldG.yaml");
//   cfg.merge_from_list({"MODEL.DYHEAD.SCORE_AGG", "\"MEAN\"", "TEST.IMS_PER_BATCH", "3"});
//   int64_t c = cfg.get_int("MODEL.DYHEAD.CHANNELS");
//
// Unknown keys and type mismatches throw glip::Error naming the file (or "command line"), the key and the value.
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

  Config();
  Config(const Config&);
  Config& operator=(const Config&);
  Config(Config&&) noexcept;
  Config& operator=(Config&&) noexcept;
  ~Config();

  // yacs merge_from_file: keys must exist; values are coerced like yacs (int -> float allowed, list <-> tuple).
  // Remembers the directory of the last merged file (see config_dir()).
  void merge_from_file(const std::string& path);
  void merge_from_string(const std::string& yaml_text, const std::string& origin = "<string>");
  // yacs merge_from_list: alternating KEY VALUE tokens as on GLIP's command line; VALUE goes through
  // literal_eval ("3" -> 3, "\"MEAN\"" -> "MEAN", "False" -> false, "(1, 2)" -> tuple); a bare word stays a string.
  void merge_from_list(const std::vector<std::string>& key_values);

  bool has(const std::string& key) const;
  bool get_bool(const std::string& key) const;
  int64_t get_int(const std::string& key) const;
  double get_float(const std::string& key) const;  // accepts int values too
  std::string get_str(const std::string& key) const;
  std::vector<int64_t> get_int_list(const std::string& key) const;
  std::vector<double> get_float_list(const std::string& key) const;  // accepts ints
  std::vector<std::string> get_str_list(const std::string& key) const;

  // Directory of the last file given to merge_from_file ("" if none): relative paths such as MODEL.WEIGHT and
  // the BERT directory are resolved against it.
  const std::string& config_dir() const;

  // YAML text in the style of yacs cfg.dump() (sorted keys).
  std::string dump() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace glip
