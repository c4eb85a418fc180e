// glip_text tokenizer: parity with transformers 4.25.1 BertTokenizer on the shared cases, spans, bad input.
#include <QtTest>

#include <nlohmann/json.hpp>

#include <string>

#include "core/common/error.h"
#include "core/text/bert_tokenizer.h"
#include "tests/common/files.h"
#include "tests/common/paths.h"

using glip::text::BertTokenizer;
using glip::text::CharSpan;
using glip::text::Encoding;

using glip::test::load_json;

namespace {
bool is_ascii(const std::string& s) {
  for (unsigned char c : s)
    if (c >= 0x80) return false;
  return true;
}
}  // namespace

class TestTokenizer : public QObject {
  Q_OBJECT
 private slots:
  void golden_cases() {
    const auto doc = load_json(glip::test::data_path("golden/tokenizer/tokenizer_cases.json"));
    const BertTokenizer& tok = BertTokenizer::bert_base_uncased();
    int n = 0, ids_ok = 0, tokens_ok = 0, ascii = 0, spans_ok = 0;
    for (const auto& c : doc.at("cases")) {
      ++n;
      const std::string text = c.at("text").get<std::string>();
      const Encoding e = tok.encode(text, 512, /*pad=*/false);
      const auto want_ids = c.at("input_ids").get<std::vector<int64_t>>();
      const auto want_tokens = c.at("tokens").get<std::vector<std::string>>();
      if (e.input_ids == want_ids) ++ids_ok;
      else qWarning("ids differ for case %d: %s", n, text.substr(0, 80).c_str());
      if (e.tokens == want_tokens) ++tokens_ok;
      else qWarning("tokens differ for case %d: %s", n, text.substr(0, 80).c_str());
      if (is_ascii(text)) {
        QVERIFY2(c.contains("char_spans"), text.c_str());
        ++ascii;
        const auto want = c.at("char_spans").get<std::vector<std::vector<int64_t>>>();
        bool ok = want.size() + 2 == e.spans.size() && !e.spans.front().valid() && !e.spans.back().valid();
        for (size_t i = 0; ok && i < want.size(); ++i)
          ok = e.spans[i + 1] == CharSpan{want[i][0], want[i][1]};
        if (ok) ++spans_ok;
        else qWarning("spans differ for case %d: %s", n, text.substr(0, 80).c_str());
      }
    }
    qInfo("tokenizer cases: %d, identical ids %d, identical tokens %d, ascii cases %d, identical spans %d", n,
          ids_ok, tokens_ok, ascii, spans_ok);
    QCOMPARE(n, 198);
    QCOMPARE(ids_ok, n);
    QCOMPARE(tokens_ok, n);
    QCOMPARE(spans_ok, ascii);
  }

  void spans_of_non_ascii_text() {
    // Spans count code points of the original text: "é" is one character, and the accent stays inside the token.
    const Encoding e = BertTokenizer::bert_base_uncased().encode("Café au bus", 256, false);
    QCOMPARE(e.tokens, (std::vector<std::string>{"[CLS]", "cafe", "au", "bus", "[SEP]"}));
    QVERIFY(e.spans[1] == (CharSpan{0, 4}));
    QVERIFY(e.spans[2] == (CharSpan{5, 7}));
    QCOMPARE(e.char_to_token(3).value(), int64_t{1});
    QVERIFY(!e.char_to_token(4).has_value());  // the space
    // Decomposed input (e + U+0301): the combining mark is dropped; its own index maps to no token.
    const Encoding d = BertTokenizer::bert_base_uncased().encode("cafe\xCC\x81 x", 256, false);
    QCOMPARE(d.tokens[1], std::string("cafe"));
    QVERIFY(d.spans[1] == (CharSpan{0, 4}));
    QVERIFY(d.spans[2] == (CharSpan{6, 7}));
    // CJK ideographs are split into single characters; a 4-byte emoji is one code point.
    const Encoding c = BertTokenizer::bert_base_uncased().encode("\xF0\x9F\x90\xB1 \xE4\xBA\xBA\xE4\xB8\x8A", 256,
                                                                 false);
    QCOMPARE(c.tokens, (std::vector<std::string>{"[CLS]", "[UNK]", "\xE4\xBA\xBA", "\xE4\xB8\x8A", "[SEP]"}));
    QVERIFY(c.spans[1] == (CharSpan{0, 1}));
    QVERIFY(c.spans[2] == (CharSpan{2, 3}));
    QVERIFY(c.spans[3] == (CharSpan{3, 4}));
  }

  void python_string_semantics() {
    const BertTokenizer& tok = BertTokenizer::bert_base_uncased();
    // U+2028 (Zl) is not removed by _clean_text but Python's str.split() splits on it.
    const Encoding a = tok.encode("a\xE2\x80\xA8" "b", 256, false);
    QCOMPARE(a.tokens, (std::vector<std::string>{"[CLS]", "a", "b", "[SEP]"}));
    QVERIFY(a.spans[2] == (CharSpan{2, 3}));
    // U+0130: str.lower() gives "i" + U+0307, the combining dot is stripped; the span still covers one character.
    const Encoding b = tok.encode("\xC4\xB0stanbul", 256, false);
    QCOMPARE(b.tokens, (std::vector<std::string>{"[CLS]", "istanbul", "[SEP]"}));
    QVERIFY(b.spans[1] == (CharSpan{0, 8}));
    // Lowercasing is per character (the slow tokenizer's regex), so a final capital sigma becomes σ, not ς.
    QCOMPARE(tok.encode("\xCE\x9F\xCE\x94\xCE\x9F\xCE\xA3").tokens,
             tok.encode("\xCE\xBF\xCE\xB4\xCE\xBF\xCF\x83").tokens);
    // U+037E GREEK QUESTION MARK decomposes (NFD) to ';', which is split off as punctuation.
    QCOMPARE(tok.encode("ab\xCD\xBE" "cd", 256, false).tokens,
             (std::vector<std::string>{"[CLS]", "ab", ";", "cd", "[SEP]"}));
  }

  void literal_special_tokens() {
    // PreTrainedTokenizer.tokenize keeps special tokens written in the text (case-sensitive).
    const Encoding e = BertTokenizer::bert_base_uncased().encode("a [MASK] b[SEP]c [mask]", 256, false);
    QCOMPARE(e.tokens, (std::vector<std::string>{"[CLS]", "a", "[MASK]", "b", "[SEP]", "c", "[", "mask", "]",
                                                 "[SEP]"}));
    QCOMPARE(e.input_ids[2], int64_t{103});
    QVERIFY(e.spans[2] == (CharSpan{2, 8}));
  }

  void long_words_and_padding() {
    const BertTokenizer& tok = BertTokenizer::bert_base_uncased();
    const std::string w100(100, 'a'), w101(101, 'a');
    const Encoding a = tok.encode(w100, 256, true);
    QVERIFY(a.tokens[1] != "[UNK]");
    const Encoding b = tok.encode("x " + w101 + " y", 256, true);
    QCOMPARE(b.tokens, (std::vector<std::string>{"[CLS]", "x", "[UNK]", "y", "[SEP]"}));
    QVERIFY(b.spans[2] == (CharSpan{2, 103}));
    QCOMPARE(b.input_ids.size(), size_t{256});
    QCOMPARE(b.attention_mask.size(), size_t{256});
    QCOMPARE(b.attention_mask[4], int64_t{1});
    QCOMPARE(b.attention_mask[5], int64_t{0});
    QCOMPARE(b.input_ids[5], int64_t{0});
  }

  void truncation() {
    std::string text;
    for (int i = 0; i < 2000; ++i) text += "cat ";
    const Encoding e = BertTokenizer::bert_base_uncased().encode(text, 256, true);
    QCOMPARE(e.num_tokens(), int64_t{256});
    QCOMPARE(e.num_wordpieces, int64_t{2000});
    QCOMPARE(e.num_truncated, int64_t{2000 - 254});
    QCOMPARE(e.tokens.back(), std::string("[SEP]"));
    QCOMPARE(e.char_to_token(254 * 4 - 4).value(), int64_t{254});
    QVERIFY(!e.char_to_token(254 * 4).has_value());  // first dropped word
    QVERIFY_THROWS_EXCEPTION(glip::Error, BertTokenizer::bert_base_uncased().encode("x", 1, true));
  }

  void invalid_utf8() {
    const BertTokenizer& tok = BertTokenizer::bert_base_uncased();
    for (const std::string& bad : {std::string("ab\xFF" "cd"), std::string("ab\xC3"), std::string("ab\xC0\xAF"),
                                   std::string("ab\xED\xA0\x80")}) {
      try {
        tok.encode(bad);
        QFAIL("invalid UTF-8 accepted");
      } catch (const glip::Error& e) {
        QVERIFY2(std::string(e.what()).find("byte offset 2") != std::string::npos, e.what());
      }
    }
  }

  void vocab_file() {
    const BertTokenizer from_file = BertTokenizer::from_vocab_file(
        glip::test::source_path("resources/vocab/bert-base-uncased-vocab.txt"));
    QCOMPARE(from_file.vocab_size(), int64_t{30522});
    QCOMPARE(BertTokenizer::bert_base_uncased().vocab_size(), int64_t{30522});
    QCOMPARE(from_file.encode("fire hydrant").input_ids, BertTokenizer::bert_base_uncased().encode("fire hydrant").input_ids);
    QCOMPARE(from_file.token_to_id("##nt").value(), int64_t{3372});
    QCOMPARE(from_file.id_to_token(101), std::string("[CLS]"));
    QVERIFY_THROWS_EXCEPTION(glip::Error, from_file.id_to_token(30522));
    QVERIFY_THROWS_EXCEPTION(glip::Error, BertTokenizer::from_vocab_file("/nonexistent/vocab.txt"));
    QVERIFY_THROWS_EXCEPTION(glip::Error, BertTokenizer::from_vocab_text("a\nb\n", "test"));
    // A tiny vocabulary: greedy longest match, and [UNK] for a word it cannot cover.
    const BertTokenizer tiny =
        BertTokenizer::from_vocab_text("[PAD]\n[UNK]\n[CLS]\n[SEP]\nun\n##aff\n##able\n##a\naff\n", "tiny");
    QCOMPARE(tiny.encode("unaffable affx", 16, false).tokens,
             (std::vector<std::string>{"[CLS]", "un", "##aff", "##able", "[UNK]", "[SEP]"}));
  }
};

QTEST_APPLESS_MAIN(TestTokenizer)
#include "test_tokenizer.moc"
