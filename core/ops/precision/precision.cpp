#include "core/ops/precision/precision.h"

#include <ATen/ATen.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace glip::ops {

bool cpu_has_bf16(std::string* why) {
#if defined(__x86_64__) || defined(__i386__)
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (__get_cpuid_max(0, nullptr) >= 7) {
    __cpuid_count(7, 0, a, b, c, d);
    const bool amx_bf16 = (d >> 22) & 1u;  // CPUID.(7,0):EDX[22]
    const unsigned max_sub = a;
    bool avx512_bf16 = false;
    if (max_sub >= 1) {
      __cpuid_count(7, 1, a, b, c, d);
      avx512_bf16 = (a >> 5) & 1u;  // CPUID.(7,1):EAX[5]
    }
    if (avx512_bf16 || amx_bf16) return true;
  }
  if (why) *why = "this CPU has neither AVX512_BF16 nor AMX-BF16 (bf16 would be emulated, slower than fp32)";
  return false;
#else
  if (why) *why = "bf16 inference is built for x86 CPUs with AVX512_BF16 or AMX-BF16 only";
  return false;
#endif
}

bool is_bf16(const at::Tensor& t) { return t.defined() && t.scalar_type() == at::kBFloat16; }

bool is_reduced(const at::Tensor& t) {
  return t.defined() && (t.scalar_type() == at::kBFloat16 || t.scalar_type() == at::kHalf);
}

namespace {
// A bf16 product back to fp32, with the fp32 bias (broadcast along `bias_shape`) added in the same pass.
at::Tensor to_fp32(const at::Tensor& y, const at::Tensor& bias, at::IntArrayRef bias_shape) {
  if (!bias.defined()) return y.to(at::kFloat);
  return at::add(y, bias.to(at::kFloat).view(bias_shape));  // bf16 + fp32 -> fp32
}
}  // namespace

at::Tensor linear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias) {
  if (!is_reduced(weight)) return at::linear(x, weight, bias);
  return to_fp32(at::linear(x.to(weight.scalar_type()), weight), bias, {-1});  // ... x N
}

at::Tensor conv2d(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias, int64_t stride,
                  int64_t padding) {
  if (!is_reduced(weight)) return at::conv2d(x, weight, bias, stride, padding);
  at::Tensor y = at::conv2d(x.to(weight.scalar_type()), weight, {}, stride, padding);  // N x Cout x Ho x Wo (bf16/fp16)
  return to_fp32(y, bias, {1, -1, 1, 1});
}

at::Tensor matmul(const at::Tensor& a, const at::Tensor& b, at::ScalarType compute) {
  if (compute != at::kBFloat16 && compute != at::kHalf) return at::matmul(a, b);
  return at::matmul(a.to(compute), b.to(compute)).to(at::kFloat);
}

}  // namespace glip::ops
