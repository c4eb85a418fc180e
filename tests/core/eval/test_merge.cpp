// Merging sharded results (core/eval/merge.h): naming, de-duplication by image, missing / inconsistent shards.
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "core/common/error.h"
#include "core/eval/coco_eval.h"
#include "core/coco/coco.h"
#include "core/eval/merge.h"
#include "tests/common/checks.h"
#include "tests/common/paths.h"

using namespace glip::eval;
namespace fs = std::filesystem;
namespace coco = glip::coco;

namespace {

const std::string kDir = glip::test::data_path("coco/");

using glip::test::contains;
using glip::test::error_of;

// A shard as glip eval leaves it: the results file and its provenance record (run `run`, the images it holds).
void write_shard(const fs::path& dir, int k, int n, const std::vector<coco::Result>& dets,
                 const std::string& run = "run-a") {
  const std::string file = (dir / shard_file_name("bbox", k, n)).string();
  coco::write_results(file, dets);
  std::set<int64_t> ids;
  for (const coco::Result& d : dets) ids.insert(d.image_id);
  write_shard_record(file, {k, n, run, std::vector<int64_t>(ids.begin(), ids.end()), ""});
}

}  // namespace

class TestMerge : public QObject {
  Q_OBJECT
 private slots:
  void names();
  void merge_equals_unsharded_evaluation();
  void errors();
  void provenance();
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
  const coco::Dataset gt = read_ground_truth(kDir + "random_a.gt.json");
  const std::vector<coco::Result> all = coco::read_results(kDir + "random_a.results.json");
  std::vector<std::vector<coco::Result>> shards(3);
  for (const coco::Result& d : all) shards[static_cast<size_t>((d.image_id * 7919) % 3)].push_back(d);
  std::map<int64_t, int> repeated;
  for (const coco::Result& d : shards[0]) {
    if (repeated.size() >= 3 && repeated.count(d.image_id) == 0) continue;
    coco::Result r = d;
    r.score = 1.0 - d.score * 0.5;
    shards[2].push_back(r);
    ++repeated[d.image_id];
  }
  int64_t repeated_dets = 0;
  for (const auto& [img, n] : repeated) repeated_dets += n;

  QTemporaryDir tmp;
  const std::string dir = tmp.path().toStdString();
  for (int k = 1; k <= 3; ++k) write_shard(dir, k, 3, shards[static_cast<size_t>(k - 1)]);
  coco::write_results((fs::path(dir) / "segm.shard-1-of-2.json").string(), {});  // other prefix: not looked at
  std::ofstream(fs::path(dir) / "bbox.shard-notes.txt") << "unrelated";

  const MergeResult m = merge_shards(dir);
  QCOMPARE(m.num_shards, 3);
  QCOMPARE(m.shard_files.size(), size_t(3));
  QVERIFY(contains(m.shard_files[2], "bbox.shard-3-of-3.json"));
  QCOMPARE(m.detections.size(), all.size());
  QCOMPARE(m.duplicate_images, static_cast<int64_t>(repeated.size()));
  QCOMPARE(m.dropped_detections, repeated_dets);
  // shard order, file order inside a shard; the repeats (appended at the end of shard 3) are gone
  std::vector<coco::Result> expected = shards[0];
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
  const std::vector<coco::Result> one = {{1, 1, {0, 0, 1, 1}, 0.5}};
  QVERIFY(contains(error_of([&] { merge_shards((dir / "absent").string()); }), "not a directory"));
  QVERIFY(contains(error_of([&] { merge_shards(dir.string()); }), "no shard files"));

  write_shard(dir, 1, 4, one);
  write_shard(dir, 3, 4, one);
  const std::string missing = error_of([&] { merge_shards(dir.string()); });
  QVERIFY2(contains(missing, "bbox.shard-2-of-4.json") && contains(missing, "bbox.shard-4-of-4.json") &&
               !contains(missing, "bbox.shard-3-of-4.json"),
           missing.c_str());

  write_shard(dir, 2, 3, one);
  QVERIFY(contains(error_of([&] { merge_shards(dir.string()); }), "disagree on the number of shards (3, 4)"));
  fs::remove(dir / shard_file_name("bbox", 2, 3));

  write_shard(dir, 2, 4, one);
  write_shard(dir, 4, 4, one);
  std::ofstream(dir / shard_file_name("bbox", 4, 4)) << "[{\"image_id\": 1,";
  const std::string bad = error_of([&] { merge_shards(dir.string()); });
  QVERIFY2(contains(bad, "bbox.shard-4-of-4.json") && contains(bad, "invalid JSON"), bad.c_str());

  std::ofstream(dir / "bbox.shard-0-of-4.json") << "[]";
  QVERIFY(contains(error_of([&] { merge_shards(dir.string()); }), "outside 1..4"));
}

// Files that do not belong together are refused, each with its reason (before: merged, exit 0, images missing).
void TestMerge::provenance() {
  QTemporaryDir tmp;
  const fs::path dir = tmp.path().toStdString();
  const std::vector<coco::Result> a = {{1, 1, {0, 0, 5, 5}, 0.9}, {2, 1, {1, 1, 4, 4}, 0.8}};
  const std::vector<coco::Result> b = {{3, 1, {0, 0, 5, 5}, 0.7}};
  const std::vector<coco::Result> c = {{4, 2, {2, 2, 3, 3}, 0.6}};
  write_shard(dir, 1, 3, a);
  write_shard(dir, 2, 3, b);
  write_shard(dir, 3, 3, c);
  QCOMPARE(merge_shards(dir.string()).detections.size(), size_t(4));
  const std::string s1 = (dir / shard_file_name("bbox", 1, 3)).string(), s2 = (dir / shard_file_name("bbox", 2, 3)).string();
  const std::string r1 = (dir / shard_record_name("bbox", 1, 3)).string(), r2 = (dir / shard_record_name("bbox", 2, 3)).string();
  const auto backup = [&](const std::string& p) { fs::copy_file(p, p + ".bak", fs::copy_options::overwrite_existing); };
  const auto restore = [&](const std::string& p) { fs::copy_file(p + ".bak", p, fs::copy_options::overwrite_existing); };
  for (const std::string& p : {s2, r2}) backup(p);

  // A stale file beside the real one, under a name glip eval never writes.
  fs::copy_file(s2, dir / "bbox.shard-2-of-03.json");
  QVERIFY(contains(error_of([&] { merge_shards(dir.string()); }), "'bbox.shard-2-of-03.json' is not a name glip eval writes"));
  fs::remove(dir / "bbox.shard-2-of-03.json");

  // A copy of shard 1 as shard 2: with shard 1's record, or with shard 2's record (then the hash differs).
  fs::copy_file(s1, s2, fs::copy_options::overwrite_existing);
  fs::copy_file(r1, r2, fs::copy_options::overwrite_existing);
  QVERIFY(contains(error_of([&] { merge_shards(dir.string()); }), "comes with the record of shard 1 of 3 (a copied shard?)"));
  restore(r2);
  QVERIFY(contains(error_of([&] { merge_shards(dir.string()); }), "was changed or replaced after glip eval wrote it"));
  restore(s2);

  // A shard of another run (other config, weights, dataset, prompt or N).
  write_shard(dir, 2, 3, b, "run-b");
  QVERIFY(contains(error_of([&] { merge_shards(dir.string()); }), "come from different runs"));
  write_shard(dir, 2, 3, b);

  // Detections of an image the shard did not run.
  coco::write_results(s2, {{3, 1, {0, 0, 5, 5}, 0.7}, {9, 1, {0, 0, 1, 1}, 0.1}});
  write_shard_record(s2, {2, 3, "run-a", {3}, ""});
  QVERIFY(contains(error_of([&] { merge_shards(dir.string()); }), "has detections for image 9, which its shard did not run"));

  // No record at all (results from elsewhere, or an older version).
  write_shard(dir, 2, 3, b);
  fs::remove(r2);
  QVERIFY(contains(error_of([&] { merge_shards(dir.string()); }), "'bbox.shard-2-of-3.meta.json' is missing"));
  write_shard(dir, 2, 3, b);
  QCOMPARE(merge_shards(dir.string()).detections.size(), size_t(4));
}

QTEST_APPLESS_MAIN(TestMerge)
#include "test_merge.moc"
