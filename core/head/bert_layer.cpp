#include "core/head/bert_layer.h"

#include <cmath>
#include <limits>

#include "core/common/error.h"

namespace glip::head {

namespace {
at::Tensor clamp50k(const at::Tensor& x) { return x.clamp(-50000, 50000); }
}  // namespace

BertSelfAttentionImpl::BertSelfAttentionImpl(const BertLayerOptions& o) : o_(o) {
  if (o.num_attention_heads <= 0 || o.hidden_size % o.num_attention_heads != 0)
    throw Error("BertEncoderLayer: hidden size " + std::to_string(o.hidden_size) +
                " is not a multiple of the number of attention heads " + std::to_string(o.num_attention_heads));
  query = register_module("query", torch::nn::Linear(o.hidden_size, o.hidden_size));
  key = register_module("key", torch::nn::Linear(o.hidden_size, o.hidden_size));
  value = register_module("value", torch::nn::Linear(o.hidden_size, o.hidden_size));
}

at::Tensor BertSelfAttentionImpl::forward(const at::Tensor& hidden, const at::Tensor& additive_mask) {
  const int64_t b = hidden.size(0), t = hidden.size(1), heads = o_.num_attention_heads;
  const int64_t hd = o_.hidden_size / heads;
  auto split = [&](const at::Tensor& x) { return x.view({b, t, heads, hd}).permute({0, 2, 1, 3}); };
  at::Tensor q = split(query->forward(hidden));  // B x H x T x d
  at::Tensor k = split(key->forward(hidden));    // B x H x T x d
  at::Tensor v = split(value->forward(hidden));  // B x H x T x d
  at::Tensor scores = at::matmul(q, k.transpose(-1, -2)) / std::sqrt(static_cast<double>(hd));  // B x H x T x T
  if (o_.clamp_min_for_underflow) scores.clamp_min_(-50000);
  if (o_.clamp_max_for_overflow) scores.clamp_max_(50000);
  scores = scores + additive_mask;                // B x H x T x T
  at::Tensor probs = scores.softmax(-1);          // B x H x T x T
  at::Tensor ctx = at::matmul(probs, v);          // B x H x T x d
  return ctx.permute({0, 2, 1, 3}).reshape({b, t, o_.hidden_size});  // B x T x D
}

BertDenseNormImpl::BertDenseNormImpl(int64_t in, int64_t out, double eps, bool clamp) : clamp_(clamp) {
  dense = register_module("dense", torch::nn::Linear(in, out));
  LayerNorm = register_module("LayerNorm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({out}).eps(eps)));
}

at::Tensor BertDenseNormImpl::forward(const at::Tensor& x, const at::Tensor& residual) {
  at::Tensor h = dense->forward(x);  // B x T x out
  if (clamp_) h = clamp50k(h);
  h = LayerNorm->forward(h + residual);  // B x T x out
  if (clamp_) h = clamp50k(h);
  return h;
}

BertAttentionImpl::BertAttentionImpl(const BertLayerOptions& o) {
  self = register_module("self", BertSelfAttention(o));
  output = register_module("output", BertDenseNorm(o.hidden_size, o.hidden_size, o.layer_norm_eps, false));
}

at::Tensor BertAttentionImpl::forward(const at::Tensor& hidden, const at::Tensor& additive_mask) {
  return output->forward(self->forward(hidden, additive_mask), hidden);  // B x T x D
}

BertIntermediateImpl::BertIntermediateImpl(const BertLayerOptions& o) {
  dense = register_module("dense", torch::nn::Linear(o.hidden_size, o.intermediate_size));
}

at::Tensor BertIntermediateImpl::forward(const at::Tensor& x) {
  at::Tensor h = clamp50k(dense->forward(x));  // B x T x I
  return clamp50k(at::gelu(h));                // B x T x I (exact erf GELU, BERT "gelu")
}

BertEncoderLayerImpl::BertEncoderLayerImpl(const BertLayerOptions& o) {
  attention = register_module("attention", BertAttention(o));
  intermediate = register_module("intermediate", BertIntermediate(o));
  output = register_module("output", BertDenseNorm(o.intermediate_size, o.hidden_size, o.layer_norm_eps, true));
}

at::Tensor BertEncoderLayerImpl::forward(const at::Tensor& hidden, const at::Tensor& mask) {
  if (hidden.dim() != 3) throw Error("BertEncoderLayer: hidden states must be B x T x D");
  if (mask.dim() != 2 || mask.size(0) != hidden.size(0) || mask.size(1) != hidden.size(1))
    throw Error("BertEncoderLayer: attention mask must be B x T");
  // transformers 4.25 get_extended_attention_mask: (1 - mask) * finfo(float32).min, broadcast over heads and rows.
  at::Tensor ext = (1.0 - mask.to(hidden.scalar_type())) * std::numeric_limits<float>::lowest();
  ext = ext.view({mask.size(0), 1, 1, mask.size(1)});                 // B x 1 x 1 x T
  at::Tensor att = attention->forward(hidden, ext);                  // B x T x D
  return output->forward(intermediate->forward(att), att);           // B x T x D
}

}  // namespace glip::head
