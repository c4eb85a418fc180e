// Options and helpers shared by the model-driven subcommands (predict, bench, eval).
#pragma once
#include <CLI/CLI.hpp>

#include <memory>
#include <string>
#include <vector>

#include "core/engine/engine.h"

namespace glip::cli {

struct ModelArgs {
  std::string config_file, weight, device = "cpu";
  int threads = 0;
  bool warm_up = true;                 // ModelParams::warm_up
  std::string precision = "fp32";      // ModelParams::precision: fp32 | bf16 | tf32 | fp16
  std::string kernels = "native";      // ModelParams::kernels: native | generic
  std::vector<std::string> overrides;  // trailing KEY VALUE pairs
};

// Numeric option bounds. A value outside (or NaN, or not a number) is a one-line usage error naming the option.
// The limits are listed in docs/LIMITS.md.
CLI::Validator finite_range(double lo, double hi);  // lo <= v <= hi, v finite
constexpr int kMaxThreads = 1024;                   // --threads: 0 (all cores) .. kMaxThreads

// A caption given in a file (UTF-8; one trailing newline dropped), for captions past the command line's length
// limit. glip::Error for a missing, non-regular or over 1 MiB file.
std::string read_caption_file(const std::string& path);

// A file shipped with the sources (models/..., resources/...): under the current folder, else under the source
// tree the tool was built from; `rel` itself when neither has it.
std::string find_shipped(const std::string& rel);

// --config-file (required), --weight, --device, --threads, --precision.
void add_model_options(CLI::App& cmd, ModelArgs& args, bool config_required = true);
std::shared_ptr<const Model> load_model(const ModelArgs& args, bool random_init = false);
// --precision fp32|bf16|tf32|fp16 and --kernels native|generic on `cmd`.
void add_precision_option(CLI::App& cmd, ModelArgs& args);

}  // namespace glip::cli
