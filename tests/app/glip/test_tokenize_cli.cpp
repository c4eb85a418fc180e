// `glip tokenize` end to end: runs the built executable and checks its JSON against the golden prompts of
// tests/data/golden/tiny-a.
#include <QtTest>

#include <nlohmann/json.hpp>

#include <string>

#include "tests/common/files.h"
#include "tests/common/paths.h"
#include "tests/common/process.h"

using Run = glip::test::ProcessRun;
using namespace glip::test;

namespace {
nlohmann::json golden_prompt(const std::string& tag) {
  return glip::test::load_json(glip::test::tiny_path(tag + ".json")).at("prompt");
}
}  // namespace

class TestTokenizeCli : public QObject {
  Q_OBJECT
 private slots:
  void grounding_with_spans() {
    const auto g = golden_prompt("coffee.grd");
    QStringList args{"tokenize", "--caption", QString::fromStdString(g.at("caption").get<std::string>())};
    for (const auto& spans : g.at("char_spans"))
      args << "--phrase" << QString("%1:%2").arg(spans[0][0].get<int>()).arg(spans[0][1].get<int>());
    const Run r = run_glip(args);
    QCOMPARE(r.exit_code, 0);
    const auto j = nlohmann::json::parse(r.out);
    QCOMPARE(j.at("tokens"), g.at("tokens"));
    QCOMPARE(j.at("positive_map"), g.at("positive_map_label_to_token"));
    QCOMPARE(j.at("label_names"), g.at("label_names"));
    QCOMPARE(j.at("input_ids").size(), j.at("tokens").size());
    QCOMPARE(j.at("spans").size(), j.at("tokens").size());
    QVERIFY(j.at("spans").front().is_null() && j.at("spans").back().is_null());
    QCOMPARE(j.at("spans")[2], nlohmann::json::array({2, 5}));  // "cup"
    QCOMPARE(j.at("input_ids").front().get<int>(), 101);
    QCOMPARE(j.at("phrase_source").get<std::string>(), std::string("spans"));
  }

  void grounding_heuristic() {
    const auto g = golden_prompt("astronaut.grd");
    const Run r = run_glip({"tokenize", "--caption", QString::fromStdString(g.at("caption").get<std::string>())});
    QCOMPARE(r.exit_code, 0);
    const auto j = nlohmann::json::parse(r.out);
    QCOMPARE(j.at("positive_map"), g.at("positive_map_label_to_token"));
    QCOMPARE(j.at("phrase_source").get<std::string>(), std::string("heuristic"));
  }

  void categories() {
    const auto g = golden_prompt("coffee.det");
    QStringList names;
    for (int i = 1; i <= 16; ++i) names << QString::fromStdString(g.at("label_names").at(std::to_string(i)));
    const Run r = run_glip({"tokenize", "--categories", names.join(",")});
    QCOMPARE(r.exit_code, 0);
    const auto j = nlohmann::json::parse(r.out);
    QCOMPARE(j.at("caption"), g.at("caption"));
    QCOMPARE(j.at("tokens"), g.at("tokens"));
    QCOMPARE(j.at("positive_map"), g.at("positive_map_label_to_token"));
  }

  void chunked_categories() {
    QStringList names;
    for (int i = 0; i < 300; ++i) names << QString("hair drier %1").arg(i);  // 4 tokens + "." each
    const Run r = run_glip({"tokenize", "--categories", names.join(","), "--indent", "-1"});
    QCOMPARE(r.exit_code, 0);
    const auto j = nlohmann::json::parse(r.out);
    QVERIFY(j.at("num_chunks").get<int>() > 1);
    int labels = 0;
    for (const auto& c : j.at("chunks")) {
      QVERIFY(c.at("tokens").size() <= 256);
      for (const auto& l : c.at("labels")) QCOMPARE(l.get<int>(), ++labels);
    }
    QCOMPARE(labels, 300);
  }

  void bad_input() {
    const std::vector<QStringList> cases = {
        {"tokenize", "--caption", ""},
        {"tokenize", "--caption", "   "},  // no token at all ("..." has tokens: printed, see test_cli_hostile)
        {"tokenize", "--caption", "a cat", "--phrase", "2-5"},
        {"tokenize", "--caption", "a cat", "--phrase", "2:9"},
        {"tokenize", "--categories", "cat,,dog"},
        {"tokenize"},
    };
    for (const QStringList& args : cases) {
      const Run r = run_glip(args);
      QCOMPARE(r.exit_code, 1);
      QVERIFY2(r.err.find("glip: error: ") == 0, r.err.c_str());
    }
  }
};

QTEST_APPLESS_MAIN(TestTokenizeCli)
#include "test_tokenize_cli.moc"
