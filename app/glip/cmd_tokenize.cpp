// glip tokenize — show GLIP's tokenization and positive map of a prompt, as one JSON object on stdout.
//
//   glip tokenize --caption "a cup of coffee on a saucer" --phrase 0:15 --phrase 19:27
//   glip tokenize --caption "a cup of coffee on a saucer"          (phrases from the heuristic, core/text/phrases.h)
//   glip tokenize --categories "person, traffic_light, fire hydrant" [--chunk-size 40]
//
// Fields: caption, tokens ([CLS] ... [SEP], no padding), input_ids (same length), spans ([start, end) code points
// of the caption per token, null for [CLS]/[SEP]), positive_map (label -> token indices), labels, label_names,
// label_spans, num_tokens, num_wordpieces, truncated, warnings. A category list that needs several prompts
// (more than --max-query-len tokens) prints {"num_chunks": N, "chunks": [one such object per prompt]}.
#include <nlohmann/json.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "app/glip/commands.h"
#include "app/glip/common.h"
#include "core/common/error.h"
#include "core/text/bert_tokenizer.h"
#include "core/text/phrases.h"
#include "core/text/prompt.h"

namespace glip::cli {
namespace {

struct TokenizeOptions {
  std::string caption, caption_file;
  std::vector<std::string> phrases;  // "START:END"
  std::string categories;
  std::string vocab;                 // "" -> built-in bert-base-uncased
  int64_t max_query_len = 256;
  int64_t chunk_size = -1;
  std::string separator = ". ";
  int indent = 2;
};

int64_t parse_index(const std::string& spec, const std::string& part) {
  size_t used = 0;
  long long v = 0;
  try {
    v = std::stoll(part, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (part.empty() || used != part.size() || v < 0)
    throw glip::Error("--phrase '" + spec + "': expected START:END with integer character indices");
  return static_cast<int64_t>(v);
}

text::Phrase parse_phrase(const std::string& spec) {
  const size_t colon = spec.find(':');
  if (colon == std::string::npos)
    throw glip::Error("--phrase '" + spec + "': expected START:END (character indices, END exclusive)");
  return text::Phrase{"", {text::CharSpan{parse_index(spec, spec.substr(0, colon)),
                                          parse_index(spec, spec.substr(colon + 1))}}};
}

nlohmann::json prompt_json(const text::TokenizedPrompt& p) {
  nlohmann::json j;
  j["caption"] = p.caption;
  const text::Encoding& e = p.encoding;
  j["tokens"] = e.tokens;
  j["input_ids"] = std::vector<int64_t>(e.input_ids.begin(), e.input_ids.begin() + e.num_tokens());
  nlohmann::json spans = nlohmann::json::array();
  for (const text::CharSpan& s : e.spans)
    spans.push_back(s.valid() ? nlohmann::json::array({s.start, s.end}) : nlohmann::json(nullptr));
  j["spans"] = spans;
  j["num_tokens"] = e.num_tokens();
  j["num_wordpieces"] = e.num_wordpieces;
  j["truncated"] = e.truncated();
  j["labels"] = p.labels;
  nlohmann::json names = nlohmann::json::object(), label_spans = nlohmann::json::object();
  for (size_t k = 0; k < p.labels.size(); ++k) {
    const std::string key = std::to_string(p.labels[k]);
    names[key] = p.label_names[k];
    nlohmann::json s = nlohmann::json::array();
    for (const text::CharSpan& c : p.label_spans[k]) s.push_back({c.start, c.end});
    label_spans[key] = s;
  }
  j["label_names"] = names;
  j["label_spans"] = label_spans;
  nlohmann::json pm = nlohmann::json::object();
  for (const auto& [label, tokens] : p.positive_map) pm[std::to_string(label)] = tokens;
  j["positive_map"] = pm;
  j["warnings"] = p.warnings;
  return j;
}

void run_tokenize(TokenizeOptions o, bool have_caption, bool have_categories) {
  if (have_caption == have_categories) throw glip::Error("give either --caption (or --caption-file) or --categories");
  if (!o.caption_file.empty()) o.caption = read_caption_file(o.caption_file);
  if (o.chunk_size == 0) throw glip::Error("--chunk-size 0: give -1 (as many categories as fit) or a positive count");
  text::PromptOptions opt;
  opt.max_query_len = o.max_query_len;
  opt.chunk_size = o.chunk_size;
  opt.separation_tokens = o.separator;
  std::unique_ptr<text::BertTokenizer> own;
  if (!o.vocab.empty()) own = std::make_unique<text::BertTokenizer>(text::BertTokenizer::from_vocab_file(o.vocab));
  const text::BertTokenizer& tok = own ? *own : text::BertTokenizer::bert_base_uncased();

  nlohmann::json out;
  if (have_categories) {
    const auto prompts = text::detection_prompts(text::split_category_list(o.categories), opt, tok);
    if (prompts.size() == 1) {
      out = prompt_json(prompts[0]);
    } else {
      out["num_chunks"] = prompts.size();
      out["chunks"] = nlohmann::json::array();
      for (const auto& p : prompts) out["chunks"].push_back(prompt_json(p));
    }
  } else {
    std::vector<text::Phrase> phrases;
    for (const std::string& spec : o.phrases) phrases.push_back(parse_phrase(spec));
    const bool heuristic = phrases.empty();
    if (heuristic) phrases = text::find_phrases(o.caption);
    if (phrases.empty() && !o.caption.empty()) {
      // Tokenizing needs no phrase: the tokens with an empty positive map (predict, which needs one, refuses).
      out = prompt_json(text::caption_only_prompt(o.caption, opt, tok));
    } else {
      out = prompt_json(text::grounding_prompt(o.caption, phrases, opt, tok));
    }
    out["phrase_source"] = heuristic ? "heuristic" : "spans";
  }
  std::cout << out.dump(o.indent < 0 ? -1 : o.indent) << "\n";
}

}  // namespace

void add_tokenize_command(CLI::App& app) {
  auto o = std::make_shared<TokenizeOptions>();
  CLI::App* cmd = app.add_subcommand(
      "tokenize", "Tokenize a caption or a category list like GLIP (BERT uncased) and print tokens, ids, character "
                  "spans and the positive map as JSON");
  CLI::Option* caption = cmd->add_option("--caption", o->caption, "grounding caption");
  CLI::Option* caption_file =
      cmd->add_option("--caption-file", o->caption_file, "read the caption from this UTF-8 file (long captions)");
  caption_file->excludes(caption);
  CLI::Option* phrase =
      cmd->add_option("--phrase", o->phrases,
                      "START:END character span (code points, END exclusive) of a phrase in the caption; repeat "
                      "for several phrases (labels 1, 2, ...). Without it, phrases come from a simple heuristic");
  CLI::Option* categories =
      cmd->add_option("--categories", o->categories, "comma-separated category names (detection prompt, labels 1..K)");
  caption->excludes(categories);
  caption_file->excludes(categories);
  cmd->add_option("--vocab", o->vocab, "vocab.txt to use instead of the built-in bert-base-uncased vocabulary");
  cmd->add_option("--max-query-len", o->max_query_len, "MODEL.LANGUAGE_BACKBONE.MAX_QUERY_LEN (default 256, 3..512)")
      ->check(finite_range(3, static_cast<double>(text::kBertMaxPositions)));
  cmd->add_option("--chunk-size", o->chunk_size,
                  "TEST.CHUNKED_EVALUATION: categories per prompt (default -1: as many as fit)")
      ->check(finite_range(-1, 100000));
  cmd->add_option("--separator", o->separator, "DATASETS.SEPARATION_TOKENS (default \". \")");
  cmd->add_option("--indent", o->indent, "JSON indentation (default 2, -1 for one line, at most 16)")
      ->check(finite_range(-1, 16));
  cmd->callback([o, caption, caption_file, categories, phrase]() {
    const bool have_caption = caption->count() > 0 || caption_file->count() > 0;
    if (phrase->count() > 0 && !have_caption) throw glip::Error("--phrase goes with --caption or --caption-file");
    run_tokenize(*o, have_caption, categories->count() > 0);
  });
}

}  // namespace glip::cli
