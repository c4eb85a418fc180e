#include "core/language/bert.h"

#include <ATen/ATen.h>

#include <cmath>
#include <limits>
#include <string>

#include "core/common/error.h"

namespace glip {

namespace {

torch::nn::LayerNorm make_layer_norm(const BertConfig& c) {
  return torch::nn::LayerNorm(torch::nn::LayerNormOptions({c.hidden_size}).eps(c.layer_norm_eps));
}

std::string shape_str(at::IntArrayRef s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) out += (i ? "x" : "") + std::to_string(s[i]);
  return out;
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
BertSelfAttentionImpl::BertSelfAttentionImpl(const BertConfig& c)
    : num_heads(c.num_attention_heads), head_dim(c.hidden_size / c.num_attention_heads) {
  query = register_module("query", torch::nn::Linear(c.hidden_size, c.hidden_size));
  key = register_module("key", torch::nn::Linear(c.hidden_size, c.hidden_size));
  value = register_module("value", torch::nn::Linear(c.hidden_size, c.hidden_size));
}

at::Tensor BertSelfAttentionImpl::forward(const at::Tensor& hidden, const at::Tensor& additive_mask) {
  const int64_t B = hidden.size(0), T = hidden.size(1), D = hidden.size(2);
  auto heads = [&](const at::Tensor& t) { return t.view({B, T, num_heads, head_dim}).permute({0, 2, 1, 3}); };
  at::Tensor q = heads(at::linear(hidden, query->weight, query->bias));          // B x H x T x d
  at::Tensor k = heads(at::linear(hidden, key->weight, key->bias));              // B x H x T x d
  at::Tensor v = heads(at::linear(hidden, value->weight, value->bias));          // B x H x T x d
  at::Tensor scores = at::matmul(q, k.transpose(-1, -2));                        // B x H x T x T
  scores = scores / std::sqrt(static_cast<double>(head_dim));                    // B x H x T x T
  scores = scores + additive_mask;                                               // B x H x T x T
  at::Tensor probs = at::softmax(scores, -1);                                    // B x H x T x T
  at::Tensor ctx = at::matmul(probs, v);                                         // B x H x T x d
  return ctx.permute({0, 2, 1, 3}).contiguous().view({B, T, D});                 // B x T x D
}

// ---------------------------------------------------------------------------------------------------------------
BertResidualOutputImpl::BertResidualOutputImpl(int64_t in_features, const BertConfig& c) {
  dense = register_module("dense", torch::nn::Linear(in_features, c.hidden_size));
  LayerNorm = register_module("LayerNorm", make_layer_norm(c));
}

at::Tensor BertResidualOutputImpl::forward(const at::Tensor& x, const at::Tensor& residual) {
  at::Tensor h = at::linear(x, dense->weight, dense->bias);                      // B x T x D
  return LayerNorm(h + residual);                                                // B x T x D
}

BertAttentionImpl::BertAttentionImpl(const BertConfig& c) {
  self = register_module("self", BertSelfAttention(c));
  output = register_module("output", BertResidualOutput(c.hidden_size, c));
}

at::Tensor BertAttentionImpl::forward(const at::Tensor& hidden, const at::Tensor& additive_mask) {
  return output(self(hidden, additive_mask), hidden);                            // B x T x D
}

BertIntermediateImpl::BertIntermediateImpl(const BertConfig& c) {
  dense = register_module("dense", torch::nn::Linear(c.hidden_size, c.intermediate_size));
}

at::Tensor BertIntermediateImpl::forward(const at::Tensor& x) {
  return at::gelu(at::linear(x, dense->weight, dense->bias));                    // B x T x I (erf GELU)
}

BertLayerImpl::BertLayerImpl(const BertConfig& c) {
  attention = register_module("attention", BertAttention(c));
  intermediate = register_module("intermediate", BertIntermediate(c));
  output = register_module("output", BertResidualOutput(c.intermediate_size, c));
}

at::Tensor BertLayerImpl::forward(const at::Tensor& hidden, const at::Tensor& additive_mask) {
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
  for (int64_t i = 0; i < c.num_hidden_layers; ++i) layer->push_back(BertLayer(c));
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
