// Options of the language backbone (GLIP's BertEncoder around a HuggingFace BertModel). No torch here.
//
//   glip::LanguageBackboneOptions o = glip::language_backbone_options(cfg);   // from MODEL.LANGUAGE_BACKBONE.*
//   glip::BertEncoder enc(o);                                                 // core/language/bert_encoder.h
#pragma once
#include <cstdint>
#include <string>

namespace glip {

class Config;

// The fields of a HuggingFace BertConfig that BertModel inference uses (transformers 4.25.1).
struct BertConfig {
  int64_t hidden_size = 768;
  int64_t num_hidden_layers = 12;
  int64_t num_attention_heads = 12;
  int64_t intermediate_size = 3072;
  int64_t vocab_size = 30522;
  int64_t max_position_embeddings = 512;
  int64_t type_vocab_size = 2;
  double layer_norm_eps = 1e-12;
  std::string hidden_act = "gelu";                     // only "gelu" (exact erf) is supported
  std::string position_embedding_type = "absolute";   // only "absolute" is supported
};

// One BERT layer. HF's BertModel uses the sizes of its BertConfig and no clamps (bert_layer_options(c)); GLIP's head
// runs its own copy of the layer (rpn/modeling_bert.py, the BertEncoderLayer of core/head) that clamps to
// [-50000, 50000]: the attention scores as FUSE_CONFIG says, the activations always.
struct BertLayerOptions {
  int64_t hidden_size = 768;
  int64_t num_attention_heads = 12;
  int64_t intermediate_size = 3072;
  double layer_norm_eps = 1e-12;
  bool clamp_min_for_underflow = false;  // scores.clamp_min(-50000) before the mask is added
  bool clamp_max_for_overflow = false;   // scores.clamp_max(50000)
  bool clamp_activations = false;        // clamp after the intermediate dense and its GELU, and after the output
                                         // dense and its LayerNorm (the attention output has none)
};
BertLayerOptions bert_layer_options(const BertConfig& c);

// bert-base-uncased as published (768 / 12 layers / 12 heads / 3072 / 30522 / 512 / 2).
BertConfig bert_base_uncased_config();

// Reads a HuggingFace config.json. Missing keys keep BertConfig's defaults (as BertConfig's constructor does).
// Throws glip::Error naming the file for unreadable JSON, wrong types, non-positive sizes, a hidden size not
// divisible by the head count, or an unsupported hidden_act / position_embedding_type.
BertConfig load_bert_config(const std::string& config_json_path);

// Where GLIP (HuggingFace `from_pretrained(MODEL_TYPE)`) would find config.json: `<dir>/<model_type>/config.json`
// for dir = cfg.config_dir() (if set), then the working directory. Returns "" if neither exists.
std::string find_bert_config_json(const Config& cfg);

struct LanguageBackboneOptions {
  std::string model_type = "bert-base-uncased";  // MODEL.LANGUAGE_BACKBONE.MODEL_TYPE
  BertConfig bert;                               // dimensions of the BertModel
  int64_t n_layers = 1;                          // MODEL.LANGUAGE_BACKBONE.N_LAYERS: layers averaged into `embedded`
};

// From MODEL.LANGUAGE_BACKBONE.{MODEL_TYPE, N_LAYERS}; dims from find_bert_config_json(cfg), else
// bert_base_uncased_config(). Throws glip::Error for a MODEL_TYPE other than "bert-base-uncased" (GLIP compares
// that literal string) or N_LAYERS outside 1..num_hidden_layers.
LanguageBackboneOptions language_backbone_options(const Config& cfg);

}  // namespace glip
