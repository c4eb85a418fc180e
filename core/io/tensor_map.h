// Name -> tensor maps: checkpoints, golden files, probes' dumps.
#pragma once
#include <ATen/Tensor.h>

#include <map>
#include <string>

namespace glip::io {

using TensorMap = std::map<std::string, at::Tensor>;

}  // namespace glip::io
