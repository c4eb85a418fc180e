// HuggingFace BertModel (transformers 4.25.1, add_pooling_layer=False) for inference, as libtorch modules.
//
// Module and parameter names equal HF's, so the state dict of BertModel (GLIP: `language_backbone.body.model.*`)
// loads by name: embeddings.{word,position,token_type}_embeddings.weight, embeddings.LayerNorm.*,
// embeddings.position_ids (int64 1 x max_positions buffer), encoder.layer.<i>.attention.self.{query,key,value}.*,
// encoder.layer.<i>.attention.output.{dense,LayerNorm}.*, encoder.layer.<i>.intermediate.dense.*,
// encoder.layer.<i>.output.{dense,LayerNorm}.*.
//
// Semantics: embeddings = LayerNorm(word + token_type + position); post-LN layers; exact (erf) GELU; the additive
// attention mask is (1 - m) * finfo(float32).min. Dropout is the identity (inference). BertLayer also serves as the
// BertEncoderLayer of GLIP's head (core/head/vldyhead.h), whose copy of the layer adds ±50000 clamps
// (BertLayerOptions).
#pragma once
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

#include <memory>
#include <vector>

#include "core/language/options.h"

namespace glip {

class BertEmbeddingsImpl : public torch::nn::Module {
 public:
  explicit BertEmbeddingsImpl(const BertConfig& c);
  // input_ids, token_type_ids: B x T int64 (token_type_ids may be undefined = zeros)  ->  B x T x D
  at::Tensor forward(const at::Tensor& input_ids, const at::Tensor& token_type_ids = {});

  torch::nn::Embedding word_embeddings{nullptr}, position_embeddings{nullptr}, token_type_embeddings{nullptr};
  torch::nn::LayerNorm LayerNorm{nullptr};
  at::Tensor position_ids;  // 1 x max_position_embeddings, int64
};
TORCH_MODULE(BertEmbeddings);

class BertSelfAttentionImpl : public torch::nn::Module {
 public:
  explicit BertSelfAttentionImpl(const BertLayerOptions& o);
  // hidden: B x T x D, additive_mask: B x 1 x 1 x T  ->  B x T x D (context, before the output projection)
  at::Tensor forward(const at::Tensor& hidden, const at::Tensor& additive_mask);

  torch::nn::Linear query{nullptr}, key{nullptr}, value{nullptr};
  int64_t num_heads = 0, head_dim = 0;

 private:
  bool clamp_min_ = false, clamp_max_ = false;
};
TORCH_MODULE(BertSelfAttention);

// dense -> (+ residual) -> LayerNorm; used as BertSelfOutput (D -> D) and BertOutput (I -> D). With `clamp`, the
// dense output and the LayerNorm output are clamped to [-50000, 50000] (GLIP's BertOutput).
class BertResidualOutputImpl : public torch::nn::Module {
 public:
  BertResidualOutputImpl(int64_t in_features, const BertLayerOptions& o, bool clamp);
  at::Tensor forward(const at::Tensor& x, const at::Tensor& residual);

  torch::nn::Linear dense{nullptr};
  torch::nn::LayerNorm LayerNorm{nullptr};

 private:
  bool clamp_ = false;
};
TORCH_MODULE(BertResidualOutput);

class BertAttentionImpl : public torch::nn::Module {
 public:
  explicit BertAttentionImpl(const BertLayerOptions& o);
  at::Tensor forward(const at::Tensor& hidden, const at::Tensor& additive_mask);

  BertSelfAttention self{nullptr};
  BertResidualOutput output{nullptr};
};
TORCH_MODULE(BertAttention);

class BertIntermediateImpl : public torch::nn::Module {
 public:
  explicit BertIntermediateImpl(const BertLayerOptions& o);
  at::Tensor forward(const at::Tensor& x);  // B x T x D -> B x T x I, exact GELU (clamped before and after)

  torch::nn::Linear dense{nullptr};

 private:
  bool clamp_ = false;
};
TORCH_MODULE(BertIntermediate);

// One post-LN BERT layer: HF's BertLayer, or with the clamps of BertLayerOptions GLIP's head copy of it.
class BertLayerImpl : public torch::nn::Module {
 public:
  explicit BertLayerImpl(const BertLayerOptions& o);
  // hidden: B x T x D, additive_mask: B x 1 x 1 x T (bert_extended_attention_mask)  ->  B x T x D.
  // Throws glip::Error for other shapes.
  at::Tensor forward(const at::Tensor& hidden, const at::Tensor& additive_mask);

  BertAttention attention{nullptr};
  BertIntermediate intermediate{nullptr};
  BertResidualOutput output{nullptr};
};
TORCH_MODULE(BertLayer);

struct BertModelOutput {
  // num_hidden_layers + 1 tensors, each B x T x D: [0] = embeddings output, [i] = output of layer i-1
  // (HF `output_hidden_states=True`). The last one is HF's last_hidden_state.
  std::vector<at::Tensor> hidden_states;
};

class BertModelImpl : public torch::nn::Module {
 public:
  explicit BertModelImpl(const BertConfig& c);
  // input_ids, attention_mask: B x T int64 (mask 0/1), token_type_ids optional (zeros).
  // Throws glip::Error for wrong dtypes/shapes, T > max_position_embeddings or ids outside the vocabulary.
  BertModelOutput forward(const at::Tensor& input_ids, const at::Tensor& attention_mask,
                          const at::Tensor& token_type_ids = {});

  const BertConfig& config() const { return config_; }

  BertEmbeddings embeddings{nullptr};
  std::shared_ptr<torch::nn::Module> encoder;  // HF BertEncoder: only holds the ModuleList "layer"
  torch::nn::ModuleList layer{nullptr};        // encoder.layer

 private:
  BertConfig config_;
};
TORCH_MODULE(BertModel);

// HF get_extended_attention_mask for float32: B x T (0/1) -> B x 1 x 1 x T with (1 - m) * finfo(float32).min.
at::Tensor bert_extended_attention_mask(const at::Tensor& attention_mask);

}  // namespace glip
