#include "core/vision/backbone.h"

#include "core/common/error.h"

namespace glip {

VisionBackboneImpl::VisionBackboneImpl(const VisionBackboneOptions& o) {
  body = register_module("body", SwinTransformer(o.swin));
  const std::vector<int64_t> body_out = body->out_channels();
  if (body_out.size() != o.fpn.in_channels_list.size())
    throw Error("vision backbone: Swin has " + std::to_string(body_out.size()) + " outputs but the FPN expects " +
                std::to_string(o.fpn.in_channels_list.size()));
  for (size_t i = 0; i < body_out.size(); ++i)
    if (o.fpn.in_channels_list[i] != 0 && o.fpn.in_channels_list[i] != body_out[i])
      throw Error("vision backbone: FPN input " + std::to_string(i + 1) + " expects " +
                  std::to_string(o.fpn.in_channels_list[i]) + " channels, Swin gives " + std::to_string(body_out[i]) +
                  " (MODEL.SWINT.OUT_CHANNELS must be EMBED_DIM * 2^i)");
  fpn = register_module("fpn", Fpn(o.fpn));
}

std::vector<at::Tensor> VisionBackboneImpl::forward(const at::Tensor& image, TensorProbe* probe) {
  SwinOutput s = body->forward(image, probe);  // stage2..5, B x C_i x H/4.. x W/4..
  return fpn->forward(s.features, probe);      // P3..P7, B x C x H/8.. x W/8..
}

}  // namespace glip
