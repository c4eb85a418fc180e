// Copying a name -> tensor map into a torch::nn::Module by parameter/buffer name.
#pragma once
#include <torch/nn/module.h>

#include <string>

#include "core/io/tensor_map.h"

namespace glip::io {

// Copies `tensors[prefix + name]` into every parameter and buffer `name` of `module` (recursively).
// Strict: throws glip::Error listing every missing name and every shape mismatch. Entries of `tensors` that the
// module does not have are ignored. Runs under NoGradGuard.
void load_state_dict(torch::nn::Module& module, const TensorMap& tensors, const std::string& prefix = "");

}  // namespace glip::io
