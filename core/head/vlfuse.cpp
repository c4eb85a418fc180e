#include "core/head/vlfuse.h"

#include <torch/nn/functional/activation.h>

#include <cmath>
#include <limits>

#include "core/common/error.h"
#include "core/ops/fusion_softmax/fusion_softmax.h"
#include "core/ops/precision/precision.h"
#include "core/ops/token_layout/token_layout.h"
#include "core/probe/level_name.h"
#include "core/probe/probe.h"

namespace glip::head {

namespace {
// x (M x K) times w^T (w: Nout x K) plus bias (Nout or undefined) -> M x Nout, multiplied in `compute` (fp32:
// oneDNN's 1x1 convolution route of ops::linear; bf16 / fp16: w rounded to it).
at::Tensor linear_rows(const at::Tensor& x, const at::Tensor& w, const at::Tensor& bias, at::ScalarType compute) {
  return ops::linear(x.contiguous(), compute == at::kFloat ? w.contiguous() : w.to(compute), bias);  // M x Nout
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

// The official computation is
//   q = v_proj(v)*s, k = l_proj(l), attn_h = clamp(q_h k_h^T, ±50000)            (N x T per head h)
//   P_v = softmax_t(attn + mask), P_l = softmax_n(attn^T - max, clamped)
//   delta_v = out_v_proj(concat_h P_v,h values_l_proj(l)_h), delta_l = out_l_proj(concat_h P_l,h values_v_proj(v)_h)
// Here the three projections of the visual side (N = ~22k tokens x 2048 wide at GLIP-T size) are folded into the
// small text-side factors, which gives the same values up to float rounding:
//   attn_h = v (s Wq_h^T k_h^T) + s k_h bq_h                         (Wq_h: rows h*d..h*d+d of v_proj.weight)
//   P_v,h V_l,h Wo_h^T summed over h = [P_v,0 .. P_v,H-1] [V_l,0 Wo_0^T; ..; V_l,H-1 Wo_H-1^T]   (+ out_v_proj.bias)
//   P_l,h (v Wvv_h^T + bvv_h) = (P_l,h v) Wvv_h^T + bvv_h               (rows of P_l sum to 1)
// The max-subtraction and second clamp of the text side do not change its softmax (values <= 0; exp(-50000) = 0),
// so P_l is the softmax over visual tokens of the clamped scores; its normalisation is applied after the product
// with v. A mask without padding adds the constant 1 to every score of the image side (the official mask keeps
// its value 1), which does not change that softmax either, so it is skipped.
BiAttentionOutput BiMultiHeadAttentionImpl::forward(const at::Tensor& v, const at::Tensor& l,
                                                    const at::Tensor& mask_l, BiAttentionMaps* maps) {
  const int64_t bsz = v.size(0), n = v.size(1), t = l.size(1), heads = o_.num_heads;
  const int64_t d = o_.embed_dim / heads, c = o_.v_dim;
  if (v.dim() != 3 || l.dim() != 3 || l.size(0) != bsz || v.size(2) != o_.v_dim || l.size(2) != o_.l_dim)
    throw Error("BiMultiHeadAttention: expected v B x N x " + std::to_string(o_.v_dim) + " and l B x T x " +
                std::to_string(o_.l_dim));
  if (mask_l.defined() && (mask_l.dim() != 2 || mask_l.size(0) != bsz || mask_l.size(1) != t))
    throw Error("BiMultiHeadAttention: text mask must be B x T");
  const double scale = std::pow(static_cast<double>(d), -0.5);

  // The layer's precision is that of its text-side projections (convert_gemm_weights): with bf16 they and the
  // three N-row products below run in bf16; the folds of the visual-side weights stay fp32.
  const at::ScalarType compute = l_proj->weight.scalar_type();
  auto heads_of = [&](const at::Tensor& x) { return x.view({bsz, t, heads, d}).transpose(1, 2); };
  at::Tensor k = heads_of(ops::linear(l, l_proj->weight, l_proj->bias));                      // B x H x T x d
  at::Tensor val_l = heads_of(ops::linear(l, values_l_proj->weight, values_l_proj->bias));    // B x H x T x d
  at::Tensor wq = v_proj->weight.view({heads, d, c});                                 // H x d x C
  at::Tensor wo_t = out_v_proj->weight.view({c, heads, d}).permute({1, 2, 0});        // H x d x C
  at::Tensor wvv_t = values_v_proj->weight.view({heads, d, c}).transpose(1, 2);       // H x C x d
  at::Tensor bq = v_proj->bias.view({heads, d, 1});                                   // H x d x 1
  at::Tensor bvv = values_v_proj->bias.view({heads, 1, d});                           // H x 1 x d

  std::vector<at::Tensor> scores_all;  // per batch item N x HT
  for (int64_t b = 0; b < bsz; ++b) {
    at::Tensor kb = k[b];                                                     // H x T x d
    at::Tensor a_t = ops::matmul(kb, wq, at::kFloat).mul_(scale).reshape({heads * t, c});  // HT x C
    at::Tensor c0 = ops::matmul(kb, bq, at::kFloat).mul_(scale).reshape({1, heads * t});   // 1 x HT
    scores_all.push_back(linear_rows(v[b], a_t, c0.view({heads * t}), compute).contiguous());  // N x HT
  }
  if (o_.stable_softmax_2d) {  // the official max is over the whole batch
    at::Tensor mx = scores_all[0].max();
    for (int64_t b = 1; b < bsz; ++b) mx = at::max(mx, scores_all[b].max());
    for (auto& s : scores_all) s.sub_(mx);
  }

  std::vector<at::Tensor> dv, dl, m_v2l, m_l2v;
  for (int64_t b = 0; b < bsz; ++b) {
    at::Tensor attn = scores_all[b];  // N x HT
    at::Tensor mask_add;              // T: the official additive text mask, only where it masks a token
    if (mask_l.defined()) {
      at::Tensor m = mask_l[b].to(at::kFloat);  // T
      if (m.eq(0).any().item<bool>()) mask_add = m.masked_fill(m == 0, -9e15);
    }
    // P_v (visual token over the text, per head) and, in place, E = exp(a - colmax) with 1/colsum: the text
    // side's softmax over the visual tokens, normalised after the (small) product E^T v.
    constexpr float inf = std::numeric_limits<float>::infinity();
    ops::FusionSoftmax sm = ops::fusion_softmax_(attn, heads, mask_add, o_.clamp_min_for_underflow ? -50000.0f : -inf,
                                                 o_.clamp_max_for_overflow ? 50000.0f : inf, generic);
    at::Tensor p_v = sm.p_v;                            // N x HT
    at::Tensor e = attn;                                // N x HT
    at::Tensor inv_sum = sm.inv_colsum.unsqueeze(1);    // HT x 1

    at::Tensor bo_t = ops::matmul(val_l[b], wo_t, at::kFloat).reshape({heads * t, c}).t();  // C x HT
    dv.push_back(linear_rows(p_v, bo_t, out_v_proj->bias, compute));            // N x C
    if (maps) m_v2l.push_back(p_v.view({n, heads, t}).permute({1, 0, 2}).contiguous());  // H x N x T
    p_v.reset();  // N x HT: freed before the text side's product
    at::Tensor g = ops::matmul(e.t(), v[b], compute).mul_(inv_sum).view({heads, t, c});  // H x T x C  (= P_l^T v)
    at::Tensor ol = ops::matmul(g, wvv_t, at::kFloat).add_(bvv);              // H x T x d
    at::Tensor ol_rows = ol.transpose(0, 1).reshape({t, heads * d});                     // T x H*d
    dl.push_back(ops::linear(ol_rows, out_l_proj->weight, out_l_proj->bias));            // T x D
    if (maps) {
      m_l2v.push_back((e * inv_sum.t()).view({n, heads, t}).permute({1, 2, 0}).contiguous());  // H x T x N
    }
  }
  if (maps) {
    maps->v2l = at::stack(m_v2l);  // B x H x N x T
    maps->l2v = at::stack(m_l2v);  // B x H x T x N
  }
  if (bsz == 1) return {dv[0].unsqueeze(0), dl[0].unsqueeze(0)};  // 1 x N x C, 1 x T x D (no copies)
  return {at::stack(dv), at::stack(dl)};                           // B x N x C, B x T x D
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
  return {v, d.delta_v, l + gamma_l * d.delta_l};  // B x N x C, B x N x C, B x T x D
}

VLFuseImpl::VLFuseImpl(const VLFuseOptions& o) { b_attn = register_module("b_attn", BiAttentionBlock(o)); }

VLFuseOutput VLFuseImpl::forward(const std::vector<at::Tensor>& visual, const at::Tensor& lang_hidden,
                                 const at::Tensor& mask, TensorProbe* probe, const std::string& prefix) {
  if (visual.empty()) throw Error("VLFuse: no visual feature levels");
  const bool generic = b_attn->attn->generic;
  at::Tensor v = ops::levels_to_tokens(visual, generic);  // B x N x C

  const bool want_maps = probe && (probe->wants(prefix + "vlfuse.attn_v2l") ||
                                   probe->wants(prefix + "vlfuse.attn_l2v"));
  BiAttentionMaps maps;
  BiAttentionBlockOutput r = b_attn->forward(v, lang_hidden, mask, want_maps ? &maps : nullptr);
  v.reset();  // B x N x C: freed before the levels are written
  if (want_maps) {
    probe_put(probe, prefix + "vlfuse.attn_v2l", maps.v2l);
    probe_put(probe, prefix + "vlfuse.attn_l2v", maps.l2v);
  }

  VLFuseOutput out;
  out.visual = ops::tokens_to_levels(r.v_norm, b_attn->gamma_v, r.delta_v, visual, generic);  // per level B x C x h x w
  for (size_t i = 0; i < out.visual.size(); ++i)
    probe_put(probe, prefix + "vlfuse.visual." + level_name(i), out.visual[i]);
  out.lang_hidden = r.l;  // B x T x D
  probe_put(probe, prefix + "vlfuse.lang_hidden", out.lang_hidden);
  return out;
}

}  // namespace glip::head
