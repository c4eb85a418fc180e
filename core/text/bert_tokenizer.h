// BERT uncased WordPiece tokenizer, identical to transformers 4.25.1's slow `BertTokenizer` (bert-base-uncased,
// do_lower_case=True, tokenize_chinese_chars=True, strip_accents unset), plus the character span of every token
// in the ORIGINAL text, as the fast tokenizer's offsets give them (GLIP's `char_to_token` relies on these).
//
// All character positions are Unicode code point indices into the caption (Python `str` indices), never bytes.
//
// Pipeline (per the slow tokenizer):
//   1. The special tokens [CLS] [SEP] [UNK] [PAD] [MASK] written literally in the text (case-sensitive) are cut
//      out first and kept as single tokens (PreTrainedTokenizer.tokenize's no-split trie).
//   2. Everything else is lowercased (Python str.lower), then BasicTokenizer: clean text (drop U+0000, U+FFFD and
//      control characters Cc/Cf other than \t \n \r; whitespace \t \n \r and Zs become a space), put spaces around
//      CJK ideographs, split on whitespace (Python str.split), strip accents (NFD, drop Mn), split off every
//      punctuation character (ASCII 33-47, 58-64, 91-96, 123-126 and Unicode P*).
//   3. WordpieceTokenizer: greedy longest match with "##" continuation pieces; a word longer than 100 characters,
//      or one that cannot be covered by vocabulary pieces, becomes one [UNK].
// Unicode data (categories, NFD, case mapping) comes from utf8proc.
//
//   const glip::text::BertTokenizer& tok = glip::text::BertTokenizer::bert_base_uncased();  // built in, offline
//   glip::text::Encoding e = tok.encode("a cup of coffee", 256);
//   e.tokens     -> [CLS] a cup of coffee [SEP]
//   e.input_ids  -> 101 1037 2452 1997 4157 102 0 0 ... (256 entries, padded)
//   e.char_to_token(2) -> 2
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/utf8.h"

namespace glip::text {

// [start, end) in code points of the original text; {-1, -1} for [CLS], [SEP] and padding.
struct CharSpan {
  int64_t start = -1;
  int64_t end = -1;
  bool valid() const { return start >= 0; }
  bool operator==(const CharSpan& o) const { return start == o.start && end == o.end; }
};

// One WordPiece token of the text (no [CLS]/[SEP]).
struct Token {
  std::string text;  // vocabulary string, e.g. "##nt" or "[UNK]"
  int64_t id = 0;
  CharSpan span;     // characters of the original text it came from
};

// Result of BertTokenizer::encode: what the tokenizer call `tokenizer(text, max_length=L, truncation=True,
// padding="max_length")` returns, with the offsets.
struct Encoding {
  std::vector<std::string> tokens;      // [CLS] ... [SEP], no padding
  std::vector<CharSpan> spans;          // one per entry of `tokens`
  std::vector<int64_t> input_ids;       // ids of `tokens`, then 0 ([PAD]) up to max_length if padded
  std::vector<int64_t> attention_mask;  // 1 for `tokens`, 0 for padding; same length as input_ids
  int64_t num_wordpieces = 0;           // WordPiece tokens of the whole text, before truncation
  int64_t num_truncated = 0;            // WordPiece tokens dropped by truncation (0 if it fit)

  int64_t text_length() const { return static_cast<int64_t>(token_of_char.size()); }  // code points
  int64_t num_tokens() const { return static_cast<int64_t>(tokens.size()); }
  bool truncated() const { return num_truncated > 0; }
  // Index (into `tokens`) of the token whose span contains code point `char_index`, like the fast tokenizer's
  // char_to_token; nullopt for whitespace, removed characters, truncated text and indices outside the text.
  std::optional<int64_t> char_to_token(int64_t char_index) const;

  std::vector<int64_t> token_of_char;   // per code point of the text: index into `tokens`, or -1
};

class BertTokenizer {
 public:
  // The bert-base-uncased vocabulary compiled into the library (resources/vocab/bert-base-uncased-vocab.txt).
  static const BertTokenizer& bert_base_uncased();
  // A vocab.txt file: one token per line, the line number is the id. Throws glip::Error if it cannot be read, is
  // empty, or lacks [PAD] [UNK] [CLS] [SEP].
  static BertTokenizer from_vocab_file(const std::string& path);
  // Vocabulary text in vocab.txt format; `origin` names it in error messages.
  static BertTokenizer from_vocab_text(std::string_view text, const std::string& origin);

  BertTokenizer(const BertTokenizer&);
  BertTokenizer& operator=(const BertTokenizer&);
  BertTokenizer(BertTokenizer&&) noexcept;
  BertTokenizer& operator=(BertTokenizer&&) noexcept;
  ~BertTokenizer();

  // WordPiece tokens of `utf8` (no [CLS]/[SEP], no truncation). Invalid UTF-8 -> glip::Error naming the byte
  // offset.
  std::vector<Token> tokenize(std::string_view utf8) const;
  // [CLS] tokens [SEP]. If there are more than max_length-2 WordPiece tokens, the first max_length-2 are kept
  // (truncation=True). With `pad`, input_ids/attention_mask are padded with 0 to max_length.
  Encoding encode(std::string_view utf8, int64_t max_length = 256, bool pad = true) const;

  int64_t vocab_size() const;
  // Id of a vocabulary string; nullopt if absent.
  std::optional<int64_t> token_to_id(const std::string& token) const;
  // Vocabulary string of an id; glip::Error if out of range.
  const std::string& id_to_token(int64_t id) const;

  int64_t cls_id() const;
  int64_t sep_id() const;
  int64_t pad_id() const;
  int64_t unk_id() const;

 private:
  BertTokenizer();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The UTF-8 helpers live in core/common/utf8.h; these names keep the text:: spelling working.
using glip::utf8_decode;
using glip::utf8_encode;
using glip::utf8_length;
using glip::utf8_substr;

}  // namespace glip::text
