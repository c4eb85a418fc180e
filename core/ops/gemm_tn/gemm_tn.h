// A^T B for a long reduction: C (M x N) = A^T B with A: K x M and B: K x N, both row-major fp32 — VLFuse's text
// side, P_l^T v, where K is the number of visual tokens (~22k at GLIP-T size), M = heads x text tokens (~1.5k) and
// N = 256 channels (core/head/vlfuse.cpp, through ops::matmul).
//
// Two back-ends with the same values up to float rounding (tests/core/ops/test_gemm_tn.cpp):
//  - the CPU kernel (gemm_tn_cpu.cpp), for CPUs with AVX-512: A's rows already hold, for one k, consecutive rows
//    of C, and B's rows consecutive columns, which is the layout a GEMM micro-kernel wants (no transposition);
//    6 x 64 register tiles, K in cache-sized blocks, C's rows split across the thread pool. Debian's OpenBLAS
//    runs this product with its AVX2 (Haswell) kernels, half this CPU's fp32 rate.
//  - the device-generic one: at::mm(A^T, B), for other devices, CPUs without AVX-512, and `generic`.
#pragma once
#include <ATen/Tensor.h>

namespace glip::ops {

// a: K x M, b: K x N (fp32; any device) -> M x N fp32 = a^T b.
at::Tensor gemm_tn(const at::Tensor& a, const at::Tensor& b, bool generic = false);

// Whether gemm_tn has its CPU kernel on this machine (x86-64 with AVX-512 F/VL/BW/DQ).
bool gemm_tn_cpu_kernel_available();
// Whether gemm_tn(a, b) runs that kernel (unless `generic`): 2-D fp32 CPU tensors, a contiguous, b's width a
// multiple of 16, on a machine that has it. ops::matmul asks this before handing a transposed product over.
bool gemm_tn_takes_cpu_kernel(const at::Tensor& a, const at::Tensor& b);

namespace detail {
// The CPU kernel, for the inputs gemm_tn_takes_cpu_kernel accepts, b made contiguous.
at::Tensor gemm_tn_cpu(const at::Tensor& a, const at::Tensor& b);
}  // namespace detail

}  // namespace glip::ops
