// Cache-friendly transposes for the CPU kernels: 16 x 16 tiles, so both the rows read and the columns written stay
// in L1. No torch here.
#pragma once
#include <algorithm>
#include <cstdint>

namespace glip::ops {

// dst[c * ldd + r] = value(r, c) for r < rows, c < cols, tile by tile (value is inlined: a plain read, a
// conversion, or an elementwise expression of the source element).
template <typename T, typename F>
inline void transpose_tiles(int64_t rows, int64_t cols, F&& value, T* dst, int64_t ldd) {
  constexpr int64_t kTile = 16;
  for (int64_t r0 = 0; r0 < rows; r0 += kTile) {
    const int64_t r1 = std::min(rows, r0 + kTile);
    for (int64_t c0 = 0; c0 < cols; c0 += kTile) {
      const int64_t c1 = std::min(cols, c0 + kTile);
      for (int64_t c = c0; c < c1; ++c) {
        T* d = dst + c * ldd;
        for (int64_t r = r0; r < r1; ++r) d[r] = value(r, c);
      }
    }
  }
}

// dst[c * ldd + r] = src[r * lds + c], converted to T.
template <typename S, typename T>
inline void transpose_block(const S* src, int64_t rows, int64_t cols, int64_t lds, T* dst, int64_t ldd) {
  transpose_tiles(rows, cols, [&](int64_t r, int64_t c) { return static_cast<T>(src[r * lds + c]); }, dst, ldd);
}

}  // namespace glip::ops
