// CUDA ml_nms, the device part: the suppression mask of nms_mask.h, one thread per (row, 64-box word). The host
// scan and the ATen side are nms_mask.cpp and nms_cuda.cpp. No torch here.
#include <cuda_runtime.h>

#include "core/ops/nms/nms_mask.h"

namespace glip::ops::detail {
namespace {

constexpr int kThreads = 256;

__global__ void nms_mask_kernel(const float* boxes, const int64_t* labels, int64_t n, float threshold,
                                uint64_t* mask) {
  const int64_t words = nms_words(n), count = n * words;
  for (int64_t index = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; index < count;
       index += static_cast<int64_t>(blockDim.x) * gridDim.x) {
    const int64_t row = index / words, word = index % words;
    mask[index] = nms_mask_word(boxes, labels, n, row, word, threshold);
  }
}

}  // namespace

const char* launch_nms_mask(const float* boxes, const int64_t* labels, int64_t n, float threshold, uint64_t* mask,
                            void* stream) {
  const int64_t count = n * nms_words(n);
  if (count == 0) return nullptr;
  const int64_t blocks = (count + kThreads - 1) / kThreads;
  const unsigned grid = static_cast<unsigned>(blocks < 65535 * 8 ? blocks : 65535 * 8);
  nms_mask_kernel<<<grid, kThreads, 0, static_cast<cudaStream_t>(stream)>>>(boxes, labels, n, threshold, mask);
  const cudaError_t err = cudaGetLastError();
  return err == cudaSuccess ? nullptr : cudaGetErrorString(err);
}

}  // namespace glip::ops::detail
