#include "core/post/boxes.h"

#include <ATen/ATen.h>

#include <cmath>

namespace glip::post {

at::Tensor decode_boxes(const at::Tensor& codes, const at::Tensor& anchors_in) {
  const at::Tensor anchors = anchors_in.to(codes.scalar_type());
  const at::Tensor widths = anchors.select(1, 2) - anchors.select(1, 0) + 1;   // K
  const at::Tensor heights = anchors.select(1, 3) - anchors.select(1, 1) + 1;  // K
  const at::Tensor ctr_x = (anchors.select(1, 2) + anchors.select(1, 0)) / 2;  // K
  const at::Tensor ctr_y = (anchors.select(1, 3) + anchors.select(1, 1)) / 2;  // K
  const at::Tensor dx = codes.select(1, 0) / 10.;
  const at::Tensor dy = codes.select(1, 1) / 10.;
  const double clip = std::log(1000. / 16);
  const at::Tensor dw = at::clamp_max(codes.select(1, 2) / 5., clip);
  const at::Tensor dh = at::clamp_max(codes.select(1, 3) / 5., clip);
  const at::Tensor pred_ctr_x = dx * widths + ctr_x;
  const at::Tensor pred_ctr_y = dy * heights + ctr_y;
  const at::Tensor pred_w = at::exp(dw) * widths;
  const at::Tensor pred_h = at::exp(dh) * heights;
  return at::stack({pred_ctr_x - 0.5 * (pred_w - 1), pred_ctr_y - 0.5 * (pred_h - 1),
                    pred_ctr_x + 0.5 * (pred_w - 1), pred_ctr_y + 0.5 * (pred_h - 1)},
                   1);  // K x 4
}

at::Tensor clip_boxes(const at::Tensor& b, ImageSizeHW size) {
  const double xmax = static_cast<double>(size.width - 1), ymax = static_cast<double>(size.height - 1);
  return at::stack({b.select(1, 0).clamp(0, xmax), b.select(1, 1).clamp(0, ymax), b.select(1, 2).clamp(0, xmax),
                    b.select(1, 3).clamp(0, ymax)},
                   -1);
}

at::Tensor small_boxes_keep(const at::Tensor& b, double min_size) {
  const at::Tensor xywh = xyxy_to_xywh(b);
  return at::nonzero((xywh.select(1, 2) >= min_size) & (xywh.select(1, 3) >= min_size)).squeeze(1);
}

at::Tensor resize_boxes(const at::Tensor& b, ImageSizeHW from, ImageSizeHW to) {
  const double rw = static_cast<double>(to.width) / static_cast<double>(from.width);
  const double rh = static_cast<double>(to.height) / static_cast<double>(from.height);
  return at::stack({b.select(1, 0) * rw, b.select(1, 1) * rh, b.select(1, 2) * rw, b.select(1, 3) * rh}, 1);
}

at::Tensor xyxy_to_xywh(const at::Tensor& b) {
  return at::stack({b.select(1, 0), b.select(1, 1), b.select(1, 2) - b.select(1, 0) + 1,
                    b.select(1, 3) - b.select(1, 1) + 1},
                   1);
}

}  // namespace glip::post
