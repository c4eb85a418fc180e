// CUDA modulated deformable convolution, part 1: the deformable im2col kernel on raw pointers (no torch here; the
// ATen side, with the GEMM, is deform_conv_cuda.cpp). The per-element arithmetic is deform_conv_im2col.h's, which
// the CPU tests run on the host over the same grid.
#include <cuda_runtime.h>

#include "core/ops/deform_conv/deform_conv_im2col.h"

namespace glip::ops::detail {
namespace {

constexpr int kThreads = 256;

template <typename T>
__global__ void deform_im2col_kernel(DeformIm2colArgs<T> args) {
  const int64_t count = args.count();
  for (int64_t index = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; index < count;
       index += static_cast<int64_t>(blockDim.x) * gridDim.x)
    deform_im2col_element(args, index);
}

template <typename T>
const char* launch(const DeformIm2colArgs<T>& args, void* stream) {
  const int64_t count = args.count();
  if (count == 0) return nullptr;
  const int64_t blocks = (count + kThreads - 1) / kThreads;
  const unsigned grid = static_cast<unsigned>(blocks < 65535 * 8 ? blocks : 65535 * 8);  // grid-stride beyond
  deform_im2col_kernel<T><<<grid, kThreads, 0, static_cast<cudaStream_t>(stream)>>>(args);
  const cudaError_t err = cudaGetLastError();
  return err == cudaSuccess ? nullptr : cudaGetErrorString(err);
}

}  // namespace

const char* launch_deform_im2col(const DeformIm2colArgs<float>& args, void* stream) { return launch(args, stream); }
const char* launch_deform_im2col(const DeformIm2colArgs<double>& args, void* stream) { return launch(args, stream); }

}  // namespace glip::ops::detail
