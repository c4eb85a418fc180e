#include "core/ops/nms/nms_generic.h"

#include <ATen/ATen.h>

namespace glip::ops::detail {

NmsResult ml_nms_explained_generic(const at::Tensor& boxes, const at::Tensor& scores, const at::Tensor& labels,
                                   double iou_threshold) {
  const int64_t n = boxes.size(0);
  const auto lopt = boxes.options().dtype(at::kLong);
  NmsResult r;
  r.suppressed_by = at::full({n}, -1, lopt);
  r.suppression_iou = at::zeros({n}, boxes.options());
  if (n == 0) {
    r.keep = at::empty({0}, lopt);
    return r;
  }
  const at::Tensor order = std::get<1>(scores.sort(/*stable=*/true, /*dim=*/0, /*descending=*/true));
  const at::Tensor b = boxes.index_select(0, order), lab = labels.to(at::kLong).index_select(0, order);
  // IoU with "+1" widths, in the kernel's float operation order: inter / ((sa + sb) - inter).
  const at::Tensor x0 = b.select(1, 0), y0 = b.select(1, 1), x1 = b.select(1, 2), y1 = b.select(1, 3);
  const at::Tensor left = at::maximum(x0.unsqueeze(1), x0.unsqueeze(0)), right = at::minimum(x1.unsqueeze(1), x1.unsqueeze(0));
  const at::Tensor top = at::maximum(y0.unsqueeze(1), y0.unsqueeze(0)), bottom = at::minimum(y1.unsqueeze(1), y1.unsqueeze(0));
  const at::Tensor inter = ((right - left) + 1).clamp_min(0) * ((bottom - top) + 1).clamp_min(0);
  const at::Tensor area = ((x1 - x0) + 1) * ((y1 - y0) + 1);
  const at::Tensor iou = inter / ((area.unsqueeze(1) + area.unsqueeze(0)) - inter);          // n x n
  const at::Tensor later = at::ones({n, n}, lopt.dtype(at::kBool)).triu(1);                  // i < j
  const at::Tensor over = (iou > static_cast<float>(iou_threshold)) & (lab.unsqueeze(1) == lab.unsqueeze(0)) & later;
  // Greedy pass in score order: a box still alive suppresses the later overlapping boxes not yet suppressed.
  at::Tensor suppressed = at::zeros({n}, lopt.dtype(at::kBool));
  at::Tensor by = at::full({n}, -1, lopt), by_iou = at::zeros({n}, boxes.options());
  for (int64_t i = 0; i < n; ++i) {
    const at::Tensor hit = over[i] & ~suppressed & ~suppressed[i];
    by = at::where(hit, at::full({}, i, lopt), by);
    by_iou = at::where(hit, iou[i], by_iou);
    suppressed = suppressed | hit;
  }
  // Back to the input's indexing.
  const at::Tensor by_orig = at::where(by >= 0, order.index_select(0, by.clamp_min(0)), by);
  r.suppressed_by.index_copy_(0, order, by_orig);
  r.suppression_iou.index_copy_(0, order, by_iou);
  r.keep = std::get<0>(order.masked_select(~suppressed).sort());
  return r;
}

}  // namespace glip::ops::detail
