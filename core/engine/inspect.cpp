// Looking inside a probed detect(): GLIP's scoring and box decoding on probe tensors (core/engine/engine.h), by
// core/post's own functions, so that the inspector's numbers are the post-processor's numbers.
#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>

#include "core/engine/engine_impl.h"
#include "core/post/boxes.h"

namespace glip {

namespace {

// A read-only tensor over a probe's storage (no copy; never written).
at::Tensor tensor_of(const TensorView& v) {
  return at::from_blob(const_cast<float*>(v.data), v.shape, at::TensorOptions().dtype(at::kFloat));
}

std::vector<float> values_of(const at::Tensor& t) {
  const at::Tensor c = t.contiguous();
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

const TensorView& probe_of(const std::map<std::string, TensorView>& probes, const std::string& name) {
  auto it = probes.find(name);
  if (it == probes.end() || it->second.empty())
    throw Error("no '" + name + "' tensor: run detect() with DetectParams::probe set");
  return it->second;
}

post::ScoreAgg score_agg(ScoreAggregation a) {
  return a == ScoreAggregation::Max ? post::ScoreAgg::kMax
         : a == ScoreAggregation::OneHot ? post::ScoreAgg::kOneHot
                                         : post::ScoreAgg::kMean;
}

// The chunk's positive map, every token index checked against the T scored tokens.
post::PositiveMap positive_map(const PromptChunk& chunk, int64_t tokens) {
  post::PositiveMap pm;
  for (const auto& [label, toks] : chunk.label_tokens) {
    for (int64_t k : toks)
      if (k < 0 || k >= tokens)
        throw Error("token " + std::to_string(k) + " of label " + std::to_string(label) + " is outside the " +
                    std::to_string(tokens) + " scored tokens");
    pm[label] = toks;
  }
  return pm;
}

// Aggregated label scores (1 x P x width) of token probabilities 1 x P x T, with atss_postprocess's width.
at::Tensor aggregate(const at::Tensor& prob, const post::PositiveMap& pm, ScoreAggregation agg) {
  int64_t largest = 0;
  for (const auto& [label, toks] : pm) largest = std::max(largest, label);
  const int64_t width =
      std::max<int64_t>(1, agg == ScoreAggregation::OneHot ? static_cast<int64_t>(pm.size()) : largest);
  return post::label_scores(prob, pm, width, score_agg(agg));
}

// The labels a location is scored for: those with tokens (every label of the map for ONEHOT).
bool scored(const std::vector<int64_t>& tokens, ScoreAggregation agg) {
  return agg == ScoreAggregation::OneHot || !tokens.empty();
}

const std::string& level_name_of(const ModelInfo& info, int level) {
  if (level < 0 || level >= static_cast<int>(info.level_names.size()))
    throw Error("FPN level P" + std::to_string(level + 3) + " does not exist");
  return info.level_names[static_cast<size_t>(level)];
}

}  // namespace

LocationOutputs score_location(const std::map<std::string, TensorView>& probes, const PromptChunk& chunk,
                              const ModelInfo& info, const DetectResult& result, int level, int64_t anchor) {
  const std::string& ln = level_name_of(info, level);
  const TensorView& anchors = probe_of(probes, "anchors." + ln);
  if (anchors.shape.size() != 2 || anchors.shape[1] != 4) throw Error("anchors." + ln + " is not N x 4");
  const int64_t n = anchors.shape[0];
  if (anchor < 0 || anchor >= n)
    throw Error("no location " + std::to_string(anchor) + " on FPN level P" + std::to_string(level + 3));
  const TensorView& reg = probe_of(probes, "head.box_regression." + ln);
  if (reg.shape.size() != 4 || reg.shape[1] != 4 || reg.numel() != 4 * n)
    throw Error("head.box_regression." + ln + " is not 1 x 4 x h x w");
  const TensorView& ctr = probe_of(probes, "head.centerness." + ln);
  if (ctr.numel() != n) throw Error("head.centerness." + ln + " does not have the level's h*w locations");
  const TensorView& logits = probe_of(probes, "head.dot_product_logits." + ln);
  if (logits.shape.size() != 3 || logits.shape[1] != n)
    throw Error("head.dot_product_logits." + ln + " does not have the level's h*w locations");

  LocationOutputs r;
  const at::Tensor a = tensor_of(anchors).narrow(0, anchor, 1);                        // 1 x 4
  const at::Tensor codes = tensor_of(reg).reshape({4, n}).select(1, anchor).reshape({1, 4});
  const post::ImageSizeHW resized{result.resized_height, result.resized_width};
  const post::ImageSizeHW original{result.image_height, result.image_width};
  const at::Tensor box = post::clip_boxes(post::decode_boxes(codes, a), resized);
  const std::vector<float> av = values_of(a), ao = values_of(post::resize_boxes(a, resized, original));
  const std::vector<float> bo = values_of(post::resize_boxes(box, resized, original));
  std::copy_n(av.begin(), 4, r.anchor_resized.begin());
  std::copy_n(ao.begin(), 4, r.anchor.begin());
  std::copy_n(bo.begin(), 4, r.box.begin());
  r.centerness = at::sigmoid(tensor_of(ctr).reshape({-1})[anchor]).item<float>();

  const at::Tensor row = tensor_of(logits).narrow(1, anchor, 1);  // 1 x 1 x T
  const at::Tensor prob = at::sigmoid(row);
  r.token_logits = values_of(row);
  r.token_scores = values_of(prob);
  const post::PositiveMap pm = positive_map(chunk, logits.shape[2]);
  const at::Tensor cls = aggregate(prob, pm, info.score_aggregation).reshape({-1});
  for (const auto& [label, toks] : pm)
    if (scored(toks, info.score_aggregation) && label - 1 < cls.size(0))
      r.label_scores[static_cast<int>(label)] = cls[label - 1].item<float>();
  return r;
}

float final_score(float label_score, float centerness) { return std::sqrt(label_score * centerness); }

std::vector<float> label_score_map(const TensorView& dot_product_logits, const PromptChunk& chunk, int label,
                                   const ModelInfo& info) {
  if (dot_product_logits.shape.size() != 3) throw Error("dot-product logits are not 1 x N x T");
  auto it = chunk.label_tokens.find(label);
  if (it == chunk.label_tokens.end() || !scored(it->second, info.score_aggregation))
    throw Error("label " + std::to_string(label) + " has no tokens in the probed prompt chunk");
  const post::PositiveMap pm = positive_map(chunk, dot_product_logits.shape[2]);
  const at::Tensor cls = aggregate(at::sigmoid(tensor_of(dot_product_logits)), pm, info.score_aggregation);
  if (label - 1 >= cls.size(2)) throw Error("label " + std::to_string(label) + " is not scored");
  return values_of(cls[0].select(1, label - 1));
}

std::vector<float> probabilities(const TensorView& logits) { return values_of(at::sigmoid(tensor_of(logits))); }

}  // namespace glip
