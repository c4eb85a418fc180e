#include "core/language/bert_encoder.h"

#include <ATen/ATen.h>

#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/probe/probe.h"

namespace glip {

BertEncoderImpl::BertEncoderImpl(const LanguageBackboneOptions& options) : options_(options) {
  if (options_.n_layers < 1 || options_.n_layers > options_.bert.num_hidden_layers)
    throw Error("MODEL.LANGUAGE_BACKBONE.N_LAYERS = " + std::to_string(options_.n_layers) + " must be within 1.." +
                std::to_string(options_.bert.num_hidden_layers) + " (the BERT layer count)");
  model = register_module("model", BertModel(options_.bert));
}

LanguageDict BertEncoderImpl::forward(const at::Tensor& input_ids, const at::Tensor& attention_mask,
                                      TensorProbe* probe) {
  BertModelOutput bert = model->forward(input_ids, attention_mask);
  const auto& hs = bert.hidden_states;  // L+1 tensors, B x T x D
  if (probe)
    for (size_t i = 0; i < hs.size(); ++i) probe_put(probe, "bert.hidden_states." + std::to_string(i), hs[i]);

  const int64_t n = options_.n_layers;
  std::vector<at::Tensor> last(hs.end() - n, hs.end());
  at::Tensor features = at::stack(last, 1).mean(1);                              // B x T x D
  features = features / static_cast<double>(n);                                 // B x T x D (GLIP divides twice)
  at::Tensor maskf = attention_mask.unsqueeze(-1).to(at::kFloat);               // B x T x 1

  LanguageDict d;
  d.embedded = features * maskf;                                                 // B x T x D
  d.aggregate = d.embedded.sum(1) / attention_mask.sum(-1).unsqueeze(-1).to(at::kFloat);  // B x D
  d.masks = attention_mask;                                                      // B x T
  d.hidden = hs.back();                                                          // B x T x D
  probe_put(probe, "lang.embedded", d.embedded);
  probe_put(probe, "lang.hidden", d.hidden);
  probe_put(probe, "lang.masks", d.masks);
  probe_put(probe, "lang.aggregate", d.aggregate);
  return d;
}

}  // namespace glip
