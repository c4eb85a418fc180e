// glip convert — an official checkpoint slimmed to the model's tensors (no optimizer state), in fp32, fp16 or bf16.
//
//   glip convert glip_tiny_model_o365_goldg.pth glip_t_fp16.pth [--dtype fp16]
//
// The output is one torch.save dict of the model's tensors: torch.load and the official code read it, and so does
// every `glip` command and the studio (half-precision weights are widened back to fp32 when a model loads them, so
// an fp32 conversion gives bit-identical detections). See core/io/convert.h.
#include <iostream>
#include <memory>
#include <string>

#include "app/glip/commands.h"
#include "core/common/error.h"
#include "core/io/convert.h"

namespace glip::cli {
namespace {

struct ConvertOptions {
  std::string in, out, dtype = "fp32";
};

void run_convert(const ConvertOptions& o) {
  const at::ScalarType dtype = o.dtype == "fp16" ? at::kHalf : o.dtype == "bf16" ? at::kBFloat16 : at::kFloat;
  const io::ConvertStats s = io::convert_checkpoint(o.in, o.out, dtype);
  std::cerr << "glip convert: " << s.tensors << " tensors (" << s.bytes / 1000000.0 << " MB, " << o.dtype << ", "
            << s.converted << " converted)";
  if (!s.dropped.empty()) {
    std::cerr << "; left out:";
    for (const auto& k : s.dropped) std::cerr << " " << k;
  }
  std::cerr << " -> " << o.out << "\n";
}

}  // namespace

void add_convert_command(CLI::App& app) {
  auto o = std::make_shared<ConvertOptions>();
  CLI::App* cmd = app.add_subcommand(
      "convert", "Write a checkpoint's model tensors only (no optimizer state), optionally as fp16 or bf16");
  cmd->add_option("in", o->in, "checkpoint (.pth): an official one or a state dict")->required();
  cmd->add_option("out", o->out, "output .pth (written atomically; not the input)")->required();
  cmd->add_option("--dtype", o->dtype, "fp32 (default), fp16 or bf16 for the floating-point tensors")
      ->check(CLI::IsMember({"fp32", "fp16", "bf16"}));
  cmd->callback([o]() { run_convert(*o); });
}

}  // namespace glip::cli
