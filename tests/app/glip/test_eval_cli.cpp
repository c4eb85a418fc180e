// `glip eval` as a process. A results file: the printed summary, metrics.json and per_category_ap.csv against the
// numbers pycocotools gives for the fixtures of tests/data/coco (README there). A model: the tiny-a golden model on
// the two-image golden_tiny set, whole and in two shards combined with `glip merge`, against the stats pycocotools
// gives for its bbox.json (tests/data/coco/README.md). Bad command lines: a one-line reason and exit status 1.
#include <QDirIterator>
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "tests/common/checks.h"
#include "tests/common/files.h"
#include "tests/common/paths.h"
#include "tests/common/process.h"

using namespace glip::test;

namespace {

const char* kStatKeys[12] = {"AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl"};

// pycocotools 2.0 COCOeval on the bbox.json of tiny-a for golden_tiny (tests/data/coco/README.md).
const double kGoldenTinyStats[12] = {0.00357142857142857, 0.008928571428571425, 0.0, -1.0, -1.0,
                                     0.006666666666666666, 0.0, 0.0, 0.1, -1.0, -1.0, 0.1};

QString q(const std::string& s) { return QString::fromStdString(s); }
std::string golden_tiny_ann() { return data_path("coco/golden_tiny/instances_val2017.json"); }

// The paths of the files called `name` below `dir`.
QStringList find_files(const QString& dir, const QString& name) {
  QStringList out;
  for (QDirIterator it(dir, {name}, QDir::Files, QDirIterator::Subdirectories); it.hasNext();) out << it.next();
  out.sort();
  return out;
}

// The 12 stats of a metrics.json in COCOeval's order.
std::vector<double> stats_of(const nlohmann::json& metrics) {
  std::vector<double> s;
  for (const char* k : kStatKeys) s.push_back(metrics.at(k).get<double>());
  return s;
}

// `glip eval` of the tiny-a model on golden_tiny; `extra` goes before the trailing KEY VALUE options.
ProcessRun eval_tiny(const QString& output_dir, const QStringList& extra = {}) {
  QStringList args{"eval", "--config-file", q(glip::test::tiny_config()), "--weight", q(tiny_path("model_final.pth")),
                   "--ann-file", q(golden_tiny_ann()), "--image-dir", q(glip::test::tiny_dir()), "--threads", "2"};
  args << extra << "TEST.EVAL_TASK" << "detection" << "OUTPUT_DIR" << output_dir;
  return run_glip(args);
}

}  // namespace

class TestEvalCli : public QObject {
  Q_OBJECT
 private slots:
  void results_file_data() {
    QTest::addColumn<QString>("name");
    for (const char* n : {"mixed", "random_a", "random_b", "no_small", "quirks", "empty_results"})
      QTest::newRow(n) << QString(n);
  }

  // The summary on stdout character for character, metrics.json to 1e-6 (as the library's parity test), the csv
  // with one row per dataset category.
  void results_file() {
    QFETCH(QString, name);
    QTemporaryDir tmp;
    const std::string base = data_path("coco/" + name.toStdString());
    const nlohmann::json want = load_json(base + ".expected.json");
    const QString out = tmp.filePath("out");
    const ProcessRun r = run_glip({"eval", "--results", q(base + ".results.json"), "--ann-file", q(base + ".gt.json"),
                                   "OUTPUT_DIR", out});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    std::string summary;
    for (const auto& line : want.at("summary")) summary += line.get<std::string>() + "\n";
    QCOMPARE(q(r.out), q(summary));
    QVERIFY2(contains(r.err, "metrics.json"), r.err.c_str());

    const nlohmann::json metrics = load_json((out + "/metrics.json").toStdString());
    QCOMPARE(metrics.at("iou_type").get<std::string>(), std::string("bbox"));
    const std::vector<double> got = stats_of(metrics), stats = want.at("stats").get<std::vector<double>>();
    for (size_t i = 0; i < 12; ++i)
      QVERIFY2(std::fabs(got[i] - stats[i]) <= 1e-6,
               (std::string(kStatKeys[i]) + ": " + std::to_string(got[i]) + " vs " + std::to_string(stats[i])).c_str());
    std::map<int64_t, const nlohmann::json*> per;
    for (const auto& c : metrics.at("per_category")) per[c.at("id").get<int64_t>()] = &c;
    QCOMPARE(per.size(), want.at("per_category").size());
    for (const auto& c : want.at("per_category")) {
      const int64_t id = c.at("id").get<int64_t>();
      QVERIFY2(per.count(id), std::to_string(id).c_str());
      QVERIFY(std::fabs(per[id]->at("AP").get<double>() - c.at("AP").get<double>()) <= 1e-6);
      QVERIFY(std::fabs(per[id]->at("AP50").get<double>() - c.at("AP50").get<double>()) <= 1e-6);
    }
    const QStringList csv = q(read_file((out + "/per_category_ap.csv").toStdString())).split('\n', Qt::SkipEmptyParts);
    QCOMPARE(csv.value(0), QStringLiteral("category_id,name,AP,AP50,num_gt,num_det"));
    QCOMPARE(static_cast<size_t>(csv.size() - 1), per.size());
  }

  // The default OUTPUT_DIR is the current directory; detections of a category the dataset lacks are reported.
  void results_file_defaults() {
    QTemporaryDir tmp;
    const std::string base = data_path("coco/mixed");
    const ProcessRun r = run_glip({"eval", "--results", q(base + ".results.json"), "--ann-file", q(base + ".gt.json")},
                                  300000, tmp.path());
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    QVERIFY2(contains(r.err, "of categories not in the annotation file were not evaluated"), r.err.c_str());
    QVERIFY(QFile::exists(tmp.filePath("metrics.json")));
    QVERIFY(QFile::exists(tmp.filePath("per_category_ap.csv")));
  }

  // The model on golden_tiny: bbox.json, metrics.json and the printed summary, pycocotools' stats.
  void model_on_golden_tiny() {
    QTemporaryDir tmp;
    const ProcessRun r = eval_tiny(tmp.filePath("out"), {"--no-progress"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    const QStringList metrics = find_files(tmp.filePath("out"), "metrics.json");
    QCOMPARE(metrics.size(), 1);
    const std::vector<double> got = stats_of(load_json(metrics[0].toStdString()));
    for (size_t i = 0; i < 12; ++i)
      QVERIFY2(std::abs(got[i] - kGoldenTinyStats[i]) < 1e-12, kStatKeys[i]);
    QVERIFY2(contains(r.out, " Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.004"),
             r.out.c_str());
    const QString folder = QFileInfo(metrics[0]).path();
    const nlohmann::json bbox = load_json((folder + "/bbox.json").toStdString());
    QVERIFY(!bbox.empty());
    for (const auto& d : bbox) {  // json category ids of the file, images 7 and 42
      const int64_t c = d.at("category_id").get<int64_t>(), img = d.at("image_id").get<int64_t>();
      QVERIFY(c == 1 || c == 47 || c == 50 || c == 67);
      QVERIFY(img == 7 || img == 42);
    }
  }

  // TEST.IMS_PER_BATCH 2 without grouping (both images in one batch): one forward pass for the batch
  // (--forward batch) gives the metrics of one forward per image padded alike (--forward image).
  void batch_forward() {
    QTemporaryDir tmp;
    std::vector<std::vector<double>> stats;
    for (const char* forward : {"image", "batch"}) {
      const QString out = tmp.filePath(forward);
      const ProcessRun r = eval_tiny(out, {"--no-progress", "--forward", forward, "TEST.IMS_PER_BATCH", "2",
                                           "DATALOADER.ASPECT_RATIO_GROUPING", "False"});
      QVERIFY2(r.exit_code == 0, r.err.c_str());
      const QStringList metrics = find_files(out, "metrics.json");
      QCOMPARE(metrics.size(), 1);
      stats.push_back(stats_of(load_json(metrics[0].toStdString())));
    }
    for (size_t i = 0; i < 12; ++i) QVERIFY2(std::abs(stats[0][i] - stats[1][i]) <= 1e-6, kStatKeys[i]);
  }

  // Two shards, combined with the `glip merge` command the shard run prints, then `glip eval --results`: the same
  // stats as the whole run.
  void shards_then_merge() {
    QTemporaryDir tmp;
    const QString out = tmp.filePath("out");
    std::string hint;
    for (const char* shard : {"1/2", "2/2"}) {
      const ProcessRun r = eval_tiny(out, {"--shard", shard});
      QVERIFY2(r.exit_code == 0, r.err.c_str());
      QVERIFY2(r.out.empty(), r.out.c_str());  // a shard has no metrics of its own
      QVERIFY2(contains(r.err, "combine the shards with `glip merge "), r.err.c_str());
      hint = r.err;
    }
    QCOMPARE(find_files(out, "bbox.shard-*-of-2.json").size(), 2);
    QVERIFY(find_files(out, "metrics.json").isEmpty());
    // "... combine the shards with `glip merge FOLDER`, then `glip eval --results FOLDER/bbox.json --ann-file A`"
    const size_t at = hint.find("`glip merge ") + 12;
    const QString folder = q(hint.substr(at, hint.find('`', at) - at));
    QCOMPARE(QFileInfo(find_files(out, "bbox.shard-1-of-2.json").value(0)).path(), folder);

    const ProcessRun m = run_glip({"merge", folder});
    QVERIFY2(m.exit_code == 0, m.err.c_str());
    QVERIFY2(contains(m.err, "2 shard(s)"), m.err.c_str());
    const ProcessRun e = run_glip({"eval", "--results", folder + "/bbox.json", "--ann-file", q(golden_tiny_ann()),
                                   "OUTPUT_DIR", tmp.filePath("merged")});
    QVERIFY2(e.exit_code == 0, e.err.c_str());
    const std::vector<double> got = stats_of(load_json(tmp.filePath("merged/metrics.json").toStdString()));
    for (size_t i = 0; i < 12; ++i)
      QVERIFY2(std::abs(got[i] - kGoldenTinyStats[i]) < 1e-12, kStatKeys[i]);
  }

  // Each bad command line: exit status 1 and "glip: error: <reason>" on stderr, nothing on stdout.
  void bad_input() {
    QTemporaryDir tmp;
    const std::string base = data_path("coco/mixed");
    const QString results = q(base + ".results.json"), gt = q(base + ".gt.json");
    const QString cfg = q(glip::test::tiny_config());
    const std::vector<std::pair<QStringList, std::string>> cases = {
        {{"eval"}, "give --config-file"},
        {{"eval", "--results", results}, "--ann-file"},
        {{"eval", "--results", results, "--ann-file", gt, "--config-file", cfg}, "not both"},
        {{"eval", "--results", results, "--ann-file", gt, "--shard", "1/2"}, "--shard go with --config-file"},
        {{"eval", "--results", results, "--ann-file", gt, "TEST.IMS_PER_BATCH", "2"}, "'TEST.IMS_PER_BATCH' is not used"},
        {{"eval", "--results", results, "--ann-file", gt, "OUTPUT_DIR"}, "has no value"},
        {{"eval", "--results", tmp.filePath("none.json"), "--ann-file", gt}, "none.json"},
        {{"eval", "--config-file", cfg, "--ann-file", q(golden_tiny_ann()), "--image-dir", q(glip::test::tiny_dir()),
          "--shard", "2of3", "TEST.EVAL_TASK", "detection"},
         "is not K/N"},
        {{"eval", "--config-file", cfg, "--ann-file", q(golden_tiny_ann()), "--image-dir", q(glip::test::tiny_dir()),
          "--forward", "gpu", "TEST.EVAL_TASK", "detection"},
         "--forward must be auto, image or batch, not \"gpu\""},
    };
    for (const auto& [args, reason] : cases) {
      const ProcessRun r = run_glip(args, 300000, tmp.path());
      QVERIFY2(r.exit_code == 1, qPrintable(args.join(' ') + ": exit " + QString::number(r.exit_code)));
      QVERIFY2(r.err.rfind("glip: error: ", 0) == 0 && contains(r.err, reason), r.err.c_str());
      QVERIFY2(r.out.empty(), r.out.c_str());
    }
  }
};

QTEST_APPLESS_MAIN(TestEvalCli)
#include "test_eval_cli.moc"
