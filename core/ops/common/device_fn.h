// GLIP_HD marks a function that runs both on the host and on a CUDA device: the per-element arithmetic of the CUDA
// kernels (core/ops/*/*_cuda.cu) lives in headers of such functions, so that the same code is compiled by nvcc for
// the GPU and by the host compiler for the CPU tests that emulate the kernels' grid (tests/core/ops/
// test_ops_cuda_emulation.cpp). No torch and no CUDA headers here.
#pragma once

#if defined(__CUDACC__)
#define GLIP_HD __host__ __device__ inline
#else
#define GLIP_HD inline
#endif
