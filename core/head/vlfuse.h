// VLFuse "MHA-B": GLIP's bidirectional image<->text cross attention (utils/fuse_helper.py BiMultiHeadAttention,
// BiAttentionBlockForCheckpoint; modeling/rpn/vldyhead.py VLFuse). Module and parameter names equal the official
// ones: VLFuse.b_attn.{layer_norm_v, layer_norm_l, gamma_v, gamma_l, attn.{v_proj, l_proj, values_v_proj,
// values_l_proj, out_v_proj, out_l_proj}}.
#pragma once
#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

#include <string>
#include <vector>

#include "core/head/head_options.h"

namespace glip {
class TensorProbe;
}

namespace glip::head {

// Optional outputs of the attention: the per-head attention weights (large: heads x N x T floats each).
struct BiAttentionMaps {
  at::Tensor v2l;  // B x heads x N x T: weight with which visual token n reads text token t (softmax over t,
                   //                    padded tokens masked with -9e15, so exactly 0)
  at::Tensor l2v;  // B x heads x T x N: weight with which text token t reads visual token n (softmax over n)
};

struct BiAttentionOutput {
  at::Tensor delta_v;  // B x N x v_dim
  at::Tensor delta_l;  // B x T x l_dim
};

class BiMultiHeadAttentionImpl : public torch::nn::Module {
 public:
  explicit BiMultiHeadAttentionImpl(const VLFuseOptions& o);
  // v: B x N x v_dim (layer-normed visual tokens), l: B x T x l_dim (layer-normed text), mask_l: B x T (0 = pad)
  // or undefined. `maps`, when not null, receives the attention weights.
  BiAttentionOutput forward(const at::Tensor& v, const at::Tensor& l, const at::Tensor& mask_l,
                            BiAttentionMaps* maps = nullptr);

  torch::nn::Linear v_proj{nullptr}, l_proj{nullptr}, values_v_proj{nullptr}, values_l_proj{nullptr};
  torch::nn::Linear out_v_proj{nullptr}, out_l_proj{nullptr};
  bool generic = false;  // the ATen-only softmaxes on the CPU too (ops::fusion_softmax_'s `generic`)

 private:
  VLFuseOptions o_;
};
TORCH_MODULE(BiMultiHeadAttention);

struct BiAttentionBlockOutput {
  at::Tensor v_norm;   // B x N x v_dim: LN(v)
  at::Tensor delta_v;  // B x N x v_dim: the attention's update; the block's visual output is v_norm + gamma_v*delta_v
  at::Tensor l;        // B x T x l_dim: LN(l) + gamma_l*delta_l
};

// BiAttentionBlockForCheckpoint with SEPARATE_BIDIRECTIONAL off: v = LN(v) + gamma_v*delta_v, same for l. The visual
// sum is left to the caller (VLFuse writes it straight into the levels' layout: ops::tokens_to_levels).
class BiAttentionBlockImpl : public torch::nn::Module {
 public:
  explicit BiAttentionBlockImpl(const VLFuseOptions& o);
  BiAttentionBlockOutput forward(const at::Tensor& v, const at::Tensor& l, const at::Tensor& mask_l,
                                 BiAttentionMaps* maps = nullptr);

  torch::nn::LayerNorm layer_norm_v{nullptr}, layer_norm_l{nullptr};
  BiMultiHeadAttention attn{nullptr};
  at::Tensor gamma_v, gamma_l;
};
TORCH_MODULE(BiAttentionBlock);

struct VLFuseOutput {
  std::vector<at::Tensor> visual;  // per level B x C x h x w
  at::Tensor lang_hidden;          // B x T x D
};

class VLFuseImpl : public torch::nn::Module {
 public:
  explicit VLFuseImpl(const VLFuseOptions& o);
  // visual: per level B x C x h x w (P3..P7); lang_hidden B x T x D; mask B x T (int or float, 0 = padding).
  // Probe names (prefix e.g. "dyhead.0."): <prefix>vlfuse.visual.pL, <prefix>vlfuse.lang_hidden, and, only when
  // the probe wants them, <prefix>vlfuse.attn_v2l (B x heads x N x T) and <prefix>vlfuse.attn_l2v
  // (B x heads x T x N), N = visual tokens of all levels concatenated (P3..P7, each row-major h*w).
  VLFuseOutput forward(const std::vector<at::Tensor>& visual, const at::Tensor& lang_hidden, const at::Tensor& mask,
                       TensorProbe* probe = nullptr, const std::string& prefix = "");

  BiAttentionBlock b_attn{nullptr};
};
TORCH_MODULE(VLFuse);

}  // namespace glip::head
