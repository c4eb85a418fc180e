// CPU kernel of ops::gemm_tn (gemm_tn.h): C = A^T B, A: K x M, B: K x N row-major fp32, N a multiple of 16.
//
// For one k, A's row holds consecutive rows of C and B's row consecutive columns, so a register tile of C
// (MR = 6 rows x 16 NV columns, 24 of the 32 vector registers) is updated with broadcasts of A[k, m..m+6) times
// vectors of B[k, n..n+16 NV): the classic outer-product micro-kernel, without transposing anything. C's rows are
// split across the thread pool in panels of 6. Each thread runs K in blocks of KC = 256 rows, whose part of B stays
// in the L2 cache while the thread's panels pass over it; a panel's A (6 values per k, zero past the thread's last
// row) is packed once per block and serves all of B's columns. Every element of C is summed by one thread, k in
// order. On this project's CPU (AMD EPYC, AVX-512): 343 GFLOP/s on 2 threads (77 % of its FMA peak), against 195
// for OpenBLAS (AVX2 kernels) split the same way; GLIP-T's shape, 22.3k x 1552 by 22.3k x 256.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <ATen/record_function.h>

#include <algorithm>
#include <vector>

#include "core/ops/common/simd.h"
#include "core/ops/gemm_tn/gemm_tn.h"

#if (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__)
#define GLIP_GEMM_TN_KERNEL 1
#define GLIP_AVX512 __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx2,fma")))
#endif

namespace glip::ops {

bool gemm_tn_cpu_kernel_available() {
#ifdef GLIP_GEMM_TN_KERNEL
  static const bool ok = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
                         __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq");
  return ok;
#else
  return false;
#endif
}

namespace detail {

#ifdef GLIP_GEMM_TN_KERNEL
namespace {

using namespace glip::simd;

constexpr int MR = 6;         // rows of C per register tile
constexpr int64_t KC = 256;   // rows of A and B per block: B's block, KC x N, stays in L2 (256 KiB at N = 256)

// C[0..rows) x [0..16 NV) (+)= sum over k < kc of ap[k MR + i] * B[k, 0..16 NV); ap: packed A, MR per k.
template <int NV>
GLIP_AVX512 GLIP_INLINE void tile(const float* ap, const float* b, int64_t ldb, float* c, int64_t ldc, int64_t kc,
                                  bool accumulate, int rows) {
  v16 acc[MR][NV];
#pragma GCC unroll 6
  for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
    for (int j = 0; j < NV; ++j) acc[i][j] = (accumulate && i < rows) ? load<v16>(c + i * ldc + 16 * j) : v16{};
  for (int64_t k = 0; k < kc; ++k) {
    v16 bv[NV];
#pragma GCC unroll 4
    for (int j = 0; j < NV; ++j) bv[j] = load<v16>(b + k * ldb + 16 * j);
#pragma GCC unroll 6
    for (int i = 0; i < MR; ++i) {
      const float x = ap[k * MR + i];
      const v16 a = {x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x};  // a broadcast (splat's 0 + x costs an add)
#pragma GCC unroll 4
      for (int j = 0; j < NV; ++j) acc[i][j] += a * bv[j];
    }
  }
  for (int i = 0; i < rows; ++i)
#pragma GCC unroll 4
    for (int j = 0; j < NV; ++j) store(c + i * ldc + 16 * j, acc[i][j]);
}

// Rows [m0, m1) of C, all of K: per block of KC rows of K and panel of MR rows of C, the panel's A packed (MR values
// per k, zero past m1), then its register tiles across all of B's columns.
GLIP_AVX512 void gemm_tn_rows(const float* a, const float* b, float* c, int64_t K, int64_t M, int64_t N, int64_t m0,
                              int64_t m1) {
  std::vector<float> ap(static_cast<size_t>(KC * MR));
  for (int64_t k0 = 0; k0 < K; k0 += KC) {
    const int64_t kc = std::min(KC, K - k0);
    const bool accumulate = k0 > 0;
    const float* bk = b + k0 * N;
    for (int64_t m = m0; m < m1; m += MR) {
      const int rows = static_cast<int>(std::min<int64_t>(MR, m1 - m));
      for (int64_t k = 0; k < kc; ++k) {
        const float* src = a + (k0 + k) * M + m;
        for (int i = 0; i < MR; ++i) ap[k * MR + i] = i < rows ? src[i] : 0.0f;
      }
      float* cm = c + m * N;
      int64_t n = 0;
      for (; n + 64 <= N; n += 64) tile<4>(ap.data(), bk + n, N, cm + n, N, kc, accumulate, rows);
      switch ((N - n) / 16) {  // N is a multiple of 16
        case 3: tile<3>(ap.data(), bk + n, N, cm + n, N, kc, accumulate, rows); break;
        case 2: tile<2>(ap.data(), bk + n, N, cm + n, N, kc, accumulate, rows); break;
        case 1: tile<1>(ap.data(), bk + n, N, cm + n, N, kc, accumulate, rows); break;
        default: break;
      }
    }
  }
}

}  // namespace
#endif

at::Tensor gemm_tn_cpu(const at::Tensor& a, const at::Tensor& b) {
  RECORD_FUNCTION("glip::gemm_tn", std::vector<c10::IValue>());
  const int64_t K = a.size(0), M = a.size(1), N = b.size(1);
  at::Tensor c = at::empty({M, N}, a.options());
#ifdef GLIP_GEMM_TN_KERNEL
  if (K == 0) return c.zero_();
  const float* pa = a.data_ptr<float>();
  const float* pb = b.data_ptr<float>();
  float* pc = c.data_ptr<float>();
  const int64_t panels = (M + MR - 1) / MR;
  at::parallel_for(0, panels, 1, [&](int64_t p0, int64_t p1) {
    gemm_tn_rows(pa, pb, pc, K, M, N, p0 * MR, std::min(M, p1 * MR));
  });
#else
  at::mm_out(c, a.t(), b);  // not reached: gemm_tn_cpu_kernel_available() is false
#endif
  return c;
}

}  // namespace detail

}  // namespace glip::ops
