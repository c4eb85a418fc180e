// `glip merge` as a process: shards of a results file, one with images repeated from another (as a padding
// sampler writes them), merge into the original detections, which `glip eval --results` scores exactly as
// pycocotools scores the unsharded file (tests/data/coco/random_a.expected.json); --prefix and --output; missing,
// inconsistent or broken shards end with a one-line reason and exit status 1.
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "tests/common/checks.h"
#include "tests/common/files.h"
#include "tests/common/paths.h"
#include "tests/common/process.h"
#include "core/eval/merge.h"

using namespace glip::test;
using json = nlohmann::json;

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

// The same detection: image, category, box and score as numbers (the files may print them differently).
bool same_detection(const json& a, const json& b) {
  if (a.at("image_id").get<int64_t>() != b.at("image_id").get<int64_t>() ||
      a.at("category_id").get<int64_t>() != b.at("category_id").get<int64_t>() ||
      a.at("score").get<double>() != b.at("score").get<double>())
    return false;
  for (size_t k = 0; k < 4; ++k)
    if (a.at("bbox")[k].get<double>() != b.at("bbox")[k].get<double>()) return false;
  return true;
}

struct Shards {
  std::vector<json> files;  // shard k-1: a JSON list of detections
  json merged;              // what a merge must give: the shards in order, the repeated images left out
  size_t repeated_images = 0, repeated_detections = 0;
};

// random_a's results split by image over `n` shards (image i of the file's image order goes to shard i % n),
// the last shard also repeating the first two images of shard 1 with other scores.
Shards split(const json& results, size_t n) {
  Shards s;
  s.files.assign(n, json::array());
  std::map<int64_t, size_t> shard_of;
  for (const json& d : results) {
    const int64_t img = d.at("image_id").get<int64_t>();
    const size_t k = shard_of.emplace(img, shard_of.size() % n).first->second;
    s.files[k].push_back(d);
  }
  for (const json& f : s.files)
    for (const json& d : f) s.merged.push_back(d);
  std::map<int64_t, int> repeats;
  for (const json& d : s.files[0]) {
    const int64_t img = d.at("image_id").get<int64_t>();
    if (repeats.size() == 2 && !repeats.count(img)) continue;
    json r = d;
    r["score"] = 1.0 - 0.5 * d.at("score").get<double>();
    s.files[n - 1].push_back(r);
    ++repeats[img];
    ++s.repeated_detections;
  }
  s.repeated_images = repeats.size();
  return s;
}

// A shard as glip eval leaves it: the results file and its provenance record (core/eval/merge.h).
void write_shard(const std::string& file, int k, int n, const json& detections) {
  write_file(file, detections.dump());
  std::set<int64_t> ids;
  for (const json& d : detections) ids.insert(d.at("image_id").get<int64_t>());
  glip::eval::write_shard_record(file, {k, n, "run-1", std::vector<int64_t>(ids.begin(), ids.end()), ""});
}

void write_shards(const QString& dir, const std::string& prefix, const Shards& s) {
  const int n = static_cast<int>(s.files.size());
  for (int k = 1; k <= n; ++k)
    write_shard((dir + "/").toStdString() + glip::eval::shard_file_name(prefix, k, n), k, n,
                s.files[static_cast<size_t>(k - 1)]);
}

}  // namespace

class TestMergeCli : public QObject {
  Q_OBJECT
 private slots:
  void merge_then_evaluate() {
    QTemporaryDir tmp;
    const std::string base = glip::test::data_path("coco/random_a");
    const json results = load_json(base + ".results.json");
    const Shards s = split(results, 3);
    write_shards(tmp.path(), "bbox", s);
    write_file(tmp.filePath("segm.shard-1-of-2.json").toStdString(), "[]");  // another prefix: not looked at

    const ProcessRun r = run_glip({"merge", tmp.path()});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    const std::string merged_path = tmp.filePath("bbox.json").toStdString();
    std::set<int64_t> images;
    for (const json& d : results) images.insert(d.at("image_id").get<int64_t>());
    const std::string report = "3 shard(s), " + std::to_string(results.size()) + " detections on " +
                               std::to_string(images.size()) + " images (" +
                               std::to_string(s.repeated_images) + " repeated image(s) with " +
                               std::to_string(s.repeated_detections) + " detections dropped) -> " + merged_path;
    QVERIFY2(contains(r.err, report), r.err.c_str());
    const json merged = load_json(merged_path);
    QCOMPARE(merged.size(), s.merged.size());
    for (size_t i = 0; i < merged.size(); ++i) QVERIFY2(same_detection(merged[i], s.merged[i]), std::to_string(i).c_str());

    const ProcessRun e = run_glip({"eval", "--results", q(merged_path), "--ann-file", q(base + ".gt.json"),
                                   "OUTPUT_DIR", tmp.filePath("eval")});
    QVERIFY2(e.exit_code == 0, e.err.c_str());
    const json expected = load_json(base + ".expected.json");
    std::string summary;
    for (const auto& line : expected.at("summary")) summary += line.get<std::string>() + "\n";
    QCOMPARE(q(e.out), q(summary));
  }

  void prefix_and_output() {
    QTemporaryDir tmp;
    const Shards s = split(load_json(glip::test::data_path("coco/random_b.results.json")), 2);
    write_shards(tmp.path(), "segm", s);
    const QString out = tmp.filePath("sub/merged.json");
    QVERIFY(QDir().mkpath(tmp.filePath("sub")));
    const ProcessRun r = run_glip({"merge", tmp.path(), "--prefix", "segm", "--output", out});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    QVERIFY(!QFile::exists(tmp.filePath("segm.json")) && !QFile::exists(tmp.filePath("bbox.json")));
    const json merged = load_json(out.toStdString());
    QCOMPARE(merged.size(), s.merged.size());
    for (size_t i = 0; i < merged.size(); ++i) QVERIFY(same_detection(merged[i], s.merged[i]));
  }

  // Exit status 1, "glip: error: " and what is wrong; no merged file.
  void bad_shards() {
    QTemporaryDir tmp;
    const QString dir = tmp.path();
    const std::string one = R"([{"image_id": 1, "category_id": 1, "bbox": [0, 0, 1, 1], "score": 0.5}])";
    auto expect_error = [&](const QStringList& args, const std::vector<std::string>& parts) {
      const ProcessRun r = run_glip(args);
      QVERIFY2(r.exit_code == 1, qPrintable(args.join(' ') + ": exit " + QString::number(r.exit_code)));
      QVERIFY2(r.err.rfind("glip: error: ", 0) == 0, r.err.c_str());
      for (const std::string& p : parts) QVERIFY2(contains(r.err, p), (p + " not in: " + r.err).c_str());
      QVERIFY(!QFile::exists(dir + "/bbox.json"));
    };
    expect_error({"merge", dir + "/absent"}, {"not a directory"});
    expect_error({"merge", dir}, {"no shard files"});
    const auto shard = [&](int k, int n) { return (dir + "/").toStdString() + glip::eval::shard_file_name("bbox", k, n); };
    write_shard(shard(1, 4), 1, 4, json::parse(one));
    write_shard(shard(3, 4), 3, 4, json::parse(one));
    expect_error({"merge", dir}, {"bbox.shard-2-of-4.json", "bbox.shard-4-of-4.json"});
    write_shard(shard(2, 3), 2, 3, json::parse(one));
    expect_error({"merge", dir}, {"disagree on the number of shards (3, 4)"});
    QVERIFY(QFile::remove(dir + "/bbox.shard-2-of-3.json"));
    // A copy of shard 1 (with its record) as shard 2; a stale file under a name glip eval never writes.
    QVERIFY(QFile::copy(q(shard(1, 4)), q(shard(2, 4))));
    QVERIFY(QFile::copy(dir + "/bbox.shard-1-of-4.meta.json", dir + "/bbox.shard-2-of-4.meta.json"));
    write_shard(shard(4, 4), 4, 4, json::parse(one));
    expect_error({"merge", dir}, {"bbox.shard-2-of-4.json", "record of shard 1 of 4", "copied shard"});
    write_shard(shard(2, 4), 2, 4, json::parse(one));
    write_file((dir + "/bbox.shard-02-of-4.json").toStdString(), one);
    expect_error({"merge", dir}, {"'bbox.shard-02-of-4.json' is not a name glip eval writes"});
    QVERIFY(QFile::remove(dir + "/bbox.shard-02-of-4.json"));
    write_file(shard(4, 4), R"([{"image_id": 1,)");
    expect_error({"merge", dir}, {"bbox.shard-4-of-4.json", "invalid JSON"});

    // No directory at all: CLI11's usage error, not a merge.
    const ProcessRun r = run_glip({"merge"});
    QVERIFY(r.exit_code != 0 && r.exit_code != -1);
    QVERIFY2(contains(r.err, "dir"), r.err.c_str());
  }
};

QTEST_APPLESS_MAIN(TestMergeCli)
#include "test_merge_cli.moc"
