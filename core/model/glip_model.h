// The whole GLIP detector (official GeneralizedVLRCNN with RPN_ONLY VLDyHead) as one torch module whose state
// dict names equal the official ones (backbone.*, language_backbone.body.model.*, rpn.head.*,
// rpn.anchor_generator.*). Built from a glip::Config; weights from an official checkpoint.
//
//   glip::Config cfg = glip::Config::defaults();  cfg.merge_from_file("models/glip_Swin_T_O365_GoldG.yaml");
//   glip::GlipModel m(glip::glip_model_options(cfg));
//   glip::load_glip_weights(*m, "glip_tiny_model_o365_goldg.pth");
#pragma once
#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include <string>
#include <vector>

#include "core/head/vldyhead.h"
#include "core/language/bert_encoder.h"
#include "core/vision/anchors.h"
#include "core/vision/backbone.h"

namespace glip {

class Config;

struct GlipModelOptions {
  VisionBackboneOptions vision;
  LanguageBackboneOptions language;
  head::VLDyHeadOptions head;
  AnchorGeneratorOptions anchors;
};

// All options from one config (each area's own free function); glip::Error for unsupported architectures.
GlipModelOptions glip_model_options(const Config& cfg);

// GLIP's language_backbone = Sequential(OrderedDict(body=BertEncoder)).
struct LanguageBackboneImpl : torch::nn::Module {
  explicit LanguageBackboneImpl(const LanguageBackboneOptions& o);
  BertEncoder body{nullptr};
};
TORCH_MODULE(LanguageBackbone);

// GLIP's VLDyHEAD RPN module: the head and the anchor generator (its post-processor has no weights).
struct RpnImpl : torch::nn::Module {
  RpnImpl(const head::VLDyHeadOptions& h, const AnchorGeneratorOptions& a);
  head::VLDyHead head{nullptr};
  AnchorGenerator anchor_generator{nullptr};
};
TORCH_MODULE(Rpn);

class GlipModelImpl : public torch::nn::Module {
 public:
  explicit GlipModelImpl(const GlipModelOptions& o);
  const GlipModelOptions& options() const { return options_; }

  VisionBackbone backbone{nullptr};
  LanguageBackbone language_backbone{nullptr};
  Rpn rpn{nullptr};

 private:
  GlipModelOptions options_;
};
TORCH_MODULE(GlipModel);

// Loads an official checkpoint (core/io reader + GLIP's module./suffix alignment) strictly: every model tensor
// must be found with its shape, else glip::Error listing the missing/mismatched keys. Entries the model does not
// use (optimizer, mlm_head, ...) are ignored with one log line. Returns the number of tensors loaded. Peak memory
// is about one model: the initial values are released first, so on failure the model is left without weights.
size_t load_glip_weights(GlipModelImpl& model, const std::string& checkpoint_path);

// ModelParams::precision bf16: stores the weights of the GEMM- and convolution-heavy layers in `dtype` (kBFloat16),
// which makes those layers compute in it (core/ops/precision/precision.h): the FPN, and in the fusion head the
// DyConv convolutions, the head's BERT layers and VLFuse's text-side projections (its visual-side weights are
// folded in fp32, its three large products follow the text side). Everything else stays fp32: Swin and the
// language BERT (the two largest sources of bf16 deviation for little time: BERT's 194-row products are as fast
// in fp32 through oneDNN; docs/PERFORMANCE.md), embeddings, norms,
// biases, the DyConv offset, attention and DyReLU layers, the prediction layers (cls_logits, bbox_pred,
// centerness) and the dot-product projections. Returns the number of converted tensors; kFloat is a no-op.
size_t convert_gemm_weights(GlipModelImpl& model, at::ScalarType dtype);

// The device-generic kernels everywhere (ModelParams::kernels generic): Swin and the FPN in GLIP's formulation of
// plain ATen operations (SwinOptions::fast_cpu_kernels off), the deformable convolutions of DyConv through
// ops::modulated_deform_conv2d's ATen-only path, VLFuse's softmaxes through ops::fusion_softmax_'s.
// (NMS: post::AtssParams::generic_nms.) Returns the number of deformable convolutions switched.
size_t use_generic_kernels(GlipModelImpl& model);

// name -> shape of every parameter and buffer (the state dict), in registration order.
std::vector<std::pair<std::string, std::vector<int64_t>>> state_dict_shapes(const torch::nn::Module& m);

}  // namespace glip
