// BERT uncased WordPiece tokenizer with character spans (see bert_tokenizer.h for the exact pipeline).
#include "core/text/bert_tokenizer.h"

#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/common/utf8.h"

namespace glip::text {

// Bytes of resources/vocab/bert-base-uncased-vocab.txt, generated at build time (embed_vocab.cmake).
extern const unsigned char kBertBaseUncasedVocab[];
extern const std::size_t kBertBaseUncasedVocabSize;

namespace {

constexpr int64_t kMaxInputCharsPerWord = 100;  // WordpieceTokenizer.max_input_chars_per_word
const char* const kSpecialTokens[] = {"[CLS]", "[SEP]", "[UNK]", "[PAD]", "[MASK]"};

// A code point of the normalised text together with the index of the original code point it came from.
struct Ch {
  char32_t cp;
  int64_t orig;
};
using Word = std::vector<Ch>;

utf8proc_category_t category(char32_t c) { return utf8proc_category(static_cast<utf8proc_int32_t>(c)); }

// BasicTokenizer._is_whitespace: space, \t, \n, \r or category Zs.
bool is_bert_whitespace(char32_t c) {
  return c == U' ' || c == U'\t' || c == U'\n' || c == U'\r' || category(c) == UTF8PROC_CATEGORY_ZS;
}

// BasicTokenizer._is_control: categories Cc and Cf, except \t \n \r.
bool is_control(char32_t c) {
  if (c == U'\t' || c == U'\n' || c == U'\r') return false;
  const auto cat = category(c);
  return cat == UTF8PROC_CATEGORY_CC || cat == UTF8PROC_CATEGORY_CF;
}

// BasicTokenizer._is_punctuation: the ASCII non-alphanumerics 33-47, 58-64, 91-96, 123-126, or any P* category.
bool is_punctuation(char32_t c) {
  if ((c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126)) return true;
  switch (category(c)) {
    case UTF8PROC_CATEGORY_PC:
    case UTF8PROC_CATEGORY_PD:
    case UTF8PROC_CATEGORY_PS:
    case UTF8PROC_CATEGORY_PE:
    case UTF8PROC_CATEGORY_PI:
    case UTF8PROC_CATEGORY_PF:
    case UTF8PROC_CATEGORY_PO:
      return true;
    default:
      return false;
  }
}

// BasicTokenizer._is_chinese_char: the CJK Unified Ideographs blocks (not Hiragana/Katakana/Hangul).
bool is_cjk(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF) ||
         (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B820 && c <= 0x2CEAF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

// Python str.isspace (what str.split() splits on): category Zs or bidirectional class WS, B or S.
bool is_py_space(char32_t c) {
  if (category(c) == UTF8PROC_CATEGORY_ZS) return true;
  const auto bidi = utf8proc_get_property(static_cast<utf8proc_int32_t>(c))->bidi_class;
  return bidi == UTF8PROC_BIDI_CLASS_WS || bidi == UTF8PROC_BIDI_CLASS_B || bidi == UTF8PROC_BIDI_CLASS_S;
}

// Python str.lower() of one character: the simple lowercase mapping, except U+0130 (the only unconditional
// multi-character lowercase mapping in SpecialCasing.txt).
void append_lower(const Ch& ch, Word& out) {
  if (ch.cp == 0x130) {
    out.push_back({U'i', ch.orig});
    out.push_back({0x307, ch.orig});
    return;
  }
  out.push_back({static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(ch.cp))), ch.orig});
}

int combining_class(char32_t c) {
  return utf8proc_get_property(static_cast<utf8proc_int32_t>(c))->combining_class;
}

// BasicTokenizer._run_strip_accents: NFD (canonical decomposition + canonical ordering), then drop Mn.
Word strip_accents(const Word& word) {
  Word nfd;
  nfd.reserve(word.size() + 4);
  std::array<utf8proc_int32_t, 32> buf{};
  for (const Ch& ch : word) {
    int boundclass = UTF8PROC_BOUNDCLASS_START;
    const utf8proc_ssize_t n = utf8proc_decompose_char(static_cast<utf8proc_int32_t>(ch.cp), buf.data(),
                                                       static_cast<utf8proc_ssize_t>(buf.size()),
                                                       UTF8PROC_DECOMPOSE, &boundclass);
    if (n < 0 || n > static_cast<utf8proc_ssize_t>(buf.size())) {
      nfd.push_back(ch);
      continue;
    }
    for (utf8proc_ssize_t i = 0; i < n; ++i) nfd.push_back({static_cast<char32_t>(buf[i]), ch.orig});
  }
  // Canonical ordering: stable sort of each run of non-starters by combining class.
  for (size_t i = 0; i < nfd.size();) {
    if (combining_class(nfd[i].cp) == 0) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < nfd.size() && combining_class(nfd[j].cp) != 0) ++j;
    std::stable_sort(nfd.begin() + static_cast<std::ptrdiff_t>(i), nfd.begin() + static_cast<std::ptrdiff_t>(j),
                     [](const Ch& a, const Ch& b) { return combining_class(a.cp) < combining_class(b.cp); });
    i = j;
  }
  Word out;
  out.reserve(nfd.size());
  for (const Ch& ch : nfd)
    if (category(ch.cp) != UTF8PROC_CATEGORY_MN) out.push_back(ch);
  return out;
}

// Python str.split() on a sequence: runs of non-space characters.
void split_on_py_space(const Word& text, std::vector<Word>& out) {
  Word cur;
  for (const Ch& ch : text) {
    if (is_py_space(ch.cp)) {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur.push_back(ch);
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
}

// BasicTokenizer.tokenize for a text without special tokens (already lowercased or not: lowering is idempotent).
std::vector<Word> basic_tokenize(const Word& text) {
  // _clean_text and _tokenize_chinese_chars.
  Word clean;
  clean.reserve(text.size());
  for (const Ch& ch : text) {
    if (ch.cp == 0 || ch.cp == 0xFFFD || is_control(ch.cp)) continue;
    if (is_bert_whitespace(ch.cp)) {
      clean.push_back({U' ', ch.orig});
    } else if (is_cjk(ch.cp)) {
      clean.push_back({U' ', ch.orig});
      clean.push_back(ch);
      clean.push_back({U' ', ch.orig});
    } else {
      clean.push_back(ch);
    }
  }
  std::vector<Word> orig_tokens;
  split_on_py_space(clean, orig_tokens);

  std::vector<Word> out;
  for (const Word& token : orig_tokens) {
    Word lower;
    lower.reserve(token.size());
    for (const Ch& ch : token) append_lower(ch, lower);
    const Word stripped = strip_accents(lower);
    // _run_split_on_punc, then the final whitespace_tokenize.
    Word cur;
    auto flush = [&]() {
      if (!cur.empty()) split_on_py_space(cur, out);
      cur.clear();
    };
    for (const Ch& ch : stripped) {
      if (is_punctuation(ch.cp)) {
        flush();
        cur.push_back(ch);
        flush();
      } else {
        cur.push_back(ch);
      }
    }
    flush();
  }
  return out;
}

}  // namespace

struct BertTokenizer::Impl {
  std::vector<std::string> id_to_token;
  std::unordered_map<std::string, int64_t> token_to_id;
  int64_t cls = 0, sep = 0, pad = 0, unk = 0;

  int64_t id_or_unk(const std::string& s) const {
    const auto it = token_to_id.find(s);
    return it == token_to_id.end() ? unk : it->second;
  }

  // WordpieceTokenizer.tokenize of one basic token.
  void wordpiece(const Word& word, std::vector<Token>& out) const {
    const CharSpan whole{word.front().orig, word.back().orig + 1};
    if (static_cast<int64_t>(word.size()) > kMaxInputCharsPerWord) {
      out.push_back({"[UNK]", unk, whole});
      return;
    }
    std::vector<Token> pieces;
    size_t start = 0;
    while (start < word.size()) {
      size_t end = word.size();
      bool found = false;
      std::string piece;
      while (start < end) {
        piece = start > 0 ? "##" : "";
        for (size_t i = start; i < end; ++i) utf8_append(piece, word[i].cp);
        if (token_to_id.count(piece)) {
          found = true;
          break;
        }
        --end;
      }
      if (!found) {
        out.push_back({"[UNK]", unk, whole});
        return;
      }
      const int64_t id = token_to_id.at(piece);
      pieces.push_back({std::move(piece), id, CharSpan{word[start].orig, word[end - 1].orig + 1}});
      start = end;
    }
    for (Token& t : pieces) out.push_back(std::move(t));
  }
};

BertTokenizer::BertTokenizer() : impl_(std::make_unique<Impl>()) {}
BertTokenizer::BertTokenizer(const BertTokenizer& o) : impl_(std::make_unique<Impl>(*o.impl_)) {}
BertTokenizer& BertTokenizer::operator=(const BertTokenizer& o) {
  if (this != &o) impl_ = std::make_unique<Impl>(*o.impl_);
  return *this;
}
BertTokenizer::BertTokenizer(BertTokenizer&&) noexcept = default;
BertTokenizer& BertTokenizer::operator=(BertTokenizer&&) noexcept = default;
BertTokenizer::~BertTokenizer() = default;

BertTokenizer BertTokenizer::from_vocab_text(std::string_view text, const std::string& origin) {
  BertTokenizer tok;
  Impl& im = *tok.impl_;
  utf8_decode(text);  // the vocabulary must be UTF-8 like everything else
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string line(text.substr(pos, nl - pos));
    if (!line.empty() && line.back() == '\r') line.pop_back();
    // load_vocab: token = line.rstrip("\n"); a later duplicate overrides the id of an earlier one.
    im.token_to_id[line] = static_cast<int64_t>(im.id_to_token.size());
    im.id_to_token.push_back(std::move(line));
    pos = nl + 1;
  }
  if (im.id_to_token.empty()) throw glip::Error("vocabulary " + origin + " is empty");
  auto require = [&](const char* name) {
    const auto it = im.token_to_id.find(name);
    if (it == im.token_to_id.end())
      throw glip::Error("vocabulary " + origin + " has no " + name + " token (not a BERT vocab.txt?)");
    return it->second;
  };
  im.cls = require("[CLS]");
  im.sep = require("[SEP]");
  im.pad = require("[PAD]");
  im.unk = require("[UNK]");
  return tok;
}

BertTokenizer BertTokenizer::from_vocab_file(const std::string& path) {
  glip::require_regular_file(path, "vocabulary file");
  std::ifstream f(path, std::ios::binary);
  if (!f) throw glip::Error("cannot open vocabulary file '" + path + "'");
  std::ostringstream ss;
  ss << f.rdbuf();
  return from_vocab_text(ss.str(), "'" + path + "'");
}

const BertTokenizer& BertTokenizer::bert_base_uncased() {
  static const BertTokenizer tok = from_vocab_text(
      std::string_view(reinterpret_cast<const char*>(kBertBaseUncasedVocab), kBertBaseUncasedVocabSize),
      "bert-base-uncased (built in)");
  return tok;
}

std::vector<Token> BertTokenizer::tokenize(std::string_view utf8) const {
  const std::u32string cps = utf8_decode(utf8);
  std::vector<Token> out;
  // Cut out literal special tokens (case-sensitive), tokenize the pieces between them.
  Word chunk;
  auto flush = [&]() {
    if (chunk.empty()) return;
    for (const Word& w : basic_tokenize(chunk)) impl_->wordpiece(w, out);
    chunk.clear();
  };
  for (size_t i = 0; i < cps.size();) {
    bool matched = false;
    if (cps[i] == U'[') {
      for (const char* special : kSpecialTokens) {
        const size_t len = std::char_traits<char>::length(special);
        if (i + len > cps.size()) continue;
        bool eq = true;
        for (size_t k = 0; k < len && eq; ++k) eq = cps[i + k] == static_cast<char32_t>(special[k]);
        if (!eq) continue;
        flush();
        out.push_back({special, impl_->id_or_unk(special),
                       CharSpan{static_cast<int64_t>(i), static_cast<int64_t>(i + len)}});
        i += len;
        matched = true;
        break;
      }
    }
    if (!matched) {
      chunk.push_back({cps[i], static_cast<int64_t>(i)});
      ++i;
    }
  }
  flush();
  return out;
}

Encoding BertTokenizer::encode(std::string_view utf8, int64_t max_length, bool pad) const {
  if (max_length < 2)
    throw glip::Error("max_length must be at least 2 ([CLS] and [SEP]), got " + std::to_string(max_length));
  const int64_t n_chars = utf8_length(utf8);
  std::vector<Token> pieces = tokenize(utf8);
  Encoding e;
  e.num_wordpieces = static_cast<int64_t>(pieces.size());
  const int64_t keep = std::min<int64_t>(e.num_wordpieces, max_length - 2);
  e.num_truncated = e.num_wordpieces - keep;
  e.token_of_char.assign(static_cast<size_t>(n_chars), -1);

  e.tokens.push_back("[CLS]");
  e.spans.push_back({});
  e.input_ids.push_back(impl_->cls);
  for (int64_t i = 0; i < keep; ++i) {
    Token& t = pieces[static_cast<size_t>(i)];
    const int64_t index = static_cast<int64_t>(e.tokens.size());
    for (int64_t c = t.span.start; c < t.span.end; ++c)
      if (e.token_of_char[static_cast<size_t>(c)] < 0) e.token_of_char[static_cast<size_t>(c)] = index;
    e.tokens.push_back(std::move(t.text));
    e.spans.push_back(t.span);
    e.input_ids.push_back(t.id);
  }
  e.tokens.push_back("[SEP]");
  e.spans.push_back({});
  e.input_ids.push_back(impl_->sep);
  e.attention_mask.assign(e.input_ids.size(), 1);
  if (pad) {
    e.input_ids.resize(static_cast<size_t>(max_length), impl_->pad);
    e.attention_mask.resize(static_cast<size_t>(max_length), 0);
  }
  return e;
}

std::optional<int64_t> Encoding::char_to_token(int64_t char_index) const {
  if (char_index < 0 || char_index >= static_cast<int64_t>(token_of_char.size())) return std::nullopt;
  const int64_t t = token_of_char[static_cast<size_t>(char_index)];
  if (t < 0) return std::nullopt;
  return t;
}

int64_t BertTokenizer::vocab_size() const { return static_cast<int64_t>(impl_->id_to_token.size()); }

std::optional<int64_t> BertTokenizer::token_to_id(const std::string& token) const {
  const auto it = impl_->token_to_id.find(token);
  if (it == impl_->token_to_id.end()) return std::nullopt;
  return it->second;
}

const std::string& BertTokenizer::id_to_token(int64_t id) const {
  if (id < 0 || id >= vocab_size())
    throw glip::Error("token id " + std::to_string(id) + " is outside the vocabulary (size " +
                      std::to_string(vocab_size()) + ")");
  return impl_->id_to_token[static_cast<size_t>(id)];
}

int64_t BertTokenizer::cls_id() const { return impl_->cls; }
int64_t BertTokenizer::sep_id() const { return impl_->sep; }
int64_t BertTokenizer::pad_id() const { return impl_->pad; }
int64_t BertTokenizer::unk_id() const { return impl_->unk; }

}  // namespace glip::text
