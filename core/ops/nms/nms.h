// Class-wise ("multi-label") NMS as maskrcnn_benchmark's ml_nms: "+1" box areas, a box is suppressed by a
// higher-scoring box of the same label when IoU > threshold. Device dispatch like deform_conv: the CPU scan
// (nms_cpu.h) for CPU tensors, the CUDA mask kernel + host scan (nms_cuda.h, builds with GLIP_CUDA) for CUDA
// tensors, the ATen-only version (nms_generic.h) for other devices or with `generic`.
// Equal scores are visited in input order (stable sort; the CUDA kernel's sort leaves ties unspecified).
#pragma once
#include <ATen/Tensor.h>

namespace glip::ops {

// boxes N x 4 (xyxy, float), scores N, labels N (int64). Returns the kept indices (int64), sorted ascending
// (as the official kernel returns them).
at::Tensor ml_nms(const at::Tensor& boxes, const at::Tensor& scores, const at::Tensor& labels, double iou_threshold,
                  bool generic = false);

// Same, also reporting for every suppressed box the kept box that suppressed it (-1 for kept boxes) and the IoU.
struct NmsResult {
  at::Tensor keep;             // K int64, ascending
  at::Tensor suppressed_by;    // N int64, index of the suppressing box or -1
  at::Tensor suppression_iou;  // N float, IoU with the suppressing box (0 for kept)
};
NmsResult ml_nms_explained(const at::Tensor& boxes, const at::Tensor& scores, const at::Tensor& labels,
                           double iou_threshold, bool generic = false);

}  // namespace glip::ops
