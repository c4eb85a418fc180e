// PromptPanel / analyze(): clean_name shown for categories, WordPiece chips equal to the tokenizer's, [UNK] flags,
// chunk boundaries past 256 tokens (equal to core/text's detection_prompts chunks), caption truncation, phrase
// selection in code points (a non-BMP character before the phrase), heuristic phrases.
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QtTest>

#include "core/text/phrases.h"
#include "core/text/prompt.h"
#include "ui/studio/prompt_panel.h"
#include "ui/studio/token_chips.h"

using namespace glip::studio;
namespace text = glip::text;

class TestStudioPromptPanel : public QObject {
  Q_OBJECT
 private slots:
  void categoriesShowCleanName() {
    PromptPanel p;
    p.setMode(PromptInput::Mode::Categories);
    p.setCategoriesText("person\ntraffic_light\n\n  hot dog (food)  \n");
    const PromptInput s = p.spec();
    QCOMPARE(s.categories, QStringList({"person", "traffic_light", "hot dog (food)"}));
    const PromptAnalysis& a = p.analysis();
    QCOMPARE(a.labels.size(), 3);
    QCOMPARE(a.labels[1], QString::fromStdString(text::clean_name("traffic_light")));
    QCOMPARE(a.labels[2], QString::fromStdString(text::clean_name("hot dog (food)")));
    auto* list = p.findChild<QListWidget*>("promptLabels");
    QVERIFY(list);
    QCOMPARE(list->count(), 3);
    QCOMPARE(list->item(0)->text(), QStringLiteral("person"));
    QVERIFY(list->item(1)->text().contains(QStringLiteral("traffic light")));
    QVERIFY(list->item(1)->text().contains(QStringLiteral("cleaned by GLIP")));
    // The chips are exactly the tokens of the official detection prompt (without [CLS]/[SEP]).
    const auto prompts = text::detection_prompts({"person", "traffic_light", "hot dog (food)"});
    QCOMPARE(prompts.size(), size_t(1));
    QStringList expected;
    for (size_t i = 1; i + 1 < prompts[0].encoding.tokens.size(); ++i)
      expected << QString::fromStdString(prompts[0].encoding.tokens[i]);
    QStringList got;
    for (const TokenChip& c : a.chips) got << c.text;
    QCOMPARE(got, expected);
    QCOMPARE(a.chips[0].label, QStringLiteral("person"));
    QCOMPARE(a.chunkCount, 1);
  }

  void unknownTokensAreFlagged() {
    PromptPanel p;
    p.setCaptionText(QString::fromUtf8("a \xE2\x98\x83 snowman"));  // U+2603 SNOWMAN is not in BERT's vocabulary
    const PromptAnalysis& a = p.analysis();
    const auto toks = text::BertTokenizer::bert_base_uncased().tokenize("a \xE2\x98\x83 snowman");
    QCOMPARE(a.chips.size(), qsizetype(toks.size()));
    int unk = 0;
    for (size_t i = 0; i < toks.size(); ++i) {
      QCOMPARE(a.chips[i].unknown, toks[i].text == "[UNK]");
      unk += toks[i].text == "[UNK]";
    }
    QCOMPARE(unk, 1);
    QCOMPARE(a.unknownWords, QStringList{QString::fromUtf8("\xE2\x98\x83")});
    QVERIFY(p.findChild<QLabel*>("promptSummary")->text().contains(QStringLiteral("GLIP cannot read")));
    // The tooltip of that chip says so.
    TokenChipsWidget* w = p.chipsWidget();
    w->resize(400, w->heightForWidth(400));
    bool found = false;
    for (int x = 0; x < 400 && !found; x += 2)
      found = w->toolTipAt(QPoint(x, 8)).startsWith(QStringLiteral("GLIP cannot read this word"));
    QVERIFY(found);
  }

  void chunksPast256Tokens() {
    std::vector<std::string> names;
    QStringList lines;
    for (int i = 0; i < 120; ++i) {
      names.push_back("category number " + std::to_string(i));
      lines << QString::fromStdString(names.back());
    }
    PromptInput s;
    s.mode = PromptInput::Mode::Categories;
    s.categories = lines;
    const PromptAnalysis a = analyze(s);
    const auto prompts = text::detection_prompts(names);
    QVERIFY(prompts.size() > 1);
    QCOMPARE(a.chunkCount, int(prompts.size()));
    QCOMPARE(a.labels.size(), 120);
    // Chips of chunk c are the tokens of prompt c, in order.
    int k = 0;
    for (size_t c = 0; c < prompts.size(); ++c)
      for (size_t t = 1; t + 1 < prompts[c].encoding.tokens.size(); ++t, ++k) {
        QCOMPARE(a.chips[k].chunk, int(c));
        QCOMPARE(a.chips[k].text, QString::fromStdString(prompts[c].encoding.tokens[t]));
      }
    QCOMPARE(k, a.tokenCount);
  }

  void captionTruncation() {
    QStringList words;
    for (int i = 0; i < 300; ++i) words << QStringLiteral("dog");
    PromptInput s;
    s.caption = words.join(' ');
    const PromptAnalysis a = analyze(s);
    QCOMPARE(a.tokenCount, 300);
    QCOMPARE(a.truncatedTokens, 300 - 254);
    QVERIFY(!a.chips[253].truncated);
    QVERIFY(a.chips[254].truncated);
  }

  void phrasesFromSelectionUseCodePoints() {
    PromptPanel p;
    QSignalSpy changed(&p, &PromptPanel::promptChanged);
    const QString caption = QString::fromUtf8("\xF0\x9F\xA6\x92 next to a white spacesuit");  // giraffe emoji: 2 UTF-16 units
    p.setCaptionText(caption);
    // Heuristic phrases first (the same as core/text/phrases.h).
    const auto heur = text::find_phrases(caption.toStdString());
    QCOMPARE(p.analysis().heuristicPhrases, true);
    QCOMPARE(p.analysis().phrases.size(), qsizetype(heur.size()));
    const int a = caption.indexOf("white"), b = caption.indexOf("spacesuit") + 9;
    QVERIFY(p.selectCaptionRange(a, b));
    QVERIFY(p.addPhraseFromSelection());
    QVERIFY(!p.addPhraseFromSelection());  // the same span twice is refused
    const PromptInput s = p.spec();
    QCOMPARE(s.phrases.size(), 1);
    QCOMPARE(s.phrases[0].start, a - 1);  // code points: the emoji counts once
    QCOMPARE(s.phrases[0].end, b - 1);
    QCOMPARE(s.phrases[0].text, QStringLiteral("white spacesuit"));
    QCOMPARE(p.analysis().heuristicPhrases, false);
    QCOMPARE(p.analysis().labels, QStringList{"white spacesuit"});
    // Tokens of the phrase are tinted with its label.
    int tinted = 0;
    for (const TokenChip& c : p.analysis().chips) tinted += c.label == QStringLiteral("white spacesuit");
    QVERIFY(tinted >= 2);
    // Editing the phrase's words drops it; the key changes with the phrases.
    const QString k1 = p.spec().key();
    p.captionEdit()->setPlainText(QString::fromUtf8("\xF0\x9F\xA6\x92 next to a black spacesuit"));
    QCOMPARE(p.spec().phrases.size(), 0);
    QVERIFY(p.spec().key() != k1);
    QVERIFY(changed.size() >= 3);
    QCOMPARE(codePointIndex(caption, utf16Index(caption, 5)), 5);
  }

  void badCategoryIsReported() {
    PromptInput s;
    s.mode = PromptInput::Mode::Categories;
    s.categories = QStringList{"person", "(only parentheses)"};
    const PromptAnalysis a = analyze(s);
    QVERIFY2(!a.error.isEmpty(), "a name that is empty after clean_name is an error, shown to the user");
  }
};

QTEST_MAIN(TestStudioPromptPanel)
#include "test_studio_prompt_panel.moc"
