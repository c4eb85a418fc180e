// GLIP's `language_dict_features`, as built by BertEncoder (language_backbone/bert_model.py).
#pragma once
#include <ATen/Tensor.h>

namespace glip {

struct LanguageDict {
  at::Tensor hidden;     // B x T x D  last BERT layer, not masked
  at::Tensor masks;      // B x T      attention mask (int64 0/1)
  at::Tensor embedded;   // B x T x D  mean of the last N_LAYERS layers, times the mask
  at::Tensor aggregate;  // B x D      masked mean of `embedded` over tokens
};

}  // namespace glip
