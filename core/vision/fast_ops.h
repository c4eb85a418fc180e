// CPU fast paths for the Swin backbone (same math as the plain ATen ops, at most a different summation order).
#pragma once
#include <ATen/Tensor.h>

namespace glip {

// rows[r] = src[index[r]], or zeros where index[r] < 0.  src: R x C, index: M int64  ->  M x C.
at::Tensor gather_rows(const at::Tensor& src, const at::Tensor& index, bool fast = true);

// out[index[r]] = x[index[r]] + y[r] for every r with index[r] >= 0 (indices >= 0 must be distinct).
// out, x: R x C (out may be x), y: M x C, index: M int64.
void scatter_add_rows_(at::Tensor& out, const at::Tensor& x, const at::Tensor& y, const at::Tensor& index,
                       bool fast = true);
// (fast = false: plain ATen ops, the same results.)

}  // namespace glip
