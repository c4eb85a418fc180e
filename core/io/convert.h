// `glip convert`: an official checkpoint slimmed to the model's tensors, optionally in half precision.
//
// The official GLIP-T file (glip_tiny_model_o365_goldg.pth, 3.7 GB) also holds the optimizer state, the LR scheduler
// and the iteration; inference needs only its "model" entry (0.93 GB in fp32, 0.47 GB in fp16/bf16).
#pragma once
#include <ATen/core/ScalarType.h>

#include <cstdint>
#include <string>
#include <vector>

namespace glip::io {

struct ConvertStats {
  size_t tensors = 0;                // written
  size_t converted = 0;              // of them, floating-point tensors whose dtype changed
  uint64_t bytes = 0;                // tensor bytes written (the file adds its zip and pickle framing)
  std::vector<std::string> dropped;  // top-level entries of the input left out (optimizer, scheduler, ...)
};

// Reads `in` as load_checkpoint does (only the "model" entry of an official checkpoint, or a bare state dict; a
// common "module." prefix removed; the optimizer and other entries are never read), converts its floating-point
// tensors to `dtype` (kFloat, kHalf or kBFloat16; integer buffers stay as they are) and writes them to `out` as one
// torch.save dict (atomically), which torch.load, GLIP's checkpointer (a dict without "model" is taken as the
// state dict) and load_glip_weights read. Throws glip::Error for an unreadable input, an unwritable destination,
// `out` naming the input file, or another dtype.
ConvertStats convert_checkpoint(const std::string& in, const std::string& out, at::ScalarType dtype);

}  // namespace glip::io
