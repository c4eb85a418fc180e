// Mixed precision for the GEMM- and convolution-heavy layers (ModelParams::precision, `--precision bf16`).
//
// A layer computes in the dtype of its weight. convert_gemm_weights (core/model/glip_model.h) stores the weights
// of the heavy layers in bf16 and leaves every other tensor in fp32. For a bf16 weight these functions round the
// fp32 activation to bf16, let oneDNN multiply with fp32 accumulation, and hand back fp32 (the bias added in fp32
// while converting), so the code around them — softmax, normalisation, clamps, the hand-written kernels, the
// prediction layers and post-processing — always sees fp32. For an fp32 weight they are the plain fp32 ops: the
// reference path, which the golden tests prove.
#pragma once
#include <ATen/Tensor.h>

#include <string>

namespace glip::ops {

// Whether this CPU multiplies bf16 in hardware (x86 AVX512_BF16 or AMX-BF16). Without it oneDNN would emulate
// bf16 slower than fp32, so the bf16 precision is refused there; `why` gets the reason.
bool cpu_has_bf16(std::string* why = nullptr);

bool is_bf16(const at::Tensor& t);
// bf16 or fp16 (a weight stored by convert_gemm_weights for ModelParams::precision bf16 / fp16).
bool is_reduced(const at::Tensor& t);

// y = x W^T + b -> fp32 (..., N).  x: fp32 (..., K); W: N x K, fp32, bf16 or fp16 (x is rounded to W's dtype,
// the products accumulate in fp32); b: fp32 N, or undefined.
at::Tensor linear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias);

// at::conv2d (square stride and padding, no dilation/groups) -> fp32. x: fp32; weight: fp32 or bf16; bias: fp32 or
// undefined. The result keeps x's memory format.
at::Tensor conv2d(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias, int64_t stride,
                  int64_t padding);

// a @ b -> fp32, multiplied in `compute` (kFloat, or kBFloat16 / kHalf with fp32 accumulation). a, b: fp32.
at::Tensor matmul(const at::Tensor& a, const at::Tensor& b, at::ScalarType compute);

}  // namespace glip::ops
