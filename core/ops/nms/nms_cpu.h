// Device back-ends of ml_nms (internal to glip_ops). Inputs are validated by the dispatcher.
#pragma once
#include "core/ops/nms/nms.h"

namespace glip::ops::detail {

NmsResult ml_nms_explained_cpu(const at::Tensor& boxes, const at::Tensor& scores, const at::Tensor& labels,
                               double iou_threshold);

}  // namespace glip::ops::detail
