// modulated_deform_conv2d made only of ATen operations (gather + matmul), so it runs on any device libtorch has:
// the path for non-CPU tensors and, with DeformConvParams::generic, on the CPU too (`--kernels generic`), where the
// golden tests prove it. Same semantics as the official kernel (deform_conv_cpu.h): per tap k = i*kw + j of
// deformable group g, offset channels (g*K + k)*2 = dy and +1 = dx; a sample at (h, w) is 0 unless
// -1 < h < H and -1 < w < W, else the bilinear value with each corner outside the image read as 0.
#pragma once
#include <ATen/Tensor.h>

#include "core/ops/deform_conv/deform_conv.h"

namespace glip::ops::detail {

// Inputs already validated by modulated_deform_conv2d; float32 or float64, all on one device.
at::Tensor modulated_deform_conv2d_generic(const at::Tensor& input, const at::Tensor& offset, const at::Tensor& mask,
                                           const at::Tensor& weight, const at::Tensor& bias, const DeformConvParams& p);

}  // namespace glip::ops::detail
