// GLIP text prompts and positive maps, as the official code builds them (no torch here: plain C++ containers).
//
// Detection (engine/inference.py create_queries_and_maps): the category names go through clean_name and are
// joined with DATASETS.SEPARATION_TOKENS (". "), with no trailing separator; label i+1 (plus=1) is the span of
// name i. Its positive map is create_positive_dict: char_to_token(start) / char_to_token(end-1), with the
// fallbacks start+1, start+2 and end-2, end-3, every token index in between; a label whose span finds no token is
// absent from the map.
//
// Grounding (data/datasets/modulated_coco.py create_positive_map + inference.py
// create_positive_map_label_to_token_from_positive_map(plus=1)): a caption with explicit character spans per
// phrase (a phrase may have several spans); label j+1 gets the union of the token ranges of its spans, and every
// phrase has an entry (empty if no token was found).
//
// Both are tokenized like the model's tokenizer call: [CLS] ... [SEP], truncated to MAX_QUERY_LEN (256) tokens
// and padded to it with an attention mask (PAD_MAX). Truncation drops text at the end; the phrases/labels lost are
// named in TokenizedPrompt::warnings (and logged with spdlog). A lost phrase keeps an empty token list (as the official
// create_positive_map_label_to_token_from_positive_map gives it): it has no detections (core/post), and every
// other phrase is detected as before. The positive map is built on the truncated encoding, as
// modulated_coco.py does (tokenizer(..., max_length=MAX_QUERY_LEN, truncation=True)): a span whose last character
// was cut finds no end token and is skipped whole (`if beg_pos is None or end_pos is None: continue`), unless
// the end-2 / end-3 fallback lands on a kept token.
//
// Chunking: a category list whose prompt is longer than MAX_QUERY_LEN tokens is split into several prompts, as
// TEST.CHUNKED_EVALUATION does (engine/inference.py create_queries_and_maps_from_dataset + chunks): consecutive
// runs of categories, each its own prompt, with the label ids kept global (chunk 2 of COCO-sized chunks of 40 has
// labels 41..80). PromptOptions::chunk_size > 0 is CHUNKED_EVALUATION (that many categories per prompt, the last
// one shorter); chunk_size <= 0 (the default, -1) gives one prompt when it fits, identical to the official
// unchunked prompt, and otherwise as many consecutive categories per prompt as fit in MAX_QUERY_LEN.
//
// A category whose cleaned name alone has more than MAX_QUERY_LEN - 2 WordPiece tokens cannot be detected: in a
// prompt of its own, truncated, its span's last character has no token and create_positive_dict skips it (but
// for a rare end-2 / end-3 fallback hit; the official create_queries_and_maps, which maps tokens on the
// untruncated text, would index past the 256 logits and fail). So it is always left out of the caption: the other
// categories are chunked exactly as if it were absent (same prompts, same tokens, same boxes and scores), and the
// too-long category keeps its label, in list order, in the prompt of the nearest fitting category before it (the
// first prompt if none), with no span and no positive-map entry, named in that prompt's warnings. If every
// category is too long there is one prompt with an empty caption ([CLS] [SEP]) and no positive-map entry.
//
// All character positions are code point indices into the caption (Python str indices).
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/text/bert_tokenizer.h"

namespace glip {
class Config;
}

namespace glip::text {

// label id -> token indices into Encoding::tokens (ascending).
using PositiveMap = std::map<int64_t, std::vector<int64_t>>;

// BERT's position embeddings: no prompt can be longer (max_position_embeddings of bert-base-uncased).
constexpr int64_t kBertMaxPositions = 512;
// glip::Error unless 3 <= max_query_len <= kBertMaxPositions.
void check_max_query_len(int64_t max_query_len);

struct PromptOptions {
  std::string separation_tokens = ". ";  // DATASETS.SEPARATION_TOKENS
  int64_t max_query_len = 256;           // MODEL.LANGUAGE_BACKBONE.MAX_QUERY_LEN
  bool pad_max = true;                   // MODEL.LANGUAGE_BACKBONE.PAD_MAX: pad input_ids to max_query_len
  int64_t chunk_size = -1;               // TEST.CHUNKED_EVALUATION (categories per prompt); <= 0: automatic
};

// DATASETS.SEPARATION_TOKENS, MODEL.LANGUAGE_BACKBONE.MAX_QUERY_LEN / PAD_MAX and TEST.CHUNKED_EVALUATION of a
// GLIP config (core/config/config.h).
PromptOptions prompt_options_from_config(const Config& cfg);

// A phrase of a grounding caption: its name (for display) and its character spans in the caption.
struct Phrase {
  std::string name;            // "" -> the caption text of its spans, joined by " "
  std::vector<CharSpan> spans;
};

struct TokenizedPrompt {
  std::string caption;
  Encoding encoding;                               // tokens/spans/input_ids/attention_mask of the caption
  std::vector<int64_t> labels;                     // one per category/phrase, in order (1-based, global)
  std::vector<std::string> label_names;            // cleaned category name / phrase name, per label
  std::vector<std::vector<CharSpan>> label_spans;  // character spans of each label in `caption` (none: too long)
  PositiveMap positive_map;                        // label -> token indices
  std::vector<std::string> warnings;               // truncation, phrases or labels without tokens
};

// Row-major K x width matrix with 1 at the token indices of each label (the golden `text.positive_map.dense`).
struct DensePositiveMap {
  std::vector<int64_t> labels;  // the map's keys, ascending
  int64_t width = 0;
  std::vector<float> values;    // labels.size() * width
};

// GLIP's clean_name: drop "(...)" (greedy, from the first "(" to the last ")" of a line), "_" -> " ", then each
// double space -> one space (a single left-to-right pass, like re.sub("  ", " ")).
std::string clean_name(std::string_view name);

// Splits "a, b,c" on commas and trims ASCII whitespace around each name. glip::Error on an empty name.
std::vector<std::string> split_category_list(std::string_view comma_separated);

// Detection prompts for categories 1..K (see the chunking rule above). glip::Error if the list is empty or a
// name has no token after clean_name. A name too long for MAX_QUERY_LEN is not an error (see above).
std::vector<TokenizedPrompt> detection_prompts(const std::vector<std::string>& category_names,
                                      const PromptOptions& options = {},
                                      const BertTokenizer& tokenizer = BertTokenizer::bert_base_uncased());
// Same with explicit label ids (e.g. dataset category ids), one per name.
std::vector<TokenizedPrompt> detection_prompts(const std::vector<std::string>& category_names,
                                      const std::vector<int64_t>& label_ids, const PromptOptions& options = {},
                                      const BertTokenizer& tokenizer = BertTokenizer::bert_base_uncased());

// Grounding prompt: labels 1..P for the phrases. glip::Error if the caption is empty or has no token, if there
// are no phrases, or if a span is empty or outside the caption.
TokenizedPrompt grounding_prompt(const std::string& caption, const std::vector<Phrase>& phrases,
                        const PromptOptions& options = {},
                        const BertTokenizer& tokenizer = BertTokenizer::bert_base_uncased());
// The caption's tokens with no label (an empty positive map and a warning): what `glip tokenize` shows for a caption
// in which the phrase heuristic finds nothing. Nothing can be grounded with it.
TokenizedPrompt caption_only_prompt(const std::string& caption, const PromptOptions& options = {},
                                    const BertTokenizer& tokenizer = BertTokenizer::bert_base_uncased());

// The official char_to_token lookup of a span with its fallbacks: first token = char_to_token(start), else
// start+1, else start+2; last token = char_to_token(end-1), else end-2, else end-3. false if either is missing.
// `first > last` (an empty range) is possible and is returned as found.
bool span_to_token_range(const Encoding& encoding, const CharSpan& span, int64_t& first, int64_t& last);

DensePositiveMap dense_positive_map(const PositiveMap& map, int64_t width = 256);

}  // namespace glip::text
