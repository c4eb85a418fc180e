// glip::head::VLDyHead — GLIP's vision-language dynamic head (modeling/rpn/vldyhead.py VLDyHead), GLIP-T path:
//
//   dyhead_tower = [VLFuse (MHA-B), BertEncoderLayer, DyConv] x NUM_CONVS
//   box_regression[l] = scales[l](bbox_pred(x_l)), centerness[l] = centerness(x_l)
//   proj_tokens = dot_product_projection_text(normalize(h) / 2),  h = final fused text hidden states
//   dot_product_logits[l] = clamp((x_l · proj_tokens) / exp(log_scale) + normalize(h)·bias_lang + bias0, ±50000)
//   with x_l the (unnormalised) final DyConv features flattened row-major to B x (h*w) x C.
//
// Parameter names equal the checkpoint's `rpn.head.*` names (load with io::load_state_dict(head, map, "rpn.head.")).
// `cls_logits` exists with its parameters (the state dict has them) but is not run: post-processing only needs its
// output width, num_classes - 1.
//
// Text length: the head runs on whatever T the language dict has. The official model always feeds 256 padded
// tokens; feeding only the T real tokens gives the same visual features, box regression, centerness and the same
// logits/proj_tokens for the real tokens (the image->text softmax masks padding with -9e15, i.e. weight exactly 0;
// the text->image softmax and the head's BERT layer treat each text row independently of padded rows; padded keys
// in that BERT layer are masked). tests/core/head proves this against the 256-token golden outputs.
//
// Cost at GLIP-T size (800x1333 input: ~22.4k visual tokens, 194 tokens, 2 threads): ~15-17 CPU-seconds on the
// shared development machine (the official Python head: ~21 s wall). About 55% is DyConv (the 13 modulated deform
// convs per layer, glip::ops), 35% the fusion attention (three N x 8T x 256 products per layer after folding the
// 2048-wide visual projections, see vlfuse.cpp), 8% the BERT layers. tests/core/head/bench_vldyhead measures it.
//
//   glip::head::VLDyHead head(glip::head::vldyhead_options_from_config(cfg, bert));
//   glip::io::load_state_dict(*head, weights, "rpn.head.");
//   c10::InferenceMode guard;
//   glip::head::VLDyHeadOutput out = head->forward(fpn_levels, lang_dict, probe);
#pragma once
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <string>
#include <vector>

#include "core/head/dyconv.h"
#include "core/head/head_options.h"
#include "core/head/vlfuse.h"
#include "core/language/bert.h"
#include "core/language/language_dict.h"

namespace glip {
class TensorProbe;
}

namespace glip::head {

struct VLDyHeadOutput {
  std::vector<at::Tensor> box_regression;      // per level B x 4 x h x w (after scales[l])
  std::vector<at::Tensor> centerness;          // per level B x 1 x h x w (logits)
  std::vector<at::Tensor> dot_product_logits;  // per level B x (h*w) x T, T = the input's token count (NOT cut to
                                               // the valid tokens; columns of padded tokens are meaningless)
  at::Tensor proj_tokens;                      // B x T x C
  at::Tensor proj_tokens_bias;                 // B x T
  std::vector<at::Tensor> fused_visual;        // per level B x C x h x w: final DyConv features (x_l)
  at::Tensor fused_lang_hidden;                // B x T x D: text hidden states after the tower
};

// State flowing through the tower.
struct TowerState {
  std::vector<at::Tensor> visual;  // per level B x C x h x w
  at::Tensor lang_hidden;          // B x T x D
};

// GLIP's DummyLayer (the tower slot of the last BertEncoderLayer when USE_FUSED_FEATURES_DOT_PRODUCT is off).
struct DummyLayerImpl : torch::nn::Module {};
TORCH_MODULE(DummyLayer);

// The learnable per-level `Scale` (parameter `scale`, shape 1).
struct ScaleImpl : torch::nn::Module {
  explicit ScaleImpl(double init = 1.0);
  at::Tensor forward(const at::Tensor& x) { return x * scale; }
  at::Tensor scale;
};
TORCH_MODULE(Scale);

class VLDyHeadImpl : public torch::nn::Module {
 public:
  explicit VLDyHeadImpl(const VLDyHeadOptions& o);

  // features: P3..P7, each B x in_channels x h x w. lang: hidden B x T x D and masks B x T are required;
  // embedded only when use_fused_features_dot_product is off. Throws glip::Error for inconsistent shapes.
  // Probe names (golden): dyhead.{i}.vlfuse.visual.pL / .lang_hidden (i = 3k), dyhead.{i}.bertlayer.lang_hidden
  // (i = 3k+1), dyhead.{i}.dyconv.offset_mask.pL / .visual.pL (i = 3k+2), head.proj_tokens_input,
  // head.proj_tokens, head.proj_tokens_bias, head.box_regression.pL, head.centerness.pL, head.dot_product_logits.pL
  // (the probe's copy is cut to the valid tokens, max over the batch of masks.sum(), as the golden files).
  // On request only (probe->wants): dyhead.{i}.vlfuse.attn_v2l (B x 8 x N x T) and .attn_l2v (B x 8 x T x N).
  VLDyHeadOutput forward(const std::vector<at::Tensor>& features, const LanguageDict& lang,
                         TensorProbe* probe = nullptr);

  // Pieces, for tests and tools. Tower slot i = 3k (VLFuse), 3k+1 (BERT layer or dummy), 3k+2 (DyConv); without
  // early fusion slot i is DyConv i (probe names dyhead.{i}.dyconv.*).
  TowerState run_tower_slot(size_t i, const TowerState& in, const at::Tensor& mask, TensorProbe* probe = nullptr);
  // Tower slots: 3 x NUM_CONVS with early fusion ([VLFuse, BertEncoderLayer, DyConv] per conv), NUM_CONVS without
  // (GLIP-T (A): DyConv only); slot_name(i): "vlfuse", "bertlayer" or "dyconv" (probe and timing names).
  size_t tower_slots() const;
  const char* slot_name(size_t i) const;
  // The prediction heads on the tower's output; `embedding` = fused text hidden (or lang.embedded), mask B x T.
  VLDyHeadOutput predict(const std::vector<at::Tensor>& visual, const at::Tensor& embedding, const at::Tensor& mask,
                         TensorProbe* probe = nullptr);

  const VLDyHeadOptions& options() const { return o_; }
  int64_t num_label_columns() const { return o_.num_classes - 1; }  // cls_logits output width

  torch::nn::ModuleList dyhead_tower{nullptr};
  torch::nn::Conv2d cls_logits{nullptr}, bbox_pred{nullptr}, centerness{nullptr};
  torch::nn::Linear dot_product_projection_text{nullptr};
  torch::nn::ModuleList scales{nullptr};
  at::Tensor log_scale, bias_lang, bias0;

 private:
  VLDyHeadOptions o_;
  std::vector<VLFuse> fuse_;
  std::vector<BertLayer> bert_;  // the BertEncoderLayers; null entries where the slot is a DummyLayer
  std::vector<DyConv> dyconv_;
  std::vector<Scale> scale_;
};
TORCH_MODULE(VLDyHead);

}  // namespace glip::head
