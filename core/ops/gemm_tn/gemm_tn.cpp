#include "core/ops/gemm_tn/gemm_tn.h"

#include <ATen/ATen.h>

#include "core/common/error.h"

namespace glip::ops {

bool gemm_tn_takes_cpu_kernel(const at::Tensor& a, const at::Tensor& b) {
  return a.dim() == 2 && b.dim() == 2 && a.size(0) == b.size(0) && a.device().is_cpu() && b.device().is_cpu() &&
         a.scalar_type() == at::kFloat && b.scalar_type() == at::kFloat && a.is_contiguous() &&
         b.size(1) % 16 == 0 && gemm_tn_cpu_kernel_available();
}

at::Tensor gemm_tn(const at::Tensor& a, const at::Tensor& b, bool generic) {
  if (a.dim() != 2 || b.dim() != 2 || a.size(0) != b.size(0))
    throw Error("gemm_tn: expected a (K x M) and b (K x N) with the same K");
  return !generic && gemm_tn_takes_cpu_kernel(a, b) ? detail::gemm_tn_cpu(a, b.contiguous())
                                                    : at::mm(a.t(), b);  // M x N
}

}  // namespace glip::ops
