#include "core/language/bert.h"

#include <ATen/ATen.h>

#include <cmath>
#include <limits>
#include <string>

#include "core/common/error.h"
#include "core/common/shape.h"
#include "core/ops/precision/precision.h"

namespace glip {

namespace {

// GLIP's head clamps (rpn/modeling_bert.py): activations and attention scores stay within +-50000.
constexpr double kClamp = 50000;
at::Tensor clamp50k(const at::Tensor& x) { return x.clamp(-kClamp, kClamp); }

template <typename Options>
torch::nn::LayerNorm make_layer_norm(const Options& c) {
  return torch::nn::LayerNorm(torch::nn::LayerNormOptions({c.hidden_size}).eps(c.layer_norm_eps));
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------------
BertEmbeddingsImpl::BertEmbeddingsImpl(const BertConfig& c) {
  word_embeddings = register_module("word_embeddings", torch::nn::Embedding(c.vocab_size, c.hidden_size));
  position_embeddings =
      register_module("position_embeddings", torch::nn::Embedding(c.max_position_embeddings, c.hidden_size));
  token_type_embeddings =
      register_module("token_type_embeddings", torch::nn::Embedding(c.type_vocab_size, c.hidden_size));
  LayerNorm = register_module("LayerNorm", make_layer_norm(c));
  position_ids = register_buffer("position_ids", at::arange(c.max_position_embeddings, at::kLong).unsqueeze(0));
}

at::Tensor BertEmbeddingsImpl::forward(const at::Tensor& input_ids, const at::Tensor& token_type_ids) {
  const int64_t T = input_ids.size(1);
  at::Tensor pos = position_ids.narrow(1, 0, T);                                 // 1 x T
  at::Tensor types = token_type_ids.defined() ? token_type_ids : at::zeros_like(input_ids);
  at::Tensor x = at::embedding(word_embeddings->weight, input_ids);              // B x T x D
  x = x + at::embedding(token_type_embeddings->weight, types);                   // B x T x D
  x = x + at::embedding(position_embeddings->weight, pos);                       // B x T x D (broadcast over B)
  return LayerNorm(x);                                                           // B x T x D
}

// ---------------------------------------------------------------------------------------------------------------
BertSelfAttentionImpl::BertSelfAttentionImpl(const BertLayerOptions& o)
    : clamp_min_(o.clamp_min_for_underflow), clamp_max_(o.clamp_max_for_overflow) {
  if (o.hidden_size <= 0 || o.num_attention_heads <= 0 || o.hidden_size % o.num_attention_heads != 0)
    throw Error("BERT layer: hidden size " + std::to_string(o.hidden_size) +
                " is not a positive multiple of the number of attention heads " +
                std::to_string(o.num_attention_heads));
  num_heads = o.num_attention_heads;
  head_dim = o.hidden_size / o.num_attention_heads;
  query = register_module("query", torch::nn::Linear(o.hidden_size, o.hidden_size));
  key = register_module("key", torch::nn::Linear(o.hidden_size, o.hidden_size));
  value = register_module("value", torch::nn::Linear(o.hidden_size, o.hidden_size));
}

at::Tensor BertSelfAttentionImpl::forward(const at::Tensor& hidden, const at::Tensor& additive_mask) {
  const int64_t B = hidden.size(0), T = hidden.size(1), D = hidden.size(2);
  auto heads = [&](const at::Tensor& t) { return t.view({B, T, num_heads, head_dim}).permute({0, 2, 1, 3}); };
  at::Tensor q = heads(ops::linear(hidden, query->weight, query->bias));          // B x H x T x d
  at::Tensor k = heads(ops::linear(hidden, key->weight, key->bias));              // B x H x T x d
  at::Tensor v = heads(ops::linear(hidden, value->weight, value->bias));          // B x H x T x d
  at::Tensor scores = ops::matmul(q, k.transpose(-1, -2), at::kFloat);          // B x H x T x T
  scores = scores / std::sqrt(static_cast<double>(head_dim));                    // B x H x T x T
  if (clamp_min_) scores.clamp_min_(-kClamp);
  if (clamp_max_) scores.clamp_max_(kClamp);
  scores = scores + additive_mask;                                               // B x H x T x T
  at::Tensor probs = at::softmax(scores, -1);                                    // B x H x T x T
  at::Tensor ctx = ops::matmul(probs, v, at::kFloat);                           // B x H x T x d
  return ctx.permute({0, 2, 1, 3}).contiguous().view({B, T, D});                 // B x T x D
}

// ---------------------------------------------------------------------------------------------------------------
BertResidualOutputImpl::BertResidualOutputImpl(int64_t in_features, const BertLayerOptions& o, bool clamp)
    : clamp_(clamp) {
  dense = register_module("dense", torch::nn::Linear(in_features, o.hidden_size));
  LayerNorm = register_module("LayerNorm", make_layer_norm(o));
}

at::Tensor BertResidualOutputImpl::forward(const at::Tensor& x, const at::Tensor& residual) {
  at::Tensor h = ops::linear(x, dense->weight, dense->bias);                      // B x T x D
  if (clamp_) h = clamp50k(h);
  h = LayerNorm(h + residual);                                                   // B x T x D
  return clamp_ ? clamp50k(h) : h;
}

BertAttentionImpl::BertAttentionImpl(const BertLayerOptions& o) {
  self = register_module("self", BertSelfAttention(o));
  output = register_module("output", BertResidualOutput(o.hidden_size, o, false));  // BertSelfOutput: no clamp
}

at::Tensor BertAttentionImpl::forward(const at::Tensor& hidden, const at::Tensor& additive_mask) {
  return output(self(hidden, additive_mask), hidden);                            // B x T x D
}

BertIntermediateImpl::BertIntermediateImpl(const BertLayerOptions& o) : clamp_(o.clamp_activations) {
  dense = register_module("dense", torch::nn::Linear(o.hidden_size, o.intermediate_size));
}

at::Tensor BertIntermediateImpl::forward(const at::Tensor& x) {
  at::Tensor h = ops::linear(x, dense->weight, dense->bias);                      // B x T x I
  if (!clamp_) return at::gelu(h);                                               // erf GELU
  return clamp50k(at::gelu(clamp50k(h)));
}

BertLayerImpl::BertLayerImpl(const BertLayerOptions& o) {
  attention = register_module("attention", BertAttention(o));
  intermediate = register_module("intermediate", BertIntermediate(o));
  output = register_module("output", BertResidualOutput(o.intermediate_size, o, o.clamp_activations));
}

at::Tensor BertLayerImpl::forward(const at::Tensor& hidden, const at::Tensor& additive_mask) {
  if (!hidden.defined() || hidden.dim() != 3)
    throw Error("BERT layer: hidden states must be B x T x D, got " +
                (hidden.defined() ? shape_str(hidden.sizes()) : std::string("nothing")));
  if (!additive_mask.defined() || additive_mask.dim() != 4 || additive_mask.size(0) != hidden.size(0) ||
      additive_mask.size(3) != hidden.size(1))
    throw Error("BERT layer: the attention mask must be B x 1 x 1 x T for hidden states " +
                shape_str(hidden.sizes()));
  at::Tensor a = attention(hidden, additive_mask);                               // B x T x D
  return output(intermediate(a), a);                                             // B x T x D
}

// ---------------------------------------------------------------------------------------------------------------
at::Tensor bert_extended_attention_mask(const at::Tensor& attention_mask) {
  at::Tensor m = attention_mask.unsqueeze(1).unsqueeze(2).to(at::kFloat);       // B x 1 x 1 x T
  return (1.0 - m) * static_cast<double>(std::numeric_limits<float>::lowest());  // B x 1 x 1 x T
}

BertModelImpl::BertModelImpl(const BertConfig& c) : config_(c) {
  if (c.hidden_size <= 0 || c.num_attention_heads <= 0 || c.hidden_size % c.num_attention_heads != 0)
    throw Error("BERT: hidden_size " + std::to_string(c.hidden_size) + " is not a positive multiple of " +
                std::to_string(c.num_attention_heads) + " attention heads");
  embeddings = register_module("embeddings", BertEmbeddings(c));
  encoder = register_module("encoder", std::make_shared<torch::nn::Module>("BertEncoder"));
  layer = encoder->register_module("layer", torch::nn::ModuleList());
  for (int64_t i = 0; i < c.num_hidden_layers; ++i) layer->push_back(BertLayer(bert_layer_options(c)));
}

BertModelOutput BertModelImpl::forward(const at::Tensor& input_ids, const at::Tensor& attention_mask,
                                       const at::Tensor& token_type_ids) {
  if (!input_ids.defined() || input_ids.dim() != 2 || input_ids.scalar_type() != at::kLong)
    throw Error("BERT: input_ids must be a B x T int64 tensor, got " +
                (input_ids.defined() ? shape_str(input_ids.sizes()) : std::string("nothing")));
  if (!attention_mask.defined() || !attention_mask.sizes().equals(input_ids.sizes()))
    throw Error("BERT: attention_mask must have the shape of input_ids (" + shape_str(input_ids.sizes()) + ")");
  if (token_type_ids.defined() && !token_type_ids.sizes().equals(input_ids.sizes()))
    throw Error("BERT: token_type_ids must have the shape of input_ids (" + shape_str(input_ids.sizes()) + ")");
  const int64_t T = input_ids.size(1);
  if (T < 1 || T > config_.max_position_embeddings)
    throw Error("BERT: sequence length " + std::to_string(T) + " is outside 1.." +
                std::to_string(config_.max_position_embeddings));
  if (input_ids.numel() > 0) {
    const int64_t lo = input_ids.min().item<int64_t>(), hi = input_ids.max().item<int64_t>();
    if (lo < 0 || hi >= config_.vocab_size)
      throw Error("BERT: token id " + std::to_string(lo < 0 ? lo : hi) + " is outside the vocabulary of " +
                  std::to_string(config_.vocab_size));
  }
  if (token_type_ids.defined() && token_type_ids.numel() > 0) {
    const int64_t lo = token_type_ids.min().item<int64_t>(), hi = token_type_ids.max().item<int64_t>();
    if (lo < 0 || hi >= config_.type_vocab_size)
      throw Error("BERT: token type id outside 0.." + std::to_string(config_.type_vocab_size - 1));
  }

  BertModelOutput out;
  at::Tensor mask = bert_extended_attention_mask(attention_mask);               // B x 1 x 1 x T
  at::Tensor h = embeddings(input_ids, token_type_ids);                         // B x T x D
  out.hidden_states.push_back(h);
  for (const auto& m : *layer) {
    h = m->as<BertLayer>()->forward(h, mask);                                   // B x T x D
    out.hidden_states.push_back(h);
  }
  return out;
}

}  // namespace glip
