// modulated_deform_conv2d for CUDA tensors (builds with GLIP_CUDA only): deform_conv_cuda.cu's deformable im2col,
// then ATen's GEMM with the weight on the device. Semantics of deform_conv.h.
#pragma once
#include <ATen/Tensor.h>

#include "core/ops/deform_conv/deform_conv.h"

namespace glip::ops::detail {

// Inputs already validated by modulated_deform_conv2d; float32 or float64, all on one CUDA device.
at::Tensor modulated_deform_conv2d_cuda(const at::Tensor& input, const at::Tensor& offset, const at::Tensor& mask,
                                        const at::Tensor& weight, const at::Tensor& bias, const DeformConvParams& p);

}  // namespace glip::ops::detail
