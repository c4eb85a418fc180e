#include "core/ops/precision/precision.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <ATen/ThreadLocalState.h>
#include <dlfcn.h>

#include <algorithm>
#include <atomic>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "core/ops/gemm_tn/gemm_tn.h"

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
// OpenBLAS's thread control, looked up in the process (libtorch links the BLAS; absent for another BLAS).
using OpenBlasSetThreads = void (*)(int);
using OpenBlasGetThreads = int (*)();
OpenBlasSetThreads openblas_set() {
  static const auto f = reinterpret_cast<OpenBlasSetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
  return f;
}
OpenBlasGetThreads openblas_get() {
  static const auto f = reinterpret_cast<OpenBlasGetThreads>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
  return f;
}
}  // namespace

bool blas_in_caller() {
  const OpenBlasGetThreads get = openblas_get();
  return !get || get() == 1;
}

bool set_num_threads(int n) {
  at::set_num_threads(std::max(1, n));
  if (const OpenBlasSetThreads set = openblas_set()) set(1);
  return blas_in_caller();
}

int parallel_for_threads(int64_t n) {
  std::vector<std::atomic<bool>> used(static_cast<size_t>(std::max(1, at::get_num_threads())));
  at::parallel_for(0, std::max<int64_t>(n, 1), 1, [&](int64_t, int64_t) {
    const size_t t = static_cast<size_t>(at::get_thread_num());
    if (t < used.size()) used[t] = true;
  });
  return static_cast<int>(std::count_if(used.begin(), used.end(), [](const std::atomic<bool>& u) { return u.load(); }));
}

namespace {
bool cpu_float(const at::Tensor& t) { return t.scalar_type() == at::kFloat && t.device().is_cpu(); }

// x (..., K) row-major is a channels-last (1, K, M, 1) image; a 1x1 convolution with W (N, K, 1, 1) writes a
// channels-last (1, N, M, 1) result, i.e. y (M, N) row-major.
at::Tensor linear_as_conv(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias) {
  const int64_t K = x.size(-1), N = weight.size(0), M = x.numel() / K;
  at::Tensor img = x.as_strided({1, K, M, 1}, {M * K, 1, K, K});                       // 1 x K x M x 1 (NHWC)
  // Straight to oneDNN: at::conv2d would send a 1x1 convolution of one image to im2col + BLAS when libtorch has
  // one thread (its ConvParams::use_mkldnn), half oneDNN's single-thread rate on this project's CPUs.
  at::Tensor w4 = weight.view({N, K, 1, 1});
  at::Tensor y = at::hasMKLDNN() ? at::mkldnn_convolution(img, w4, bias, {0, 0}, {1, 1}, {1, 1}, 1)
                                 : at::conv2d(img, w4, bias);                           // 1 x N x M x 1
  if (!y.is_contiguous(at::MemoryFormat::ChannelsLast)) y = y.contiguous(at::MemoryFormat::ChannelsLast);
  std::vector<int64_t> shape(x.sizes().begin(), x.sizes().end());
  shape.back() = N;
  return y.as_strided({M, N}, {N, 1}).view(shape);                                      // ... x N
}

// A bf16 product back to fp32, with the fp32 bias (broadcast along `bias_shape`) added in the same pass.
at::Tensor to_fp32(const at::Tensor& y, const at::Tensor& bias, at::IntArrayRef bias_shape) {
  if (!bias.defined()) return y.to(at::kFloat);
  return at::add(y, bias.to(at::kFloat).view(bias_shape));  // bf16 + fp32 -> fp32
}
}  // namespace

at::Tensor linear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias) {
  if (!is_reduced(weight)) {
    const bool as_conv = cpu_float(x) && cpu_float(weight) && x.dim() >= 1 && x.size(-1) > 0 && x.numel() > 0 &&
                         weight.dim() == 2 && x.is_contiguous() && weight.is_contiguous();
    return as_conv ? linear_as_conv(x, weight, bias) : at::linear(x, weight, bias);
  }
  return to_fp32(at::linear(x.to(weight.scalar_type()), weight), bias, {-1});  // ... x N
}

at::Tensor conv2d(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias, int64_t stride,
                  int64_t padding) {
  if (!is_reduced(weight)) return at::conv2d(x, weight, bias, stride, padding);
  at::Tensor y = at::conv2d(x.to(weight.scalar_type()), weight, {}, stride, padding);  // N x Cout x Ho x Wo (bf16/fp16)
  return to_fp32(y, bias, {1, -1, 1, 1});
}

namespace {
// Whether a (..., n, k) @ b (..., k, p) with the same leading sizes is a batch whose items the BLAS multiplies one
// by one in at::matmul: at::bmm sends items of at least 400 multiply-adds to the same BLAS call per item.
bool blas_batch(const at::Tensor& a, const at::Tensor& b) {
  if (a.dim() < 3 || b.dim() != a.dim() || a.size(-1) != b.size(-2)) return false;
  for (int64_t i = 0; i + 2 < a.dim(); ++i)
    if (a.size(i) != b.size(i)) return false;
  return a.size(-2) * a.size(-1) * b.size(-1) >= 400;
}

// body(i) for i in [0, pieces) across the pool. The bodies are tensor operations (BLAS products), not raw loops,
// so each thread of the pool gets the caller's thread-local state (inference mode, grad mode).
template <typename F>
void on_pool(int64_t pieces, const F& body) {
  const at::ThreadLocalState caller;
  at::parallel_for(0, pieces, 1, [&](int64_t begin, int64_t end) {
    at::ThreadLocalStateGuard state(caller);
    for (int64_t i = begin; i < end; ++i) body(i);
  });
}
}  // namespace

at::Tensor matmul(const at::Tensor& a, const at::Tensor& b, at::ScalarType compute) {
  if (compute != at::kBFloat16 && compute != at::kHalf) {
    // a = A^T of a row-major A (VLFuse's P_l^T v): the AVX-512 kernel, twice OpenBLAS's AVX2 rate on this product.
    if (a.dim() == 2 && gemm_tn_takes_cpu_kernel(a.t(), b)) return gemm_tn(a.t(), b);
    const int threads = at::get_num_threads();
    if (!cpu_float(a) || !cpu_float(b) || threads < 2 || at::in_parallel_region() || !blas_in_caller())
      return at::matmul(a, b);
    if (blas_batch(a, b)) {
      // The items across the pool, each multiplied by the BLAS in its own thread: at::matmul's values (its bmm
      // calls the same BLAS product per item).
      const int64_t n = a.size(-2), k = a.size(-1), p = b.size(-1);
      const int64_t items = a.numel() / (n * k);  // n * k > 0 (blas_batch)
      if (items < 2) return at::matmul(a, b);
      const at::Tensor a3 = a.reshape({items, n, k}), b3 = b.reshape({items, k, p});
      at::Tensor out = at::empty({items, n, p}, a.options());
      on_pool(items, [&](int64_t i) {
        at::Tensor o = out[i];
        at::mm_out(o, a3[i], b3[i]);
      });
      std::vector<int64_t> shape(a.sizes().begin(), a.sizes().end());
      shape.back() = p;
      return out.view(shape);  // ... x n x p
    }
    if (a.dim() != 2 || b.dim() != 2 || a.size(0) < 2 * threads) return at::matmul(a, b);
    // Row blocks of a, one per thread, each multiplied by the BLAS in its own thread.
    const int64_t rows = a.size(0), block = (rows + threads - 1) / threads;
    at::Tensor out = at::empty({rows, b.size(1)}, a.options());
    on_pool(threads, [&](int64_t i) {
      const int64_t r0 = i * block, m = std::min(block, rows - r0);
      if (m <= 0) return;
      at::Tensor o = out.narrow(0, r0, m);
      at::mm_out(o, a.narrow(0, r0, m), b);
    });
    return out;
  }
  return at::matmul(a.to(compute), b.to(compute)).to(at::kFloat);
}

}  // namespace glip::ops
