// 16-lane float vectors for the hand-written CPU kernels (Swin's fused window attention, VLFuse's softmaxes), written
// with GCC/Clang vector extensions. A kernel marked GLIP_CLONES is compiled for AVX-512, AVX2+FMA and baseline
// x86-64 and the best is chosen at load time; the helpers here are always inlined into each clone. No torch here.
#pragma once
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

// The vector helpers are always inlined inside each clone, so GCC's ABI note about 64-byte vector parameters is moot:
// the kernels' sources are compiled with -Wno-psabi (their CMakeLists).

namespace glip::simd {

// Lowered to AVX-512, AVX2 or SSE by each target clone.
typedef float v16 __attribute__((vector_size(64)));
typedef int32_t v16i __attribute__((vector_size(64)));
typedef float v8 __attribute__((vector_size(32)));

template <class V>
GLIP_INLINE V load(const float* p) {
  V v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
template <class V>
GLIP_INLINE void store(float* p, V v) {
  std::memcpy(p, &v, sizeof v);
}
template <class V>
GLIP_INLINE V splat(float x) {
  return V{} + x;
}

// Cephes expf on [-87, 88], 16 lanes (~1 ulp); arguments below -87 give exp(-87) (1.6e-38).
GLIP_INLINE v16 exp16(v16 x) {
  x = x < -87.0f ? splat<v16>(-87.0f) : x;
  x = x > 88.0f ? splat<v16>(88.0f) : x;
  v16 fx = x * 1.44269504088896341f;
  fx = (fx + 12582912.0f) - 12582912.0f;  // round to nearest (1.5 * 2^23 trick)
  v16 r = x - fx * 0.693359375f;
  r = r - fx * -2.12194440e-4f;
  const v16 z = r * r;
  v16 y = splat<v16>(1.9875691500e-4f);
  y = y * r + 1.3981999507e-3f;
  y = y * r + 8.3334519073e-3f;
  y = y * r + 4.1665795894e-2f;
  y = y * r + 1.6666665459e-1f;
  y = y * r + 5.0000001201e-1f;
  y = y * z + r + 1.0f;
  const v16i bits = (__builtin_convertvector(fx, v16i) + 127) << 23;
  v16 p2;
  std::memcpy(&p2, &bits, sizeof p2);
  return y * p2;
}

// exp16, but 0 below -87 (where expf itself goes subnormal and then 0): a masked or far-below-the-maximum score
// contributes nothing, as in the ATen softmax.
GLIP_INLINE v16 exp16_flush(v16 x) {
  const v16 e = exp16(x);
  return x < -87.0f ? v16{} : e;
}

}  // namespace glip::simd
