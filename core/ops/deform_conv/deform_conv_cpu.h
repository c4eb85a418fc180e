// Device back-ends of modulated_deform_conv2d (internal to glip_ops). Inputs are validated by the dispatcher.
#pragma once
#include <ATen/Tensor.h>

#include "core/ops/deform_conv/deform_conv.h"

namespace glip::ops::detail {

at::Tensor modulated_deform_conv2d_cpu(const at::Tensor& input, const at::Tensor& offset, const at::Tensor& mask,
                                       const at::Tensor& weight, const at::Tensor& bias, const DeformConvParams& p);

}  // namespace glip::ops::detail
