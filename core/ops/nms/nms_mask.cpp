#include "core/ops/nms/nms_mask.h"

#include <algorithm>

namespace glip::ops::detail {

void nms_explain(const uint64_t* mask, const int64_t* order, const float* sorted_boxes, int64_t n,
                 std::vector<int64_t>* keep, int64_t* suppressed_by, float* suppression_iou) {
  const int64_t words = nms_words(n);
  std::fill(suppressed_by, suppressed_by + n, int64_t{-1});
  std::fill(suppression_iou, suppression_iou + n, 0.f);
  keep->clear();
  std::vector<uint64_t> removed(static_cast<size_t>(words), 0);
  for (int64_t i = 0; i < n; ++i) {
    if (removed[static_cast<size_t>(i / kNmsWordBits)] >> (i % kNmsWordBits) & 1) continue;
    keep->push_back(order[i]);
    const uint64_t* row = mask + i * words;
    for (int64_t w = i / kNmsWordBits; w < words; ++w) {
      uint64_t fresh = row[w] & ~removed[static_cast<size_t>(w)];  // removed by this row first
      removed[static_cast<size_t>(w)] |= row[w];
      for (; fresh; fresh &= fresh - 1) {
        const int64_t j = w * kNmsWordBits + __builtin_ctzll(fresh);
        suppressed_by[order[j]] = order[i];
        suppression_iou[order[j]] = nms_iou_plus1(sorted_boxes + 4 * i, sorted_boxes + 4 * j);
      }
    }
  }
  std::sort(keep->begin(), keep->end());
}

}  // namespace glip::ops::detail
