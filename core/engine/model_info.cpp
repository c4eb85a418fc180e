// What a model is as values (ModelInfo), the prompt the model runs (chunks, token preview) and the threshold rule:
// the parts of core/engine/engine.h that need no tensor.
#include <torch/cuda.h>
#include <torch/version.h>

#include <algorithm>
#include <cmath>

#include "core/config/config.h"
#include "core/engine/engine_impl.h"
#include "core/ops/deform_conv/deform_conv.h"
#include "core/ops/precision/precision.h"
#include "core/probe/level_name.h"
#include "core/text/bert_tokenizer.h"

namespace glip {

namespace {

// "Swin-T" / "Swin-S" / "Swin-B" / "Swin-L" for the published widths and depths (Liu et al. 2021, Table 1),
// otherwise "Swin (C12, 2-2-18-2)" (embedding width, depths).
std::string swin_name(int64_t embed_dim, const std::vector<int64_t>& depths) {
  const bool deep = depths == std::vector<int64_t>{2, 2, 18, 2};
  if (embed_dim == 96 && depths == std::vector<int64_t>{2, 2, 6, 2}) return "Swin-T";
  if (embed_dim == 96 && deep) return "Swin-S";
  if (embed_dim == 128 && deep) return "Swin-B";
  if (embed_dim == 192 && deep) return "Swin-L";
  std::string d;
  for (int64_t x : depths) d += (d.empty() ? "" : "-") + std::to_string(x);
  return "Swin (C" + std::to_string(embed_dim) + ", " + d + ")";
}

}  // namespace

ModelInfo model_info_from_config(const Config& cfg) {
  const post::AtssParams atss = post::atss_params_from_config(cfg);
  const text::PromptOptions prompt = text::prompt_options_from_config(cfg);
  ModelInfo info;
  info.anchor_strides = cfg.get_int_list("MODEL.RPN.ANCHOR_STRIDE");
  for (size_t l = 0; l < info.anchor_strides.size(); ++l) info.level_names.push_back(level_name(l));
  info.candidate_threshold = static_cast<float>(atss.inference_threshold);
  info.nms_threshold = static_cast<float>(atss.nms_threshold);
  info.pre_nms_top_n = atss.pre_nms_top_n;
  info.detections_per_image = atss.detections_per_image;
  info.score_aggregation = atss.score_agg == post::ScoreAgg::kMax      ? ScoreAggregation::Max
                           : atss.score_agg == post::ScoreAgg::kOneHot ? ScoreAggregation::OneHot
                                                                       : ScoreAggregation::Mean;
  info.max_query_len = prompt.max_query_len;
  info.chunk_size = prompt.chunk_size;
  info.separator = prompt.separation_tokens;
  info.fusion_layers =
      cfg.get_bool("MODEL.DYHEAD.FUSE_CONFIG.EARLY_FUSE_ON") ? cfg.get_int("MODEL.DYHEAD.NUM_CONVS") : 0;
  info.backbone = swin_name(cfg.get_int("MODEL.SWINT.EMBED_DIM"), cfg.get_int_list("MODEL.SWINT.DEPTHS"));
  return info;
}

const ModelInfo& default_model_info() {
  static const ModelInfo info = model_info_from_config(Config::defaults());
  return info;
}

bool cuda_available() { return torch::cuda::is_available(); }

std::string runtime_description() {
  std::string s = "libtorch " + std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) + "." +
                  std::to_string(TORCH_VERSION_PATCH);
  const size_t n = torch::cuda::device_count();
  if (n == 0) return s + " (CPU only)";
  return s + ", CUDA: " + std::to_string(n) + " device(s), " +
         (ops::cuda_kernels_built() ? "CUDA kernels" : "generic kernels on CUDA");
}

const char* kernels_name(Kernels k) { return k == Kernels::generic ? "generic" : "native"; }

bool parse_kernels(const std::string& s, Kernels* out) {
  if (s != "native" && s != "generic") return false;
  *out = s == "generic" ? Kernels::generic : Kernels::native;
  return true;
}

const char* precision_name(Precision p) {
  switch (p) {
    case Precision::bf16: return "bf16";
    case Precision::tf32: return "tf32";
    case Precision::fp16: return "fp16";
    default: return "fp32";
  }
}

bool parse_precision(const std::string& s, Precision* p) {
  for (Precision x : {Precision::fp32, Precision::bf16, Precision::tf32, Precision::fp16})
    if (s == precision_name(x)) {
      *p = x;
      return true;
    }
  return false;
}

bool bf16_supported(std::string* why) { return ops::cpu_has_bf16(why); }

std::vector<Detection> select_detections(const std::vector<Detection>& detections, float score_threshold) {
  std::vector<Detection> kept;
  for (const Detection& d : detections)
    if (d.score >= score_threshold) kept.push_back(d);
  return kept;
}

namespace {
float box_iou(const std::array<float, 4>& a, const std::array<float, 4>& b) {
  const float iw = std::min(a[2], b[2]) - std::max(a[0], b[0]), ih = std::min(a[3], b[3]) - std::max(a[1], b[1]);
  if (iw <= 0 || ih <= 0) return 0;
  const float inter = iw * ih;
  const float uni = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
  return uni > 0 ? inter / uni : 0;
}
}  // namespace

Agreement compare_detections(const std::vector<Detection>& reference, const std::vector<Detection>& other,
                             size_t top_k, float min_iou) {
  std::vector<size_t> order(reference.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return reference[a].score > reference[b].score; });
  Agreement a;
  a.compared = std::min(top_k, order.size());
  std::vector<bool> used(other.size(), false);
  for (size_t r = 0; r < a.compared; ++r) {
    const Detection& ref = reference[order[r]];
    size_t best = other.size();
    float best_iou = -1;
    for (size_t o = 0; o < other.size(); ++o) {
      if (used[o] || other[o].label != ref.label) continue;
      const float iou = box_iou(ref.box, other[o].box);
      if (iou > best_iou) best_iou = iou, best = o;
    }
    if (best == other.size() || best_iou < min_iou) continue;
    used[best] = true;
    ++a.kept;
    a.max_score_diff = std::max(a.max_score_diff, std::abs(other[best].score - ref.score));
  }
  return a;
}

PromptChunk prompt_chunk(const text::TokenizedPrompt& prompt) {
  PromptChunk c;
  c.caption = prompt.caption;
  c.tokens = prompt.encoding.tokens;
  for (const auto& [label, tokens] : prompt.positive_map) c.label_tokens[static_cast<int>(label)] = tokens;
  return c;
}

namespace {

bool covers(const std::array<int64_t, 2>& span, int64_t position) { return position >= span[0] && position < span[1]; }

// Detection prompts: the chunks the model runs (text::detection_prompts with the model's options); no token is
// truncated (a category that does not fit goes to the next chunk).
void preview_detection(const Prompt& prompt, const ModelInfo& info, TokenPreview& out) {
  std::vector<std::string> names;
  for (const Prompt::Label& l : prompt.labels) names.push_back(l.name);
  text::PromptOptions options;
  options.separation_tokens = prompt.separator;
  options.max_query_len = info.max_query_len;
  options.chunk_size = info.chunk_size;
  const std::vector<text::TokenizedPrompt> chunks = text::detection_prompts(names, options);
  out.chunks = static_cast<int>(chunks.size());
  out.label_names.resize(names.size());
  for (size_t c = 0; c < chunks.size(); ++c) {
    const text::TokenizedPrompt& p = chunks[c];
    for (size_t l = 0; l < p.labels.size(); ++l) out.label_names.at(static_cast<size_t>(p.labels[l] - 1)) = p.label_names[l];
    const text::Encoding& e = p.encoding;
    for (int64_t t = 0; t < e.num_tokens(); ++t) {
      if (!e.spans[t].valid()) continue;  // [CLS] / [SEP]
      TokenPreview::Token token;
      token.text = e.tokens[t];
      token.span = {e.spans[t].start, e.spans[t].end};
      token.source = text::utf8_substr(p.caption, token.span[0], token.span[1]);
      token.unknown = token.text == "[UNK]";
      token.chunk = static_cast<int>(c);
      for (size_t l = 0; l < p.label_spans.size() && token.label == 0; ++l)
        for (const text::CharSpan& s : p.label_spans[l])
          if (covers({s.start, s.end}, token.span[0])) token.label = static_cast<int>(p.labels[l]);
      out.tokens.push_back(std::move(token));
    }
  }
}

// A caption: one chunk, every WordPiece token shown, those past MAX_QUERY_LEN - 2 marked truncated.
void preview_caption(const Prompt& prompt, const ModelInfo& info, TokenPreview& out) {
  out.chunks = 1;
  for (const Prompt::Label& l : prompt.labels) out.label_names.push_back(l.name);
  const std::vector<text::Token> tokens = text::BertTokenizer::bert_base_uncased().tokenize(prompt.caption);
  for (size_t t = 0; t < tokens.size(); ++t) {
    TokenPreview::Token token;
    token.text = tokens[t].text;
    token.span = {tokens[t].span.start, tokens[t].span.end};
    token.source = text::utf8_substr(prompt.caption, token.span[0], token.span[1]);
    token.unknown = token.text == "[UNK]";
    token.truncated = static_cast<int64_t>(t) >= info.max_query_len - 2;
    for (size_t l = 0; l < prompt.labels.size() && token.label == 0; ++l)
      for (const auto& span : prompt.labels[l].spans)
        if (token.label == 0 && covers(span, token.span[0])) token.label = static_cast<int>(l + 1);
    if (token.truncated) ++out.truncated_tokens;
    out.tokens.push_back(std::move(token));
  }
}

}  // namespace

TokenPreview preview_tokens(const Prompt& prompt, const ModelInfo& info) {
  TokenPreview out;
  if (prompt.detection)
    preview_detection(prompt, info, out);
  else
    preview_caption(prompt, info, out);
  return out;
}

}  // namespace glip
