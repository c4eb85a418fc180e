// `glip bench` as a process, on the tiny-a golden model (the default full-size GLIP-T is too slow for a test): with
// --json one JSON object with what --help promises (total_s, peak_rss_mib, stages), whose input size, prompt length
// and detection count are those of the official implementation's golden COCO-80 run at 800x1333; the table of the
// plain output; --stage vision / language time only their stages; bad input ends with a reason and exit status 1.
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <set>
#include <string>
#include <vector>

#include "tests/common/checks.h"
#include "tests/common/files.h"
#include "tests/common/paths.h"
#include "tests/common/process.h"

using namespace glip::test;
using json = nlohmann::json;

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

// glip bench on tiny-a with its golden weights and the coffee photo at the golden run's 800x1333 setting.
ProcessRun bench(const QStringList& extra) {
  QStringList args{"bench", "--config-file", q(glip::test::tiny_config()), "--weight", q(tiny_path("model_final.pth")),
                   "--image", q(tiny_path("coffee.png")), "--threads", "2"};
  args << extra << "INPUT.MIN_SIZE_TEST" << "800" << "INPUT.MAX_SIZE_TEST" << "1333";
  return run_glip(args);
}

std::set<std::string> keys_of(const json& o) {
  std::set<std::string> k;
  for (const auto& [key, v] : o.items()) k.insert(key);
  return k;
}

}  // namespace

class TestBenchCli : public QObject {
  Q_OBJECT
 private slots:
  void json_report() {
    const ProcessRun r = bench({"--json"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    QCOMPARE(std::count(r.out.begin(), r.out.end(), '\n'), std::ptrdiff_t(1));  // one object, one line
    const json j = json::parse(r.out);
    // The golden run: the resized input, the COCO-80 prompt's tokens ([CLS] + last label token + [SEP]) and the
    // detection count of the official implementation.
    const json golden = glip::test::load_json(tiny_path("coffee.coco80.800x1333.json"));
    const json& prompt = golden.at("prompt");
    QCOMPARE(j.at("input_hw"), prompt.at("image_size_hw"));
    int64_t last_token = 0;
    for (const auto& [label, tokens] : prompt.at("positive_map_label_to_token").items())
      for (const auto& t : tokens) last_token = std::max(last_token, t.get<int64_t>());
    QCOMPARE(j.at("prompt_tokens").get<int64_t>(), last_token + 2);
    QCOMPARE(j.at("detections").get<int64_t>(), golden.at("num_detections").get<int64_t>());

    QCOMPARE(j.at("config").get<std::string>(), glip::test::tiny_config());
    QCOMPARE(j.at("weights").get<std::string>(), tiny_path("model_final.pth"));
    QCOMPARE(j.at("image").get<std::string>(), tiny_path("coffee.png"));
    QCOMPARE(j.at("stage").get<std::string>(), std::string("all"));
    QCOMPARE(j.at("threads").get<int>(), 2);
    QCOMPARE(j.at("repeat").get<int>(), 1);
    QVERIFY(j.at("peak_rss_mib").get<double>() > 0);
    QVERIFY(j.at("load_s").get<double>() > 0);
    const double total = j.at("total_s").get<double>();
    QVERIFY(total > 0);
    QCOMPARE(j.at("best_total_s").get<double>(), total);  // one run
    QCOMPARE(j.at("first_run_s").get<double>(), total);
    QVERIFY(j.at("warm_s").is_null());  // no second run
    QVERIFY(j.at("caption_edit_s").get<double>() > 0);
    QCOMPARE(j.at("min_size").get<int64_t>(), int64_t(0));
    QCOMPARE(j.at("precision").get<std::string>(), std::string("fp32"));
    QVERIFY(j.at("agreement").is_null());
    QVERIFY(j.at("warm_stages").empty());  // no warm run
    QVERIFY(j.at("minor_faults_first_run").get<int64_t>() > 0);  // the first run touches fresh memory
    QVERIFY(j.at("minor_faults_warm_run").is_null());
    const double share = j.at("system_time_share").get<double>();
    QVERIFY(share >= 0 && share <= 1);
    QCOMPARE(j.at("allocator").get<std::string>(), std::string(GLIP_EXPECTED_ALLOCATOR));
    // Every stage of the pipeline, timed once each: together no longer than the whole run.
    const json& stages = j.at("stages");
    const std::set<std::string> names = keys_of(stages);
    for (const char* s : {"preprocess", "swin", "fpn", "bert", "heads", "post"}) QVERIFY2(names.count(s), s);
    QVERIFY(std::any_of(names.begin(), names.end(), [](const std::string& n) { return n.rfind("dyhead.", 0) == 0; }));
    double sum = 0;
    for (const auto& [name, s] : stages.items()) {
      QVERIFY2(s.get<double>() >= 0, name.c_str());
      sum += s.get<double>();
    }
    QVERIFY2(sum <= total + 1e-9, (std::to_string(sum) + " > " + std::to_string(total)).c_str());
  }

  // Without --json: a table of the stages, the total with the best of the repeats, the peak RSS.
  void table_and_stages() {
    const ProcessRun r = bench({"--stage", "language", "--repeat", "2"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    QVERIFY2(r.out.rfind("GLIP bench: ", 0) == 0, r.out.c_str());
    QVERIFY2(contains(r.out, "input 800x1200 ("), r.out.c_str());
    QVERIFY2(contains(r.out, "COCO-80 prompt, 2 threads"), r.out.c_str());
    QVERIFY2(contains(r.out, "  bert ") && !contains(r.out, "  swin "), r.out.c_str());
    QVERIFY2(contains(r.out, "  total (first run) ") && contains(r.out, "  total (warm) "), r.out.c_str());
    QVERIFY2(contains(r.out, " s (best of 1)\n") && !contains(r.out, "caption edit"), r.out.c_str());
    QVERIFY2(contains(r.out, "  peak RSS ") && contains(r.out, " MiB ("), r.out.c_str());
    QVERIFY2(contains(r.out, "  minor page faults ") && contains(r.out, " per warm run; system time "), r.out.c_str());

    const ProcessRun v = bench({"--stage", "vision", "--json"});
    QVERIFY2(v.exit_code == 0, v.err.c_str());
    const json j = json::parse(v.out);
    QCOMPARE(j.at("stage").get<std::string>(), std::string("vision"));
    QCOMPARE(keys_of(j.at("stages")), (std::set<std::string>{"preprocess", "swin", "fpn"}));
    QCOMPARE(j.at("detections").get<int64_t>(), int64_t(0));
  }

  // --min-size: the preview size of the studio. 480 with the 800 / 1333 setting gives a 480-pixel shorter side
  // (the cap scales to 800); the whole pipeline runs, then caption edits on the cached image.
  void preview_size_and_caption_edit() {
    const ProcessRun r = bench({"--json", "--min-size", "480", "--repeat", "2"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    const json j = json::parse(r.out);
    QCOMPARE(j.at("min_size").get<int64_t>(), int64_t(480));
    QCOMPARE(j.at("input_hw")[0].get<int64_t>(), int64_t(480));
    QVERIFY(j.at("input_hw")[1].get<int64_t>() <= 800);
    QVERIFY(j.at("detections").get<int64_t>() > 0);
    QVERIFY(j.at("warm_s").get<double>() > 0);
    QVERIFY(j.at("caption_edit_s").get<double>() > 0);
    const ProcessRun t = bench({"--min-size", "480"});
    QVERIFY2(t.exit_code == 0, t.err.c_str());
    QVERIFY2(contains(t.out, "input 480x") && contains(t.out, "  caption edit "), t.out.c_str());
    // Like the warm time, the caption edit is the best of repeat - 1 (each a prompt the session has not cached).
    const ProcessRun t3 = bench({"--min-size", "480", "--repeat", "3"});
    QVERIFY2(t3.exit_code == 0, t3.err.c_str());
    const size_t at = t3.out.find("  caption edit ");
    QVERIFY2(at != std::string::npos, t3.out.c_str());
    const std::string line = t3.out.substr(at, t3.out.find('\n', at) - at);
    QVERIFY2(contains(line, "(best of 2)"), line.c_str());
  }

  // --batch-size 3: three copies of the image in one forward pass; the first copy's detections are the golden
  // run's count and reproduce a batch-1 run (--agreement: all of the top 100 kept, scores within float noise).
  void batch_size() {
    const ProcessRun r = bench({"--json", "--batch-size", "3", "--agreement"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    const json j = json::parse(r.out);
    QCOMPARE(j.at("batch_size").get<int64_t>(), int64_t(3));
    QVERIFY(std::abs(j.at("per_image_s").get<double>() * 3 - j.at("best_total_s").get<double>()) < 1e-9);
    QVERIFY(j.at("caption_edit_s").is_null());
    const json golden = glip::test::load_json(tiny_path("coffee.coco80.800x1333.json"));
    QCOMPARE(j.at("detections").get<int64_t>(), golden.at("num_detections").get<int64_t>());
    const json& a = j.at("agreement");
    QCOMPARE(a.at("kept").get<int64_t>(), a.at("compared").get<int64_t>());
    QVERIFY(a.at("max_score_diff").get<double>() <= 1e-5);
    const ProcessRun t = bench({"--batch-size", "2"});
    QVERIFY2(t.exit_code == 0, t.err.c_str());
    QVERIFY2(contains(t.out, "batch of 2 in one forward pass"), t.out.c_str());
  }

  // --precision bf16 --agreement: the bf16 run against an fp32 run of the same model and image; on the golden COCO-80
  // run (100 detections) within the bounds of docs/PERFORMANCE.md (>= 90 % kept, scores within 0.02), as
  // test_engine_precision proves against the official outputs.
  void bf16_agreement() {
    const ProcessRun r = bench({"--json", "--precision", "bf16", "--agreement", "--repeat", "2"});
    if (r.exit_code == 1 && contains(r.err, "bf16 precision is not available")) QSKIP("no bf16 on this CPU");
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    const json j = json::parse(r.out);
    QCOMPARE(j.at("precision").get<std::string>(), std::string("bf16"));
    const json& a = j.at("agreement");
    QCOMPARE(a.at("compared").get<int64_t>(), int64_t(100));
    QVERIFY(a.at("kept").get<int64_t>() >= 90);
    QCOMPARE(a.at("share").get<double>(), a.at("kept").get<double>() / 100);
    QVERIFY(a.at("max_score_diff").get<double>() <= 0.02);
    QVERIFY(a.at("max_score_diff").get<double>() > 0);  // bf16 did change something
    const std::set<std::string> warm = keys_of(j.at("warm_stages"));
    QVERIFY(warm.count("swin") && warm.count("bert"));
    const ProcessRun t = bench({"--precision", "bf16", "--agreement"});
    QVERIFY2(t.exit_code == 0, t.err.c_str());
    QVERIFY2(contains(t.out, ", bf16, ") && contains(t.out, "  agreement with fp32 "), t.out.c_str());
  }

  void bad_input() {
    QTemporaryDir tmp;
    const QString cfg = q(glip::test::tiny_config());
    const std::vector<std::pair<QStringList, std::string>> cases = {
        {{"bench", "--config-file", cfg, "--stage", "heads"}, "--stage must be all, vision or language"},
        {{"bench", "--config-file", cfg, "--image", tmp.filePath("missing.png")}, "missing.png"},
        {{"bench", "--config-file", tmp.filePath("none.yaml")}, "none.yaml"},
        {{"bench", "--config-file", cfg, "--min-size", "16"}, "preview size 16 is outside 32..4096"},
        {{"bench", "--config-file", cfg, "--stage", "vision", "--agreement"}, "--agreement needs --stage all"},
        {{"bench", "--config-file", cfg, "--stage", "language", "--batch-size", "2"}, "--batch-size needs --stage all"},
    };
    for (const auto& [args, reason] : cases) {
      const ProcessRun r = run_glip(args);
      QVERIFY2(r.exit_code == 1, qPrintable(args.join(' ') + ": exit " + QString::number(r.exit_code)));
      QVERIFY2(r.err.rfind("glip: error: ", 0) == 0 && contains(r.err, reason), r.err.c_str());
      QVERIFY2(r.out.empty(), r.out.c_str());
    }
    // An option given twice: CLI11's usage error.
    const ProcessRun r = bench({"--image", tmp.filePath("other.png")});
    QVERIFY(r.exit_code != 0 && r.exit_code != -1);
    QVERIFY2(contains(r.err, "--image"), r.err.c_str());
    const ProcessRun p = bench({"--precision", "fp16"});  // not a CPU precision
    QCOMPARE(p.exit_code, 1);
    QVERIFY2(contains(p.err, "fp16 precision runs on CUDA devices only; on the CPU use fp32 or bf16"), p.err.c_str());
    const ProcessRun h = bench({"--precision", "half"});  // not a precision
    QVERIFY(h.exit_code != 0 && h.exit_code != -1);
    QVERIFY2(contains(h.err, "--precision"), h.err.c_str());
  }
};

QTEST_APPLESS_MAIN(TestBenchCli)
#include "test_bench_cli.moc"
