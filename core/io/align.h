// GLIP's rules for matching checkpoint names to model names (maskrcnn_benchmark/utils/model_serialization.py:
// strip "module." when every key has it — load_checkpoint does that — then longest-suffix matching), made
// STRICT: every model tensor must be found with the right shape.
#pragma once
#include <torch/nn/module.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/io/tensor_map.h"

namespace glip::io {

using ShapeMap = std::map<std::string, std::vector<int64_t>>;

struct AlignReport {
  size_t matched = 0;                     // model tensors found (all of them, when align_state_dict returns)
  size_t by_suffix = 0;                   // ... of which under a shorter checkpoint name (a strict suffix)
  std::vector<std::string> ignored_keys;  // checkpoint entries no model tensor uses (sorted)
};

// For every model name, the checkpoint entry whose name is the LONGEST suffix of it (plain string suffix, as
// the official align_and_update_state_dicts; an identical name is the longest). Returns model name -> that
// checkpoint tensor (not copied, dtype unchanged). Throws glip::Error listing (grouped by module, capped) every
// model tensor without a match and every match whose shape differs. Unused checkpoint entries (optimizer
// leftovers, mlm heads, ...) are only reported.
TensorMap align_state_dict(const ShapeMap& model, const TensorMap& checkpoint, AlignReport* report = nullptr);

// Names and shapes of every parameter and buffer of `module` (recursive), i.e. its state-dict layout.
ShapeMap module_shapes(const torch::nn::Module& module);

// load_checkpoint(path) + align_state_dict + load_state_dict, with one info log line
// ("loaded N tensors ..., M checkpoint entries ignored"). Throws glip::Error on any failure.
AlignReport load_weights(torch::nn::Module& module, const std::string& checkpoint_path);

}  // namespace glip::io
