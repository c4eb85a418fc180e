// Reading and writing the tests' fixture files, independently of the project's own readers.
#pragma once
#include <nlohmann/json.hpp>

#include <map>
#include <cstdint>
#include <string>
#include <vector>

namespace glip::test {

std::string read_file(const std::string& path);  // the bytes; throws std::runtime_error when it cannot be opened
void write_file(const std::string& path, const std::string& bytes);
nlohmann::json load_json(const std::string& path);

// The rows of a tab-separated table, split into fields; empty lines and lines starting with '#' are skipped.
std::vector<std::vector<std::string>> read_tsv(const std::string& path);

// One model of a test catalogue (models/catalog.yaml's format, core/engine/models.h) for tiny-a's checkpoint; its
// file is <name>.pth and its config tiny-a's.
struct TinyCatalogModel {
  std::string name, title, url;
  int64_t size_bytes = 0;
  int64_t tensors = 286;  // tiny-a's
  double coco_ap = 0;
  bool recommended = false;
};
// Creates `dir` with tiny-a's config as tiny.yaml (and its BERT folder) and catalog.yaml listing `models`; returns
// the catalogue's path.
std::string write_tiny_catalog(const std::string& dir, const std::vector<TinyCatalogModel>& models);

// The rows of tests/data/golden/<table> (an official state dict: glip_t_state_dict_keys.tsv for GLIP-T,
// glip_l_state_dict_keys.tsv for GLIP-L) whose name starts with `prefix`: name without the prefix -> "shape dtype
// kind" (e.g. "256x256x3x3 float32 param").
std::map<std::string, std::string> state_dict_rows(const std::string& prefix = "",
                                                   const std::string& table = "glip_t_state_dict_keys.tsv");

}  // namespace glip::test
