// Box utilities of maskrcnn_benchmark used by GLIP's post-processing, in the legacy "+1" pixel convention.
// All take and return float tensors of K x 4 boxes; the arithmetic is done with the same tensor ops as the
// official code so results agree to the last bit on the same libtorch.
#pragma once
#include <ATen/Tensor.h>

#include <cstdint>

namespace glip::post {

struct ImageSizeHW {
  int64_t height = 0;
  int64_t width = 0;
};

// VLDyHead's BoxCoder.decode (modeling/rpn/vldyhead.py, NOT modeling/box_coder.py): anchors xyxy, codes
// (dx, dy, dw, dh) with weights (10, 10, 5, 5); dw, dh clamped at log(1000/16); w = x2 - x1 + 1,
// ctr = (x1 + x2) / 2; boxes ctr +- 0.5 * (pred_w - 1).
at::Tensor decode_boxes(const at::Tensor& codes, const at::Tensor& anchors);

// BoxList.clip_to_image(remove_empty=False): x to [0, width - 1], y to [0, height - 1].
at::Tensor clip_boxes(const at::Tensor& boxes_xyxy, ImageSizeHW size);

// remove_small_boxes: indices (int64, ascending) of boxes whose "+1" width and height are >= min_size
// (a NaN coordinate fails the test, as in the official code).
at::Tensor small_boxes_keep(const at::Tensor& boxes_xyxy, double min_size);

// BoxList.resize(to) from a BoxList of size `from`: x scaled by to.w / from.w, y by to.h / from.h.
at::Tensor resize_boxes(const at::Tensor& boxes_xyxy, ImageSizeHW from, ImageSizeHW to);

// BoxList.convert("xywh"): (x1, y1, x2 - x1 + 1, y2 - y1 + 1).
at::Tensor xyxy_to_xywh(const at::Tensor& boxes_xyxy);

}  // namespace glip::post
