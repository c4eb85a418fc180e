// GLIP's FPN (maskrcnn_benchmark/modeling/backbone/fpn.py) with LastLevelP6P7, inference only, plain convs
// (MODEL.FPN.USE_GN / USE_RELU off). Names equal the checkpoint's `backbone.fpn.*`: fpn_inner<k>, fpn_layer<k>
// (k = 1-based position in in_channels_list, skipped where the list has 0), top_blocks.p6, top_blocks.p7.
#pragma once
#include <torch/nn/module.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/pimpl.h>

#include <vector>

#include "core/vision/options.h"

namespace glip {

class TensorProbe;

class LastLevelP6P7Impl : public torch::nn::Module {
 public:
  LastLevelP6P7Impl(int64_t in_channels, int64_t out_channels);
  // p6 = conv(use_P5 ? p5 : c5), p7 = conv(relu(p6))
  std::vector<at::Tensor> forward(const at::Tensor& c5, const at::Tensor& p5);
  torch::nn::Conv2d p6{nullptr}, p7{nullptr};
  bool use_P5 = true;
};
TORCH_MODULE(LastLevelP6P7);

class FpnImpl : public torch::nn::Module {
 public:
  explicit FpnImpl(const FpnOptions& options);
  // features: the backbone outputs (one per in_channels_list entry, highest resolution first). Returns the FPN
  // levels, highest resolution first, then P6, P7 (for GLIP-T: P3..P7), contiguous (NCHW) whatever the inputs'
  // memory format. Probes fpn.p3.. (first level = p3).
  std::vector<at::Tensor> forward(const std::vector<at::Tensor>& features, TensorProbe* probe = nullptr);

  std::vector<torch::nn::Conv2d> inner_blocks, layer_blocks;  // in order of in_channels_list (non-zero entries)
  LastLevelP6P7 top_blocks{nullptr};

 private:
  FpnOptions options_;
};
TORCH_MODULE(Fpn);

}  // namespace glip
