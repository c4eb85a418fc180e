// Validation and device dispatch for ml_nms.
#include "core/ops/nms/nms.h"

#include <ATen/ATen.h>

#include <sstream>
#include <string>

#include "core/common/error.h"
#include "core/ops/nms/nms_cpu.h"
#include "core/ops/nms/nms_generic.h"
#ifdef GLIP_WITH_CUDA_KERNELS
#include "core/ops/nms/nms_cuda.h"
#endif

namespace glip::ops {

NmsResult ml_nms_explained(const at::Tensor& boxes, const at::Tensor& scores, const at::Tensor& labels,
                           double iou_threshold, bool generic) {
  auto fail = [](const std::string& what) { throw glip::Error("ml_nms: " + what); };
  if (!boxes.defined() || !scores.defined() || !labels.defined()) fail("boxes, scores and labels must be defined");
  if (boxes.dim() != 2 || boxes.size(1) != 4) {
    std::ostringstream s;
    s << boxes.sizes();
    fail("boxes must be N x 4 (x1, y1, x2, y2), got " + s.str());
  }
  const int64_t n = boxes.size(0);
  if (scores.dim() != 1 || scores.size(0) != n) fail("scores must have one value per box (" + std::to_string(n) + ")");
  if (labels.dim() != 1 || labels.size(0) != n) fail("labels must have one value per box (" + std::to_string(n) + ")");
  if (boxes.scalar_type() != at::kFloat || scores.scalar_type() != at::kFloat)
    fail("boxes and scores must be float32");
  if (!at::isIntegralType(labels.scalar_type(), /*includeBool=*/false)) fail("labels must be an integer tensor");
  if (scores.device() != boxes.device() || labels.device() != boxes.device())
    fail("boxes, scores and labels must be on the same device");
  if (boxes.device().is_cpu() && !generic) return detail::ml_nms_explained_cpu(boxes, scores, labels, iou_threshold);
#ifdef GLIP_WITH_CUDA_KERNELS
  if (boxes.device().is_cuda() && !generic) return detail::ml_nms_explained_cuda(boxes, scores, labels, iou_threshold);
#endif
  return detail::ml_nms_explained_generic(boxes, scores, labels, iou_threshold);
}

at::Tensor ml_nms(const at::Tensor& boxes, const at::Tensor& scores, const at::Tensor& labels, double iou_threshold,
                  bool generic) {
  return ml_nms_explained(boxes, scores, labels, iou_threshold, generic).keep;
}

}  // namespace glip::ops
