// Fused window attention for Swin on CPU: per (window, head) softmax(q*scale k^T + bias [+ mask]) v, in L1.
//
// The ATen formulation (bmm + add + softmax + bmm) runs ~4200 tiny 49x49x32 BLAS calls per block at 800x1344 and
// streams the B*nW x nH x 49 x 49 score tensor through memory several times. Here every (window, head) pair is one
// task: Q (scaled) and K^T are staged in padded tiles, scores are computed 4 rows x 64 columns at a time in
// registers, the relative position bias and the shift mask are added (in GLIP's order), a vectorised exp (Cephes
// polynomial, ~1 ulp) gives the softmax, and p v is accumulated 4 rows at a time and written straight into the
// B*nW x N x C layout that the output projection reads.
// Written with GCC/Clang vector extensions; compiled for AVX-512, AVX2+FMA and baseline x86-64 (target_clones,
// chosen at load time).
#include "core/vision/window_attention_kernel.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <ATen/record_function.h>

#include <cstdint>
#include <cstring>

#include "core/ops/common/simd.h"

namespace glip {

namespace {

// Windows are padded to NP columns: 64 for window <= 8 (N = 49 for GLIP-T's window 7), 144 for window 12
// (GLIP-L: N = 144 exactly).
constexpr int kNPSmall = 64, kNPLarge = 144;

using namespace glip::simd;  // v16, load, store, splat, exp16

struct Args {
  const float* qkv;           // Wn x N x 3C
  const float* bias;          // nH x N x N
  const float* mask;          // M x N x N or null
  const int64_t* mask_index;  // nW: window w uses mask[mask_index[w % nW]]
  int64_t nW;
  float* out;                 // Wn x N x C
  int64_t N, C, nH;
  float scale;
};

// Pairwise sum of n vectors: (x0 + x1) + (x2 + x3) for four.
template <int n>
GLIP_INLINE v16 tree_sum(const v16* x) {
  if constexpr (n == 1)
    return x[0];
  else
    return tree_sum<n / 2>(x) + tree_sum<n - n / 2>(x + n / 2);
}

// s[i0..i0+R) x [16*c0, 16*(c0+NVB)) = q k^T, in registers.
template <int D, int NP, int R, int NVB>
GLIP_INLINE void score_block(const float (&kt)[D][NP], const float (*q)[D], float (*s)[NP], int64_t i0, int c0) {
  v16 acc[R][NVB];
  for (int r = 0; r < R; ++r)
    for (int c = 0; c < NVB; ++c) acc[r][c] = v16{};
  for (int e = 0; e < D; ++e) {
    v16 k[NVB];
    for (int c = 0; c < NVB; ++c) k[c] = load<v16>(kt[e] + 16 * (c0 + c));
    for (int r = 0; r < R; ++r) {
      const v16 qv = splat<v16>(q[i0 + r][e]);
      for (int c = 0; c < NVB; ++c) acc[r][c] += qv * k[c];
    }
  }
  for (int r = 0; r < R; ++r)
    for (int c = 0; c < NVB; ++c) store(s[i0 + r] + 16 * (c0 + c), acc[r][c]);
}

template <int D, int NP>
GLIP_INLINE void attention_tasks(const Args& a, int64_t begin, int64_t end) {
  static_assert(D % 8 == 0, "head width must be a multiple of 8");
  static_assert(NP % 16 == 0, "padded window length must be a multiple of 16");
  constexpr int NV = NP / 16;            // 16-float vectors per score row
  constexpr int R = 4;                   // rows per register block
  constexpr int kRows = NP + R;          // N rounded up to a multiple of R fits
  const int64_t N = a.N, C = a.C, C3 = 3 * a.C;
  alignas(64) float kt[D][NP];           // K^T, zero-padded columns
  alignas(64) float q[kRows][D];         // scaled Q, zero-padded rows
  alignas(64) float s[kRows][NP];        // scores, then probabilities
  alignas(64) float valid[NP];           // 1 for j < N, 0 for padding
  for (int e = 0; e < D; ++e)
    for (int j = 0; j < NP; ++j) kt[e][j] = 0.0f;
  for (int i = 0; i < kRows; ++i)
    for (int e = 0; e < D; ++e) q[i][e] = 0.0f;
  for (int j = 0; j < NP; ++j) valid[j] = j < N ? 1.0f : 0.0f;
  for (int64_t task = begin; task < end; ++task) {
    const int64_t w = task / a.nH, h = task % a.nH;
    const float* base = a.qkv + w * N * C3 + h * D;
    const float* bias = a.bias + h * N * N;
    const float* mask = a.mask ? a.mask + a.mask_index[w % a.nW] * N * N : nullptr;
    for (int64_t j = 0; j < N; ++j) {
      const float* qj = base + j * C3;
      const float* kj = qj + C;
      for (int e = 0; e < D; ++e) {
        q[j][e] = qj[e] * a.scale;  // GLIP scales q before the product
        kt[e][j] = kj[e];
      }
    }
    // scores = q k^T, R rows x 64 columns per register block (then the remaining columns)
    for (int64_t i0 = 0; i0 < N; i0 += R) {
      int c0 = 0;
      for (; c0 + 4 <= NV; c0 += 4) score_block<D, NP, R, 4>(kt, q, s, i0, c0);
      if constexpr (NV % 4 != 0) score_block<D, NP, R, NV % 4>(kt, q, s, i0, c0);
    }
    // + bias (+ mask), softmax over the N valid columns
    for (int64_t i = 0; i < N; ++i) {
      float* si = s[i];
      const float* bi = bias + i * N;
      for (int64_t j = 0; j < N; ++j) si[j] += bi[j];
      if (mask) {
        const float* mi = mask + i * N;
        for (int64_t j = 0; j < N; ++j) si[j] += mi[j];
      }
      for (int64_t j = N; j < NP; ++j) si[j] = -3.0e38f;
      v16 x[NV];
      for (int c = 0; c < NV; ++c) x[c] = load<v16>(si + 16 * c);
      v16 m = x[0];
      for (int c = 1; c < NV; ++c) m = m > x[c] ? m : x[c];
      float mx = m[0];
      for (int l = 1; l < 16; ++l) mx = mx > m[l] ? mx : m[l];
      for (int c = 0; c < NV; ++c) x[c] = exp16(x[c] - mx) * load<v16>(valid + 16 * c);
      const v16 t = tree_sum<NV>(x);
      float sum = 0.0f;
      for (int l = 0; l < 16; ++l) sum += t[l];
      const float inv = 1.0f / sum;
      for (int c = 0; c < NV; ++c) store(si + 16 * c, x[c] * inv);
    }
    // out = p v, R rows per register block, written into the Wn x N x C layout (heads side by side)
    float* out = a.out + w * N * C + h * D;
    for (int64_t i0 = 0; i0 < N; i0 += R) {
      v8 acc[R][D / 8];
      for (int r = 0; r < R; ++r)
        for (int c = 0; c < D / 8; ++c) acc[r][c] = v8{};
      for (int64_t j = 0; j < N; ++j) {
        const float* vj = base + j * C3 + 2 * C;
        v8 v[D / 8];
        for (int c = 0; c < D / 8; ++c) v[c] = load<v8>(vj + 8 * c);
        for (int r = 0; r < R; ++r) {
          const v8 p = splat<v8>(s[i0 + r][j]);
          for (int c = 0; c < D / 8; ++c) acc[r][c] += p * v[c];
        }
      }
      for (int r = 0; r < R && i0 + r < N; ++r)
        for (int c = 0; c < D / 8; ++c) store(out + (i0 + r) * C + 8 * c, acc[r][c]);
    }
  }
}

using TaskFn = void (*)(const Args&, int64_t, int64_t);

#define GLIP_ATTENTION_CLONE(D, NP) \
  GLIP_CLONES void attention_tasks_d##D##_n##NP(const Args& a, int64_t b, int64_t e) { attention_tasks<D, NP>(a, b, e); }
GLIP_ATTENTION_CLONE(16, 64)
GLIP_ATTENTION_CLONE(24, 64)
GLIP_ATTENTION_CLONE(32, 64)
GLIP_ATTENTION_CLONE(64, 64)
GLIP_ATTENTION_CLONE(16, 144)
GLIP_ATTENTION_CLONE(24, 144)
GLIP_ATTENTION_CLONE(32, 144)
GLIP_ATTENTION_CLONE(64, 144)
#undef GLIP_ATTENTION_CLONE

// The kernel for head width D and window length N, or null.
TaskFn task_fn(int64_t N, int64_t D) {
  const bool small = N <= kNPSmall;
  if (N < 1 || N > kNPLarge) return nullptr;
  switch (D) {
    case 16: return small ? attention_tasks_d16_n64 : attention_tasks_d16_n144;
    case 24: return small ? attention_tasks_d24_n64 : attention_tasks_d24_n144;
    case 32: return small ? attention_tasks_d32_n64 : attention_tasks_d32_n144;
    case 64: return small ? attention_tasks_d64_n64 : attention_tasks_d64_n144;
    default: return nullptr;
  }
}

}  // namespace

bool fused_window_attention_supported(int64_t N, int64_t head_dim) { return task_fn(N, head_dim) != nullptr; }

at::Tensor fused_window_attention(const at::Tensor& qkv, const at::Tensor& bias, const at::Tensor& mask,
                                  const at::Tensor& mask_index, int64_t num_heads, double scale) {
  RECORD_FUNCTION("glip::fused_window_attention", std::vector<c10::IValue>());
  const int64_t Wn = qkv.size(0), N = qkv.size(1), C = qkv.size(2) / 3, D = C / num_heads;
  TORCH_CHECK(qkv.is_contiguous() && qkv.scalar_type() == at::kFloat && qkv.device().is_cpu(),
              "fused_window_attention: qkv must be a contiguous float CPU tensor");
  TORCH_CHECK(fused_window_attention_supported(N, D), "fused_window_attention: unsupported N/head_dim");
  at::Tensor b = bias.contiguous();
  TORCH_CHECK(b.dim() == 3 && b.size(0) == num_heads && b.size(1) == N && b.size(2) == N,
              "fused_window_attention: bias must be nH x N x N");
  at::Tensor m, mi;
  if (mask.defined()) {
    m = mask.contiguous();
    mi = mask_index.contiguous();
    TORCH_CHECK(m.dim() == 3 && m.size(1) == N && m.size(2) == N && mi.scalar_type() == at::kLong &&
                    mi.dim() == 1 && mi.numel() > 0 && Wn % mi.numel() == 0,
                "fused_window_attention: mask must be M x N x N with an int64 index per window");
    TORCH_CHECK(mi.min().item<int64_t>() >= 0 && mi.max().item<int64_t>() < m.size(0),
                "fused_window_attention: mask index out of range");
  }
  at::Tensor out = at::empty({Wn, N, C}, qkv.options());
  const Args a{qkv.data_ptr<float>(),
               b.data_ptr<float>(),
               m.defined() ? m.data_ptr<float>() : nullptr,
               mi.defined() ? mi.data_ptr<int64_t>() : nullptr,
               mi.defined() ? mi.numel() : 1,
               out.data_ptr<float>(),
               N,
               C,
               num_heads,
               static_cast<float>(scale)};
  const TaskFn fn = task_fn(N, D);
  at::parallel_for(0, Wn * num_heads, 8, [&](int64_t begin, int64_t end) { fn(a, begin, end); });
  return out;
}

}  // namespace glip
