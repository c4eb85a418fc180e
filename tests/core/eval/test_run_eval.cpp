// The model-driven evaluation (core/eval/run_eval.h) on the tiny-a golden model and a two-image COCO set made
// from the golden photos (tests/data/coco/golden_tiny: image ids 42, 7 in file order; categories 47 cup, 1 person,
// 67 dining table, 50 spoon in file order, so labels 1..4 map back to non-contiguous ids).
#include <QtTest>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/config/config.h"
#include "core/engine/engine.h"
#include "core/eval/coco_eval.h"
#include "core/coco/coco.h"
#include "core/eval/eval_output.h"
#include "core/eval/merge.h"
#include "core/eval/run_eval.h"
#include "tests/common/checks.h"
#include "tests/common/paths.h"
#include "tests/common/tiny_model.h"

using namespace glip::eval;
namespace fs = std::filesystem;
namespace coco = glip::coco;

namespace {

const std::string kGolden = glip::test::tiny_dir() + "/";
const std::string kAnn = glip::test::data_path("coco/golden_tiny/instances_val2017.json");
const std::vector<std::string> kDetectionTask = {"TEST.EVAL_TASK", "detection"};

using glip::test::contains;
using glip::test::error_of;

std::shared_ptr<const glip::Model> load_tiny(std::vector<std::string> overrides) {
  return glip::Model::load(glip::test::tiny_params(kGolden + "model_final.pth", std::move(overrides)));
}

void expect_same(const std::vector<coco::Result>& a, const std::vector<coco::Result>& b) {
  QCOMPARE(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    QCOMPARE(a[i].image_id, b[i].image_id);
    QCOMPARE(a[i].category_id, b[i].category_id);
    for (size_t k = 0; k < 4; ++k) QCOMPARE(a[i].bbox[k], b[i].bbox[k]);  // exact: same float32 values
    QCOMPARE(a[i].score, b[i].score);
  }
}

EvalRunOptions explicit_dataset(const std::string& out) {
  EvalRunOptions o;
  o.ann_file = kAnn;
  o.image_dir = kGolden;
  o.output_folder = out;
  return o;
}

}  // namespace

class TestRunEval : public QObject {
  Q_OBJECT
  std::shared_ptr<const glip::Model> model_;
  std::vector<coco::Result> reference_;  // Session::detect per image, dataset order, labels mapped to json ids
  QTemporaryDir tmp_;
  std::string dir(const std::string& name) const { return (fs::path(tmp_.path().toStdString()) / name).string(); }

 private slots:
  void initTestCase();
  void categories_order_and_batches();
  void end_to_end_equals_session_detect();
  void resume_after_interruption();
  void shards_and_merge_equal_unsharded();
  void batch_of_two_pads_to_common_size();
  void batch_forward_equals_per_image();
  void dataset_lookup_and_not_found();
  void refused_settings();
  void overlong_category_name();
};

void TestRunEval::initTestCase() {
  QVERIFY(tmp_.isValid());
  model_ = load_tiny(kDetectionTask);
  // The reference: what the engine gives for the official prompt, labels mapped through the file's category order.
  glip::Session s(model_);
  const glip::Prompt prompt = glip::Prompt::categories({"cup", "person", "dining table", "spoon"});
  QCOMPARE(prompt.caption, std::string("cup. person. dining table. spoon"));
  const std::map<int, int64_t> label_to_id = {{1, 47}, {2, 1}, {3, 67}, {4, 50}};
  for (const auto& [id, file] : std::vector<std::pair<int64_t, std::string>>{{7, "astronaut.png"}, {42, "coffee.png"}}) {
    const glip::DetectResult r = s.detect(glip::image::load_image(kGolden + file), prompt);
    QVERIFY(!r.detections.empty());
    for (const glip::Detection& d : r.detections) {
      const auto b = d.box_xywh();
      reference_.push_back({id, label_to_id.at(d.label), {b[0], b[1], b[2], b[3]}, d.score});
    }
  }
}

void TestRunEval::categories_order_and_batches() {
  const coco::Dataset gt = read_ground_truth(kAnn);
  const EvalCategories c = eval_categories(gt);
  QCOMPARE(c.names, (std::vector<std::string>{"cup", "person", "dining table", "spoon"}));  // getCatIds(): file order
  QCOMPARE(c.json_ids, (std::vector<int64_t>{47, 1, 67, 50}));
  const std::vector<size_t> order = dataset_order(gt);  // sorted ids: 7 (astronaut) then 42 (coffee)
  QCOMPARE(order, (std::vector<size_t>{1, 0}));

  // A background entry is skipped; duplicate ids are refused.
  coco::Dataset bg;
  bg.origin = "bg.json";
  bg.categories = {{0, "__background__"}, {5, "cat_(animal)"}};
  QCOMPARE(eval_categories(bg).json_ids, (std::vector<int64_t>{5}));
  bg.categories.push_back({5, "dog"});
  QVERIFY(contains(error_of([&] { eval_categories(bg); }), "category id 5 appears twice"));

  // GroupedBatchSampler: landscape (h/w < 1) and portrait/square images batch separately, each in dataset order;
  // batches ordered by their first image.
  coco::Dataset d;
  d.origin = "synthetic";
  const int64_t sizes[5][2] = {{400, 600}, {600, 400}, {300, 500}, {200, 800}, {500, 500}};  // h, w
  for (int i = 0; i < 5; ++i) d.images.push_back({i + 1, "x.png", sizes[i][1], sizes[i][0]});
  const std::vector<size_t> ord = dataset_order(d);
  auto resized = [](int64_t h, int64_t w) { return std::array<int64_t, 2>{h / 2, w / 2}; };
  std::vector<EvalBatch> b = plan_batches(d, ord, 2, true, resized);
  QCOMPARE(b.size(), size_t(3));
  QCOMPARE(b[0].images, (std::vector<size_t>{0, 2}));
  QCOMPARE(b[1].images, (std::vector<size_t>{1, 4}));
  QCOMPARE(b[2].images, (std::vector<size_t>{3}));
  QCOMPARE(b[0].pad_height, int64_t(200));
  QCOMPARE(b[0].pad_width, int64_t(300));
  QCOMPARE(b[1].pad_height, int64_t(300));
  QCOMPARE(b[1].pad_width, int64_t(250));
  QCOMPARE(b[2].pad_height, int64_t(0));  // a single image is padded on its own
  b = plan_batches(d, ord, 2, false, resized);  // BatchSampler: consecutive
  QCOMPARE(b.size(), size_t(3));
  QCOMPARE(b[1].images, (std::vector<size_t>{2, 3}));
  QCOMPARE(b[1].pad_height, int64_t(150));
  QCOMPARE(b[1].pad_width, int64_t(400));
  d.images[3].width = 0;
  QVERIFY(contains(error_of([&] { plan_batches(d, ord, 2, true, resized); }), "image 4 has no width/height"));
  QCOMPARE(plan_batches(d, ord, 1, true, resized).size(), size_t(5));  // batch 1 needs no size

  QCOMPARE(shard_range(10, 1, 3), (std::array<size_t, 2>{0, 3}));
  QCOMPARE(shard_range(10, 2, 3), (std::array<size_t, 2>{3, 6}));
  QCOMPARE(shard_range(10, 3, 3), (std::array<size_t, 2>{6, 10}));
  QCOMPARE(shard_range(1, 2, 2), (std::array<size_t, 2>{0, 1}));  // more shards than batches: some are empty
  QVERIFY(contains(error_of([] { shard_range(4, 3, 2); }), "out of range"));

  EvalProgress p;
  p.dataset = "coco_2017_val";
  p.done = 25;
  p.total = 100;
  p.computed = 20;
  p.resumed = 5;
  p.elapsed_s = 10;
  QCOMPARE(format_progress(p, 8),
           std::string("coco_2017_val [##......] 25/100 images  2.0 img/s  ETA 0:00:38  (5 resumed)"));
}

void TestRunEval::end_to_end_equals_session_detect() {
  const std::string out = dir("e2e");
  int calls = 0;
  EvalRunOptions o = explicit_dataset(out);
  o.on_progress = [&](const EvalProgress&) { return ++calls > 0; };
  const std::vector<DatasetEvalResult> rs = run_eval(model_, o);
  QCOMPARE(rs.size(), size_t(1));
  const DatasetEvalResult& r = rs[0];
  QVERIFY(r.complete && r.evaluated);
  QCOMPARE(calls, 3);  // once before the first image, once per image
  QCOMPARE(r.caption, std::string("cup. person. dining table. spoon"));
  QCOMPARE(r.images.size(), size_t(2));
  QCOMPARE(r.images[0].image_id, int64_t(7));
  QCOMPARE(r.images[1].image_id, int64_t(42));
  QCOMPARE(r.computed, int64_t(2));
  qInfo("tiny-a: %.3f s per image (%lld images)", r.inference_seconds / 2, static_cast<long long>(r.computed));

  // bbox.json = Session::detect with the json category ids, images in dataset (sorted id) order.
  expect_same(r.detections, reference_);
  QCOMPARE(r.results_file, (fs::path(out) / "bbox.json").string());
  expect_same(coco::read_results(r.results_file), reference_);
  for (const coco::Result& d : reference_)
    QVERIFY(d.category_id == 1 || d.category_id == 47 || d.category_id == 50 || d.category_id == 67);

  // metrics = evaluate_bbox on that file, and the files of eval_output.h.
  const EvalResult expected = evaluate_bbox(read_ground_truth(kAnn), reference_);
  for (size_t i = 0; i < 12; ++i) QCOMPARE(r.metrics.stats[i], expected.stats[i]);
  QCOMPARE(r.metrics_file, (fs::path(out) / "metrics.json").string());
  QCOMPARE(glip::read_text_file(r.metrics_file), metrics_json(expected));
  QCOMPARE(glip::read_text_file((fs::path(out) / "per_category_ap.csv").string()), per_category_csv(expected));

  // Cross-check, once by hand: pycocotools 2.0 COCOeval on this bbox.json (tiny-a is random, hence tiny APs).
  const double pycocotools[12] = {0.00357142857142857, 0.008928571428571425, 0.0, -1.0, -1.0, 0.006666666666666666,
                                  0.0, 0.0, 0.1, -1.0, -1.0, 0.1};
  for (size_t i = 0; i < 12; ++i) QVERIFY2(std::abs(r.metrics.stats[i] - pycocotools[i]) < 1e-12, kStatNames[i]);

  // A rerun of a finished evaluation only re-reads the partial results.
  calls = 0;
  const DatasetEvalResult again = run_eval(model_, o).at(0);
  QCOMPARE(again.computed, int64_t(0));
  QCOMPARE(again.resumed, int64_t(2));
  expect_same(again.detections, reference_);
}

void TestRunEval::resume_after_interruption() {
  const std::string out = dir("resume");
  EvalRunOptions o = explicit_dataset(out);
  o.on_progress = [](const EvalProgress& p) { return p.computed < 1; };  // "cancel" after the first image
  DatasetEvalResult r = run_eval(model_, o).at(0);
  QVERIFY(!r.complete);
  QCOMPARE(r.computed, int64_t(1));
  QVERIFY(r.results_file.empty());
  QVERIFY(!fs::exists(fs::path(out) / "bbox.json"));
  QCOMPARE(r.partial_file, (fs::path(out) / "predictions.partial.jsonl").string());
  {  // the process died while writing the next record: a torn last line
    std::ofstream f(r.partial_file, std::ios::app | std::ios::binary);
    f << "{\"image_id\": 42, \"detections\": [[47, 1.5, 2";
  }
  std::vector<int64_t> finished;
  o.on_progress = [&](const EvalProgress& p) {
    if (p.image_id) finished.push_back(p.image_id);
    return true;
  };
  r = run_eval(model_, o).at(0);
  QVERIFY(r.complete && r.evaluated);
  QCOMPARE(r.resumed, int64_t(1));
  QCOMPARE(r.computed, int64_t(1));
  QVERIFY(r.images[0].resumed);  // image 7 was not recomputed
  QCOMPARE(finished, (std::vector<int64_t>{42}));
  expect_same(r.detections, reference_);
  const EvalResult expected = evaluate_bbox(read_ground_truth(kAnn), reference_);
  for (size_t i = 0; i < 12; ++i) QCOMPARE(r.metrics.stats[i], expected.stats[i]);

  // Partial results of other settings (here: another annotation file path) are refused, not mixed in.
  const std::string other_ann = dir("other_ann.json");
  fs::copy_file(kAnn, other_ann);
  EvalRunOptions other = explicit_dataset(out);
  other.ann_file = other_ann;
  QVERIFY(contains(error_of([&] { run_eval(model_, other); }), "were written with other settings"));
  // A line that is not the last one and does not parse is corruption, not a torn write.
  {
    std::ofstream f(r.partial_file, std::ios::app | std::ios::binary);
    f << "garbage\n{\"image_id\": 7, \"detections\": []}\n";
  }
  QVERIFY(contains(error_of([&] { run_eval(model_, o); }), "line 4: not a JSON record"));
}

void TestRunEval::shards_and_merge_equal_unsharded() {
  const std::string out = dir("shards");
  for (int k = 1; k <= 2; ++k) {
    EvalRunOptions o = explicit_dataset(out);
    o.shard_index = k;
    o.shard_count = 2;
    const DatasetEvalResult r = run_eval(model_, o).at(0);
    QVERIFY(r.complete);
    QVERIFY(!r.evaluated);  // a shard has no metrics of its own
    QCOMPARE(r.images.size(), size_t(1));
    QCOMPARE(r.images[0].image_id, int64_t(k == 1 ? 7 : 42));
    QCOMPARE(r.results_file, (fs::path(out) / shard_file_name("bbox", k, 2)).string());
    QVERIFY(fs::exists(fs::path(out) / partial_file_name(k, 2)));
  }
  const MergeResult m = merge_shards(out);
  QCOMPARE(m.num_shards, 2);
  expect_same(m.detections, reference_);
  const EvalResult merged = evaluate_bbox(read_ground_truth(kAnn), m.detections);
  const EvalResult expected = evaluate_bbox(read_ground_truth(kAnn), reference_);
  for (size_t i = 0; i < 12; ++i) QCOMPARE(merged.stats[i], expected.stats[i]);
}

void TestRunEval::batch_of_two_pads_to_common_size() {
  // IMS_PER_BATCH 2 with aspect-ratio grouping (tiny-a's default): the square astronaut and the landscape coffee
  // photo fall in different groups, so each is its own batch and nothing is padded jointly.
  {
    auto m = load_tiny({"TEST.EVAL_TASK", "detection", "TEST.IMS_PER_BATCH", "2"});
    const DatasetEvalResult r = run_eval(m, explicit_dataset(dir("batch2_grouped"))).at(0);
    QCOMPARE(r.num_batches, int64_t(2));
    QCOMPARE(r.images[0].pad_height, int64_t(0));
    QCOMPARE(r.images[1].pad_height, int64_t(0));
    expect_same(r.detections, reference_);
  }
  // Without grouping both form one batch: padded to max(304x304, 304x456) -> 320x480 after SIZE_DIVISIBILITY 32.
  auto m = load_tiny({"TEST.EVAL_TASK", "detection", "TEST.IMS_PER_BATCH", "2", "DATALOADER.ASPECT_RATIO_GROUPING",
                      "False"});
  const DatasetEvalResult r = run_eval(m, explicit_dataset(dir("batch2"))).at(0);
  QCOMPARE(r.num_batches, int64_t(1));
  for (const ImageRecord& rec : r.images) {
    QCOMPARE(rec.batch, size_t(0));
    QCOMPARE(rec.pad_height, int64_t(304));
    QCOMPARE(rec.pad_width, int64_t(456));
  }
  glip::Session s(m);
  const glip::Prompt prompt = glip::Prompt::categories({"cup", "person", "dining table", "spoon"});
  glip::DetectParams dp;
  dp.pad_to_height = 304;
  dp.pad_to_width = 456;
  dp.probe = true;
  const glip::DetectResult astro = s.detect(glip::image::load_image(kGolden + "astronaut.png"), prompt, dp);
  QCOMPARE(s.probe("image.tensor").shape, (std::vector<int64_t>{1, 3, 320, 480}));  // not its own 320x320
  std::vector<coco::Result> expected;
  for (const glip::Detection& d : astro.detections) {
    const auto b = d.box_xywh();
    expected.push_back({7, std::map<int, int64_t>{{1, 47}, {2, 1}, {3, 67}, {4, 50}}.at(d.label),
                        {b[0], b[1], b[2], b[3]}, d.score});
  }
  std::vector<coco::Result> got_astro;
  for (const coco::Result& d : r.detections)
    if (d.image_id == 7) got_astro.push_back(d);
  expect_same(got_astro, expected);
  // The padding changed the astronaut's input (Swin attends over padded pixels), so its results differ.
  std::vector<coco::Result> ref_astro;
  for (const coco::Result& d : reference_)
    if (d.image_id == 7) ref_astro.push_back(d);
  bool differs = ref_astro.size() != got_astro.size();
  for (size_t i = 0; !differs && i < ref_astro.size(); ++i) differs = ref_astro[i].score != got_astro[i].score;
  QVERIFY(differs);
}

// TEST.IMS_PER_BATCH 2 in one forward pass (Session::detect_batch, what a GPU runs) against one forward per image
// padded alike: the same detections up to float rounding (bounds of test_engine_batch), each image recorded once
// with its batch, and a stop asked for after the first image of a batch run together keeps both (computed).
void TestRunEval::batch_forward_equals_per_image() {
  auto m = load_tiny({"TEST.EVAL_TASK", "detection", "TEST.IMS_PER_BATCH", "2", "DATALOADER.ASPECT_RATIO_GROUPING",
                      "False"});
  EvalRunOptions per_image = explicit_dataset(dir("forward_image"));
  per_image.forward = BatchForward::per_image;
  EvalRunOptions automatic = explicit_dataset(dir("forward_auto"));
  EvalRunOptions per_batch = explicit_dataset(dir("forward_batch"));
  per_batch.forward = BatchForward::per_batch;
  int calls = 0;
  per_batch.on_progress = [&calls](const EvalProgress& p) {
    ++calls;
    return p.done < 1;  // stop after the first image
  };
  const DatasetEvalResult a = run_eval(m, per_image).at(0);
  const DatasetEvalResult c = run_eval(m, automatic).at(0);  // on the CPU: per image
  expect_same(c.detections, a.detections);
  const DatasetEvalResult stopped = run_eval(m, per_batch).at(0);
  QCOMPARE(calls, 3);  // before the first image, then once per image of the one batch
  QCOMPARE(stopped.computed, int64_t(2));
  QVERIFY(stopped.complete);  // both images of the batch were recorded
  per_batch.on_progress = {};
  const DatasetEvalResult b = run_eval(m, per_batch).at(0);
  QCOMPARE(b.resumed, int64_t(2));
  QCOMPARE(b.computed, int64_t(0));
  QCOMPARE(b.detections.size(), a.detections.size());
  QVERIFY(!a.detections.empty());
  double max_box = 0, max_score = 0;
  for (size_t i = 0; i < a.detections.size(); ++i) {
    QCOMPARE(b.detections[i].image_id, a.detections[i].image_id);
    QCOMPARE(b.detections[i].category_id, a.detections[i].category_id);
    for (size_t k = 0; k < 4; ++k) max_box = std::max(max_box, std::abs(b.detections[i].bbox[k] - a.detections[i].bbox[k]));
    max_score = std::max(max_score, std::abs(b.detections[i].score - a.detections[i].score));
  }
  qInfo("batch forward vs per image: %zu detections, max |box diff| %.3g px, max |score diff| %.3g",
        a.detections.size(), max_box, max_score);
  QVERIFY(max_box <= 1e-3);
  QVERIFY(max_score <= 1e-5);
  for (size_t i = 0; i < 12; ++i) QVERIFY(std::abs(b.metrics.stats[i] - a.metrics.stats[i]) <= 1e-6);
  BatchForward f;
  QVERIFY(parse_batch_forward("batch", &f) && f == BatchForward::per_batch);
  QVERIFY(parse_batch_forward("image", &f) && f == BatchForward::per_image);
  QVERIFY(parse_batch_forward("auto", &f) && f == BatchForward::automatic);
  QVERIFY(!parse_batch_forward("gpu", &f));
}

void TestRunEval::dataset_lookup_and_not_found() {
  qunsetenv("DATASET");
  glip::Config cfg = glip::Config::defaults();
  cfg.merge_from_list({"DATASETS.TEST", "(\"coco_2017_val\",)"});
  const std::string root = dir("lookup");
  fs::create_directories(root);
  QCOMPARE(error_of([&] { resolve_test_datasets(cfg, root); }),
           std::string("Cannot find coco/annotations/instances_val2017.json in ['./', './DATASET', './OUTPUT', "
                       "'./data', './MODEL']"));
  // The annotation file in ./DATASET, the images in ./data: each is searched on its own (try_to_find).
  fs::create_directories(fs::path(root) / "DATASET/coco/annotations");
  fs::copy_file(kAnn, fs::path(root) / "DATASET/coco/annotations/instances_val2017.json");
  QCOMPARE(error_of([&] { resolve_test_datasets(cfg, root); }),
           std::string("Cannot find coco/val2017 in ['./', './DATASET', './OUTPUT', './data', './MODEL']"));
  fs::create_directories(fs::path(root) / "data/coco/val2017");
  std::vector<DatasetSource> ds = resolve_test_datasets(cfg, root);
  QCOMPARE(ds.size(), size_t(1));
  QCOMPARE(ds[0].name, std::string("coco_2017_val"));
  QCOMPARE(ds[0].ann_file, root + "/./DATASET/coco/annotations/instances_val2017.json");
  QCOMPARE(ds[0].image_dir, root + "/./data/coco/val2017");
  // $DATASET comes right after ./ in the list.
  qputenv("DATASET", QByteArray::fromStdString(root + "/DATASET"));
  QCOMPARE(error_of([&] { find_in_search_paths("nope.json", root); }),
           "Cannot find nope.json in ['./', '" + root + "/DATASET', './DATASET', './OUTPUT', './data', './MODEL']");
  qunsetenv("DATASET");

  cfg.merge_from_list({"DATASETS.TEST", "(\"coco_2099_val\",)"});
  QVERIFY(contains(error_of([&] { resolve_test_datasets(cfg, root); }), "Dataset not available: coco_2099_val"));
  cfg.merge_from_list({"DATASETS.TEST", "(\"lvis_val\",)"});
  QVERIFY(contains(error_of([&] { resolve_test_datasets(cfg, root); }), "Dataset not available: lvis_val"));
  // DATASETS.REGISTER (ODinW style) entries are found the same way.
  cfg.merge_from_string("DATASETS:\n  REGISTER:\n    tiny_val:\n      img_dir: coco/val2017\n"
                        "      ann_file: coco/annotations/instances_val2017.json\n");
  cfg.merge_from_list({"DATASETS.TEST", "(\"tiny_val\",)"});
  ds = resolve_test_datasets(cfg, root);
  QCOMPARE(ds.at(0).name, std::string("tiny_val"));
  QCOMPARE(ds.at(0).image_dir, root + "/./data/coco/val2017");
  cfg.merge_from_string("DATASETS:\n  REGISTER:\n    flickr30k_val2:\n      img_dir: a\n      ann_file: b\n");
  cfg.merge_from_list({"DATASETS.TEST", "(\"flickr30k_val2\",)"});
  QVERIFY(contains(error_of([&] { resolve_test_datasets(cfg, root); }), "served by FlickrDataset"));

  // Through run_eval: a model whose DATASETS.TEST (coco_2017_val) is not under the current directory.
  EvalRunOptions o;
  o.search_root = dir("lookup_empty");
  o.output_folder = dir("unused");
  QVERIFY(contains(error_of([&] { run_eval(model_, o); }), "Cannot find coco/annotations/instances_val2017.json"));
}

void TestRunEval::refused_settings() {
  auto m = load_tiny({});  // tiny-a.merged.yaml has TEST.EVAL_TASK ''
  QVERIFY(contains(error_of([&] { run_eval(m, explicit_dataset(dir("refused"))); }), "TEST.EVAL_TASK is \"\""));
  EvalRunOptions o = explicit_dataset(dir("refused"));
  o.image_dir.clear();
  QVERIFY(contains(error_of([&] { run_eval(model_, o); }), "give both --ann-file and --image-dir"));
  o = explicit_dataset(dir("refused"));
  o.shard_index = 3;
  o.shard_count = 2;
  QVERIFY(contains(error_of([&] { run_eval(model_, o); }), "shard 3/2 is out of range"));
  // An image whose size disagrees with the annotation file (the boxes would be rescaled wrongly).
  std::string text = glip::read_text_file(kAnn);
  text.replace(text.find("\"width\": 600"), 12, "\"width\": 640");
  const std::string bad = dir("bad_size.json");
  glip::write_file_atomic(bad, text);
  o = explicit_dataset(dir("refused_size"));
  o.ann_file = bad;
  QVERIFY(contains(error_of([&] { run_eval(model_, o); }), "is 600x400 but"));
}

// A dataset category whose name is longer than the 256-token prompt (300 words, inserted between person and dining
// table: label 3 of 5): the evaluation runs, the warning names it, nothing is detected for it, and bbox.json is
// exactly that of the set without it (the other categories keep their json ids).
void TestRunEval::overlong_category_name() {
  std::string long_name = "kite";
  for (int i = 1; i < 300; ++i) long_name += " table";
  std::string text = glip::read_text_file(kAnn);
  const std::string person = R"({"id": 1, "name": "person", "supercategory": "person"},)";
  QVERIFY(text.find(person) != std::string::npos);
  text.insert(text.find(person) + person.size(),
              "\n  {\"id\": 99, \"name\": \"" + long_name + "\", \"supercategory\": \"kite\"},");
  const std::string ann = dir("overlong.json");
  glip::write_file_atomic(ann, text);
  EvalRunOptions o = explicit_dataset(dir("overlong"));
  o.ann_file = ann;
  const DatasetEvalResult r = run_eval(model_, o).at(0);
  QVERIFY(r.complete && r.evaluated);
  expect_same(r.detections, reference_);
  std::string all;
  for (const std::string& w : r.warnings) all += w + "\n";
  QVERIFY2(contains(all, "'kite table table") && contains(all, "label 3, 300 tokens"), all.c_str());
}

QTEST_APPLESS_MAIN(TestRunEval)
#include "test_run_eval.moc"
