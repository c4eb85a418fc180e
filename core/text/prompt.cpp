// GLIP prompts and positive maps (see prompt.h).
#include "core/text/prompt.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>
#include <sstream>

#include "core/common/error.h"

namespace glip::text {

namespace {

std::string quoted(const std::string& s) { return "'" + s + "'"; }

// A name as warnings show it: names past 60 code points (a category of hundreds of words) are shortened.
std::string display_name(const std::string& s) {
  constexpr int64_t kMax = 60;
  if (utf8_length(s) <= kMax) return s;
  return utf8_substr(s, 0, kMax - 3) + "...";
}

std::string join_quoted(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i) out += ", ";
    out += quoted(display_name(names[i]));
  }
  return out;
}

// Warnings are collected while a prompt is built and logged once the prompt is final (log_warnings), so that
// trial builds of the chunking do not log.
void warn(TokenizedPrompt& p, std::string msg) { p.warnings.push_back(std::move(msg)); }

void log_warnings(const TokenizedPrompt& p) {
  for (const std::string& w : p.warnings) spdlog::warn("{}", w);
}

// Adds the truncation warning (naming the labels that lost their tokens) if the caption was truncated.
void warn_truncation(TokenizedPrompt& p, const std::vector<std::string>& lost, int64_t max_query_len) {
  const Encoding& e = p.encoding;
  if (!e.truncated()) return;
  // Character where the dropped text starts: after the span of the last kept WordPiece.
  int64_t kept_chars = 0;
  for (const CharSpan& s : e.spans)
    if (s.valid()) kept_chars = std::max(kept_chars, s.end);
  std::ostringstream msg;
  msg << "caption has " << e.num_wordpieces << " WordPiece tokens, more than the " << (max_query_len - 2)
      << " that fit in MAX_QUERY_LEN " << max_query_len << " with [CLS]/[SEP]: truncated after character "
      << kept_chars << " of " << e.text_length() << " (" << e.num_truncated << " tokens dropped)";
  if (lost.empty()) msg << "; no phrase was lost";
  else msg << "; phrases lost: " << join_quoted(lost);
  warn(p, msg.str());
}

// The categories of a detection prompt: indices into the cleaned list, in list order.
struct Members {
  std::vector<size_t> index;
  std::vector<bool> too_long;  // alone longer than MAX_QUERY_LEN - 2 WordPieces: left out of the caption
};

// One detection prompt (create_queries_and_maps) for the given categories. The caption joins the names that fit;
// a category that alone is too long for MAX_QUERY_LEN keeps its label (in list order) but has no span in the
// caption, so no positive-map entry (create_positive_dict: a label without tokens is absent), and is named in a
// warning.
TokenizedPrompt build_detection_prompt(const std::vector<std::string>& cleaned, const std::vector<int64_t>& labels,
                              const std::vector<int64_t>& n_tokens, const Members& members,
                              const PromptOptions& options, const BertTokenizer& tokenizer) {
  TokenizedPrompt p;
  const int64_t sep_len = utf8_length(options.separation_tokens);
  int64_t pos = 0;
  bool first = true;
  std::vector<std::string> too_long;
  for (size_t m = 0; m < members.index.size(); ++m) {
    const size_t i = members.index[m];
    p.labels.push_back(labels[i]);
    p.label_names.push_back(cleaned[i]);
    if (members.too_long[m]) {
      p.label_spans.emplace_back();
      too_long.push_back(quoted(display_name(cleaned[i])) + " (label " + std::to_string(labels[i]) + ", " +
                         std::to_string(n_tokens[i]) + " tokens)");
      continue;
    }
    if (!first) {
      p.caption += options.separation_tokens;
      pos += sep_len;
    }
    first = false;
    const int64_t start = pos;
    p.caption += cleaned[i];
    pos += utf8_length(cleaned[i]);
    p.label_spans.push_back({CharSpan{start, pos}});
  }
  p.encoding = tokenizer.encode(p.caption, options.max_query_len, options.pad_max);
  // create_positive_dict: keys only for labels that found tokens.
  std::vector<std::string> lost, empty;
  for (size_t k = 0; k < p.labels.size(); ++k) {
    if (p.label_spans[k].empty()) continue;  // too long: warned below
    int64_t first_token = 0, last_token = 0;
    const bool found = span_to_token_range(p.encoding, p.label_spans[k].front(), first_token, last_token);
    if (found && first_token <= last_token) {
      auto& tokens = p.positive_map[p.labels[k]];
      for (int64_t t = first_token; t <= last_token; ++t) tokens.push_back(t);
    } else if (p.encoding.truncated() && p.label_spans[k].front().end > 0 &&
               !p.encoding.char_to_token(p.label_spans[k].front().end - 1).has_value()) {
      lost.push_back(p.label_names[k]);
    } else {
      empty.push_back(p.label_names[k]);
    }
  }
  warn_truncation(p, lost, options.max_query_len);
  if (!empty.empty()) warn(p, "categories without tokens in the prompt (they cannot be detected): " + join_quoted(empty));
  if (!too_long.empty()) {
    std::string msg = "categories with more WordPiece tokens than the " + std::to_string(options.max_query_len - 2) +
                      " that fit in MAX_QUERY_LEN " + std::to_string(options.max_query_len) +
                      " with [CLS]/[SEP] are left out of the prompt and cannot be detected (the other categories "
                      "are prompted as without them): ";
    for (size_t k = 0; k < too_long.size(); ++k) msg += (k ? ", " : "") + too_long[k];
    warn(p, msg);
  }
  return p;
}

}  // namespace

std::string clean_name(std::string_view name) {
  // re.sub(r"\(.*\)", "", name): '.' does not match '\n', the match is greedy.
  std::string no_parens;
  size_t i = 0;
  while (i < name.size()) {
    if (name[i] == '(') {
      size_t line_end = name.find('\n', i);
      if (line_end == std::string_view::npos) line_end = name.size();
      const size_t close = name.substr(0, line_end).rfind(')');
      if (close != std::string_view::npos && close > i) {
        i = close + 1;
        continue;
      }
    }
    no_parens += name[i++];
  }
  std::replace(no_parens.begin(), no_parens.end(), '_', ' ');
  std::string out;
  for (size_t k = 0; k < no_parens.size();) {
    if (no_parens.compare(k, 2, "  ") == 0) {
      out += ' ';
      k += 2;
    } else {
      out += no_parens[k++];
    }
  }
  return out;
}

std::vector<std::string> split_category_list(std::string_view list) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (true) {
    size_t comma = list.find(',', pos);
    const bool last = comma == std::string_view::npos;
    if (last) comma = list.size();
    std::string_view item = list.substr(pos, comma - pos);
    const size_t b = item.find_first_not_of(" \t\r\n");
    const size_t e = item.find_last_not_of(" \t\r\n");
    if (b == std::string_view::npos)
      throw glip::Error("category list '" + std::string(list) + "' has an empty name at position " +
                        std::to_string(out.size() + 1));
    out.emplace_back(item.substr(b, e - b + 1));
    if (last) break;
    pos = comma + 1;
  }
  return out;
}

bool span_to_token_range(const Encoding& e, const CharSpan& span, int64_t& first, int64_t& last) {
  std::optional<int64_t> beg = e.char_to_token(span.start);
  if (!beg) beg = e.char_to_token(span.start + 1);
  if (!beg) beg = e.char_to_token(span.start + 2);
  std::optional<int64_t> end = e.char_to_token(span.end - 1);
  if (!end) end = e.char_to_token(span.end - 2);
  if (!end) end = e.char_to_token(span.end - 3);
  if (!beg || !end) return false;
  first = *beg;
  last = *end;
  return true;
}

void check_max_query_len(int64_t max_query_len) {
  if (max_query_len < 3 || max_query_len > kBertMaxPositions)
    throw glip::Error("MAX_QUERY_LEN must be between 3 ([CLS], one token, [SEP]) and " +
                      std::to_string(kBertMaxPositions) + " (BERT's positions), got " + std::to_string(max_query_len));
}

std::vector<TokenizedPrompt> detection_prompts(const std::vector<std::string>& names, const PromptOptions& options,
                                      const BertTokenizer& tokenizer) {
  std::vector<int64_t> labels(names.size());
  for (size_t i = 0; i < labels.size(); ++i) labels[i] = static_cast<int64_t>(i) + 1;
  return detection_prompts(names, labels, options, tokenizer);
}

std::vector<TokenizedPrompt> detection_prompts(const std::vector<std::string>& names, const std::vector<int64_t>& labels,
                                      const PromptOptions& options, const BertTokenizer& tokenizer) {
  if (names.empty()) throw glip::Error("no category names given for the detection prompt");
  if (labels.size() != names.size())
    throw glip::Error("detection prompt: " + std::to_string(names.size()) + " category names but " +
                      std::to_string(labels.size()) + " label ids");
  check_max_query_len(options.max_query_len);
  std::set<int64_t> seen;
  for (int64_t l : labels)
    if (!seen.insert(l).second) throw glip::Error("detection prompt: label id " + std::to_string(l) + " is repeated");

  std::vector<std::string> cleaned;
  std::vector<int64_t> n_tokens;
  for (size_t i = 0; i < names.size(); ++i) {
    cleaned.push_back(clean_name(names[i]));
    n_tokens.push_back(static_cast<int64_t>(tokenizer.tokenize(cleaned.back()).size()));
    if (n_tokens.back() == 0)
      throw glip::Error("category " + std::to_string(i + 1) + " " + quoted(names[i]) +
                        " has no token after clean_name (" + quoted(cleaned.back()) + ")");
  }
  const int64_t budget = options.max_query_len - 2;  // [CLS] and [SEP]
  const int64_t sep_tokens = static_cast<int64_t>(tokenizer.tokenize(options.separation_tokens).size());
  const size_t n = names.size();

  // Categories that fit alone are chunked as if the too-long ones were absent (so they get exactly the prompts of
  // the list without them); each too-long category then joins, keeping list order, the prompt of the nearest
  // fitting category before it (the first prompt if there is none).
  std::vector<size_t> fit;
  for (size_t i = 0; i < n; ++i)
    if (n_tokens[i] <= budget) fit.push_back(i);
  auto members_of = [&](size_t b, size_t e) {  // fit[b, e)
    Members m;
    for (size_t k = b; k < e; ++k) {
      m.index.push_back(fit[k]);
      m.too_long.push_back(false);
    }
    return m;
  };
  std::vector<Members> chunks;
  if (options.chunk_size > 0) {  // TEST.CHUNKED_EVALUATION: fixed number of categories per prompt
    for (size_t b = 0; b < fit.size(); b += static_cast<size_t>(options.chunk_size))
      chunks.push_back(members_of(b, std::min(fit.size(), b + static_cast<size_t>(options.chunk_size))));
  } else {  // automatic: as many consecutive categories per prompt as fit (all of them if the whole prompt fits)
    size_t b = 0;
    while (b < fit.size()) {
      int64_t total = n_tokens[fit[b]];
      size_t e = b + 1;
      while (e < fit.size() && total + sep_tokens + n_tokens[fit[e]] <= budget)
        total += sep_tokens + n_tokens[fit[e++]];
      // The count above assumes the pieces tokenize independently; if a custom separator merges with the names,
      // shrink until the prompt really fits.
      while (e - b > 1 && build_detection_prompt(cleaned, labels, n_tokens, members_of(b, e), options, tokenizer)
                              .encoding.truncated())
        --e;
      chunks.push_back(members_of(b, e));
      b = e;
    }
  }
  if (chunks.empty()) chunks.emplace_back();  // every category is too long: one prompt with an empty caption
  size_t chunk = 0;
  for (size_t i = 0; i < n; ++i) {
    if (n_tokens[i] <= budget) {
      while (std::find(chunks[chunk].index.begin(), chunks[chunk].index.end(), i) == chunks[chunk].index.end()) ++chunk;
      continue;
    }
    Members& m = chunks[chunk];
    const size_t at = static_cast<size_t>(std::upper_bound(m.index.begin(), m.index.end(), i) - m.index.begin());
    m.index.insert(m.index.begin() + static_cast<std::ptrdiff_t>(at), i);
    m.too_long.insert(m.too_long.begin() + static_cast<std::ptrdiff_t>(at), true);
  }

  std::vector<TokenizedPrompt> prompts;
  for (const Members& m : chunks) {
    prompts.push_back(build_detection_prompt(cleaned, labels, n_tokens, m, options, tokenizer));
    log_warnings(prompts.back());
  }
  if (options.chunk_size <= 0 && prompts.size() > 1)
    spdlog::info("{} categories need {} prompts of at most {} tokens (chunked like TEST.CHUNKED_EVALUATION)", n,
                 prompts.size(), options.max_query_len);
  return prompts;
}

namespace {
// A prompt holding the caption's encoding and nothing else; glip::Error for an empty caption or one without tokens.
TokenizedPrompt encoded_caption(const std::string& caption, const PromptOptions& options, const BertTokenizer& tokenizer) {
  if (caption.empty()) throw glip::Error("the caption is empty");
  check_max_query_len(options.max_query_len);
  TokenizedPrompt p;
  p.caption = caption;
  p.encoding = tokenizer.encode(caption, options.max_query_len, options.pad_max);
  if (p.encoding.num_wordpieces == 0)
    throw glip::Error("the caption " + quoted(caption) + " has no tokens (only whitespace or control characters)");
  return p;
}
}  // namespace

TokenizedPrompt grounding_prompt(const std::string& caption, const std::vector<Phrase>& phrases, const PromptOptions& options,
                                const BertTokenizer& tokenizer) {
  TokenizedPrompt p = encoded_caption(caption, options, tokenizer);
  if (phrases.empty()) throw glip::Error("no phrases given for the caption " + quoted(caption));
  const int64_t len = p.encoding.text_length();
  const std::u32string cps = utf8_decode(caption);
  std::vector<std::string> lost, empty;
  for (size_t j = 0; j < phrases.size(); ++j) {
    const Phrase& ph = phrases[j];
    if (ph.spans.empty()) throw glip::Error("phrase " + std::to_string(j + 1) + " " + quoted(ph.name) + " has no span");
    std::string name = ph.name;
    for (const CharSpan& s : ph.spans) {
      if (s.start < 0 || s.end > len || s.start >= s.end)
        throw glip::Error("phrase " + std::to_string(j + 1) + " " + quoted(ph.name) + ": span [" +
                          std::to_string(s.start) + ", " + std::to_string(s.end) +
                          ") is empty or outside the caption (" + std::to_string(len) + " characters)");
      if (ph.name.empty()) {
        if (!name.empty()) name += " ";
        name += utf8_encode(std::u32string_view(cps).substr(static_cast<size_t>(s.start),
                                                            static_cast<size_t>(s.end - s.start)));
      }
    }
    const int64_t label = static_cast<int64_t>(j) + 1;  // plus = 1
    p.labels.push_back(label);
    p.label_names.push_back(name);
    p.label_spans.push_back(ph.spans);
    // create_positive_map: row j gets 1 on [first, last] of each span (256 wide), then nonzero().
    std::set<int64_t> tokens;
    bool dropped = false;
    for (const CharSpan& s : ph.spans) {
      int64_t first = 0, last = 0;
      if (!span_to_token_range(p.encoding, s, first, last)) {
        dropped = dropped || (p.encoding.truncated() && !p.encoding.char_to_token(s.end - 1).has_value());
        continue;
      }
      for (int64_t t = first; t <= last && t < options.max_query_len; ++t) tokens.insert(t);
    }
    p.positive_map[label] = std::vector<int64_t>(tokens.begin(), tokens.end());
    if (dropped) lost.push_back(tokens.empty() ? name : name + " (partly)");
    else if (tokens.empty()) empty.push_back(name);
  }
  warn_truncation(p, lost, options.max_query_len);
  if (!empty.empty()) warn(p, "phrases without tokens (they cannot be grounded): " + join_quoted(empty));
  log_warnings(p);
  return p;
}

TokenizedPrompt caption_only_prompt(const std::string& caption, const PromptOptions& options, const BertTokenizer& tokenizer) {
  TokenizedPrompt p = encoded_caption(caption, options, tokenizer);
  warn(p, "no phrase in the caption " + quoted(caption) + " (no content word): the positive map is empty");
  std::vector<std::string> none;
  warn_truncation(p, none, options.max_query_len);
  log_warnings(p);
  return p;
}

DensePositiveMap dense_positive_map(const PositiveMap& map, int64_t width) {
  DensePositiveMap d;
  d.width = width;
  d.values.assign(map.size() * static_cast<size_t>(width), 0.f);
  size_t row = 0;
  for (const auto& [label, tokens] : map) {
    d.labels.push_back(label);
    for (int64_t t : tokens) {
      if (t < 0 || t >= width)
        throw glip::Error("positive map: token index " + std::to_string(t) + " of label " + std::to_string(label) +
                          " is outside [0, " + std::to_string(width) + ")");
      d.values[row * static_cast<size_t>(width) + static_cast<size_t>(t)] = 1.f;
    }
    ++row;
  }
  return d;
}

}  // namespace glip::text
