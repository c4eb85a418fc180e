#include "app/glip/common.h"

#include <spdlog/spdlog.h>

namespace glip::cli {

void add_model_options(CLI::App& cmd, ModelArgs& args, bool config_required) {
  auto* cfg = cmd.add_option("--config-file", args.config_file, "GLIP YAML config");
  if (config_required) cfg->required();
  cmd.add_option("--weight", args.weight, "checkpoint (.pth); default: MODEL.WEIGHT relative to the config");
  cmd.add_option("--device", args.device, "cpu (default) or cuda");
  cmd.add_option("--threads", args.threads, "intra-op threads (default: all cores)");
}

std::shared_ptr<const Model> load_model(const ModelArgs& args, bool random_init) {
  ModelParams mp;
  mp.config_file = args.config_file;
  mp.weight_file = args.weight;
  mp.overrides = args.overrides;
  mp.device = args.device;
  mp.num_threads = args.threads;
  mp.random_init = random_init;
  auto model = Model::load(mp);
  spdlog::info("model: {}", model->description());
  return model;
}

}  // namespace glip::cli
