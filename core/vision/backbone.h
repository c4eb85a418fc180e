// GLIP's vision backbone "SWINT-FPN-RETINANET": nn.Sequential(body = SwinTransformer, fpn = FPN + P6/P7).
// Registered as "backbone", the names equal the checkpoint's `backbone.body.*` and `backbone.fpn.*`.
//
//   glip::VisionBackbone bb(glip::vision_backbone_options(cfg));
//   glip::io::load_state_dict(*bb, checkpoint, "backbone.");
//   c10::InferenceMode guard;
//   std::vector<at::Tensor> p = bb->forward(image, probe);   // image 1 x 3 x H x W (normalised, padded to 32)
//                                                            // -> P3..P7, B x OUT_CHANNELS x H/8.. x W/8..
#pragma once
#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include <vector>

#include "core/vision/fpn.h"
#include "core/vision/options.h"
#include "core/vision/swin.h"

namespace glip {

class TensorProbe;

class VisionBackboneImpl : public torch::nn::Module {
 public:
  explicit VisionBackboneImpl(const VisionBackboneOptions& options);
  // Probes: swin.stage2..5, fpn.p3..p7.
  std::vector<at::Tensor> forward(const at::Tensor& image, TensorProbe* probe = nullptr);

  SwinTransformer body{nullptr};
  Fpn fpn{nullptr};
};
TORCH_MODULE(VisionBackbone);

}  // namespace glip
