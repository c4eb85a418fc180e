// DyConv of GLIP's head (modeling/rpn/vldyhead.py DyConv, Conv3x3Norm; layers/deform_conv.py ModulatedDeformConv;
// layers/dyrelu.py DYReLU, h_sigmoid). Names equal the official ones: DyConv.{0,1,2}.{conv,bn}, AttnConv.1,
// relu.fc.{0,2}, offset.
#pragma once
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

#include <string>
#include <vector>

#include "core/head/head_options.h"

namespace glip {
class TensorProbe;
}

namespace glip::head {

// relu6(x + 3) / 6
at::Tensor h_sigmoid(const at::Tensor& x);

// maskrcnn_benchmark ModulatedDeformConv (weight Cout x Cin x 3 x 3, bias Cout), via glip::ops.
class ModulatedDeformConvImpl : public torch::nn::Module {
 public:
  ModulatedDeformConvImpl(int64_t in, int64_t out, int64_t stride);
  // x N x Cin x H x W, offset N x 18 x Ho x Wo, mask N x 9 x Ho x Wo (after sigmoid) -> N x Cout x Ho x Wo
  at::Tensor forward(const at::Tensor& x, const at::Tensor& offset, const at::Tensor& mask);
  at::Tensor weight, bias;
  bool generic = false;  // the ATen-only deformable convolution on the CPU too (ops::DeformConvParams::generic)

 private:
  int64_t stride_;
};
TORCH_MODULE(ModulatedDeformConv);

// Conv3x3Norm: 3x3 conv (deformable or plain, padding 1) followed by GroupNorm (when use_gn).
class Conv3x3NormImpl : public torch::nn::Module {
 public:
  Conv3x3NormImpl(int64_t in, int64_t out, int64_t stride, const DyConvOptions& o);
  // offset/mask are required iff deformable
  at::Tensor forward(const at::Tensor& x, const at::Tensor& offset, const at::Tensor& mask);

 private:
  ModulatedDeformConv dconv_{nullptr};
  torch::nn::Conv2d conv_{nullptr};
  torch::nn::GroupNorm bn_{nullptr};
};
TORCH_MODULE(Conv3x3Norm);

// DYReLU(inp, oup) with reduction 4, K2, bias, lambda_a 1 (x2), init_a (1,0), init_b (0,0), no spatial branch.
class DyReLUImpl : public torch::nn::Module {
 public:
  DyReLUImpl(int64_t inp, int64_t oup);
  at::Tensor forward(const at::Tensor& x);  // B x C x H x W -> B x C x H x W
  torch::nn::Sequential fc{nullptr};

 private:
  int64_t oup_;
};
TORCH_MODULE(DyReLU);

class DyConvImpl : public torch::nn::Module {
 public:
  explicit DyConvImpl(const DyConvOptions& o);
  // visual: per level B x C x h x w (P3..P7) -> per level B x Cout x h x w.
  // Probe names (prefix e.g. "dyhead.2."): <prefix>dyconv.offset_mask.pL (B x 27 x h x w, before the sigmoid),
  // <prefix>dyconv.visual.pL.
  std::vector<at::Tensor> forward(const std::vector<at::Tensor>& visual, TensorProbe* probe = nullptr,
                                  const std::string& prefix = "");

  torch::nn::ModuleList DyConv{nullptr};
  torch::nn::Sequential AttnConv{nullptr};
  DyReLU relu{nullptr};
  torch::nn::Conv2d offset{nullptr};

 private:
  DyConvOptions o_;
  std::vector<Conv3x3Norm> convs_;
};
TORCH_MODULE(DyConv);

}  // namespace glip::head
