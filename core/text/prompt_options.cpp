// PromptOptions from a GLIP config.
#include "core/config/config.h"
#include "core/text/prompt.h"

namespace glip::text {

PromptOptions prompt_options_from_config(const Config& cfg) {
  PromptOptions o;
  o.separation_tokens = cfg.get_str("DATASETS.SEPARATION_TOKENS");
  o.max_query_len = cfg.get_int("MODEL.LANGUAGE_BACKBONE.MAX_QUERY_LEN");
  o.pad_max = cfg.get_bool("MODEL.LANGUAGE_BACKBONE.PAD_MAX");
  o.chunk_size = cfg.get_int("TEST.CHUNKED_EVALUATION");
  return o;
}

}  // namespace glip::text
