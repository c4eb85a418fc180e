// Validation and device dispatch for modulated_deform_conv2d.
#include "core/ops/deform_conv/deform_conv.h"

#include <ATen/ATen.h>

#include <string>

#include "core/common/error.h"
#include "core/common/shape.h"
#include "core/ops/deform_conv/deform_conv_cpu.h"
#include "core/ops/deform_conv/deform_conv_generic.h"
#ifdef GLIP_WITH_CUDA_KERNELS
#include "core/ops/deform_conv/deform_conv_cuda.h"
#endif

namespace glip::ops {
namespace {

[[noreturn]] void fail(const std::string& what) { throw glip::Error("modulated_deform_conv2d: " + what); }

}  // namespace

at::Tensor modulated_deform_conv2d(const at::Tensor& input, const at::Tensor& offset, const at::Tensor& mask,
                                   const at::Tensor& weight, const at::Tensor& bias, const DeformConvParams& p) {
  if (!input.defined() || !offset.defined() || !mask.defined() || !weight.defined())
    fail("input, offset, mask and weight must all be defined tensors");
  if (input.dim() != 4) fail("input must be N x Cin x H x W, got " + shape_str(input.sizes()));
  if (weight.dim() != 4) fail("weight must be Cout x Cin/groups x kh x kw, got " + shape_str(weight.sizes()));
  if (offset.dim() != 4) fail("offset must be N x 2*dg*kh*kw x Ho x Wo, got " + shape_str(offset.sizes()));
  if (mask.dim() != 4) fail("mask must be N x dg*kh*kw x Ho x Wo, got " + shape_str(mask.sizes()));
  if (p.stride < 1 || p.dilation < 1 || p.padding < 0 || p.groups < 1 || p.deformable_groups < 1)
    fail("stride, dilation, groups and deformable_groups must be >= 1 and padding >= 0");
  const auto st = input.scalar_type();
  if (st != at::kFloat && st != at::kDouble) fail("input must be float32 or float64");
  // A bf16 or fp16 weight for a float32 input (ModelParams::precision): the CPU kernel convolves bf16 samples;
  // every other path widens the weight to fp32.
  const bool reduced_weight =
      st == at::kFloat && (weight.scalar_type() == at::kBFloat16 || weight.scalar_type() == at::kHalf);
  const bool bf16_weight = reduced_weight && weight.scalar_type() == at::kBFloat16 && input.device().is_cpu();
  for (const at::Tensor* t : {&offset, &mask, &weight}) {
    if (t->scalar_type() != st && !(t == &weight && reduced_weight))
      fail("offset, mask and weight must have the input's dtype (or a bf16/fp16 weight for a float32 input)");
    if (t->device() != input.device()) fail("all tensors must be on the input's device");
  }
  const int64_t n = input.size(0), cin = input.size(1), h = input.size(2), w = input.size(3);
  const int64_t cout = weight.size(0), kh = weight.size(2), kw = weight.size(3);
  const int64_t g = p.groups, dg = p.deformable_groups;
  if (cin != weight.size(1) * g)
    fail("input has " + std::to_string(cin) + " channels but weight expects " + std::to_string(weight.size(1)) +
         " x " + std::to_string(g) + " groups");
  if (cout % g != 0) fail("output channels " + std::to_string(cout) + " not divisible by groups");
  if (cin % dg != 0) fail("input channels " + std::to_string(cin) + " not divisible by deformable_groups");
  const int64_t ho = (h + 2 * p.padding - (p.dilation * (kh - 1) + 1)) / p.stride + 1;
  const int64_t wo = (w + 2 * p.padding - (p.dilation * (kw - 1) + 1)) / p.stride + 1;
  if (ho < 1 || wo < 1) fail("the kernel does not fit the padded input " + shape_str(input.sizes()));
  if (offset.size(0) != n || offset.size(1) != 2 * dg * kh * kw || offset.size(2) != ho || offset.size(3) != wo)
    fail("offset must be " + std::to_string(n) + " x " + std::to_string(2 * dg * kh * kw) + " x " +
         std::to_string(ho) + " x " + std::to_string(wo) + ", got " + shape_str(offset.sizes()));
  if (mask.size(0) != n || mask.size(1) != dg * kh * kw || mask.size(2) != ho || mask.size(3) != wo)
    fail("mask must be " + std::to_string(n) + " x " + std::to_string(dg * kh * kw) + " x " + std::to_string(ho) +
         " x " + std::to_string(wo) + ", got " + shape_str(mask.sizes()));
  if (bias.defined()) {
    if (bias.dim() != 1 || bias.size(0) != cout) fail("bias must have " + std::to_string(cout) + " elements");
    if (bias.scalar_type() != st || bias.device() != input.device()) fail("bias must match the input's dtype/device");
  }

  if (input.device().is_cpu() && !p.generic && (bf16_weight || !reduced_weight))
    return detail::modulated_deform_conv2d_cpu(input, offset, mask, weight, bias, p);
  const at::Tensor wt = reduced_weight ? weight.to(st) : weight;
#ifdef GLIP_WITH_CUDA_KERNELS
  if (input.device().is_cuda() && !p.generic)
    return detail::modulated_deform_conv2d_cuda(input, offset, mask, wt, bias, p);
#endif
  return detail::modulated_deform_conv2d_generic(input, offset, mask, wt, bias, p);
}

bool cuda_kernels_built() {
#ifdef GLIP_WITH_CUDA_KERNELS
  return true;
#else
  return false;
#endif
}

}  // namespace glip::ops
