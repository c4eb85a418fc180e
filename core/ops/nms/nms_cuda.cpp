#include "core/ops/nms/nms_cuda.h"

#include <ATen/ATen.h>
#include <ATen/cuda/CUDAContext.h>

#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/ops/nms/nms_mask.h"

namespace glip::ops::detail {

NmsResult ml_nms_explained_cuda(const at::Tensor& boxes, const at::Tensor& scores, const at::Tensor& labels,
                                double iou_threshold) {
  const int64_t n = boxes.size(0);
  const at::Tensor order = std::get<1>(at::sort(scores, /*stable=*/true, /*dim=*/0, /*descending=*/true));
  const at::Tensor sorted_boxes = boxes.index_select(0, order).contiguous();
  const at::Tensor sorted_labels = labels.to(at::kLong).index_select(0, order).contiguous();
  at::Tensor mask = at::empty({n, nms_words(n)}, boxes.options().dtype(at::kLong));
  if (const char* err = launch_nms_mask(sorted_boxes.data_ptr<float>(), sorted_labels.data_ptr<int64_t>(), n,
                                        static_cast<float>(iou_threshold),
                                        reinterpret_cast<uint64_t*>(mask.data_ptr<int64_t>()),
                                        at::cuda::getCurrentCUDAStream().stream()))
    throw glip::Error(std::string("ml_nms (CUDA): ") + err);
  const at::Tensor mask_cpu = mask.cpu(), boxes_cpu = sorted_boxes.cpu(), order_cpu = order.cpu();
  NmsResult r;
  r.suppressed_by = at::empty({n}, at::kLong);
  r.suppression_iou = at::empty({n}, at::kFloat);
  std::vector<int64_t> keep;
  nms_explain(reinterpret_cast<const uint64_t*>(mask_cpu.data_ptr<int64_t>()), order_cpu.data_ptr<int64_t>(),
              boxes_cpu.data_ptr<float>(), n, &keep, r.suppressed_by.data_ptr<int64_t>(),
              r.suppression_iou.data_ptr<float>());
  r.keep = keep.empty() ? at::empty({0}, at::kLong) : at::tensor(keep, at::kLong);
  r.keep = r.keep.to(boxes.device());
  r.suppressed_by = r.suppressed_by.to(boxes.device());
  r.suppression_iou = r.suppression_iou.to(boxes.device());
  return r;
}

}  // namespace glip::ops::detail
