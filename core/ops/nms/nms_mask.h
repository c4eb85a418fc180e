// The CUDA ml_nms (nms_cuda.cu) in two parts, as maskrcnn_benchmark's ml_nms kernel works: on the device, for the
// boxes sorted by descending score, a suppression bit mask (row i, bit j: box j comes after box i, has its label,
// and their "+1" IoU exceeds the threshold), 64 boxes per word; on the host, the greedy scan of that mask. The
// mask word is host + device code, so the CPU tests build the whole mask with it and check the scan against
// ml_nms_explained_cpu (tests/core/ops/test_ops_cuda_emulation.cpp). No torch here.
#pragma once
#include <cstdint>
#include <vector>

#include "core/ops/common/device_fn.h"

namespace glip::ops::detail {

constexpr int64_t kNmsWordBits = 64;

GLIP_HD int64_t nms_words(int64_t n) { return (n + kNmsWordBits - 1) / kNmsWordBits; }

// IoU of two xyxy boxes with "+1" widths and heights, in float, in the official kernel's order of operations; the
// CPU kernel (nms_cpu.cpp) uses it too. max/min as std::max/std::min choose (also for a NaN coordinate).
GLIP_HD float nms_max(float a, float b) { return a < b ? b : a; }
GLIP_HD float nms_min(float a, float b) { return b < a ? b : a; }
GLIP_HD float nms_iou_plus1(const float* a, const float* b) {
  const float left = nms_max(a[0], b[0]), right = nms_min(a[2], b[2]);
  const float top = nms_max(a[1], b[1]), bottom = nms_min(a[3], b[3]);
  const float inter = nms_max(right - left + 1, 0.f) * nms_max(bottom - top + 1, 0.f);
  const float sa = (a[2] - a[0] + 1) * (a[3] - a[1] + 1);
  const float sb = (b[2] - b[0] + 1) * (b[3] - b[1] + 1);
  return inter / (sa + sb - inter);
}

// Word `word` of row `row` of the mask, for n boxes (N x 4, sorted by descending score) with their labels.
GLIP_HD uint64_t nms_mask_word(const float* boxes, const int64_t* labels, int64_t n, int64_t row, int64_t word,
                               float threshold) {
  uint64_t bits = 0;
  const int64_t first = word * kNmsWordBits;
  for (int64_t t = 0; t < kNmsWordBits && first + t < n; ++t) {
    const int64_t j = first + t;
    if (j > row && labels[j] == labels[row] && nms_iou_plus1(boxes + 4 * row, boxes + 4 * j) > threshold)
      bits |= uint64_t{1} << t;
  }
  return bits;
}

// The host side, after the mask: the greedy scan (boxes visited in sorted order; one not removed yet is kept and
// removes the boxes of its row), mapped back to the input's indices. mask: n x nms_words(n) words, row-major;
// order[p]: the input index of sorted position p; sorted_boxes: n x 4 in sorted order. Writes the kept input
// indices (ascending) and, per input index, the kept box whose row removed it first (-1 if kept) and their IoU.
void nms_explain(const uint64_t* mask, const int64_t* order, const float* sorted_boxes, int64_t n,
                 std::vector<int64_t>* keep, int64_t* suppressed_by, float* suppression_iou);

// The CUDA launch (nms_cuda.cu; only in builds with a CUDA compiler): fills mask (n x nms_words(n) words, device
// memory) for device arrays boxes (n x 4) and labels (n) on `stream` (a cudaStream_t). nullptr or the error's text.
const char* launch_nms_mask(const float* boxes, const int64_t* labels, int64_t n, float threshold, uint64_t* mask,
                            void* stream);

}  // namespace glip::ops::detail
