// The two softmaxes of VLFuse's bi-attention (core/head/vlfuse.cpp) over one image's scores S: N visual tokens x
// H*T columns (head-major: column h*T + t is head h, token t), after the official clamps to [lo, hi]:
//   p_v        = per row and head, softmax over the T columns of (clamp(S) + mask_add)     -> new N x HT tensor
//   e          = exp(clamp(S) - colmax), colmax = per column max over the N rows of clamp(S) -> in place in S
//   inv_colsum = 1 / per column sum over the N rows of e                                    -> HT
// (e * inv_colsum is the text side's softmax over the visual tokens; vlfuse.cpp applies inv_colsum after its
// product with v.) mask_add: T floats added to every head's scores (the official additive text mask), or undefined.
//
// Two back-ends with the same values up to float rounding (tests/core/ops/test_fusion_softmax.cpp): the CPU kernel
// (fusion_softmax_cpu.cpp: two passes over S in row blocks across the thread pool instead of ATen's eight: GLIP-T's
// S is 22k x 1552 floats, 138 MB, at every one of the six fusion layers) and the device-generic ATen formulation
// (clamp, softmax, amax, exp, sum), used for other devices and dtypes and with `generic`.
#pragma once
#include <ATen/Tensor.h>

#include <cstdint>

namespace glip::ops {

struct FusionSoftmax {
  at::Tensor p_v;         // N x HT
  at::Tensor inv_colsum;  // HT
};

// scores: N x HT (H = heads), contiguous fp32 for the CPU kernel; overwritten with e.
FusionSoftmax fusion_softmax_(at::Tensor& scores, int64_t heads, const at::Tensor& mask_add, float lo, float hi,
                              bool generic = false);

namespace detail {
FusionSoftmax fusion_softmax_cpu_(at::Tensor& scores, int64_t heads, const at::Tensor& mask_add, float lo, float hi);
FusionSoftmax fusion_softmax_generic_(at::Tensor& scores, int64_t heads, const at::Tensor& mask_add, float lo,
                                      float hi);
}  // namespace detail

}  // namespace glip::ops
