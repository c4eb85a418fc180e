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
  std::vector<std::string> overrides;  // trailing KEY VALUE pairs
};

// --config-file (required), --weight, --device, --threads.
void add_model_options(CLI::App& cmd, ModelArgs& args, bool config_required = true);
std::shared_ptr<const Model> load_model(const ModelArgs& args, bool random_init = false);

}  // namespace glip::cli
