// Fuzz target: WordPiece tokenizer, phrase heuristic and prompt builders. The first byte picks the builder and the
// query length; the rest is the caption (or the comma-separated category list).
#include <cstdint>
#include <string>

#include "core/common/error.h"
#include "core/text/bert_tokenizer.h"
#include "core/text/phrases.h"
#include "core/text/prompt.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  glip::text::PromptOptions options;
  options.max_query_len = 3 + data[0] % 64 * 8;  // 3 .. 507
  options.chunk_size = data[0] & 0x80 ? 2 : -1;
  const auto& tokenizer = glip::text::BertTokenizer::bert_base_uncased();
  try {
    tokenizer.encode(text, options.max_query_len, true);
    if (data[0] & 1) {
      glip::text::detection_prompts(glip::text::split_category_list(text), options);
    } else {
      const auto phrases = glip::text::find_phrases(text);
      if (phrases.empty()) glip::text::caption_only_prompt(text, options);
      else glip::text::grounding_prompt(text, phrases, options);
    }
  } catch (const glip::Error&) {
  }
  return 0;
}
