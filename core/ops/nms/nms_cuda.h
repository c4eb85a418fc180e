// ml_nms for CUDA tensors (builds with GLIP_CUDA only): the boxes sorted by descending score on the device (stable:
// ties in input order, as the CPU kernel), nms_cuda.cu's suppression mask, the greedy scan of nms_mask.cpp on the
// host; semantics of nms.h, the same results as the CPU kernel.
#pragma once
#include <ATen/Tensor.h>

#include "core/ops/nms/nms.h"

namespace glip::ops::detail {

NmsResult ml_nms_explained_cuda(const at::Tensor& boxes, const at::Tensor& scores, const at::Tensor& labels,
                                double iou_threshold);

}  // namespace glip::ops::detail
