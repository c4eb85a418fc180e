// ml_nms made only of ATen operations, for any device (the path for non-CPU tensors, and on the CPU with
// `generic`): the same rule as nms_cpu.h — stable descending score order, "+1" IoU in float, IoU > threshold
// within a label, the first kept (highest-scoring) overlapping box is the suppressor. The IoU matrix is computed at
// once (N x N); the greedy pass is one masked update per box in score order.
#pragma once
#include <ATen/Tensor.h>

#include "core/ops/nms/nms.h"

namespace glip::ops::detail {

NmsResult ml_nms_explained_generic(const at::Tensor& boxes, const at::Tensor& scores, const at::Tensor& labels,
                                   double iou_threshold);

}  // namespace glip::ops::detail
