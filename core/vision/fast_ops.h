// CPU fast paths for the Swin backbone (same math as the plain ATen ops, at most a different summation order).
#pragma once
#include <ATen/Tensor.h>

namespace glip {

// y = x W^T + b for a row-major x (..., K), W (N, K), b (N) or undefined -> (..., N), row-major.
// Large inputs run as a 1x1 convolution on a channels-last view of x (no copy), which libtorch routes to oneDNN;
// it is 1.3-2.4x faster than at::linear's BLAS sgemm on Swin's shapes. Small or non-contiguous inputs use
// at::linear.
at::Tensor dense_linear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias);

// rows[r] = src[index[r]], or zeros where index[r] < 0.  src: R x C, index: M int64  ->  M x C.
at::Tensor gather_rows(const at::Tensor& src, const at::Tensor& index, bool fast = true);

// out[index[r]] = x[index[r]] + y[r] for every r with index[r] >= 0 (indices >= 0 must be distinct).
// out, x: R x C (out may be x), y: M x C, index: M int64.
void scatter_add_rows_(at::Tensor& out, const at::Tensor& x, const at::Tensor& y, const at::Tensor& index,
                       bool fast = true);
// (fast = false: plain ATen ops, the same results.)

}  // namespace glip
