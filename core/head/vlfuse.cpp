#include "core/head/vlfuse.h"

#include <torch/nn/functional/activation.h>

#include <cmath>

#include "core/common/error.h"
#include "core/head/level_name.h"
#include "core/model/probe.h"

namespace glip::head {

namespace {
// B x S x (H*d) -> B x H x S x d
at::Tensor split_heads(const at::Tensor& x, int64_t heads) {
  return x.view({x.size(0), x.size(1), heads, -1}).transpose(1, 2);
}
// B x H x S x d -> B x S x (H*d)
at::Tensor merge_heads(const at::Tensor& x) {
  return x.transpose(1, 2).reshape({x.size(0), x.size(2), x.size(1) * x.size(3)});
}
}  // namespace

BiMultiHeadAttentionImpl::BiMultiHeadAttentionImpl(const VLFuseOptions& o) : o_(o) {
  if (o.num_heads <= 0 || o.embed_dim % o.num_heads != 0)
    throw Error("BiMultiHeadAttention: embed_dim " + std::to_string(o.embed_dim) +
                " is not divisible by num_heads " + std::to_string(o.num_heads));
  v_proj = register_module("v_proj", torch::nn::Linear(o.v_dim, o.embed_dim));
  l_proj = register_module("l_proj", torch::nn::Linear(o.l_dim, o.embed_dim));
  values_v_proj = register_module("values_v_proj", torch::nn::Linear(o.v_dim, o.embed_dim));
  values_l_proj = register_module("values_l_proj", torch::nn::Linear(o.l_dim, o.embed_dim));
  out_v_proj = register_module("out_v_proj", torch::nn::Linear(o.embed_dim, o.v_dim));
  out_l_proj = register_module("out_l_proj", torch::nn::Linear(o.embed_dim, o.l_dim));
}

BiAttentionOutput BiMultiHeadAttentionImpl::forward(const at::Tensor& v, const at::Tensor& l,
                                                    const at::Tensor& mask_l, BiAttentionMaps* maps) {
  const int64_t heads = o_.num_heads;
  const double scale = std::pow(static_cast<double>(o_.embed_dim / heads), -0.5);
  at::Tensor q = split_heads(v_proj->forward(v) * scale, heads);  // B x H x N x d
  at::Tensor k = split_heads(l_proj->forward(l), heads);          // B x H x T x d
  at::Tensor val_v = split_heads(values_v_proj->forward(v), heads);  // B x H x N x d
  at::Tensor val_l = split_heads(values_l_proj->forward(l), heads);  // B x H x T x d

  at::Tensor attn = at::matmul(q, k.transpose(-1, -2));  // B x H x N x T
  if (o_.stable_softmax_2d) attn = attn - attn.max();
  if (o_.clamp_min_for_underflow) attn.clamp_min_(-50000);
  if (o_.clamp_max_for_overflow) attn.clamp_max_(50000);

  // Text -> image: each text token's softmax over the visual tokens; padded text rows are not masked.
  at::Tensor attn_t = attn.transpose(-1, -2);                                      // B x H x T x N
  at::Tensor attn_l = attn_t - std::get<0>(attn_t.max(-1, /*keepdim=*/true));      // B x H x T x N
  if (o_.clamp_min_for_underflow) attn_l.clamp_min_(-50000);
  if (o_.clamp_max_for_overflow) attn_l.clamp_max_(50000);
  attn_l = attn_l.softmax(-1);  // B x H x T x N

  // Image -> text: the mask keeps its value (1) on real tokens and puts -9e15 on padding, as the official code.
  if (mask_l.defined()) {
    if (mask_l.dim() != 2 || mask_l.size(0) != l.size(0) || mask_l.size(1) != l.size(1))
      throw Error("BiMultiHeadAttention: text mask must be B x T");
    at::Tensor m = mask_l.to(at::kFloat);
    attn = attn + m.masked_fill(m == 0, -9e15).view({m.size(0), 1, 1, m.size(1)});  // B x H x N x T
  }
  at::Tensor attn_v = attn.softmax(-1);  // B x H x N x T
  if (maps) {
    maps->v2l = attn_v;
    maps->l2v = attn_l;
  }

  at::Tensor out_v = merge_heads(at::matmul(attn_v, val_l));  // B x N x E
  at::Tensor out_l = merge_heads(at::matmul(attn_l, val_v));  // B x T x E
  return {out_v_proj->forward(out_v), out_l_proj->forward(out_l)};  // B x N x v_dim, B x T x l_dim
}

BiAttentionBlockImpl::BiAttentionBlockImpl(const VLFuseOptions& o) {
  layer_norm_v = register_module("layer_norm_v", torch::nn::LayerNorm(torch::nn::LayerNormOptions({o.v_dim})));
  layer_norm_l = register_module("layer_norm_l", torch::nn::LayerNorm(torch::nn::LayerNormOptions({o.l_dim})));
  attn = register_module("attn", BiMultiHeadAttention(o));
  gamma_v = register_parameter("gamma_v", torch::full({o.v_dim}, o.init_values));
  gamma_l = register_parameter("gamma_l", torch::full({o.l_dim}, o.init_values));
}

BiAttentionBlockOutput BiAttentionBlockImpl::forward(const at::Tensor& v_in, const at::Tensor& l_in,
                                                     const at::Tensor& mask_l, BiAttentionMaps* maps) {
  at::Tensor v = layer_norm_v->forward(v_in);  // B x N x C
  at::Tensor l = layer_norm_l->forward(l_in);  // B x T x D
  BiAttentionOutput d = attn->forward(v, l, mask_l, maps);
  return {v + gamma_v * d.delta_v, l + gamma_l * d.delta_l};  // B x N x C, B x T x D
}

VLFuseImpl::VLFuseImpl(const VLFuseOptions& o) { b_attn = register_module("b_attn", BiAttentionBlock(o)); }

VLFuseOutput VLFuseImpl::forward(const std::vector<at::Tensor>& visual, const at::Tensor& lang_hidden,
                                 const at::Tensor& mask, TensorProbe* probe, const std::string& prefix) {
  if (visual.empty()) throw Error("VLFuse: no visual feature levels");
  const int64_t b = visual[0].size(0);
  std::vector<at::Tensor> flat;
  for (const auto& f : visual) flat.push_back(f.flatten(2).transpose(1, 2));  // B x hw x C
  at::Tensor v = at::cat(flat, 1);                                           // B x N x C

  const bool want_maps = probe && (probe->wants(prefix + "vlfuse.attn_v2l") ||
                                   probe->wants(prefix + "vlfuse.attn_l2v"));
  BiAttentionMaps maps;
  BiAttentionBlockOutput r = b_attn->forward(v, lang_hidden, mask, want_maps ? &maps : nullptr);
  if (want_maps) {
    probe_put(probe, prefix + "vlfuse.attn_v2l", maps.v2l);
    probe_put(probe, prefix + "vlfuse.attn_l2v", maps.l2v);
  }

  VLFuseOutput out;
  at::Tensor new_v = r.v.transpose(1, 2);  // B x C x N
  int64_t start = 0;
  for (size_t i = 0; i < visual.size(); ++i) {
    const int64_t h = visual[i].size(2), w = visual[i].size(3);
    out.visual.push_back(new_v.narrow(2, start, h * w).reshape({b, -1, h, w}).contiguous());  // B x C x h x w
    start += h * w;
    probe_put(probe, prefix + "vlfuse.visual." + level_name(i), out.visual.back());
  }
  out.lang_hidden = r.l;  // B x T x D
  probe_put(probe, prefix + "vlfuse.lang_hidden", out.lang_hidden);
  return out;
}

}  // namespace glip::head
