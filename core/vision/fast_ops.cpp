#include "core/vision/fast_ops.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <cstring>

#include "core/common/error.h"

namespace glip {

at::Tensor dense_linear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias) {
  const int64_t K = x.size(-1), N = weight.size(0);
  const int64_t M = K > 0 ? x.numel() / K : 0;
  if (M < 256 || !x.is_contiguous() || x.scalar_type() != at::kFloat || !x.device().is_cpu() ||
      !weight.is_contiguous())
    return at::linear(x, weight, bias);
  // x (M, K) row-major is a channels-last (1, K, M, 1) image; a 1x1 conv with W (N, K, 1, 1) then writes a
  // channels-last (1, N, M, 1) result, i.e. y (M, N) row-major.
  at::Tensor img = x.as_strided({1, K, M, 1}, {M * K, 1, K, K});                       // 1 x K x M x 1 (NHWC)
  at::Tensor y = at::conv2d(img, weight.view({N, K, 1, 1}), bias);                     // 1 x N x M x 1
  if (!y.is_contiguous(at::MemoryFormat::ChannelsLast)) y = y.contiguous(at::MemoryFormat::ChannelsLast);
  std::vector<int64_t> shape(x.sizes().begin(), x.sizes().end());
  shape.back() = N;
  return y.as_strided({M, N}, {N, 1}).view(shape);                                      // ... x N
}

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
