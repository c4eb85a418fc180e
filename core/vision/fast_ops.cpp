#include "core/vision/fast_ops.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <cstring>

#include "core/common/error.h"

namespace glip {

namespace {
bool cpu_float_rows(const at::Tensor& t) {
  return t.dim() == 2 && t.is_contiguous() && t.scalar_type() == at::kFloat && t.device().is_cpu();
}
}  // namespace

at::Tensor gather_rows(const at::Tensor& src, const at::Tensor& index, bool fast) {
  const int64_t R = src.size(0), C = src.size(1), M = index.numel();
  if (!fast || !cpu_float_rows(src) || !index.is_contiguous() || !index.device().is_cpu()) {
    at::Tensor padded = at::cat({src, at::zeros({1, C}, src.options())}, 0);           // R+1 x C
    return padded.index_select(0, at::where(index < 0, at::full({}, R, index.options()), index));
  }
  at::Tensor out = at::empty({M, C}, src.options());
  const float* s = src.data_ptr<float>();
  const int64_t* idx = index.data_ptr<int64_t>();
  float* o = out.data_ptr<float>();
  at::parallel_for(0, M, 256, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const int64_t i = idx[r];
      if (i >= 0)
        std::memcpy(o + r * C, s + i * C, sizeof(float) * C);
      else
        std::memset(o + r * C, 0, sizeof(float) * C);
    }
  });
  return out;
}

void scatter_add_rows_(at::Tensor& out, const at::Tensor& x, const at::Tensor& y, const at::Tensor& index,
                       bool fast) {
  const int64_t C = x.size(1), M = index.numel();
  if (!fast || !cpu_float_rows(out) || !cpu_float_rows(x) || !cpu_float_rows(y) || !index.is_contiguous() ||
      !index.device().is_cpu()) {
    at::Tensor rows = at::nonzero(index >= 0).view({-1});
    at::Tensor dst = index.index_select(0, rows);
    out.index_copy_(0, dst, x.index_select(0, dst) + y.index_select(0, rows));
    return;
  }
  const float* xs = x.data_ptr<float>();
  const float* ys = y.data_ptr<float>();
  const int64_t* idx = index.data_ptr<int64_t>();
  float* o = out.data_ptr<float>();
  at::parallel_for(0, M, 256, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const int64_t i = idx[r];
      if (i < 0) continue;
      const float* a = xs + i * C;
      const float* b = ys + r * C;
      float* d = o + i * C;
      for (int64_t c = 0; c < C; ++c) d[c] = a[c] + b[c];
    }
  });
}

}  // namespace glip
