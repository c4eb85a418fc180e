// CPU kernel of ops::levels_to_tokens / tokens_to_levels (token_layout.h): each level's C x hw plane and its hw x C
// token rows are transposed into each other in 16 x 16 tiles (common/transpose.h), blocks of 64 positions at a
// time across the thread pool.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <ATen/record_function.h>

#include <algorithm>

#include "core/ops/common/transpose.h"
#include "core/ops/token_layout/token_layout.h"

namespace glip::ops::detail {

namespace {
constexpr int64_t kBlock = 64;  // positions per parallel work item
}

at::Tensor levels_to_tokens_cpu(const std::vector<at::Tensor>& levels) {
  RECORD_FUNCTION("glip::levels_to_tokens", std::vector<c10::IValue>());
  const int64_t b = levels[0].size(0), c = levels[0].size(1);
  int64_t n = 0;
  for (const at::Tensor& l : levels) n += l.size(2) * l.size(3);
  at::Tensor out = at::empty({b, n, c}, levels[0].options());
  float* o = out.data_ptr<float>();
  for (int64_t bi = 0; bi < b; ++bi) {
    int64_t start = 0;
    for (const at::Tensor& l : levels) {
      const int64_t hw = l.size(2) * l.size(3);
      const float* src = l.data_ptr<float>() + bi * c * hw;  // C x hw
      float* dst = o + (bi * n + start) * c;                  // hw x C
      at::parallel_for(0, (hw + kBlock - 1) / kBlock, 1, [&](int64_t t0, int64_t t1) {
        for (int64_t t = t0; t < t1; ++t) {
          const int64_t p0 = t * kBlock, p1 = std::min(hw, p0 + kBlock);
          // dst[p][ch] = src[ch][p]: the C x (p1-p0) block transposed
          transpose_block(src + p0, c, p1 - p0, hw, dst + p0 * c, c);
        }
      });
      start += hw;
    }
  }
  return out;
}

std::vector<at::Tensor> tokens_to_levels_cpu(const at::Tensor& base, const at::Tensor& gamma, const at::Tensor& delta,
                                             const std::vector<at::Tensor>& shapes) {
  RECORD_FUNCTION("glip::tokens_to_levels", std::vector<c10::IValue>());
  const int64_t b = base.size(0), n = base.size(1), c = base.size(2);
  const float* bs = base.data_ptr<float>();
  const float* ds = delta.data_ptr<float>();
  const float* g = gamma.data_ptr<float>();
  std::vector<at::Tensor> out;
  int64_t start = 0;
  for (const at::Tensor& s : shapes) {
    const int64_t h = s.size(2), w = s.size(3), hw = h * w;
    at::Tensor level = at::empty({b, c, h, w}, base.options());
    float* lv = level.data_ptr<float>();
    for (int64_t bi = 0; bi < b; ++bi) {
      const float* rb = bs + (bi * n + start) * c;  // hw x C
      const float* rd = ds + (bi * n + start) * c;
      float* dst = lv + bi * c * hw;                // C x hw
      at::parallel_for(0, (hw + kBlock - 1) / kBlock, 1, [&](int64_t t0, int64_t t1) {
        for (int64_t t = t0; t < t1; ++t) {
          const int64_t p0 = t * kBlock, p1 = std::min(hw, p0 + kBlock);
          const float* xb = rb + p0 * c;
          const float* xd = rd + p0 * c;
          transpose_tiles(
              p1 - p0, c,
              [&](int64_t r, int64_t ch) {
                const float scaled = g[ch] * xd[r * c + ch];  // rounded, as ATen's mul
                return xb[r * c + ch] + scaled;               // then ATen's add
              },
              dst + p0, hw);
        }
      });
    }
    out.push_back(level);
    start += hw;
  }
  return out;
}

}  // namespace glip::ops::detail
