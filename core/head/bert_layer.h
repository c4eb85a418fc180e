// The BertEncoderLayer inside GLIP's head (modeling/rpn/vldyhead.py BertEncoderLayer + GLIP's own copy of the BERT
// layer in modeling/rpn/modeling_bert.py, with its ±50000 clamps). Names equal the official ones:
// attention.self.{query,key,value}, attention.output.{dense,LayerNorm}, intermediate.dense, output.{dense,LayerNorm}.
#pragma once
#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

#include "core/head/head_options.h"

namespace glip::head {

class BertSelfAttentionImpl : public torch::nn::Module {
 public:
  explicit BertSelfAttentionImpl(const BertLayerOptions& o);
  // hidden B x T x D, additive mask B x 1 x 1 x T -> B x T x D
  at::Tensor forward(const at::Tensor& hidden, const at::Tensor& additive_mask);
  torch::nn::Linear query{nullptr}, key{nullptr}, value{nullptr};

 private:
  BertLayerOptions o_;
};
TORCH_MODULE(BertSelfAttention);

// Linear + LayerNorm(x + residual); `clamp` adds GLIP's clamps (BertOutput) — BertSelfOutput has none.
class BertDenseNormImpl : public torch::nn::Module {
 public:
  BertDenseNormImpl(int64_t in, int64_t out, double eps, bool clamp);
  at::Tensor forward(const at::Tensor& x, const at::Tensor& residual);
  torch::nn::Linear dense{nullptr};
  torch::nn::LayerNorm LayerNorm{nullptr};

 private:
  bool clamp_;
};
TORCH_MODULE(BertDenseNorm);

class BertAttentionImpl : public torch::nn::Module {
 public:
  explicit BertAttentionImpl(const BertLayerOptions& o);
  at::Tensor forward(const at::Tensor& hidden, const at::Tensor& additive_mask);
  BertSelfAttention self{nullptr};
  BertDenseNorm output{nullptr};
};
TORCH_MODULE(BertAttention);

class BertIntermediateImpl : public torch::nn::Module {
 public:
  explicit BertIntermediateImpl(const BertLayerOptions& o);
  at::Tensor forward(const at::Tensor& x);
  torch::nn::Linear dense{nullptr};
};
TORCH_MODULE(BertIntermediate);

class BertEncoderLayerImpl : public torch::nn::Module {
 public:
  explicit BertEncoderLayerImpl(const BertLayerOptions& o);
  // hidden B x T x D, mask B x T (0 = padding; int or float) -> new hidden B x T x D
  at::Tensor forward(const at::Tensor& hidden, const at::Tensor& mask);
  BertAttention attention{nullptr};
  BertIntermediate intermediate{nullptr};
  BertDenseNorm output{nullptr};
};
TORCH_MODULE(BertEncoderLayer);

}  // namespace glip::head
