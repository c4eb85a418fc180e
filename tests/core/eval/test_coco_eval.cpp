// COCO bbox evaluation: parity with pycocotools on the fixtures in tests/data/coco (expected numbers printed by
// pycocotools' COCOeval once, see tests/data/coco/README.md), output files, malformed input, speed.
#include <QtTest>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/eval/coco_eval.h"
#include "core/coco/coco.h"
#include "core/eval/eval_output.h"
#include "tests/common/files.h"
#include "tests/common/paths.h"

using namespace glip::eval;
namespace fs = std::filesystem;
namespace coco = glip::coco;

namespace {

const std::string kDir = glip::test::data_path("coco/");

using glip::test::load_json;

std::string write_temp(const QTemporaryDir& dir, const std::string& name, const std::string& text) {
  const std::string path = (fs::path(dir.path().toStdString()) / name).string();
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

// Runs `fn`, expects glip::Error whose message contains every piece of `parts`.
template <class F>
void expect_error(F fn, const std::vector<std::string>& parts) {
  try {
    fn();
  } catch (const glip::Error& e) {
    const std::string msg = e.what();
    for (const auto& p : parts)
      QVERIFY2(msg.find(p) != std::string::npos, ("'" + p + "' not in message: " + msg).c_str());
    return;
  }
  QFAIL("expected glip::Error");
}

}  // namespace

class TestCocoEval : public QObject {
  Q_OBJECT
 private slots:
  void parity_data();
  void parity();
  void threads_do_not_change_results();
  void ignore_field_is_overridden_by_iscrowd();
  void outputs();
  void detections_round_trip();
  void malformed_input();
  void speed();
};

void TestCocoEval::parity_data() {
  QTest::addColumn<QString>("name");
  for (const char* n : {"mixed", "random_a", "random_b", "no_small", "quirks", "empty_results"})
    QTest::newRow(n) << QString(n);
}

void TestCocoEval::parity() {
  QFETCH(QString, name);
  const std::string base = kDir + name.toStdString();
  const nlohmann::json exp = load_json(base + ".expected.json");
  const EvalResult r = evaluate_results_file(base + ".results.json", base + ".gt.json");

  // Parameters are bit-identical to np.linspace's.
  const auto iou = exp["iou_thrs"].get<std::vector<double>>();
  const auto rec = exp["rec_thrs"].get<std::vector<double>>();
  QCOMPARE(r.params.iou_thrs.size(), iou.size());
  QCOMPARE(r.params.rec_thrs.size(), rec.size());
  for (size_t i = 0; i < iou.size(); ++i) QVERIFY(r.params.iou_thrs[i] == iou[i]);
  for (size_t i = 0; i < rec.size(); ++i) QVERIFY(r.params.rec_thrs[i] == rec[i]);

  double max_err = 0;
  const auto stats = exp["stats"].get<std::vector<double>>();
  QCOMPARE(stats.size(), size_t(12));
  for (size_t i = 0; i < 12; ++i) {
    const double err = std::fabs(r.stats[i] - stats[i]);
    max_err = std::max(max_err, err);
    QVERIFY2(err <= 1e-6, (std::string(kStatNames[i]) + ": " + std::to_string(r.stats[i]) + " vs pycocotools " +
                           std::to_string(stats[i]))
                              .c_str());
  }
  const auto& per = exp["per_category"];
  QCOMPARE(r.per_category.size(), per.size());
  for (size_t k = 0; k < per.size(); ++k) {
    QCOMPARE(r.per_category[k].id, per[k]["id"].get<int64_t>());
    const double e1 = std::fabs(r.per_category[k].ap - per[k]["AP"].get<double>());
    const double e2 = std::fabs(r.per_category[k].ap50 - per[k]["AP50"].get<double>());
    max_err = std::max({max_err, e1, e2});
    QVERIFY2(e1 <= 1e-6 && e2 <= 1e-6, ("category " + std::to_string(r.per_category[k].id)).c_str());
  }
  // The printed summary, character for character.
  std::string expected_summary;
  for (const auto& line : exp["summary"]) expected_summary += line.get<std::string>() + "\n";
  QCOMPARE(QString::fromStdString(format_summary(r)), QString::fromStdString(expected_summary));
  qInfo("%s: max |error| vs pycocotools = %.3g (12 stats + per-category AP/AP50)", qPrintable(name), max_err);
}

void TestCocoEval::threads_do_not_change_results() {
  const coco::Dataset gt = read_ground_truth(kDir + "random_a.gt.json");
  const auto dets = coco::read_results(kDir + "random_a.results.json");
  const EvalResult a = evaluate_bbox(gt, dets, 1);
  const EvalResult b = evaluate_bbox(gt, dets, 3);
  QVERIFY(a.precision == b.precision);
  QVERIFY(a.recall == b.recall);
  QVERIFY(a.stats == b.stats);
}

// pycocotools sets gt['ignore'] = iscrowd, discarding the file's "ignore" field: the fixture "mixed" has an
// annotation with ignore=1, iscrowd=0 (its parity is covered above); here: flipping it in the file must not change
// anything, while flipping iscrowd must.
void TestCocoEval::ignore_field_is_overridden_by_iscrowd() {
  coco::Dataset gt = read_ground_truth(kDir + "mixed.gt.json");
  const auto dets = coco::read_results(kDir + "mixed.results.json");
  const EvalResult base = evaluate_bbox(gt, dets, 1);
  std::string text = glip::read_text_file(kDir + "mixed.gt.json");
  const size_t at = text.find("\"ignore\":1");
  QVERIFY(at != std::string::npos);
  text[at + 9] = '0';
  QVERIFY(evaluate_bbox(coco::parse_dataset(text, "flipped"), dets, 1).stats == base.stats);
  for (auto& a : gt.annotations)
    if (a.image_id == 1 && a.iscrowd == 0) a.iscrowd = 1;
  QVERIFY(evaluate_bbox(gt, dets, 1).stats != base.stats);
}

void TestCocoEval::outputs() {
  QTemporaryDir tmp;
  QVERIFY(tmp.isValid());
  const EvalResult r = evaluate_results_file(kDir + "mixed.results.json", kDir + "mixed.gt.json");
  const std::string out_dir = (fs::path(tmp.path().toStdString()) / "sub" / "dir").string();
  const std::string path = write_eval_outputs(out_dir, r);
  const nlohmann::json m = load_json(path);
  for (size_t i = 0; i < 12; ++i) QCOMPARE(m[kStatNames[i]].get<double>(), r.stats[i]);
  QCOMPARE(m["per_category"].size(), size_t(5));
  QCOMPARE(m["per_category"][2]["name"].get<std::string>(), std::string("dog"));
  QCOMPARE(m["per_category"][2]["AP"].get<double>(), -1.0);  // detections, no ground truth
  QCOMPARE(m["per_category"][1]["AP"].get<double>(), 0.0);   // ground truth, no detections
  QCOMPARE(m["num_dropped_detections"].get<int64_t>(), int64_t(1));
  std::ifstream csv(fs::path(out_dir) / "per_category_ap.csv");
  std::string header, row1;
  std::getline(csv, header);
  std::getline(csv, row1);
  QCOMPARE(QString::fromStdString(header), QString("category_id,name,AP,AP50,num_gt,num_det"));
  QVERIFY(row1.rfind("1,person,", 0) == 0);
  int files = 0;
  for (const auto& e : fs::directory_iterator(out_dir)) {
    ++files;
    QVERIFY2(e.path().filename().string().find(".tmp-") == std::string::npos, "temp file left behind");
  }
  QCOMPARE(files, 2);
}

void TestCocoEval::detections_round_trip() {
  std::vector<coco::Result> dets = coco::read_results(kDir + "random_b.results.json");
  dets.push_back({5, 6, {0.1, 1e-7, 123456.789, 1.0 / 3.0}, 0.30000000000000004});
  const std::vector<coco::Result> back = coco::parse_results(coco::results_to_json(dets), "round trip");
  QCOMPARE(back.size(), dets.size());
  for (size_t i = 0; i < dets.size(); ++i) {
    QCOMPARE(back[i].image_id, dets[i].image_id);
    QCOMPARE(back[i].category_id, dets[i].category_id);
    QVERIFY(back[i].bbox == dets[i].bbox);
    QVERIFY(back[i].score == dets[i].score);
  }
  QCOMPARE(coco::parse_results("[]", "empty").size(), size_t(0));
}

void TestCocoEval::malformed_input() {
  QTemporaryDir tmp;
  auto det_file = [&](const std::string& text) { return write_temp(tmp, "r.json", text); };
  auto gt_file = [&](const std::string& text) { return write_temp(tmp, "gt.json", text); };
  const std::string good_det = R"({"image_id": 1, "category_id": 1, "bbox": [1, 2, 3, 4], "score": 0.5})";

  expect_error([&] { coco::read_results(det_file("[" + good_det + ", {\"image_id\": 1,")); }, {"r.json", "invalid JSON"});
  expect_error([&] { coco::read_results(det_file(good_det)); }, {"r.json", "array"});
  expect_error([&] { coco::read_results(det_file("[" + good_det + ", 3]")); }, {"r.json", "[1]", "object"});
  expect_error([&] { coco::read_results(det_file("[" + good_det + R"(, {"image_id": 1, "bbox": [1,2,3,4], "score": 1}])")); },
               {"r.json", "[1]", "category_id", "missing"});
  expect_error([&] { coco::read_results(det_file(R"([{"image_id": 1, "category_id": 1, "bbox": [1,2,3], "score": 1}])")); },
               {"r.json", "[0]", "bbox", "4 numbers"});
  expect_error([&] { coco::read_results(det_file(R"([{"image_id": 1, "category_id": 1, "bbox": [1,2,3,[4]], "score": 1}])")); },
               {"[0]", "bbox"});
  expect_error([&] { coco::read_results(det_file(R"([{"image_id": 1, "category_id": 1, "bbox": [1,2,3,4], "score": "high"}])")); },
               {"[0]", "score", "number"});
  expect_error([&] { coco::read_results(det_file(R"([{"image_id": 1.5, "category_id": 1, "bbox": [1,2,3,4], "score": 1}])")); },
               {"[0]", "image_id", "integer"});
  expect_error([&] { coco::read_results((fs::path(tmp.path().toStdString()) / "nope.json").string()); }, {"nope.json"});

  const std::string cats = R"("categories": [{"id": 1, "name": "a"}])";
  expect_error([&] { read_ground_truth(gt_file("[]")); }, {"gt.json", "object"});
  expect_error([&] { read_ground_truth(gt_file(R"({"images": 5})")); }, {"gt.json", "'images'", "array"});
  expect_error([&] { read_ground_truth(gt_file(R"({"images": [{"id": 1}, {"width": 3}]})")); },
               {"gt.json", "images[1]", "'id'", "missing"});
  expect_error([&] { read_ground_truth(gt_file(R"({"images": [{"id": 1}], "annotations": [{"id": 1, "image_id": 1, "category_id": 1}], )" + cats + "}")); },
               {"gt.json", "annotations[0]", "'bbox'", "missing"});
  expect_error([&] { read_ground_truth(gt_file(R"({"images": [{"id": 1}], "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [0,0,1,1], "area": "x"}], )" + cats + "}")); },
               {"annotations[0]", "'area'", "number"});
  expect_error([&] { read_ground_truth(gt_file(R"({"categories": [{"id": 1, "name": 7}]})")); },
               {"categories[0]", "'name'", "string"});
  expect_error([&] { read_ground_truth(gt_file(R"({"images": [{"id": 1}], "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [0,0,1,1]}, {"id": 1, "image_id": 1, "category_id": 1, "bbox": [0,0,1,1]}], )" + cats + "}")); },
               {"annotations[1]", "duplicate annotation id 1"});
  expect_error([&] { read_ground_truth(gt_file(R"({"images": [{"id": 1}], "annotations": [})")); }, {"gt.json", "invalid JSON"});

  // Unused fields (segmentation polygons, RLE dicts, info) are skipped; area and iscrowd default.
  const coco::Dataset ok = read_ground_truth(gt_file(
      R"({"info": {"a": [1, {"b": 2}]}, "images": [{"id": 1, "file_name": "x.jpg"}], "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "segmentation": [[1,2,3,4,5,6]], "bbox": [0,0,2,3]}, {"id": 2, "image_id": 1, "category_id": 1, "segmentation": {"counts": "abc", "size": [2, 2]}, "bbox": [1,1,2,2], "area": 3.5, "iscrowd": 1}], )" +
      cats + "}"));
  QCOMPARE(ok.annotations.size(), size_t(2));
  QCOMPARE(ok.annotations[0].area, 6.0);
  QCOMPARE(ok.annotations[0].iscrowd, int64_t(0));
  QCOMPARE(ok.annotations[1].area, 3.5);
  QCOMPARE(ok.annotations[1].iscrowd, int64_t(1));
  QCOMPARE(ok.images[0].file_name, std::string("x.jpg"));

  // A detection on an image that is not in the dataset (pycocotools: "Results do not correspond to current coco set").
  std::vector<coco::Result> dets = {{1, 1, {0, 0, 1, 1}, 0.5}, {9, 1, {0, 0, 1, 1}, 0.5}};
  expect_error([&] { evaluate_bbox(ok, dets); }, {"detection [1]", "image_id 9", "gt.json"});
}

// 5,000 images x 100 detections, 80 categories: parse both files and evaluate (printed, not asserted).
void TestCocoEval::speed() {
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> u(0, 1);
  nlohmann::json gt;
  gt["images"] = nlohmann::json::array();
  gt["annotations"] = nlohmann::json::array();
  gt["categories"] = nlohmann::json::array();
  for (int c = 1; c <= 80; ++c) gt["categories"].push_back({{"id", c}, {"name", "c" + std::to_string(c)}});
  std::vector<coco::Result> dets;
  dets.reserve(500000);
  int64_t ann_id = 0;
  for (int img = 1; img <= 5000; ++img) {
    gt["images"].push_back({{"id", img}, {"width", 640}, {"height", 480}});
    std::vector<std::array<double, 5>> boxes;
    for (int j = 0; j < 7; ++j) {
      const double s = 8 + 200 * u(rng) * u(rng);
      std::array<double, 5> b = {std::floor(u(rng) * 500), std::floor(u(rng) * 350), s, s * (0.5 + u(rng)),
                                 static_cast<double>(1 + static_cast<int>(u(rng) * 80))};
      boxes.push_back(b);
      gt["annotations"].push_back({{"id", ++ann_id}, {"image_id", img}, {"category_id", static_cast<int>(b[4])},
                                   {"bbox", {b[0], b[1], b[2], b[3]}}, {"area", b[2] * b[3]}, {"iscrowd", 0}});
    }
    for (int j = 0; j < 100; ++j) {
      coco::Result d;
      d.image_id = img;
      if (j < 14) {
        const auto& b = boxes[static_cast<size_t>(j % 7)];
        d.category_id = static_cast<int64_t>(b[4]);
        d.bbox = {b[0] + 4 * (u(rng) - 0.5), b[1] + 4 * (u(rng) - 0.5), b[2] * (0.9 + 0.2 * u(rng)), b[3]};
      } else {
        d.category_id = 1 + static_cast<int64_t>(u(rng) * 80);
        d.bbox = {u(rng) * 500, u(rng) * 350, 5 + u(rng) * 150, 5 + u(rng) * 150};
      }
      d.score = std::round(u(rng) * 1000) / 1000;
      dets.push_back(d);
    }
  }
  QTemporaryDir tmp;
  const std::string gt_path = write_temp(tmp, "gt.json", gt.dump());
  const std::string det_path = (fs::path(tmp.path().toStdString()) / "bbox.json").string();
  coco::write_results(det_path, dets);

  const auto t0 = std::chrono::steady_clock::now();
  const coco::Dataset ds = read_ground_truth(gt_path);
  const auto t1 = std::chrono::steady_clock::now();
  const std::vector<coco::Result> loaded = coco::read_results(det_path);
  const auto t2 = std::chrono::steady_clock::now();
  const EvalResult r = evaluate_bbox(ds, loaded);
  const auto t3 = std::chrono::steady_clock::now();
  auto sec = [](auto a, auto b) { return std::chrono::duration<double>(b - a).count(); };
  QCOMPARE(loaded.size(), size_t(500000));
  qInfo("speed: 5000 images x 100 detections (%.1f MB results): parse gt %.2f s, parse results %.2f s, "
        "evaluate %.2f s, total %.2f s (AP %.3f)",
        static_cast<double>(fs::file_size(det_path)) / 1e6, sec(t0, t1), sec(t1, t2), sec(t2, t3), sec(t0, t3),
        r.stats[0]);
}

QTEST_APPLESS_MAIN(TestCocoEval)
#include "test_coco_eval.moc"
