#include "core/language/options.h"

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/common/file_io.h"

namespace glip {

BertConfig bert_base_uncased_config() { return BertConfig{}; }

BertLayerOptions bert_layer_options(const BertConfig& c) {
  BertLayerOptions o;
  o.hidden_size = c.hidden_size;
  o.num_attention_heads = c.num_attention_heads;
  o.intermediate_size = c.intermediate_size;
  o.layer_norm_eps = c.layer_norm_eps;
  return o;
}

BertConfig load_bert_config(const std::string& path) {
  require_regular_file(path, "BERT config");
  std::ifstream f(path);
  if (!f) throw Error("cannot open BERT config '" + path + "'");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(f);
  } catch (const std::exception& e) {
    throw Error("BERT config '" + path + "' is not valid JSON: " + e.what());
  }
  if (!j.is_object()) throw Error("BERT config '" + path + "' is not a JSON object");
  BertConfig c;
  auto get_int = [&](const char* key, int64_t& dst) {
    if (!j.contains(key)) return;
    const auto& v = j[key];
    if (!v.is_number_integer() || v.get<int64_t>() <= 0)
      throw Error("BERT config '" + path + "': \"" + key + "\" must be a positive integer, got " + v.dump());
    dst = v.get<int64_t>();
  };
  get_int("hidden_size", c.hidden_size);
  get_int("num_hidden_layers", c.num_hidden_layers);
  get_int("num_attention_heads", c.num_attention_heads);
  get_int("intermediate_size", c.intermediate_size);
  get_int("vocab_size", c.vocab_size);
  get_int("max_position_embeddings", c.max_position_embeddings);
  get_int("type_vocab_size", c.type_vocab_size);
  if (j.contains("layer_norm_eps")) {
    if (!j["layer_norm_eps"].is_number() || j["layer_norm_eps"].get<double>() <= 0)
      throw Error("BERT config '" + path + "': \"layer_norm_eps\" must be a positive number");
    c.layer_norm_eps = j["layer_norm_eps"].get<double>();
  }
  auto get_str = [&](const char* key, std::string& dst) {
    if (!j.contains(key)) return;
    if (!j[key].is_string()) throw Error("BERT config '" + path + "': \"" + key + "\" must be a string");
    dst = j[key].get<std::string>();
  };
  get_str("hidden_act", c.hidden_act);
  get_str("position_embedding_type", c.position_embedding_type);
  if (c.hidden_act != "gelu")
    throw Error("BERT config '" + path + "': hidden_act \"" + c.hidden_act + "\" is not supported (only \"gelu\")");
  if (c.position_embedding_type != "absolute")
    throw Error("BERT config '" + path + "': position_embedding_type \"" + c.position_embedding_type +
                "\" is not supported (only \"absolute\")");
  if (c.hidden_size % c.num_attention_heads != 0)
    throw Error("BERT config '" + path + "': hidden_size " + std::to_string(c.hidden_size) +
                " is not a multiple of num_attention_heads " + std::to_string(c.num_attention_heads));
  return c;
}

}  // namespace glip
