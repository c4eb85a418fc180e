// language_backbone_options(): glip::Config -> LanguageBackboneOptions (needs glip_config).
#include <filesystem>

#include "core/common/error.h"
#include "core/config/config.h"
#include "core/language/options.h"

namespace glip {

std::string find_bert_config_json(const Config& cfg) {
  namespace fs = std::filesystem;
  const std::string type = cfg.get_str("MODEL.LANGUAGE_BACKBONE.MODEL_TYPE");
  std::vector<fs::path> dirs;
  if (!cfg.config_dir().empty()) dirs.emplace_back(cfg.config_dir());
  dirs.emplace_back(fs::current_path());
  for (const auto& d : dirs) {
    std::error_code ec;
    fs::path p = d / type / "config.json";
    if (fs::is_regular_file(p, ec)) return p.string();
  }
  return "";
}

LanguageBackboneOptions language_backbone_options(const Config& cfg) {
  LanguageBackboneOptions o;
  o.model_type = cfg.get_str("MODEL.LANGUAGE_BACKBONE.MODEL_TYPE");
  if (o.model_type != "bert-base-uncased")
    throw Error("MODEL.LANGUAGE_BACKBONE.MODEL_TYPE \"" + o.model_type +
                "\" is not supported (GLIP Studio runs \"bert-base-uncased\")");
  o.n_layers = cfg.get_int("MODEL.LANGUAGE_BACKBONE.N_LAYERS");
  const std::string json = find_bert_config_json(cfg);
  o.bert = json.empty() ? bert_base_uncased_config() : load_bert_config(json);
  const int64_t lang_dim = cfg.get_int("MODEL.LANGUAGE_BACKBONE.LANG_DIM");
  if (json.empty() && lang_dim != o.bert.hidden_size) {
    // A model with its own BERT sizes whose config was copied away from its folder: name what is missing.
    const std::string beside = cfg.config_dir().empty() ? std::string("the config file")
                                                         : "'" + cfg.config_dir() + "'";
    throw Error("MODEL.LANGUAGE_BACKBONE.LANG_DIM is " + std::to_string(lang_dim) + ", not bert-base-uncased's " +
                std::to_string(o.bert.hidden_size) + ", but no " + o.model_type + "/config.json was found in " +
                beside + " or in the working folder: keep the config file next to its " + o.model_type + "/ folder");
  }
  if (o.n_layers < 1 || o.n_layers > o.bert.num_hidden_layers)
    throw Error("MODEL.LANGUAGE_BACKBONE.N_LAYERS = " + std::to_string(o.n_layers) + " must be within 1.." +
                std::to_string(o.bert.num_hidden_layers));
  return o;
}

}  // namespace glip
