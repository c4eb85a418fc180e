// glip_text prompts: clean_name, detection/grounding prompts against the golden JSON, chunking, bad input, phrases.
#include <QtTest>

#include <nlohmann/json.hpp>

#include <set>
#include <string>

#include "core/common/error.h"
#include "core/config/config.h"
#include "core/text/phrases.h"
#include "core/text/prompt.h"
#include "tests/common/files.h"
#include "tests/common/paths.h"

using namespace glip::text;

using glip::test::load_json;
using glip::test::tiny_path;

namespace {
PositiveMap json_positive_map(const nlohmann::json& j) {
  PositiveMap m;
  for (auto it = j.begin(); it != j.end(); ++it) m[std::stoll(it.key())] = it.value().get<std::vector<int64_t>>();
  return m;
}

const std::vector<std::string> kDet16 = {"person",     "bicycle",   "car",       "traffic light", "fire hydrant",
                                         "stop sign",  "cat",       "dog",       "teddy bear",    "wine glass",
                                         "cup",        "spoon",     "dining table", "cell phone", "hair drier",
                                         "toothbrush"};

// Checks a prompt against the "prompt" object of a golden <img>.<kind>.json.
void check_against_golden(const TokenizedPrompt& p, const nlohmann::json& g) {
  QCOMPARE(p.caption, g.at("caption").get<std::string>());
  if (g.contains("tokens")) QCOMPARE(p.encoding.tokens, g.at("tokens").get<std::vector<std::string>>());
  if (g.contains("num_tokens")) QCOMPARE(p.encoding.num_tokens(), g.at("num_tokens").get<int64_t>());
  QVERIFY(p.positive_map == json_positive_map(g.at("positive_map_label_to_token")));
  const auto& names = g.at("label_names");
  QCOMPARE(p.label_names.size(), names.size());
  for (size_t i = 0; i < p.labels.size(); ++i)
    QCOMPARE(p.label_names[i], names.at(std::to_string(p.labels[i])).get<std::string>());
  QVERIFY(p.warnings.empty());
}
}  // namespace

class TestPrompt : public QObject {
  Q_OBJECT
 private slots:
  void clean_name_cases() {
    QCOMPARE(clean_name("traffic_light"), std::string("traffic light"));
    QCOMPARE(clean_name("bow_(weapon)"), std::string("bow "));
    QCOMPARE(clean_name("a (b) c (d) e"), std::string("a e"));  // greedy: "a " + " e", then "  " -> " "
    QCOMPARE(clean_name("cat-Egyptian_Mau"), std::string("cat-Egyptian Mau"));
    QCOMPARE(clean_name("x__y"), std::string("x y"));     // "__" -> "  " -> " "
    QCOMPARE(clean_name("x___y"), std::string("x  y"));   // three spaces -> one pass -> two
    QCOMPARE(clean_name("x    y"), std::string("x  y"));  // four -> two
    QCOMPARE(clean_name("open (paren"), std::string("open (paren"));
    QCOMPARE(clean_name("a (b\nc) d"), std::string("a (b\nc) d"));  // '.' does not match a newline
    QCOMPARE(clean_name("a (b\n(c) d)"), std::string("a (b\n"));
    QCOMPARE(clean_name("Pokemon (Pikachu)"), std::string("Pokemon "));
    QCOMPARE(split_category_list(" person, traffic light ,cat"),
             (std::vector<std::string>{"person", "traffic light", "cat"}));
    QVERIFY_THROWS_EXCEPTION(glip::Error, split_category_list("a,,b"));
    QVERIFY_THROWS_EXCEPTION(glip::Error, split_category_list(""));
  }

  void detection_golden() {
    for (const char* img : {"coffee", "astronaut"}) {
      const auto g = load_json(tiny_path(std::string(img) + ".det.json")).at("prompt");
      const auto prompts = detection_prompts(kDet16);
      QCOMPARE(prompts.size(), size_t{1});
      check_against_golden(prompts[0], g);
      QCOMPARE(prompts[0].encoding.input_ids.size(), size_t{256});
    }
  }

  void detection_coco80_golden() {
    const auto g = load_json(tiny_path("coffee.coco80.800x1333.json")).at("prompt");
    std::vector<std::string> names;
    for (int i = 1; i <= 80; ++i) names.push_back(g.at("label_names").at(std::to_string(i)).get<std::string>());
    const auto prompts = detection_prompts(names);
    QCOMPARE(prompts.size(), size_t{1});
    check_against_golden(prompts[0], g);
    QCOMPARE(prompts[0].encoding.num_tokens(), int64_t{194});
  }

  void grounding_golden() {
    for (const char* img : {"coffee", "astronaut"}) {
      const auto g = load_json(tiny_path(std::string(img) + ".grd.json")).at("prompt");
      std::vector<Phrase> phrases;
      const auto spans = g.at("char_spans");
      for (size_t i = 0; i < spans.size(); ++i) {
        Phrase ph;
        for (const auto& s : spans[i]) ph.spans.push_back({s[0].get<int64_t>(), s[1].get<int64_t>()});
        phrases.push_back(ph);  // name "" -> the caption text of the span
      }
      const TokenizedPrompt p = grounding_prompt(g.at("caption").get<std::string>(), phrases);
      check_against_golden(p, g);
      // The heuristic finds the same phrases on the astronaut caption.
      if (std::string(img) == "astronaut") {
        const auto found = find_phrases(p.caption);
        QCOMPARE(found.size(), phrases.size());
        for (size_t i = 0; i < found.size(); ++i) QVERIFY(found[i].spans == phrases[i].spans);
      }
    }
  }

  void chunking_lvis_size() {
    // 1203 categories (LVIS size): COCO-like names plus a vocabulary word, 2 to 6 WordPiece tokens each.
    const BertTokenizer& tok = BertTokenizer::bert_base_uncased();
    std::vector<std::string> names;
    int64_t v = 2000;
    for (int i = 0; i < 1203; ++i) {
      std::string w;
      do w = tok.id_to_token(v = 2000 + (v * 7919 + 13) % 27000);
      while (w.rfind("##", 0) == 0 || w.size() < 3 || !std::isalpha(static_cast<unsigned char>(w[0])));
      names.push_back(kDet16[static_cast<size_t>(i) % kDet16.size()] + "_" + w);
    }
    for (int64_t chunk_size : {int64_t{-1}, int64_t{40}}) {
      PromptOptions opt;
      opt.chunk_size = chunk_size;
      const auto prompts = detection_prompts(names, opt);
      std::map<int64_t, int> seen;
      size_t total = 0;
      for (size_t c = 0; c < prompts.size(); ++c) {
        const TokenizedPrompt& p = prompts[c];
        QVERIFY(p.encoding.num_tokens() <= 256);
        QVERIFY(!p.encoding.truncated());
        QVERIFY(p.warnings.empty());
        QCOMPARE(p.encoding.input_ids.size(), size_t{256});
        if (chunk_size > 0) QCOMPARE(p.labels.size(), c + 1 < prompts.size() ? size_t{40} : size_t{1203 % 40});
        for (size_t k = 0; k < p.labels.size(); ++k) {
          const int64_t label = p.labels[k];
          QCOMPARE(label, static_cast<int64_t>(total + k + 1));  // consecutive, global ids
          ++seen[label];
          // The label's tokens are exactly the tokens of its cleaned name.
          const auto& idx = p.positive_map.at(label);
          std::vector<std::string> got;
          for (int64_t t : idx) got.push_back(p.encoding.tokens[static_cast<size_t>(t)]);
          std::vector<std::string> want;
          for (const Token& t : tok.tokenize(clean_name(names[static_cast<size_t>(label - 1)]))) want.push_back(t.text);
          QCOMPARE(got, want);
        }
        QCOMPARE(p.positive_map.size(), p.labels.size());
        total += p.labels.size();
      }
      QCOMPARE(total, size_t{1203});
      QCOMPARE(seen.size(), size_t{1203});
      for (const auto& [label, count] : seen) QCOMPARE(count, 1);
      qInfo("chunk_size %lld: %zu prompts, longest %lld tokens", static_cast<long long>(chunk_size), prompts.size(),
            static_cast<long long>(std::max_element(prompts.begin(), prompts.end(), [](const TokenizedPrompt& a, const TokenizedPrompt& b) {
                                     return a.encoding.num_tokens() < b.encoding.num_tokens();
                                   })->encoding.num_tokens()));
      if (chunk_size < 0) {
        QVERIFY(prompts.size() > 1);
        // Greedy packing: adding the next category to a chunk would not have fit.
        for (size_t c = 0; c + 1 < prompts.size(); ++c) {
          const std::string longer = prompts[c].caption + ". " + clean_name(names[static_cast<size_t>(prompts[c + 1].labels[0] - 1)]);
          QVERIFY(tok.encode(longer, 256).truncated());
        }
      }
    }
    // A fixed chunk size that is too large truncates with a warning naming the lost categories.
    PromptOptions opt;
    opt.chunk_size = 200;
    const auto prompts = detection_prompts(names, opt);
    QVERIFY(!prompts[0].warnings.empty());
    QVERIFY(prompts[0].encoding.truncated());
    QVERIFY(prompts[0].positive_map.size() < 200);
    const std::string lost = clean_name(names[199]);
    QVERIFY2(prompts[0].warnings[0].find("'" + lost + "'") != std::string::npos, prompts[0].warnings[0].c_str());
  }

  void detection_bad_input() {
    QVERIFY_THROWS_EXCEPTION(glip::Error, detection_prompts({}));
    QVERIFY_THROWS_EXCEPTION(glip::Error, detection_prompts({"cat", "(nothing)"}));
    QVERIFY_THROWS_EXCEPTION(glip::Error, detection_prompts({"cat", "  "}));
    QVERIFY_THROWS_EXCEPTION(glip::Error, detection_prompts({"cat", "dog"}, {1, 1}));
    QVERIFY_THROWS_EXCEPTION(glip::Error, detection_prompts({"cat", "dog"}, {1}));
    QVERIFY_THROWS_EXCEPTION(glip::Error, detection_prompts({"cat", "d\xFF"}));
    // Explicit (dataset) label ids are kept.
    const auto p = detection_prompts({"cat", "traffic_light (signal)"}, {17, 3});
    QCOMPARE(p[0].caption, std::string("cat. traffic light "));
    QVERIFY(p[0].positive_map == (PositiveMap{{17, {1}}, {3, {3, 4}}}));
  }

  void grounding_bad_input() {
    QVERIFY_THROWS_EXCEPTION(glip::Error, grounding_prompt("", {{"x", {{0, 1}}}}));
    QVERIFY_THROWS_EXCEPTION(glip::Error, grounding_prompt("   \t ", {{"x", {{0, 1}}}}));
    QVERIFY_THROWS_EXCEPTION(glip::Error, grounding_prompt("a cat", {}));
    QVERIFY_THROWS_EXCEPTION(glip::Error, grounding_prompt("a cat", {{"x", {{2, 6}}}}));
    QVERIFY_THROWS_EXCEPTION(glip::Error, grounding_prompt("a cat", {{"x", {{3, 3}}}}));
    QVERIFY_THROWS_EXCEPTION(glip::Error, grounding_prompt("a cat", {{"x", {}}}));
    QVERIFY_THROWS_EXCEPTION(glip::Error, grounding_prompt("a c\xC3", {{"x", {{0, 1}}}}));
    // Punctuation only: tokens exist, the heuristic finds no phrase, an explicit span still maps.
    QVERIFY(find_phrases("... !?").empty());
    const TokenizedPrompt p = grounding_prompt("... !?", {{"", {{0, 3}}}});
    QCOMPARE(p.encoding.tokens, (std::vector<std::string>{"[CLS]", ".", ".", ".", "!", "?", "[SEP]"}));
    QVERIFY(p.positive_map == (PositiveMap{{1, {1, 2, 3}}}));
    QCOMPARE(p.label_names[0], std::string("..."));
    // A span on whitespace only: fallbacks find nothing, the label stays with no tokens and a warning.
    const TokenizedPrompt w = grounding_prompt("a      cat", {{"gap", {{2, 5}}}, {"", {{7, 10}}}});
    QVERIFY(w.positive_map == (PositiveMap{{1, {}}, {2, {2}}}));
    QCOMPARE(w.warnings.size(), size_t{1});
    // Fallbacks: a span starting on a space uses start+1; ending on a space uses end-2.
    const TokenizedPrompt f = grounding_prompt("a big cat", {{"", {{1, 6}}}});
    QVERIFY(f.positive_map == (PositiveMap{{1, {2}}}));
  }

  // A category whose name alone is longer than MAX_QUERY_LEN - 2 WordPieces is left out of the caption: the other
  // categories get exactly the prompts of the list without it (auto and fixed chunks), the long one keeps its label
  // (list order) with no span and no positive-map entry, and a warning names it. Hand-derived: "person. traffic
  // light. dog. cup" = [CLS] person . traffic light . dog . cup [SEP].
  void overlong_category() {
    const BertTokenizer& tok = BertTokenizer::bert_base_uncased();
    std::string table300, table254, table255;  // "table table ...": one WordPiece per word
    for (int i = 0; i < 300; ++i) {
      table300 += i ? " table" : "table";
      if (i < 254) table254 = table300;
      if (i < 255) table255 = table300;
    }
    QCOMPARE(tok.tokenize(table300).size(), size_t{300});
    QCOMPARE(tok.tokenize(table254).size(), size_t{254});
    const std::string car300 = "car " + table300.substr(6);  // another 300-token name, told apart by its start
    const std::vector<std::string> others = {"person", "traffic_light", "dog", "cup"};
    const std::vector<std::string> names = {"person", table300, "traffic_light", "dog", "cup", car300};

    // One prompt (automatic chunking): the caption and tokens of the four short names.
    const std::vector<TokenizedPrompt> one = detection_prompts(names);
    QCOMPARE(one.size(), size_t{1});
    const TokenizedPrompt& p = one[0];
    QCOMPARE(p.caption, std::string("person. traffic light. dog. cup"));
    QCOMPARE(p.encoding.tokens, (std::vector<std::string>{"[CLS]", "person", ".", "traffic", "light", ".", "dog", ".",
                                                          "cup", "[SEP]"}));
    QVERIFY(!p.encoding.truncated());
    QCOMPARE(p.labels, (std::vector<int64_t>{1, 2, 3, 4, 5, 6}));
    QCOMPARE(p.label_names[1], table300);
    QVERIFY(p.label_spans[1].empty() && p.label_spans[5].empty());
    QVERIFY(p.label_spans[2] == (std::vector<CharSpan>{{8, 21}}));
    QVERIFY(p.positive_map == (PositiveMap{{1, {1}}, {3, {3, 4}}, {4, {6}}, {5, {8}}}));
    QCOMPARE(p.warnings.size(), size_t{1});
    const std::string& w = p.warnings[0];
    QVERIFY2(w.find("'table table table") != std::string::npos &&
                 w.find("(label 2, 300 tokens)") != std::string::npos &&
                 w.find("'car table table") != std::string::npos &&
                 w.find("(label 6, 300 tokens)") != std::string::npos && w.find("254") != std::string::npos &&
                 w.find("'person'") == std::string::npos,
             w.c_str());
    QVERIFY2(w.size() < 600, "long names are shortened in the warning");
    const TokenizedPrompt without = detection_prompts(others).at(0);
    QCOMPARE(p.encoding.input_ids, without.encoding.input_ids);
    QCOMPARE(p.encoding.attention_mask, without.encoding.attention_mask);

    // Fixed chunks of 2: [person, traffic light] + [dog, cup], as without the long names; each long one in the
    // chunk of the fitting category before it.
    PromptOptions two;
    two.chunk_size = 2;
    const std::vector<TokenizedPrompt> chunks = detection_prompts(names, two);
    const std::vector<TokenizedPrompt> chunks_without = detection_prompts(others, two);
    QCOMPARE(chunks.size(), size_t{2});
    QCOMPARE(chunks_without.size(), size_t{2});
    for (size_t c = 0; c < 2; ++c) {
      QCOMPARE(chunks[c].caption, chunks_without[c].caption);
      QCOMPARE(chunks[c].encoding.input_ids, chunks_without[c].encoding.input_ids);
      QCOMPARE(chunks[c].warnings.size(), size_t{1});
    }
    QCOMPARE(chunks[0].labels, (std::vector<int64_t>{1, 2, 3}));
    QCOMPARE(chunks[1].labels, (std::vector<int64_t>{4, 5, 6}));
    QVERIFY(chunks[0].positive_map == (PositiveMap{{1, {1}}, {3, {3, 4}}}));
    QVERIFY(chunks[1].positive_map == (PositiveMap{{4, {1}}, {5, {3}}}));
    QVERIFY(chunks[0].warnings[0].find("(label 2, 300 tokens)") != std::string::npos);
    QVERIFY(chunks[1].warnings[0].find("(label 6, 300 tokens)") != std::string::npos);

    // A long name first joins the first prompt; dataset label ids are kept.
    const std::vector<TokenizedPrompt> first = detection_prompts({table300, "dog"}, {90, 18});
    QCOMPARE(first.size(), size_t{1});
    QCOMPARE(first[0].labels, (std::vector<int64_t>{90, 18}));
    QVERIFY(first[0].positive_map == (PositiveMap{{18, {1}}}));

    // Boundary: 254 WordPieces fit alone (own, untruncated prompt); 255 do not.
    const std::vector<TokenizedPrompt> fits = detection_prompts({"cat", table254});
    QCOMPARE(fits.size(), size_t{2});
    QVERIFY(!fits[1].encoding.truncated() && fits[1].warnings.empty());
    QCOMPARE(fits[1].positive_map.at(2).size(), size_t{254});
    const std::vector<TokenizedPrompt> cut = detection_prompts({"cat", table255});
    QCOMPARE(cut.size(), size_t{1});
    QVERIFY(cut[0].positive_map == (PositiveMap{{1, {1}}}));

    // Every category too long: one prompt with an empty caption, nothing to detect, a warning.
    const std::vector<TokenizedPrompt> none = detection_prompts({table300});
    QCOMPARE(none.size(), size_t{1});
    QCOMPARE(none[0].caption, std::string());
    QCOMPARE(none[0].encoding.tokens, (std::vector<std::string>{"[CLS]", "[SEP]"}));
    QVERIFY(none[0].positive_map.empty());
    QCOMPARE(none[0].labels, (std::vector<int64_t>{1}));
    QCOMPARE(none[0].warnings.size(), size_t{1});
  }

  void long_caption_truncation() {
    // 10,000 characters: "a red car " * 1000 -> 3000 WordPieces, truncated to 254 + [CLS]/[SEP].
    std::string caption;
    for (int i = 0; i < 1000; ++i) caption += "a red car ";
    QCOMPARE(caption.size(), size_t{10000});
    const TokenizedPrompt p = grounding_prompt(caption, {{"first car", {{0, 9}}}, {"last car", {{9990, 9999}}},
                                                {"edge", {{840, 849}}}});
    QCOMPARE(p.encoding.num_tokens(), int64_t{256});
    QCOMPARE(p.encoding.num_truncated, int64_t{3000 - 254});
    QVERIFY(p.positive_map.at(1) == (std::vector<int64_t>{1, 2, 3}));
    QVERIFY(p.positive_map.at(2).empty());
    // Phrase 3 starts at word 252 ("a" = token 253, "red" = 254) and its "car" was cut.
    QVERIFY(p.positive_map.at(3).empty());
    QCOMPARE(p.warnings.size(), size_t{1});
    const std::string& w = p.warnings[0];
    QVERIFY2(w.find("'last car'") != std::string::npos && w.find("'edge'") != std::string::npos &&
                 w.find("'first car'") == std::string::npos && w.find("3000 WordPiece") != std::string::npos,
             w.c_str());
  }

  void phrases_heuristic() {
    auto names = [](const std::string& caption) {
      std::vector<std::string> out;
      for (const Phrase& p : find_phrases(caption)) out.push_back(p.name);
      return out;
    };
    QCOMPARE(names("an astronaut in a white spacesuit holding a helmet next to a flag"),
             (std::vector<std::string>{"an astronaut", "a white spacesuit", "a helmet", "a flag"}));
    QCOMPARE(names("A cup of coffee on a saucer next to a spoon on a wooden table."),
             (std::vector<std::string>{"A cup", "coffee", "a saucer", "a spoon", "a wooden table"}));
    QCOMPARE(names("Two dogs, a cat and the tall building."),
             (std::vector<std::string>{"Two dogs", "a cat", "the tall building"}));
    QCOMPARE(names("a man's t-shirt"), (std::vector<std::string>{"a man's t-shirt"}));
    QCOMPARE(names("the the the"), std::vector<std::string>{});
    QCOMPARE(names(""), std::vector<std::string>{});
    const auto ph = find_phrases("Zürich: a café");
    QCOMPARE(ph.size(), size_t{2});
    QVERIFY(ph[1].spans[0] == (CharSpan{8, 14}));  // code points, not bytes
    QVERIFY_THROWS_EXCEPTION(glip::Error, find_phrases("bad \xFF"));
  }

  void options_from_config() {
    glip::Config cfg = glip::Config::defaults();
    cfg.merge_from_file(tiny_path("tiny-a.merged.yaml"));
    const PromptOptions o = prompt_options_from_config(cfg);
    QCOMPARE(o.separation_tokens, std::string(". "));
    QCOMPARE(o.max_query_len, int64_t{256});
    QCOMPARE(o.pad_max, true);
    QCOMPARE(o.chunk_size, int64_t{-1});
    cfg.merge_from_list({"TEST.CHUNKED_EVALUATION", "5"});
    const auto prompts = detection_prompts(kDet16, prompt_options_from_config(cfg));
    QCOMPARE(prompts.size(), size_t{4});
    QCOMPARE(prompts[3].labels, (std::vector<int64_t>{16}));
    QCOMPARE(prompts[1].caption, std::string("stop sign. cat. dog. teddy bear. wine glass"));
    QVERIFY(prompts[1].positive_map == (PositiveMap{{6, {1, 2}}, {7, {4}}, {8, {6}}, {9, {8, 9}}, {10, {11, 12}}}));
  }

  void dense_map() {
    const auto d = dense_positive_map({{1, {1, 2}}, {3, {5}}}, 8);
    QCOMPARE(d.labels, (std::vector<int64_t>{1, 3}));
    QCOMPARE(d.values, (std::vector<float>{0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0}));
    QVERIFY_THROWS_EXCEPTION(glip::Error, dense_positive_map({{1, {8}}}, 8));
  }
};

QTEST_APPLESS_MAIN(TestPrompt)
#include "test_prompt.moc"
