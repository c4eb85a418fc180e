// CPU ml_nms, equal to maskrcnn_benchmark's csrc/cuda/ml_nms.cu:
//   - boxes are visited by descending score; ties keep their input order (stable sort; the CUDA kernel's
//     thrust sort gives no guarantee for ties, so this is our documented choice);
//   - IoU uses "+1" widths/heights, computed in float exactly as devIoU; boxes of different labels never overlap;
//   - a box is suppressed when IoU > threshold (strictly) with an earlier kept box. The greedy bitmask scan of the
//     kernel is equivalent to comparing each box with the kept boxes before it; the first kept box (highest
//     score) that overlaps is reported as the suppressor, which is the box whose mask row removed it.
//   - kept indices are returned sorted ascending.
#include "core/ops/nms/nms_cpu.h"
#include "core/ops/nms/nms_mask.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <numeric>
#include <unordered_map>
#include <vector>

namespace glip::ops::detail {

NmsResult ml_nms_explained_cpu(const at::Tensor& boxes_, const at::Tensor& scores_, const at::Tensor& labels_,
                               double iou_threshold) {
  const at::Tensor boxes = boxes_.contiguous();
  const at::Tensor scores = scores_.contiguous();
  const at::Tensor labels = labels_.to(at::kLong).contiguous();
  const int64_t n = boxes.size(0);
  const float thr = static_cast<float>(iou_threshold);  // the kernel compares float IoU with a float threshold
  const float* bx = boxes.data_ptr<float>();
  const float* sc = scores.data_ptr<float>();
  const int64_t* lb = labels.data_ptr<int64_t>();

  std::vector<int64_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return sc[a] > sc[b]; });

  NmsResult r;
  r.suppressed_by = at::full({n}, -1, at::kLong);
  r.suppression_iou = at::zeros({n}, at::kFloat);
  int64_t* by = r.suppressed_by.data_ptr<int64_t>();
  float* biou = r.suppression_iou.data_ptr<float>();
  std::unordered_map<int64_t, std::vector<int64_t>> kept_by_label;  // kept boxes per label, in score order
  std::vector<int64_t> keep;
  for (int64_t idx : order) {
    std::vector<int64_t>& kept = kept_by_label[lb[idx]];
    bool suppressed = false;
    for (int64_t k : kept) {
      const float iou = nms_iou_plus1(bx + 4 * k, bx + 4 * idx);
      if (iou > thr) {
        by[idx] = k;
        biou[idx] = iou;
        suppressed = true;
        break;
      }
    }
    if (!suppressed) {
      kept.push_back(idx);
      keep.push_back(idx);
    }
  }
  std::sort(keep.begin(), keep.end());
  r.keep = at::tensor(keep, at::kLong);
  if (keep.empty()) r.keep = at::empty({0}, at::kLong);
  return r;
}

}  // namespace glip::ops::detail
