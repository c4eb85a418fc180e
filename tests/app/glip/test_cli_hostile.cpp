// `glip` on bad and hostile input: every case ends in a clear one-line error (or the right result), never a
// crash, a hang, or a silent wrong answer. Runs the built executable.
#include <QtTest>

#include <nlohmann/json.hpp>
#include <sys/stat.h>

#include <fstream>
#include <string>

#include "tests/common/paths.h"
#include "tests/common/process.h"

namespace {

using Run = glip::test::ProcessRun;
Run run_glip(const QStringList& args, int timeout_ms = 60000) { return glip::test::run_glip(args, timeout_ms); }

const QString kDemoConfig = QString::fromStdString(glip::test::source_path("models/demo/glip_demo_tiny.yaml"));
const QString kAstronaut = QString::fromStdString(glip::test::source_path("resources/demo/astronaut.png"));

// The run failed cleanly (exit 1..127, no signal), printed nothing on stdout, and its stderr is log lines
// ("[date] [glip] [level] ...") and exactly one error line "glip: error: ..." that contains every part.
void expect_one_line_error(const Run& r, const std::vector<std::string>& parts) {
  QVERIFY2(r.exit_code > 0 && r.exit_code < 128, ("exit code " + std::to_string(r.exit_code) + ": " + r.err).c_str());
  QVERIFY2(r.out.empty(), r.out.substr(0, 200).c_str());
  QStringList errors;
  for (const QString& line : QString::fromStdString(r.err).split('\n', Qt::SkipEmptyParts))
    if (!line.startsWith('[')) errors << line;
  QVERIFY2(errors.size() == 1 && errors[0].startsWith("glip: error: "), r.err.c_str());
  QVERIFY2(!errors[0].contains("internal error"), r.err.c_str());
  for (const std::string& p : parts)
    QVERIFY2(errors[0].contains(QString::fromStdString(p)), ("'" + p + "' not in: " + r.err).c_str());
}

}  // namespace

class TestCliHostile : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;

 private slots:
  // --version names the libtorch and the devices it has (for bug reports and GPU machines).
  void version() {
    const Run r = glip::test::run_glip({"--version"});
    QCOMPARE(r.exit_code, 0);
    const std::string out = r.out + r.err;
    QVERIFY2(out.rfind("glip 0.1.0 (libtorch ", 0) == 0, out.c_str());
    QVERIFY2(out.find("(CPU only)") != std::string::npos || out.find(", CUDA: ") != std::string::npos, out.c_str());
  }

  // Numeric options are bounded: out-of-range, NaN and absurd values are usage errors naming the option.
  void numeric_options_bounded() {
    expect_one_line_error(run_glip({"tokenize", "--caption", "a cat", "--indent", "300000"}), {"--indent", "[-1, 16]"});
    expect_one_line_error(run_glip({"tokenize", "--caption", "a cat", "--indent", "2000"}), {"--indent"});
    expect_one_line_error(run_glip({"tokenize", "--caption", "a cat", "--max-query-len", "2000000000"}),
                          {"--max-query-len", "[3, 512]"});
    expect_one_line_error(run_glip({"tokenize", "--caption", "a cat", "--max-query-len", "9223372036854775807"}),
                          {"--max-query-len"});
    expect_one_line_error(run_glip({"tokenize", "--categories", "a,b", "--chunk-size", "0"}), {"--chunk-size 0"});
    expect_one_line_error(run_glip({"bench", "--repeat", "-1"}), {"--repeat", "[1, 1000]"});
    for (const char* t : {"-3", "5000"})
      expect_one_line_error(run_glip({"predict", "--config-file", kDemoConfig, "--image", kAstronaut, "--caption",
                                      "a cat", "--threads", t}),
                            {"--threads", "[0, 1024]"});
    for (const char* th : {"nan", "-0.5", "1.5", "inf"})
      expect_one_line_error(run_glip({"predict", "--config-file", kDemoConfig, "--image", kAstronaut, "--caption",
                                      "a cat", "--threshold", th}),
                            {"--threshold", "[0, 1]"});
    expect_one_line_error(run_glip({"eval", "--results", "r.json", "--ann-file", "a.json", "--threads", "-3"}),
                          {"--threads"});
    expect_one_line_error(run_glip({"predict", "--config-file", kDemoConfig, "--image", kAstronaut, "--caption",
                                    "a cat", "--phrase", "99999999999999999999:3"}),
                          {"--phrase", "too large"});
    // Within bounds still works: the smallest query length, one-line JSON.
    const Run ok = run_glip({"tokenize", "--caption", "a cat", "--max-query-len", "3", "--indent", "-1"});
    QCOMPARE(ok.exit_code, 0);
    QCOMPARE(nlohmann::json::parse(ok.out).at("tokens").size(), size_t{3});
  }

  // Tokenizing needs no phrase: a caption without a content word prints its tokens, an empty positive map and a
  // warning ("predict", which needs a phrase, keeps refusing).
  void tokenize_without_phrases() {
    for (const char* caption : {"12", "i", "the the the the", "\xF0\x9F\x90\xB1"}) {
      const Run r = run_glip({"tokenize", "--caption", caption});
      QVERIFY2(r.exit_code == 0, r.err.c_str());
      const auto j = nlohmann::json::parse(r.out);
      QVERIFY(j.at("positive_map").empty());
      QVERIFY(j.at("labels").empty());
      QVERIFY(j.at("tokens").size() >= 3);
      QCOMPARE(j.at("warnings").size(), size_t{1});
      QVERIFY(j.at("warnings")[0].get<std::string>().find("positive map is empty") != std::string::npos);
    }
    const Run emoji = run_glip({"tokenize", "--caption", "\xF0\x9F\x90\xB1", "--indent", "-1"});
    QCOMPARE(nlohmann::json::parse(emoji.out).at("tokens"), nlohmann::json({"[CLS]", "[UNK]", "[SEP]"}));
    const Run p = run_glip({"predict", "--config-file", kDemoConfig, "--image", kAstronaut, "--caption", "12"});
    QVERIFY(p.exit_code != 0);
    QVERIFY2(p.err.find("no phrase") != std::string::npos || p.err.find("phrase") != std::string::npos, p.err.c_str());
  }

  // A caption from a file gives exactly what the same caption on the command line gives; a caption longer than
  // the command line allows (128 KiB per argument) works from a file.
  void caption_file() {
    const QString path = tmp_.filePath("caption.txt");
    {
      std::ofstream f(path.toStdString());
      f << "a cup of coffee on a saucer\n";
    }
    const Run a = run_glip({"tokenize", "--caption", "a cup of coffee on a saucer", "--phrase", "2:5"});
    const Run b = run_glip({"tokenize", "--caption-file", path, "--phrase", "2:5"});
    QCOMPARE(b.exit_code, 0);
    QCOMPARE(QString::fromStdString(b.out), QString::fromStdString(a.out));
    std::string longer;
    while (longer.size() < 200000) longer += "a small dog next to a red ball. ";
    const QString long_path = tmp_.filePath("long.txt");
    std::ofstream(long_path.toStdString()) << longer;
    const Run c = run_glip({"tokenize", "--caption-file", long_path, "--indent", "-1"});
    QVERIFY2(c.exit_code == 0, c.err.c_str());
    const auto j = nlohmann::json::parse(c.out);
    QCOMPARE(j.at("caption").get<std::string>(), longer);
    QVERIFY(j.at("truncated").get<bool>());
    QCOMPARE(j.at("tokens").size(), size_t{256});
    expect_one_line_error(run_glip({"tokenize", "--caption-file", tmp_.filePath("missing.txt")}),
                          {"caption file", "missing.txt", "no such file"});
    expect_one_line_error(run_glip({"tokenize", "--caption-file", tmp_.path()}), {"caption file", "is a folder"});
  }

  // Named pipes would block a reader forever: every file option refuses them at once.
  void named_pipes_refused() {
    const QString fifo = tmp_.filePath("pipe");
    QCOMPARE(::mkfifo(fifo.toLocal8Bit().constData(), 0600), 0);
    const int fast = 20000;
    expect_one_line_error(run_glip({"tokenize", "--caption", "a cat", "--vocab", fifo}, fast),
                          {"vocabulary file", "not a regular file"});
    expect_one_line_error(run_glip({"tokenize", "--caption-file", fifo}, fast), {"caption file", "not a regular file"});
    expect_one_line_error(
        run_glip({"predict", "--config-file", fifo, "--image", kAstronaut, "--caption", "a cat"}, fast),
        {"config file", "not a regular file"});
    expect_one_line_error(run_glip({"eval", "--results", fifo, "--ann-file", fifo}, fast), {"not a regular file"});
    expect_one_line_error(run_glip({"predict", "--config-file", kDemoConfig, "--weight", fifo, "--image", kAstronaut,
                                    "--caption", "a cat"},
                                   fast),
                          {"not a regular file"});
  }

  // Output paths are checked before the model runs; the error names the missing folder, not a temporary file.
  void unwritable_output_named() {
    const QString out = tmp_.filePath("no/such/folder/out.json");
    const Run r = run_glip({"predict", "--config-file", kDemoConfig, "--image", kAstronaut, "--caption", "a cat",
                            "--output", out});
    expect_one_line_error(r, {"cannot write", "no/such/folder/out.json", "does not exist"});
    QVERIFY(r.err.find(".tmp-") == std::string::npos);
  }

  // A config copied away from its bert-base-uncased/ folder names the missing folder.
  void config_without_its_bert_folder() {
    const QString copy = tmp_.filePath("glip_demo_tiny.yaml");
    QVERIFY(QFile::copy(kDemoConfig, copy));
    const Run r = run_glip({"predict", "--config-file", copy, "--weight",
                            QString::fromStdString(glip::test::source_path("models/demo/model_final.pth")), "--image", kAstronaut,
                            "--caption", "a cat"});
    expect_one_line_error(r, {"bert-base-uncased/config.json", "keep the config file next to its bert-base-uncased/ folder"});
  }
};

QTEST_GUILESS_MAIN(TestCliHostile)
#include "test_cli_hostile.moc"
