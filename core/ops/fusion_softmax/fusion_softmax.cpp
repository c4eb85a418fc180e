#include "core/ops/fusion_softmax/fusion_softmax.h"

#include <ATen/ATen.h>

#include <limits>

#include "core/common/error.h"

namespace glip::ops {

FusionSoftmax fusion_softmax_(at::Tensor& scores, int64_t heads, const at::Tensor& mask_add, float lo, float hi,
                              bool generic) {
  if (scores.dim() != 2 || heads <= 0 || scores.size(1) % heads != 0)
    throw Error("fusion_softmax: scores must be N x (heads * T)");
  const int64_t t = scores.size(1) / heads;
  if (mask_add.defined() && (mask_add.dim() != 1 || mask_add.size(0) != t))
    throw Error("fusion_softmax: mask_add must hold T = " + std::to_string(t) + " values");
  const bool cpu_kernel = !generic && scores.device().is_cpu() && scores.scalar_type() == at::kFloat &&
                          scores.is_contiguous() && scores.size(0) > 0 && t > 0;
  return cpu_kernel ? detail::fusion_softmax_cpu_(scores, heads, mask_add, lo, hi)
                    : detail::fusion_softmax_generic_(scores, heads, mask_add, lo, hi);
}

namespace detail {

FusionSoftmax fusion_softmax_generic_(at::Tensor& scores, int64_t heads, const at::Tensor& mask_add, float lo,
                                      float hi) {
  const int64_t n = scores.size(0), t = scores.size(1) / heads;
  constexpr float inf = std::numeric_limits<float>::infinity();
  if (lo > -inf) scores.clamp_min_(lo);
  if (hi < inf) scores.clamp_max_(hi);
  at::Tensor s = scores.view({n, heads, t});                                                   // N x H x T
  at::Tensor p_v = (mask_add.defined() ? s + mask_add.to(scores.dtype()) : s).softmax(-1);     // N x H x T
  at::Tensor e = scores.sub_(at::amax(scores, {0}, /*keepdim=*/true)).exp_();                 // N x HT
  return {p_v.view({n, heads * t}), e.sum(0).reciprocal_()};                                    // N x HT, HT
}

}  // namespace detail
}  // namespace glip::ops
