// GLIP's language backbone body: BertEncoder (maskrcnn_benchmark/modeling/language_backbone/bert_model.py).
//
// Holds a BertModel as "model", so when registered as `language_backbone.body` the names equal the checkpoint's
// `language_backbone.body.model.*`.
//
//   glip::BertEncoder enc(glip::language_backbone_options(cfg));
//   glip::io::load_state_dict(*enc, checkpoint, "language_backbone.body.");
//   c10::InferenceMode guard;
//   glip::LanguageDict d = enc->forward(input_ids, attention_mask, probe);   // B x T int64 each
//
// Any T works: padded tokens never influence real ones (masked attention), so running the T real tokens gives the
// first T positions of GLIP's 256-token run.
#pragma once
#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include "core/language/bert.h"
#include "core/language/language_dict.h"
#include "core/language/options.h"

namespace glip {

class TensorProbe;

class BertEncoderImpl : public torch::nn::Module {
 public:
  explicit BertEncoderImpl(const LanguageBackboneOptions& options);

  // input_ids, attention_mask: B x T int64. Returns GLIP's language_dict_features:
  //   hidden    = last hidden state (not masked)
  //   embedded  = mean of the last N_LAYERS hidden states, divided again by N_LAYERS (as GLIP does), x mask
  //   aggregate = sum_t embedded / sum_t mask
  //   masks     = attention_mask
  // Probes: bert.hidden_states.0..L, lang.embedded, lang.hidden, lang.masks, lang.aggregate.
  LanguageDict forward(const at::Tensor& input_ids, const at::Tensor& attention_mask, TensorProbe* probe = nullptr);

  const LanguageBackboneOptions& options() const { return options_; }
  int64_t language_dim() const { return options_.bert.hidden_size; }

  BertModel model{nullptr};

 private:
  LanguageBackboneOptions options_;
};
TORCH_MODULE(BertEncoder);

}  // namespace glip
