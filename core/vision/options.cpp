#include "core/vision/options.h"

#include <string>

#include "core/common/error.h"

namespace glip {

void validate(const SwinOptions& o) {
  const std::string w = "Swin options: ";
  if (o.patch_size < 1 || o.in_chans < 1 || o.embed_dim < 1 || o.window_size < 2)
    throw Error(w + "patch_size, in_chans and embed_dim must be >= 1 and WINDOW_SIZE >= 2");
  if (o.depths.empty() || o.depths.size() != o.num_heads.size())
    throw Error(w + "MODEL.SWINT.DEPTHS (" + std::to_string(o.depths.size()) + " stages) and NUM_HEADS (" +
                std::to_string(o.num_heads.size()) + ") must be non-empty and of the same length");
  for (size_t i = 0; i < o.depths.size(); ++i) {
    const int64_t dim = o.embed_dim << i;
    if (o.depths[i] < 1) throw Error(w + "MODEL.SWINT.DEPTHS entries must be >= 1");
    if (o.num_heads[i] < 1 || dim % o.num_heads[i] != 0)
      throw Error(w + "stage " + std::to_string(i + 2) + " width " + std::to_string(dim) + " is not divisible by " +
                  std::to_string(o.num_heads[i]) + " heads (MODEL.SWINT.NUM_HEADS)");
  }
  if (!(o.mlp_ratio > 0)) throw Error(w + "MODEL.SWINT.MLP_RATIO must be positive");
  for (const auto& f : o.out_features) {
    bool ok = false;
    for (size_t i = 0; i < o.depths.size(); ++i) ok = ok || f == "stage" + std::to_string(i + 2);
    if (!ok) throw Error(w + "MODEL.BACKBONE.OUT_FEATURES entry \"" + f + "\" is not a Swin stage");
  }
  if (o.out_features.empty()) throw Error(w + "MODEL.BACKBONE.OUT_FEATURES is empty");
}

void validate(const FpnOptions& o) {
  size_t blocks = 0;
  for (int64_t c : o.in_channels_list) {
    if (c < 0) throw Error("FPN options: negative input channel count");
    blocks += c > 0;
  }
  if (blocks == 0) throw Error("FPN options: no input level (in_channels_list is all zero)");
  if (o.out_channels < 1 || o.p6p7_in_channels < 1)
    throw Error("FPN options: MODEL.BACKBONE.OUT_CHANNELS must be >= 1");
}

void validate(const AnchorGeneratorOptions& o) {
  if (o.strides.empty() || o.strides.size() != o.sizes.size())
    throw Error("anchor options: MODEL.RPN.ANCHOR_STRIDE (" + std::to_string(o.strides.size()) +
                ") and ANCHOR_SIZES (" + std::to_string(o.sizes.size()) + ") must have one entry per FPN level");
  if (o.aspect_ratios.empty()) throw Error("anchor options: MODEL.RPN.ASPECT_RATIOS is empty");
  for (double r : o.aspect_ratios)
    if (!(r > 0)) throw Error("anchor options: aspect ratios must be positive");
  for (int64_t s : o.strides)
    if (s < 1) throw Error("anchor options: anchor strides must be >= 1");
  for (const auto& level : o.sizes) {
    if (level.empty()) throw Error("anchor options: a level has no anchor size");
    for (double s : level)
      if (!(s > 0)) throw Error("anchor options: anchor sizes must be positive");
  }
}

}  // namespace glip
