// VLFuse's change of layout (core/head/vlfuse.cpp) between the feature pyramid, per level B x C x h x w, and its
// visual tokens, B x N x C with N = the levels' h*w summed (levels in order, each row-major):
//   levels_to_tokens(levels)              = cat over l of levels[l].flatten(2).transpose(1, 2), along dim 1
//   tokens_to_levels(base, gamma, delta)  = (base + gamma * delta) cut back into the levels' B x C x h x w
//                                           (gamma: C, broadcast over the rows; the fusion layer's residual update)
// Two back-ends with the same values bit for bit (tests/core/ops/test_token_layout.cpp): the CPU kernel
// (token_layout_cpu.cpp: fp32, 16 x 16 tiles across the thread pool; ATen copies these transposed views element by
// element, ~8 ms per fusion layer at GLIP-T size against ~2) and the device-generic ATen formulation (cat, mul,
// add, contiguous), used for other devices and dtypes and with `generic`. gamma * delta is rounded before the
// addition, as ATen's mul then add do.
#pragma once
#include <ATen/Tensor.h>

#include <vector>

namespace glip::ops {

// levels: B x C x h x w each (same B and C) -> B x N x C, contiguous.
at::Tensor levels_to_tokens(const std::vector<at::Tensor>& levels, bool generic = false);

// base, delta: B x N x C; gamma: C; shapes: the levels' B x C x h x w (only h and w are read) -> per level
// B x C x h x w, contiguous.
std::vector<at::Tensor> tokens_to_levels(const at::Tensor& base, const at::Tensor& gamma, const at::Tensor& delta,
                                         const std::vector<at::Tensor>& shapes, bool generic = false);

namespace detail {
at::Tensor levels_to_tokens_cpu(const std::vector<at::Tensor>& levels);
std::vector<at::Tensor> tokens_to_levels_cpu(const at::Tensor& base, const at::Tensor& gamma, const at::Tensor& delta,
                                             const std::vector<at::Tensor>& shapes);
}  // namespace detail

}  // namespace glip::ops
