#include "core/head/vldyhead.h"

#include <torch/nn/functional/normalization.h>

#include <cmath>

#include "core/common/error.h"
#include "core/common/shape.h"
#include "core/probe/level_name.h"
#include "core/probe/probe.h"

namespace glip::head {

namespace {
constexpr int64_t kNumLevels = 5;

std::string shape_of(const at::Tensor& t) { return t.defined() ? shape_str(t.sizes()) : "undefined"; }
}  // namespace

ScaleImpl::ScaleImpl(double init) { scale = register_parameter("scale", torch::full({1}, init)); }

VLDyHeadImpl::VLDyHeadImpl(const VLDyHeadOptions& o) : o_(o) {
  if (o.num_convs < 1) throw Error("VLDyHead: NUM_CONVS must be at least 1");
  if (o.num_anchors != 1) throw Error("VLDyHead: the dot-product token head needs exactly one anchor per location");
  if (o.fuse.v_dim != o.in_channels || o.fuse.v_dim != o.channels || o.fuse.l_dim != o.lang_dim ||
      o.bert.hidden_size != o.lang_dim)
    throw Error("VLDyHead: inconsistent sizes (visual " + std::to_string(o.in_channels) + "/" +
                std::to_string(o.channels) + "/" + std::to_string(o.fuse.v_dim) + ", text " +
                std::to_string(o.lang_dim) + "/" + std::to_string(o.fuse.l_dim) + "/" +
                std::to_string(o.bert.hidden_size) + ")");

  dyhead_tower = register_module("dyhead_tower", torch::nn::ModuleList());
  for (int64_t i = 0; i < o.num_convs; ++i) {
    if (o.early_fuse) {  // official: VLFuse and the language path only with EARLY_FUSE_ON
      fuse_.push_back(VLFuse(o.fuse));
      dyhead_tower->push_back(fuse_.back());
      if (i < o.num_convs - 1 || o.use_fused_features_dot_product) {
        bert_.push_back(BertLayer(o.bert));
        dyhead_tower->push_back(bert_.back());
      } else {
        bert_.push_back(BertLayer(nullptr));
        dyhead_tower->push_back(DummyLayer());
      }
    }
    DyConvOptions d;
    d.in_channels = i == 0 ? o.in_channels : o.channels;
    d.out_channels = o.channels;
    d.gn_groups = o.gn_groups;
    d.use_gn = o.use_gn;
    const bool same = o.in_channels == o.channels;
    d.use_dyrelu = o.use_dyrelu && (i > 0 || same);
    d.use_dyfuse = o.use_dyfuse && (i > 0 || same);
    d.use_deform = o.use_deform && (i > 0 || same);
    dyconv_.push_back(DyConv(d));
    dyhead_tower->push_back(dyconv_.back());
  }

  const double bias_value = -std::log((1 - o.prior_prob) / o.prior_prob);
  namespace nn = torch::nn;
  cls_logits = register_module("cls_logits", nn::Conv2d(nn::Conv2dOptions(o.channels, o.num_classes - 1, 1)));
  bbox_pred = register_module("bbox_pred", nn::Conv2d(nn::Conv2dOptions(o.channels, 4, 1)));
  centerness = register_module("centerness", nn::Conv2d(nn::Conv2dOptions(o.channels, 1, 1)));
  {
    torch::NoGradGuard ng;
    for (auto* c : {&cls_logits, &bbox_pred, &centerness}) {
      (*c)->weight.normal_(0, 0.01);
      (*c)->bias.zero_();
    }
    cls_logits->bias.fill_(bias_value);
  }
  dot_product_projection_text = register_module("dot_product_projection_text", nn::Linear(o.lang_dim, o.channels));
  log_scale = register_parameter("log_scale", torch::full({1}, o.log_scale));
  bias_lang = register_parameter("bias_lang", torch::zeros({o.lang_dim}));
  bias0 = register_parameter("bias0", torch::full({1}, bias_value));
  scales = register_module("scales", nn::ModuleList());
  for (int64_t l = 0; l < kNumLevels; ++l) {
    scale_.push_back(Scale(1.0));
    scales->push_back(scale_.back());
  }
}

size_t VLDyHeadImpl::tower_slots() const { return static_cast<size_t>((o_.early_fuse ? 3 : 1) * o_.num_convs); }

const char* VLDyHeadImpl::slot_name(size_t i) const {
  static const char* kName[3] = {"vlfuse", "bertlayer", "dyconv"};
  return o_.early_fuse ? kName[i % 3] : kName[2];
}

TowerState VLDyHeadImpl::run_tower_slot(size_t i, const TowerState& in, const at::Tensor& mask, TensorProbe* probe) {
  if (i >= tower_slots()) throw Error("VLDyHead: tower slot " + std::to_string(i) + " out of range");
  const size_t k = o_.early_fuse ? i / 3 : i;
  const std::string prefix = "dyhead." + std::to_string(i) + ".";
  TowerState out = in;
  switch (o_.early_fuse ? i % 3 : 2) {
    case 0: {
      VLFuseOutput f = fuse_[k]->forward(in.visual, in.lang_hidden, mask, probe, prefix);
      out.visual = std::move(f.visual);     // per level B x C x h x w
      out.lang_hidden = f.lang_hidden;      // B x T x D
      break;
    }
    case 1:
      if (bert_[k]) {
        out.lang_hidden = bert_[k]->forward(in.lang_hidden, bert_extended_attention_mask(mask));  // B x T x D
        probe_put(probe, prefix + "bertlayer.lang_hidden", out.lang_hidden);
      }
      break;
    default:
      out.visual = dyconv_[k]->forward(in.visual, probe, prefix);  // per level B x C x h x w
  }
  return out;
}

VLDyHeadOutput VLDyHeadImpl::predict(const std::vector<at::Tensor>& visual, const at::Tensor& embedding,
                                     const at::Tensor& mask, TensorProbe* probe) {
  namespace F = torch::nn::functional;
  VLDyHeadOutput out;
  at::Tensor emb = F::normalize(embedding, F::NormalizeFuncOptions().p(2).dim(-1));  // B x T x D
  at::Tensor proj_in = emb / 2.0;                                                    // B x T x D
  out.proj_tokens = dot_product_projection_text->forward(proj_in);                   // B x T x C
  out.proj_tokens_bias = at::matmul(emb, bias_lang) + bias0;                         // B x T
  probe_put(probe, "head.proj_tokens_input", proj_in);
  probe_put(probe, "head.proj_tokens", out.proj_tokens);
  probe_put(probe, "head.proj_tokens_bias", out.proj_tokens_bias);

  int64_t valid = embedding.size(1);
  if (probe && mask.defined()) valid = mask.ne(0).sum(1).max().item<int64_t>();
  at::Tensor tokens_t = out.proj_tokens.transpose(-1, -2);  // B x C x T
  for (size_t l = 0; l < visual.size(); ++l) {
    const at::Tensor& x = visual[l];
    const std::string ln = level_name(l);
    out.box_regression.push_back(scale_[l]->forward(bbox_pred->forward(x)));  // B x 4 x h x w
    out.centerness.push_back(centerness->forward(x));                         // B x 1 x h x w
    at::Tensor q = x.flatten(2).transpose(1, 2);                              // B x hw x C
    at::Tensor logit = at::matmul(q, tokens_t) / log_scale.exp() + out.proj_tokens_bias.unsqueeze(1);  // B x hw x T
    if (o_.clamp_dot_product) logit.clamp_(-50000, 50000);
    out.dot_product_logits.push_back(logit);
    probe_put(probe, "head.box_regression." + ln, out.box_regression.back());
    probe_put(probe, "head.centerness." + ln, out.centerness.back());
    probe_put(probe, "head.dot_product_logits." + ln, logit.narrow(2, 0, valid));
  }
  out.fused_visual = visual;
  return out;
}

VLDyHeadOutput VLDyHeadImpl::forward(const std::vector<at::Tensor>& features, const LanguageDict& lang,
                                     TensorProbe* probe) {
  if (features.size() != static_cast<size_t>(kNumLevels))
    throw Error("VLDyHead: expected " + std::to_string(kNumLevels) + " feature levels (P3..P7), got " +
                std::to_string(features.size()));
  const at::Tensor& h = lang.hidden;
  if (!h.defined() || h.dim() != 3 || h.size(2) != o_.lang_dim)
    throw Error("VLDyHead: language hidden states must be B x T x " + std::to_string(o_.lang_dim) + ", got " +
                shape_of(h));
  const int64_t b = h.size(0), t = h.size(1);
  if (t < 1) throw Error("VLDyHead: the text has no tokens");
  if (!lang.masks.defined() || lang.masks.dim() != 2 || lang.masks.size(0) != b || lang.masks.size(1) != t)
    throw Error("VLDyHead: language mask must be " + std::to_string(b) + " x " + std::to_string(t) + ", got " +
                shape_of(lang.masks));
  for (size_t l = 0; l < features.size(); ++l) {
    const at::Tensor& f = features[l];
    if (!f.defined() || f.dim() != 4 || f.size(0) != b || f.size(1) != o_.in_channels || f.size(2) < 1 ||
        f.size(3) < 1)
      throw Error("VLDyHead: feature " + level_name(l) + " must be " + std::to_string(b) + " x " +
                  std::to_string(o_.in_channels) + " x h x w, got " + shape_of(f));
  }
  if (!o_.use_fused_features_dot_product &&
      (!lang.embedded.defined() || !lang.embedded.sizes().equals(h.sizes())))
    throw Error("VLDyHead: language 'embedded' must be " + shape_of(h) + ", got " + shape_of(lang.embedded));

  TowerState s{features, h};
  for (size_t i = 0; i < tower_slots(); ++i) s = run_tower_slot(i, s, lang.masks, probe);
  const at::Tensor& embedding = o_.use_fused_features_dot_product ? s.lang_hidden : lang.embedded;
  VLDyHeadOutput out = predict(s.visual, embedding, lang.masks, probe);
  out.fused_lang_hidden = s.lang_hidden;
  return out;
}

}  // namespace glip::head
