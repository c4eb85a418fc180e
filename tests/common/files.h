// Reading and writing the tests' fixture files, independently of the project's own readers.
#pragma once
#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

namespace glip::test {

std::string read_file(const std::string& path);  // the bytes; throws std::runtime_error when it cannot be opened
void write_file(const std::string& path, const std::string& bytes);
nlohmann::json load_json(const std::string& path);

// The rows of a tab-separated table, split into fields; empty lines and lines starting with '#' are skipped.
std::vector<std::vector<std::string>> read_tsv(const std::string& path);

// The rows of tests/data/golden/<table> (an official state dict: glip_t_state_dict_keys.tsv for GLIP-T,
// glip_l_state_dict_keys.tsv for GLIP-L) whose name starts with `prefix`: name without the prefix -> "shape dtype
// kind" (e.g. "256x256x3x3 float32 param").
std::map<std::string, std::string> state_dict_rows(const std::string& prefix = "",
                                                   const std::string& table = "glip_t_state_dict_keys.tsv");

}  // namespace glip::test
