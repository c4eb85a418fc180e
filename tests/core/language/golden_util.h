// Test helpers shared by the language and vision backbone tests: golden .pt files, tiny-a weights, state-dict
// name tables.
#pragma once
#include <torch/torch.h>

#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/io/checkpoint.h"
#include "core/io/tensor_map.h"

namespace glip::test {

// A golden file: a plain dict name -> tensor saved by torch.save.
inline glip::io::TensorMap load_pt(const std::string& path) { return glip::io::load_tensor_dict(path); }

inline double max_abs_diff(const at::Tensor& a, const at::Tensor& b) {
  if (a.numel() == 0) return 0.0;
  return (a.to(at::kDouble) - b.to(at::kDouble)).abs().max().item<double>();
}

inline std::string shape_str(at::IntArrayRef s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) out += (i ? "x" : "") + std::to_string(s[i]);
  return out;
}

// Rows of tests/data/golden/glip_t_state_dict_keys.tsv whose name starts with `prefix`: name without the prefix ->
// "shape dtype kind".
inline std::map<std::string, std::string> state_dict_rows(const std::string& prefix) {
  std::ifstream f(std::string(GLIP_TEST_DATA_DIR) + "/golden/glip_t_state_dict_keys.tsv");
  std::map<std::string, std::string> rows;
  std::string line;
  while (std::getline(f, line)) {
    if (line.empty() || line[0] == '#' || line.rfind(prefix, 0) != 0) continue;
    std::istringstream in(line);
    std::string name, shape, dtype, kind;
    std::getline(in, name, '\t');
    std::getline(in, shape, '\t');
    std::getline(in, dtype, '\t');
    std::getline(in, kind, '\t');
    rows[name.substr(prefix.size())] = shape + " " + dtype + " " + kind;
  }
  return rows;
}

// The same description for a module's parameters and buffers.
inline std::map<std::string, std::string> module_rows(const torch::nn::Module& m) {
  std::map<std::string, std::string> rows;
  auto dtype = [](const at::Tensor& t) {
    return t.scalar_type() == at::kFloat ? std::string("float32")
                                         : t.scalar_type() == at::kLong ? std::string("int64") : std::string("other");
  };
  for (const auto& p : m.named_parameters(true))
    rows[p.key()] = shape_str(p.value().sizes()) + " " + dtype(p.value()) + " param";
  for (const auto& b : m.named_buffers(true))
    rows[b.key()] = shape_str(b.value().sizes()) + " " + dtype(b.value()) + " buffer";
  return rows;
}

// The tiny-a checkpoint's 286 tensors (names without `module.`), read by the project's own reader.
inline const glip::io::TensorMap& tiny_weights() {
  static const glip::io::TensorMap w =
      glip::io::load_checkpoint(std::string(GLIP_TEST_DATA_DIR) + "/golden/tiny-a/model_final.pth");
  return w;
}

}  // namespace glip::test
