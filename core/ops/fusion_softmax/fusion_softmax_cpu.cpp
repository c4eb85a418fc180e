// CPU kernel of ops::fusion_softmax_ (fusion_softmax.h): two passes over the scores in row blocks, one per thread
// of the pool.
//   pass 1, per row: each head's T scores clamped, plus the mask, softmax -> p_v (vectorised exp, ~1 ulp); the row's
//           raw scores folded into the thread's column maxima;
//   pass 2, per row: e = exp(clamp(s) - colmax) written over s, added into the thread's column sums (double).
// max(clamp(x)) = clamp(max(x)), so the column maxima are taken on the raw scores and clamped once.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <ATen/record_function.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "core/ops/common/simd.h"
#include "core/ops/fusion_softmax/fusion_softmax.h"

namespace glip::ops::detail {

namespace {

using namespace glip::simd;

GLIP_INLINE v16 clamp16(v16 x, float lo, float hi) {
  x = x < lo ? splat<v16>(lo) : x;
  return x > hi ? splat<v16>(hi) : x;
}
GLIP_INLINE float clamp1(float x, float lo, float hi) { return std::min(std::max(x, lo), hi); }
GLIP_INLINE float hmax(v16 v) {
  float m = v[0];
  for (int i = 1; i < 16; ++i) m = std::max(m, v[i]);
  return m;
}
GLIP_INLINE float hsum(v16 v) {
  float s = 0;
  for (int i = 0; i < 16; ++i) s += v[i];
  return s;
}
// The first k lanes of p (k < 16), the others `fill`.
GLIP_INLINE v16 load_part(const float* p, int64_t k, float fill) {
  v16 v = splat<v16>(fill);
  for (int64_t i = 0; i < k; ++i) v[i] = p[i];
  return v;
}
GLIP_INLINE void store_part(float* p, v16 v, int64_t k) {
  for (int64_t i = 0; i < k; ++i) p[i] = v[i];
}

struct Args {
  float* s;            // N x HT scores, e on return
  float* p;            // N x HT p_v
  const float* madd;   // T or null
  const float* colmax; // HT column maxima (pass 2)
  int64_t heads, t, ht;
  float lo, hi;
};

// Pass 1 over rows [r0, r1): p_v rows, and the raw column maxima into cm (HT).
GLIP_CLONES void softmax_rows(const Args& a, int64_t r0, int64_t r1, float* cm) {
  const int64_t t = a.t, ht = a.ht, tv = t / 16 * 16;
  const float lo = a.lo, hi = a.hi;
  for (int64_t r = r0; r < r1; ++r) {
    const float* x = a.s + r * ht;
    float* p = a.p + r * ht;
    for (int64_t h = 0; h < a.heads; ++h) {
      const float* xs = x + h * t;
      float* ps = p + h * t;
      // y = clamp(x) + mask, staged in p; its maximum.
      v16 vm = splat<v16>(-std::numeric_limits<float>::infinity());
      for (int64_t i = 0; i < tv; i += 16) {
        v16 y = clamp16(load<v16>(xs + i), lo, hi);
        if (a.madd) y += load<v16>(a.madd + i);
        store(ps + i, y);
        vm = y > vm ? y : vm;
      }
      float m = hmax(vm);
      for (int64_t i = tv; i < t; ++i) {
        const float y = clamp1(xs[i], lo, hi) + (a.madd ? a.madd[i] : 0.0f);
        ps[i] = y;
        m = std::max(m, y);
      }
      // exp(y - m) and its sum, then the normalisation.
      v16 vs = v16{};
      for (int64_t i = 0; i < tv; i += 16) {
        const v16 e = exp16_flush(load<v16>(ps + i) - m);
        store(ps + i, e);
        vs += e;
      }
      float sum = hsum(vs);
      if (tv < t) {
        const v16 e = exp16_flush(load_part(ps + tv, t - tv, -std::numeric_limits<float>::infinity()) - m);
        store_part(ps + tv, e, t - tv);
        sum += hsum(e);
      }
      const float inv = 1.0f / sum;
      for (int64_t i = 0; i < tv; i += 16) store(ps + i, load<v16>(ps + i) * inv);
      for (int64_t i = tv; i < t; ++i) ps[i] *= inv;
    }
    const int64_t hv = ht / 16 * 16;
    for (int64_t j = 0; j < hv; j += 16) {
      const v16 v = load<v16>(x + j), c = load<v16>(cm + j);
      store(cm + j, v > c ? v : c);
    }
    for (int64_t j = hv; j < ht; ++j) cm[j] = std::max(cm[j], x[j]);
  }
}

// Pass 2 over rows [r0, r1): e = exp(clamp(x) - colmax) in place, column sums into cs (HT doubles). Rows are
// summed in float in blocks of 16, each block added to the double sums.
GLIP_CLONES void exp_rows(const Args& a, int64_t r0, int64_t r1, double* cs, float* block) {
  const int64_t ht = a.ht, hv = ht / 16 * 16;
  const float lo = a.lo, hi = a.hi;
  for (int64_t b0 = r0; b0 < r1; b0 += 16) {
    const int64_t b1 = std::min(r1, b0 + 16);
    std::fill(block, block + ht, 0.0f);
    for (int64_t r = b0; r < b1; ++r) {
      float* x = a.s + r * ht;
      for (int64_t j = 0; j < hv; j += 16) {
        const v16 e = exp16_flush(clamp16(load<v16>(x + j), lo, hi) - load<v16>(a.colmax + j));
        store(x + j, e);
        store(block + j, load<v16>(block + j) + e);
      }
      if (hv < ht) {
        const v16 e = exp16_flush(clamp16(load_part(x + hv, ht - hv, 0.0f), lo, hi) -
                                  load_part(a.colmax + hv, ht - hv, 0.0f));
        store_part(x + hv, e, ht - hv);
        for (int64_t j = hv; j < ht; ++j) block[j] += x[j];
      }
    }
    for (int64_t j = 0; j < ht; ++j) cs[j] += block[j];
  }
}

}  // namespace

FusionSoftmax fusion_softmax_cpu_(at::Tensor& scores, int64_t heads, const at::Tensor& mask_add, float lo, float hi) {
  RECORD_FUNCTION("glip::fusion_softmax", std::vector<c10::IValue>());
  const int64_t n = scores.size(0), ht = scores.size(1), t = ht / heads;
  const int threads = std::max(1, at::get_num_threads());
  at::Tensor p_v = at::empty({n, ht}, scores.options());
  at::Tensor madd = mask_add.defined() ? mask_add.to(at::kFloat).contiguous() : at::Tensor();
  std::vector<float> colmax(static_cast<size_t>(threads) * ht, -std::numeric_limits<float>::infinity());
  std::vector<double> colsum(static_cast<size_t>(threads) * ht, 0.0);
  Args a{scores.data_ptr<float>(), p_v.data_ptr<float>(), madd.defined() ? madd.data_ptr<float>() : nullptr,
         colmax.data(), heads, t, ht, lo, hi};
  const int64_t grain = std::max<int64_t>(16, (n + threads - 1) / threads);
  at::parallel_for(0, n, grain, [&](int64_t r0, int64_t r1) {
    softmax_rows(a, r0, r1, colmax.data() + static_cast<size_t>(at::get_thread_num()) * ht);
  });
  for (int k = 1; k < threads; ++k)
    for (int64_t j = 0; j < ht; ++j) colmax[j] = std::max(colmax[j], colmax[static_cast<size_t>(k) * ht + j]);
  for (int64_t j = 0; j < ht; ++j) colmax[j] = clamp1(colmax[j], lo, hi);
  at::parallel_for(0, n, grain, [&](int64_t r0, int64_t r1) {
    std::vector<float> block(ht);
    exp_rows(a, r0, r1, colsum.data() + static_cast<size_t>(at::get_thread_num()) * ht, block.data());
  });
  at::Tensor inv = at::empty({ht}, scores.options());
  float* iv = inv.data_ptr<float>();
  for (int64_t j = 0; j < ht; ++j) {
    double s = 0;
    for (int k = 0; k < threads; ++k) s += colsum[static_cast<size_t>(k) * ht + j];
    iv[j] = static_cast<float>(1.0 / s);
  }
  return {p_v, inv};
}

}  // namespace glip::ops::detail
