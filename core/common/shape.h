// A tensor's shape as text for error messages, "[2, 3, 4]": one format for every message of the core. Takes any
// sized, indexable range of integers (at::IntArrayRef, std::vector<int64_t>), so this header needs no torch.
#pragma once
#include <cstddef>
#include <string>

namespace glip {

template <class Sizes>
std::string shape_str(const Sizes& sizes) {
  std::string s = "[";
  for (std::size_t i = 0; i < sizes.size(); ++i) s += (i ? ", " : "") + std::to_string(sizes[i]);
  return s + "]";
}

}  // namespace glip
