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

std::string join_quoted(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i) out += ", ";
    out += quoted(names[i]);
  }
  return out;
}

void warn(Prompt& p, std::string msg) {
  spdlog::warn("{}", msg);
  p.warnings.push_back(std::move(msg));
}

// Adds the truncation warning (naming the labels that lost their tokens) if the caption was truncated.
void warn_truncation(Prompt& p, const std::vector<std::string>& lost, int64_t max_query_len) {
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

// One detection prompt for categories [begin, end) of the cleaned list (create_queries_and_maps).
Prompt build_detection_prompt(const std::vector<std::string>& cleaned, const std::vector<int64_t>& labels, size_t begin,
                              size_t end, const PromptOptions& options, const BertTokenizer& tokenizer) {
  Prompt p;
  const int64_t sep_len = utf8_length(options.separation_tokens);
  int64_t pos = 0;
  for (size_t i = begin; i < end; ++i) {
    const int64_t start = pos;
    p.caption += cleaned[i];
    pos += utf8_length(cleaned[i]);
    p.labels.push_back(labels[i]);
    p.label_names.push_back(cleaned[i]);
    p.label_spans.push_back({CharSpan{start, pos}});
    if (i + 1 != end) {
      p.caption += options.separation_tokens;
      pos += sep_len;
    }
  }
  p.encoding = tokenizer.encode(p.caption, options.max_query_len, options.pad_max);
  // create_positive_dict: keys only for labels that found tokens.
  std::vector<std::string> lost, empty;
  for (size_t k = 0; k < p.labels.size(); ++k) {
    int64_t first = 0, last = 0;
    const bool found = span_to_token_range(p.encoding, p.label_spans[k].front(), first, last);
    if (found && first <= last) {
      auto& tokens = p.positive_map[p.labels[k]];
      for (int64_t t = first; t <= last; ++t) tokens.push_back(t);
    } else if (p.encoding.truncated() && p.label_spans[k].front().end > 0 &&
               !p.encoding.char_to_token(p.label_spans[k].front().end - 1).has_value()) {
      lost.push_back(p.label_names[k]);
    } else {
      empty.push_back(p.label_names[k]);
    }
  }
  warn_truncation(p, lost, options.max_query_len);
  if (!empty.empty()) warn(p, "categories without tokens in the prompt (they cannot be detected): " + join_quoted(empty));
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

std::vector<Prompt> detection_prompts(const std::vector<std::string>& names, const PromptOptions& options,
                                      const BertTokenizer& tokenizer) {
  std::vector<int64_t> labels(names.size());
  for (size_t i = 0; i < labels.size(); ++i) labels[i] = static_cast<int64_t>(i) + 1;
  return detection_prompts(names, labels, options, tokenizer);
}

std::vector<Prompt> detection_prompts(const std::vector<std::string>& names, const std::vector<int64_t>& labels,
                                      const PromptOptions& options, const BertTokenizer& tokenizer) {
  if (names.empty()) throw glip::Error("no category names given for the detection prompt");
  if (labels.size() != names.size())
    throw glip::Error("detection prompt: " + std::to_string(names.size()) + " category names but " +
                      std::to_string(labels.size()) + " label ids");
  if (options.max_query_len < 3)
    throw glip::Error("MAX_QUERY_LEN must be at least 3, got " + std::to_string(options.max_query_len));
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

  std::vector<Prompt> prompts;
  if (options.chunk_size > 0) {  // TEST.CHUNKED_EVALUATION: fixed number of categories per prompt
    for (size_t b = 0; b < n; b += static_cast<size_t>(options.chunk_size)) {
      const size_t e = std::min(n, b + static_cast<size_t>(options.chunk_size));
      prompts.push_back(build_detection_prompt(cleaned, labels, b, e, options, tokenizer));
    }
    return prompts;
  }
  // Automatic: as many consecutive categories per prompt as fit (all of them if the whole prompt fits).
  size_t b = 0;
  while (b < n) {
    int64_t total = n_tokens[b];
    size_t e = b + 1;
    while (e < n && total + sep_tokens + n_tokens[e] <= budget) total += sep_tokens + n_tokens[e++];
    Prompt p = build_detection_prompt(cleaned, labels, b, e, options, tokenizer);
    // The count above assumes the pieces tokenize independently; if a custom separator merges with the names,
    // shrink until the prompt really fits.
    while (p.encoding.truncated() && e - b > 1) p = build_detection_prompt(cleaned, labels, b, --e, options, tokenizer);
    prompts.push_back(std::move(p));
    b = e;
  }
  if (prompts.size() > 1)
    spdlog::info("{} categories need {} prompts of at most {} tokens (chunked like TEST.CHUNKED_EVALUATION)", n,
                 prompts.size(), options.max_query_len);
  return prompts;
}

Prompt grounding_prompt(const std::string& caption, const std::vector<Phrase>& phrases, const PromptOptions& options,
                        const BertTokenizer& tokenizer) {
  if (caption.empty()) throw glip::Error("the caption is empty");
  if (options.max_query_len < 3)
    throw glip::Error("MAX_QUERY_LEN must be at least 3, got " + std::to_string(options.max_query_len));
  Prompt p;
  p.caption = caption;
  p.encoding = tokenizer.encode(caption, options.max_query_len, options.pad_max);
  if (p.encoding.num_wordpieces == 0)
    throw glip::Error("the caption " + quoted(caption) + " has no tokens (only whitespace or control characters)");
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
