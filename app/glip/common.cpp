#include "app/glip/common.h"

#include <spdlog/spdlog.h>

#include <cmath>
#include <filesystem>
#include <sstream>
#include <thread>

#include "core/common/file_io.h"

namespace glip::cli {

CLI::Validator finite_range(double lo, double hi) {
  std::ostringstream desc;
  desc << "in [" << lo << ", " << hi << "]";
  return CLI::Validator(
      [lo, hi, d = desc.str()](std::string& text) -> std::string {
        double v = 0;
        try {
          size_t used = 0;
          v = std::stod(text, &used);
          if (used != text.size()) return "'" + text + "' is not a number";
        } catch (const std::exception&) {
          return "'" + text + "' is not a number " + d;
        }
        if (!std::isfinite(v) || v < lo || v > hi) return "value " + text + " is not " + d;
        return {};
      },
      desc.str());
}

std::string read_caption_file(const std::string& path) {
  std::string text = read_text_file(path, size_t{1} << 20, "caption file");
  if (!text.empty() && text.back() == '\n') text.pop_back();
  if (!text.empty() && text.back() == '\r') text.pop_back();
  return text;
}

std::string find_shipped(const std::string& rel) {
  namespace fs = std::filesystem;
  for (const fs::path& base : {fs::current_path(), fs::path(GLIP_SOURCE_DIR)})
    if (fs::exists(base / rel)) return (base / rel).string();
  return rel;
}

void add_model_options(CLI::App& cmd, ModelArgs& args, bool config_required) {
  auto* cfg = cmd.add_option("--config-file", args.config_file, "GLIP YAML config");
  if (config_required) cfg->required();
  cmd.add_option("--weight", args.weight, "checkpoint (.pth); default: MODEL.WEIGHT relative to the config");
  cmd.add_option("--device", args.device, "cpu (default) or cuda");
  cmd.add_option("--threads", args.threads, "intra-op threads (default 0: all cores)")
      ->check(finite_range(0, kMaxThreads));
  add_precision_option(cmd, args);
}

void add_precision_option(CLI::App& cmd, ModelArgs& args) {
  cmd.add_option("--precision", args.precision,
                 "fp32 (default, the reference), bf16 (CPUs with AVX512_BF16/AMX: GLIP-T ~1.25x as fast; CUDA), "
                 "tf32 or fp16 (CUDA only); deviations in docs/PERFORMANCE.md")
      ->check(CLI::IsMember({"fp32", "bf16", "tf32", "fp16"}));
  cmd.add_option("--kernels", args.kernels,
                 "native (default: the hand-written CPU kernels) or generic (only ATen operations, the path other "
                 "devices take; fp32)")
      ->check(CLI::IsMember({"native", "generic"}));
}

std::shared_ptr<const Model> load_model(const ModelArgs& args, bool random_init) {
  ModelParams mp;
  mp.config_file = args.config_file;
  mp.weight_file = args.weight;
  mp.overrides = args.overrides;
  mp.device = args.device;
  mp.num_threads = args.threads;
  const unsigned cores = std::thread::hardware_concurrency();
  if (cores > 0 && args.threads > static_cast<int>(cores))
    spdlog::warn("--threads {} is more than this machine's {} cores: expect no speed-up", args.threads, cores);
  mp.random_init = random_init;
  mp.warm_up = args.warm_up;
  if (!parse_precision(args.precision, &mp.precision))
    throw Error("--precision must be fp32, bf16, tf32 or fp16, got '" + args.precision + "'");
  if (!parse_kernels(args.kernels, &mp.kernels))
    throw Error("--kernels must be native or generic, got '" + args.kernels + "'");
  auto model = Model::load(mp);
  spdlog::info("model: {}", model->description());
  return model;
}

}  // namespace glip::cli
