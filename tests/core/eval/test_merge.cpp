// Merging sharded results (core/eval/merge.h): naming, de-duplication by image, missing / inconsistent shards.
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <map>

#include "core/common/error.h"
#include "core/eval/coco_eval.h"
#include "core/eval/coco_io.h"
#include "core/eval/merge.h"
#include "tests/common/checks.h"
#include "tests/common/paths.h"

using namespace glip::eval;
namespace fs = std::filesystem;

namespace {

const std::string kDir = glip::test::data_path("coco/");

using glip::test::contains;
using glip::test::error_of;

}  // namespace

class TestMerge : public QObject {
  Q_OBJECT
 private slots:
  void names();
  void merge_equals_unsharded_evaluation();
  void errors();
};

void TestMerge::names() {
  QCOMPARE(shard_file_name("bbox", 2, 4), std::string("bbox.shard-2-of-4.json"));
  QCOMPARE(shard_file_name("bbox", 1, 1), std::string("bbox.shard-1-of-1.json"));
  QVERIFY(contains(error_of([] { shard_file_name("bbox", 0, 4); }), "out of range"));
  QVERIFY(contains(error_of([] { shard_file_name("bbox", 5, 4); }), "out of range"));
}

// random_a's results split by image over 3 shards, shard 3 also repeating images of shard 1 with other scores
// (as a padding sampler would): the merge drops the repeats and evaluates exactly like the unsharded file.
void TestMerge::merge_equals_unsharded_evaluation() {
  const CocoDataset gt = read_coco_dataset(kDir + "random_a.gt.json");
  const std::vector<Detection> all = read_detections(kDir + "random_a.results.json");
  std::vector<std::vector<Detection>> shards(3);
  for (const Detection& d : all) shards[static_cast<size_t>((d.image_id * 7919) % 3)].push_back(d);
  std::map<int64_t, int> repeated;
  for (const Detection& d : shards[0]) {
    if (repeated.size() >= 3 && repeated.count(d.image_id) == 0) continue;
    Detection r = d;
    r.score = 1.0 - d.score * 0.5;
    shards[2].push_back(r);
    ++repeated[d.image_id];
  }
  int64_t repeated_dets = 0;
  for (const auto& [img, n] : repeated) repeated_dets += n;

  QTemporaryDir tmp;
  const std::string dir = tmp.path().toStdString();
  for (int k = 1; k <= 3; ++k)
    write_detections((fs::path(dir) / shard_file_name("bbox", k, 3)).string(), shards[static_cast<size_t>(k - 1)]);
  write_detections((fs::path(dir) / "segm.shard-1-of-2.json").string(), {});  // other prefix: not looked at
  std::ofstream(fs::path(dir) / "bbox.shard-notes.txt") << "unrelated";

  const MergeResult m = merge_shards(dir);
  QCOMPARE(m.num_shards, 3);
  QCOMPARE(m.shard_files.size(), size_t(3));
  QVERIFY(contains(m.shard_files[2], "bbox.shard-3-of-3.json"));
  QCOMPARE(m.detections.size(), all.size());
  QCOMPARE(m.duplicate_images, static_cast<int64_t>(repeated.size()));
  QCOMPARE(m.dropped_detections, repeated_dets);
  // shard order, file order inside a shard; the repeats (appended at the end of shard 3) are gone
  std::vector<Detection> expected = shards[0];
  expected.insert(expected.end(), shards[1].begin(), shards[1].end());
  expected.insert(expected.end(), shards[2].begin(), shards[2].end() - repeated_dets);
  QCOMPARE(expected.size(), m.detections.size());
  for (size_t q = 0; q < expected.size(); ++q) {
    QCOMPARE(m.detections[q].image_id, expected[q].image_id);
    QVERIFY(m.detections[q].bbox == expected[q].bbox);
    QVERIFY(m.detections[q].score == expected[q].score);
  }

  const EvalResult a = evaluate_bbox(gt, all);
  const EvalResult b = evaluate_bbox(gt, m.detections);
  QVERIFY(a.stats == b.stats);
  QVERIFY(a.precision == b.precision);
  qInfo("merged %zu detections on %lld images; %lld repeated images (%lld detections) dropped; AP %.4f",
        m.detections.size(), static_cast<long long>(m.num_images), static_cast<long long>(m.duplicate_images),
        static_cast<long long>(m.dropped_detections), b.stats[0]);
}

void TestMerge::errors() {
  QTemporaryDir tmp;
  const fs::path dir = tmp.path().toStdString();
  const std::vector<Detection> one = {{1, 1, {0, 0, 1, 1}, 0.5}};
  QVERIFY(contains(error_of([&] { merge_shards((dir / "absent").string()); }), "not a directory"));
  QVERIFY(contains(error_of([&] { merge_shards(dir.string()); }), "no shard files"));

  write_detections((dir / shard_file_name("bbox", 1, 4)).string(), one);
  write_detections((dir / shard_file_name("bbox", 3, 4)).string(), one);
  const std::string missing = error_of([&] { merge_shards(dir.string()); });
  QVERIFY2(contains(missing, "bbox.shard-2-of-4.json") && contains(missing, "bbox.shard-4-of-4.json") &&
               !contains(missing, "bbox.shard-3-of-4.json"),
           missing.c_str());

  write_detections((dir / shard_file_name("bbox", 2, 3)).string(), one);
  QVERIFY(contains(error_of([&] { merge_shards(dir.string()); }), "disagree on the number of shards (3, 4)"));
  fs::remove(dir / shard_file_name("bbox", 2, 3));

  write_detections((dir / shard_file_name("bbox", 2, 4)).string(), one);
  std::ofstream(dir / shard_file_name("bbox", 4, 4)) << "[{\"image_id\": 1,";
  const std::string bad = error_of([&] { merge_shards(dir.string()); });
  QVERIFY2(contains(bad, "bbox.shard-4-of-4.json") && contains(bad, "invalid JSON"), bad.c_str());

  std::ofstream(dir / "bbox.shard-0-of-4.json") << "[]";
  QVERIFY(contains(error_of([&] { merge_shards(dir.string()); }), "outside 1..4"));
}

QTEST_APPLESS_MAIN(TestMerge)
#include "test_merge.moc"
