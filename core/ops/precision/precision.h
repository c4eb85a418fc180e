// The products of the GEMM- and convolution-heavy layers, in fp32 and in reduced precision
// (ModelParams::precision, `--precision bf16`), all on one thread pool.
//
// A layer computes in the dtype of its weight. convert_gemm_weights (core/model/glip_model.h) stores the weights
// of the heavy layers in bf16 and leaves every other tensor in fp32. For a bf16 weight these functions round the
// fp32 activation to bf16, let oneDNN multiply with fp32 accumulation, and hand back fp32 (the bias added in fp32
// while converting), so the code around them — softmax, normalisation, clamps, the hand-written kernels, the
// prediction layers and post-processing — always sees fp32. For an fp32 weight they compute the plain fp32 ops'
// values (the reference path, which the golden tests prove), at most in another summation order.
//
// One thread pool. Debian's libtorch multiplies fp32 matrices with OpenBLAS, whose pthread build keeps its own
// threads beside libtorch's OpenMP ones: on a machine with as many cores as threads the two pools spin against each
// other (GLIP-T's BERT took 4x its time, a quarter of it in the kernel). So on the CPU the fp32 products run on the
// OpenMP pool only: `linear` through oneDNN (a 1x1 convolution), `matmul` split across the pool with the BLAS in
// the calling thread, and set_num_threads keeps OpenBLAS at one thread.
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

// Intra-op threads for the process: at::set_num_threads(n) (n >= 1) and, where the BLAS is OpenBLAS, one thread
// for it (each call then runs in the thread that makes it: inside the OpenMP pool). Process-wide, like libtorch's
// own setting. Returns whether the BLAS now runs in its caller (always true for a BLAS without its own pool).
bool set_num_threads(int n);
// Whether the BLAS runs each call in the calling thread (OpenBLAS at one thread, or a BLAS without OpenBLAS's pool).
bool blas_in_caller();
// How many threads at::parallel_for gives a loop of `n` iterations in code compiled as the hand-written kernels are:
// at::get_num_threads() (capped by n) when libtorch's OpenMP reaches them, 1 when they were compiled without it
// (at::parallel_for is a header template whose `#pragma omp parallel` needs the caller compiled with OpenMP).
int parallel_for_threads(int64_t n = int64_t{1} << 20);

// y = x W^T + b -> fp32 (..., N).  x: fp32 (..., K); W: N x K, fp32, bf16 or fp16 (x is rounded to W's dtype,
// the products accumulate in fp32); b: fp32 N, or undefined. An fp32 product on the CPU with x and W contiguous
// runs as a 1x1 convolution on a channels-last view of x (no copy), which libtorch gives to oneDNN: 1.3-3.4x
// faster than its BLAS sgemm here from 64 rows on, as fast below.
at::Tensor linear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias);

// at::conv2d (square stride and padding, no dilation/groups) -> fp32. x: fp32; weight: fp32 or bf16; bias: fp32 or
// undefined. The result keeps x's memory format.
at::Tensor conv2d(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias, int64_t stride,
                  int64_t padding);

// a @ b -> fp32, multiplied in `compute` (kFloat, or kBFloat16 / kHalf with fp32 accumulation). a, b: fp32.
// In fp32 on the CPU a 2-D product whose a is the transpose of a row-major matrix (VLFuse's P_l^T v, a reduction
// over ~22k visual tokens) runs in ops::gemm_tn's AVX-512 kernel where the CPU has it; any other 2-D product whose
// BLAS runs in the caller is split into row blocks of a across the OpenMP pool (for such long reductions oneDNN's
// convolution is 3x slower than BLAS). A batched fp32 product (a: ... x n x k, b: ... x k x p, the same leading
// sizes: attention heads) has its items split across the pool, with at::matmul's values (its bmm multiplies item
// by item with the same BLAS call, in one thread).
at::Tensor matmul(const at::Tensor& a, const at::Tensor& b, at::ScalarType compute);

}  // namespace glip::ops
