// Noun-phrase heuristic for captions without spans (see phrases.h).
#include "core/text/phrases.h"

#include <utf8proc.h>

#include <unordered_set>

namespace glip::text {

namespace {

const std::unordered_set<std::string> kDeterminers = {
    "a",    "an",      "the",  "this",  "that",  "these", "those", "some",  "any",   "each",   "every",
    "another", "both", "several", "many", "my",  "your",  "his",   "her",   "its",   "our",    "their",
    "one",  "two",     "three", "four", "five",  "six",   "seven", "eight", "nine",  "ten",    "eleven",
    "twelve"};

// Prepositions, conjunctions, pronouns, auxiliaries, a few frequent caption verbs and adverbs.
const std::unordered_set<std::string> kPhraseStopwords = {
    // prepositions
    "about", "above", "across", "after", "against", "along", "alongside", "among", "around", "at", "atop",
    "before", "behind", "below", "beneath", "beside", "besides", "between", "beyond", "by", "down", "during",
    "except", "for", "from", "in", "inside", "into", "near", "next", "of", "off", "on", "onto", "out", "outside",
    "over", "past", "through", "throughout", "to", "toward", "towards", "under", "underneath", "until", "up",
    "upon", "with", "within", "without", "via", "like", "than", "as", "while",
    // conjunctions
    "and", "or", "but", "nor", "so", "yet", "because", "although", "though", "if", "unless", "whether", "then",
    "where", "when", "whereas",
    // pronouns
    "i", "me", "you", "he", "him", "she", "it", "we", "us", "they", "them", "who", "whom", "whose", "which",
    "what", "there", "here", "itself", "himself", "herself", "themselves", "other", "others",
    // auxiliaries and common verbs
    "is", "are", "was", "were", "be", "been", "being", "am", "has", "have", "had", "having", "do", "does", "did",
    "done", "can", "could", "will", "would", "shall", "should", "may", "might", "must", "sits", "sit", "stands",
    "stand", "holds", "hold", "looks", "look", "lies", "lie", "wears", "wear", "rides", "ride", "walks", "walk",
    "plays", "play", "eats", "eat", "shows", "show", "contains", "appears", "seems", "seen", "made",
    // adverbs and others
    "very", "too", "also", "just", "only", "not", "no", "together", "each", "other", "all", "some", "more", "most",
    "away", "back", "almost", "really", "please", "find", "detect", "locate"};

enum class Kind { Det, Stop, Content };

bool is_word_char(char32_t c) {
  switch (utf8proc_category(static_cast<utf8proc_int32_t>(c))) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT: case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
      return true;
    default:
      return false;
  }
}

bool is_space(char32_t c) {
  return c == U' ' || c == U'\t' || c == U'\n' || c == U'\r' ||
         utf8proc_category(static_cast<utf8proc_int32_t>(c)) == UTF8PROC_CATEGORY_ZS;
}

struct WordTok {
  int64_t start = 0, end = 0;
  std::string lower;
  Kind kind = Kind::Content;
  bool break_before = false;  // punctuation between the previous word and this one
};

}  // namespace

std::vector<Phrase> find_phrases(const std::string& caption) {
  const std::u32string cps = utf8_decode(caption);
  const int64_t n = static_cast<int64_t>(cps.size());
  std::vector<WordTok> words;
  bool pending_break = false;
  for (int64_t i = 0; i < n;) {
    if (is_space(cps[i])) {
      ++i;
      continue;
    }
    if (!is_word_char(cps[i])) {
      pending_break = true;
      ++i;
      continue;
    }
    WordTok w;
    w.start = i;
    w.break_before = pending_break;
    pending_break = false;
    while (i < n) {
      if (is_word_char(cps[i])) {
        ++i;
      } else if ((cps[i] == U'\'' || cps[i] == U'-' || cps[i] == 0x2019) && i + 1 < n && is_word_char(cps[i + 1])) {
        i += 2;
      } else {
        break;
      }
    }
    w.end = i;
    std::u32string low;
    for (int64_t k = w.start; k < w.end; ++k)
      low.push_back(static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(cps[k]))));
    w.lower = utf8_encode(low);
    bool digits = true;
    for (char c : w.lower) digits = digits && c >= '0' && c <= '9';
    if (digits || kDeterminers.count(w.lower)) w.kind = Kind::Det;
    else if (kPhraseStopwords.count(w.lower)) w.kind = Kind::Stop;
    words.push_back(std::move(w));
  }
  // Rule 3: "-ing" words followed by a determiner are verbs.
  for (size_t k = 0; k + 1 < words.size(); ++k) {
    const std::string& s = words[k].lower;
    if (words[k].kind == Kind::Content && s.size() >= 5 && s.compare(s.size() - 3, 3, "ing") == 0 &&
        words[k + 1].kind == Kind::Det && !words[k + 1].break_before)
      words[k].kind = Kind::Stop;
  }
  std::vector<Phrase> out;
  size_t k = 0;
  while (k < words.size()) {
    if (words[k].kind == Kind::Stop) {
      ++k;
      continue;
    }
    const size_t first = k;
    while (k < words.size() && words[k].kind == Kind::Det && (k == first || !words[k].break_before)) ++k;
    size_t last_content = words.size();
    while (k < words.size() && words[k].kind == Kind::Content && (k == first || !words[k].break_before)) {
      last_content = k;
      ++k;
    }
    if (last_content == words.size()) {  // determiners only
      if (k == first) ++k;
      continue;
    }
    const CharSpan span{words[first].start, words[last_content].end};
    out.push_back({utf8_encode(std::u32string_view(cps).substr(static_cast<size_t>(span.start),
                                                               static_cast<size_t>(span.end - span.start))),
                   {span}});
  }
  return out;
}

}  // namespace glip::text
