// Fused window attention for Swin on CPU: per (window, head) softmax(q k^T * scale + bias) v, all in L1.
//
// The ATen formulation (bmm + add + softmax + bmm) runs ~4200 tiny 49x49x32 BLAS calls per block at 800x1344 and
// streams the B*nW x nH x 49 x 49 score tensor through memory several times. Here every (window, head) pair is one
// task: K^T is staged in a padded 32 x 64 tile, a row of scores stays in registers, the bias (relative position
// bias, plus the shift mask) is added, a vectorisable exp (Cephes polynomial, ~1 ulp) gives the softmax, and the
// weighted sum of V is written straight into the B*nW x N x C layout that the output projection reads.
// The hot loops are compiled for AVX-512, AVX2+FMA and baseline x86-64 (GCC/Clang target_clones, chosen at load
// time); other compilers/architectures get the baseline build.
#include "core/vision/window_attention_kernel.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <ATen/record_function.h>

#include <cstdint>
#include <cstring>

#if (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__) && defined(__linux__)
#define GLIP_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define GLIP_CLONES
#endif
#if defined(__GNUC__) || defined(__clang__)
#define GLIP_INLINE inline __attribute__((always_inline))
#else
#define GLIP_INLINE inline
#endif

namespace glip {

namespace {

constexpr int kNP = 64;  // padded window length (N = 49 for window 7)

// Cephes expf on [-87, 88]; vectorises (no branches, no library call).
GLIP_INLINE float exp_poly(float x) {
  x = x < -87.0f ? -87.0f : x;
  x = x > 88.0f ? 88.0f : x;
  float fx = x * 1.44269504088896341f;
  fx = (fx + 12582912.0f) - 12582912.0f;  // round to nearest (1.5 * 2^23 trick)
  float r = x - fx * 0.693359375f;
  r = r - fx * -2.12194440e-4f;
  const float z = r * r;
  float y = 1.9875691500e-4f;
  y = y * r + 1.3981999507e-3f;
  y = y * r + 8.3334519073e-3f;
  y = y * r + 4.1665795894e-2f;
  y = y * r + 1.6666665459e-1f;
  y = y * r + 5.0000001201e-1f;
  y = y * z + r + 1.0f;
  const int32_t bits = (static_cast<int32_t>(fx) + 127) << 23;
  float p2;
  std::memcpy(&p2, &bits, sizeof p2);
  return y * p2;
}

struct Args {
  const float* qkv;   // Wn x N x 3C
  const float* bias;  // nH x N x N
  const float* mask;  // M x N x N or null
  const int64_t* mask_index;  // nW: window w uses mask[mask_index[w % nW]]
  int64_t nW;
  float* out;         // Wn x N x C
  int64_t N, C, nH;
  float scale;
};

template <int D>
GLIP_INLINE void attention_tasks(const Args& a, int64_t begin, int64_t end) {
  const int64_t N = a.N, C = a.C, C3 = 3 * a.C;
  alignas(64) float kt[D][kNP];
  alignas(64) float s[kNP];
  alignas(64) float q[D];
  alignas(64) float acc[D];
  for (int e = 0; e < D; ++e)
    for (int j = 0; j < kNP; ++j) kt[e][j] = 0.0f;
  for (int64_t task = begin; task < end; ++task) {
    const int64_t w = task / a.nH, h = task % a.nH;
    const float* base = a.qkv + w * N * C3;
    const float* bias = a.bias + h * N * N;
    const float* mask = a.mask ? a.mask + a.mask_index[w % a.nW] * N * N : nullptr;
    float* out = a.out + w * N * C + h * D;
    for (int64_t j = 0; j < N; ++j) {  // K^T tile
      const float* k = base + j * C3 + C + h * D;
      for (int e = 0; e < D; ++e) kt[e][j] = k[e];
    }
    for (int64_t i = 0; i < N; ++i) {
      const float* qi = base + i * C3 + h * D;
      for (int e = 0; e < D; ++e) q[e] = qi[e] * a.scale;  // GLIP scales q before the product
      for (int j = 0; j < kNP; ++j) s[j] = 0.0f;
      for (int e = 0; e < D; ++e) {
        const float qe = q[e];
        for (int j = 0; j < kNP; ++j) s[j] += qe * kt[e][j];
      }
      const float* bi = bias + i * N;
      for (int64_t j = 0; j < N; ++j) s[j] += bi[j];
      if (mask) {
        const float* mi = mask + i * N;
        for (int64_t j = 0; j < N; ++j) s[j] += mi[j];
      }
      for (int64_t j = N; j < kNP; ++j) s[j] = -3.0e38f;
      alignas(64) float lane[16];
      for (int l = 0; l < 16; ++l) lane[l] = s[l];
      for (int j = 16; j < kNP; j += 16)
        for (int l = 0; l < 16; ++l) lane[l] = lane[l] > s[j + l] ? lane[l] : s[j + l];
      float m = lane[0];
      for (int l = 1; l < 16; ++l) m = m > lane[l] ? m : lane[l];
      for (int j = 0; j < kNP; ++j) s[j] = exp_poly(s[j] - m);
      for (int64_t j = N; j < kNP; ++j) s[j] = 0.0f;
      for (int l = 0; l < 16; ++l) lane[l] = s[l];
      for (int j = 16; j < kNP; j += 16)
        for (int l = 0; l < 16; ++l) lane[l] += s[j + l];
      float sum = 0.0f;
      for (int l = 0; l < 16; ++l) sum += lane[l];
      const float inv = 1.0f / sum;
      for (int e = 0; e < D; ++e) acc[e] = 0.0f;
      for (int64_t j = 0; j < N; ++j) {
        const float p = s[j] * inv;
        const float* v = base + j * C3 + 2 * C + h * D;
        for (int e = 0; e < D; ++e) acc[e] += p * v[e];
      }
      float* o = out + i * C;
      for (int e = 0; e < D; ++e) o[e] = acc[e];
    }
  }
}

GLIP_CLONES void attention_tasks_d32(const Args& a, int64_t begin, int64_t end) { attention_tasks<32>(a, begin, end); }
GLIP_CLONES void attention_tasks_d24(const Args& a, int64_t begin, int64_t end) { attention_tasks<24>(a, begin, end); }
GLIP_CLONES void attention_tasks_d16(const Args& a, int64_t begin, int64_t end) { attention_tasks<16>(a, begin, end); }
GLIP_CLONES void attention_tasks_d64(const Args& a, int64_t begin, int64_t end) { attention_tasks<64>(a, begin, end); }

}  // namespace

bool fused_window_attention_supported(int64_t N, int64_t head_dim) {
  return N <= kNP && (head_dim == 16 || head_dim == 24 || head_dim == 32 || head_dim == 64);
}

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
  auto fn = D == 32 ? attention_tasks_d32 : D == 24 ? attention_tasks_d24 : D == 16 ? attention_tasks_d16
                                                                                    : attention_tasks_d64;
  at::parallel_for(0, Wn * num_heads, 8, [&](int64_t begin, int64_t end) { fn(a, begin, end); });
  return out;
}

}  // namespace glip
