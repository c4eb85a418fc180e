// Modulated deformable convolution (DCNv2), the op behind GLIP's DyConv (maskrcnn_benchmark's
// ModulatedDeformConv). Device dispatch: the CPU kernel (deform_conv_cpu.cpp) for CPU tensors, the CUDA kernel
// (deform_conv_cuda.cu, builds with GLIP_CUDA) for CUDA tensors, the ATen-only implementation
// (deform_conv_generic.cpp) for any other device, CUDA without those kernels, or when DeformConvParams::generic is set.
//
// Layout (as maskrcnn_benchmark's kernels): for tap k = i*kw + j of deformable group g,
//   offset channel (g*kh*kw + k)*2     = dy, (g*kh*kw + k)*2 + 1 = dx;  mask channel g*kh*kw + k.
// Sampling is bilinear; samples outside the input read zeros (per corner), exactly as the official kernel.
// Forward only (inference): no autograd support for offset/mask gradients.
// Bad shapes/dtypes/devices throw glip::Error. float32 and float64; on the CPU also a float32 input with a bf16
// weight (ModelParams::precision bf16): sampling in fp32, the samples rounded to bf16 for the convolution (fp32
// accumulation), an fp32 result.
#pragma once
#include <ATen/Tensor.h>

#include <cstdint>

namespace glip::ops {

struct DeformConvParams {
  int64_t stride = 1;
  int64_t padding = 1;
  int64_t dilation = 1;
  int64_t groups = 1;
  int64_t deformable_groups = 1;
  // The ATen-only path (deform_conv_generic.h) on the CPU too (`--kernels generic`); tensors on other devices
  // always take it. A bf16 weight is widened to fp32 there.
  bool generic = false;
};

// input  N x Cin x H x W
// offset N x (2*dg*kh*kw) x Ho x Wo
// mask   N x (dg*kh*kw) x Ho x Wo   (already passed through sigmoid)
// weight Cout x Cin/groups x kh x kw
// bias   Cout or undefined
// returns N x Cout x Ho x Wo
at::Tensor modulated_deform_conv2d(const at::Tensor& input, const at::Tensor& offset, const at::Tensor& mask,
                                   const at::Tensor& weight, const at::Tensor& bias, const DeformConvParams& p);

// Whether this build has the CUDA kernels of core/ops (CMake option GLIP_CUDA: deform_conv_cuda.cu, nms_cuda.cu),
// used for CUDA tensors with the native kernels; without them CUDA tensors take the generic path.
bool cuda_kernels_built();

}  // namespace glip::ops
