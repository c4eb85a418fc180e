// core/coco: COCO dataset export (checked against a hand-written file), clamping and area, validation errors,
// atomic writes, tolerant import and lossless export -> import round trips; raw predictions in the results format.
#include <QtTest>

#include <cmath>
#include <filesystem>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>

#include <unistd.h>

#include "core/coco/coco.h"
#include "core/common/error.h"
#include "tests/common/checks.h"
#include "tests/common/files.h"

using namespace glip::coco;
namespace fs = std::filesystem;
using ojson = nlohmann::ordered_json;

namespace {

using glip::test::contains;
using glip::test::error_of;

std::string slurp(const std::string& path) { return glip::test::read_file(path); }
void spit(const std::string& path, const std::string& text) { glip::test::write_file(path, text); }

// The small export of TestCoco::export_matches_hand_written_file, worked out by hand from the published format:
// ids from 1, bbox = [x1, y1, x2 - x1, y2 - y1] after clamping to the image, area = w * h, floats for the box.
const char* kExpected = R"({
 "info": {"description": "hand test"},
 "licenses": [],
 "images": [
  {"id": 1, "file_name": "imgs/street scene.jpg", "width": 640, "height": 480},
  {"id": 2, "file_name": "b.png", "width": 100, "height": 50}
 ],
 "annotations": [
  {"id": 1, "image_id": 1, "category_id": 1, "bbox": [10.5, 20.0, 20.0, 40.25], "area": 805.0, "iscrowd": 0,
   "segmentation": [],
   "attributes": {"source": "model", "score": 0.875, "caption": "person. traffic light", "span": [[8, 21]]}},
  {"id": 2, "image_id": 1, "category_id": 2, "bbox": [600.0, 0.0, 40.0, 100.0], "area": 4000.0, "iscrowd": 0,
   "segmentation": [], "attributes": {"source": "manual"}},
  {"id": 3, "image_id": 2, "category_id": 1, "bbox": [80.0, 10.0, 10.0, 30.0], "area": 300.0, "iscrowd": 0,
   "segmentation": []},
  {"id": 4, "image_id": 2, "category_id": 3, "bbox": [0.0, 0.0, 100.0, 50.0], "area": 5000.0, "iscrowd": 0,
   "segmentation": [], "attributes": {"source": "edited", "score": 0.25}}
 ],
 "categories": [
  {"id": 1, "name": "traffic light", "supercategory": ""},
  {"id": 2, "name": "person", "supercategory": ""},
  {"id": 3, "name": " person ", "supercategory": ""}
 ]
})";

Dataset hand_dataset() {
  DatasetBuilder b("hand test");
  int64_t i1 = b.add_image("imgs/street scene.jpg", 640, 480);
  int64_t i2 = b.add_image("b.png", 100, 50);
  Attributes m;
  m.source = Source::Model;
  m.score = 0.875;
  m.caption = "person. traffic light";
  m.span = {{8, 21}};
  b.add_box(i1, "traffic light", {10.5, 20, 30.5, 60.25}, m);
  Attributes manual;
  manual.source = Source::Manual;
  b.add_box(i1, "person", {600, -5, 700, 100}, manual);  // right and top edges clamped
  b.add_box(i2, "traffic light", {90, 40, 80, 10});        // corners given the other way round
  Attributes e;
  e.source = Source::Edited;
  e.score = 0.25;
  b.add_box(i2, " person ", {-3, -1, 1000, 1000}, e);  // verbatim name (not "person"), whole image after clamping
  return b.take();
}

}  // namespace

class TestCoco : public QObject {
  Q_OBJECT
 private slots:
  void init();
  void cleanup();
  void export_matches_hand_written_file();
  void clamp_and_area();
  void results_format();
  void validation_errors();
  void atomic_write_keeps_old_file();
  void round_trip_lossless();
  void import_tolerates_foreign_files();
  void import_errors();
  void image_attributes_round_trip();
  void streaming_reader();

 private:
  std::string dir_;
};

void TestCoco::init() {
  dir_ = (fs::temp_directory_path() / ("glip_test_coco_" + std::to_string(::getpid()))).string();
  fs::create_directories(dir_);
}

void TestCoco::cleanup() { fs::remove_all(dir_); }

void TestCoco::export_matches_hand_written_file() {
  const std::string path = dir_ + "/out.json";
  write_dataset(path, hand_dataset());
  const ojson got = ojson::parse(slurp(path));
  const ojson want = ojson::parse(kExpected);
  if (got != want) qWarning("got:\n%s", got.dump(1).c_str());
  QVERIFY(got == want);  // ordered_json: same keys in the same order, same values
  // Boxes and areas are JSON floats (COCO's convention), ids integers.
  for (const auto& a : got["annotations"]) {
    for (const auto& v : a["bbox"]) QVERIFY(v.is_number_float());
    QVERIFY(a["area"].is_number_float());
    QVERIFY(a["id"].is_number_integer());
  }
  // No temporary file is left next to the output.
  int files = 0;
  for (const auto& e : fs::directory_iterator(dir_)) files += e.is_regular_file() ? 1 : 0;
  QCOMPARE(files, 1);
}

void TestCoco::clamp_and_area() {
  using B = std::array<double, 4>;
  QCOMPARE(clamp_xyxy_to_xywh({1, 2, 3, 5}, 10, 10), (B{1, 2, 2, 3}));
  QCOMPARE(clamp_xyxy_to_xywh({3, 5, 1, 2}, 10, 10), (B{1, 2, 2, 3}));        // ordered
  QCOMPARE(clamp_xyxy_to_xywh({-4, -1, 12, 30}, 10, 20), (B{0, 0, 10, 20}));  // clamped both sides
  QCOMPARE(clamp_xyxy_to_xywh({11, 2, 15, 5}, 10, 10), (B{10, 2, 0, 3}));     // outside: empty, not dropped
  B nan = clamp_xyxy_to_xywh({std::nan(""), 0, 1, 1}, 10, 10);
  QVERIFY(std::isnan(nan[0]));  // passed through for validation to report

  DatasetBuilder b;
  int64_t im = b.add_image("x.jpg", 7, 5);
  b.add_box(im, "a", {0.25, 0.5, 6.75, 9});
  const Annotation& a = b.dataset().annotations.at(0);
  QCOMPARE(a.bbox, (B{0.25, 0.5, 6.5, 4.5}));
  QCOMPARE(a.area, 6.5 * 4.5);
  QCOMPARE(a.iscrowd, int64_t(0));
  QCOMPARE(b.category("a"), int64_t(1));   // existing name -> same id
  QCOMPARE(b.category("a "), int64_t(2));  // verbatim: trailing space is another category
  QVERIFY(contains(error_of([&] { b.add_box(9, "a", {0, 0, 1, 1}); }), "no image with id 9"));
}

void TestCoco::results_format() {
  // Default: same convention as the dataset; glip_plus_one: GLIP's clip to [0, size - 1] then w = x2 - x1 + 1.
  Result r = make_result(3, 2, {10, 20, 30.5, 25}, 0.5, 100, 50);
  QCOMPARE(r.bbox, (std::array<double, 4>{10, 20, 20.5, 5}));
  ResultsOptions o;
  o.glip_plus_one = true;
  Result g = make_result(3, 2, {10, 20, 30.5, 60}, 0.5, 100, 50, o);
  QCOMPARE(g.bbox, (std::array<double, 4>{10, 20, 21.5, 30}));  // y2 clipped to 49, h = 49 - 20 + 1

  const std::string path = dir_ + "/bbox.json";
  std::vector<Result> rs{r, make_result(1, 1, {0, 0, 4, 4}, 0.125, 10, 10)};
  write_results(path, rs);
  const ojson got = ojson::parse(slurp(path));
  const ojson want = ojson::parse(R"([{"image_id": 3, "category_id": 2, "bbox": [10, 20, 20.5, 5], "score": 0.5},
                                      {"image_id": 1, "category_id": 1, "bbox": [0, 0, 4, 4], "score": 0.125}])");
  QVERIFY(got == want);
  std::vector<Result> back = read_results(path);
  QCOMPARE(back.size(), size_t(2));
  QCOMPARE(back[0].bbox, r.bbox);
  QCOMPARE(back[1].score, 0.125);

  // Validation: references into a dataset, empty and non-finite boxes.
  Dataset ds = hand_dataset();
  std::vector<Result> bad{make_result(9, 1, {0, 0, 1, 1}, 0.5, 10, 10), make_result(1, 7, {0, 0, 1, 1}, 0.5, 10, 10),
                          make_result(1, 1, {5, 5, 5, 9}, 0.5, 10, 10),
                          make_result(1, 1, {0, 0, 1, 1}, std::numeric_limits<double>::infinity(), 10, 10)};
  std::string err = error_of([&] { validate_results(bad, &ds); });
  QVERIFY2(contains(err, "COCO results: 4 problems"), err.c_str());
  QVERIFY(contains(err, "[0]: image_id 9 does not exist"));
  QVERIFY(contains(err, "[1]: category_id 7 does not exist"));
  QVERIFY(contains(err, "[2]: empty box (w 0.0"));
  QVERIFY(contains(err, "[3]: score is not finite"));
  QCOMPARE(find_result_problems(bad).size(), size_t(2));  // without a reference: the box and the score
}

void TestCoco::validation_errors() {
  Dataset ds = hand_dataset();
  QVERIFY(find_problems(ds).empty());
  ds.images.push_back(Image{1, "dup.jpg", 10, 10});                     // duplicate image id
  ds.images.push_back(Image{0, "zero.jpg", 0, 10});                     // id 0 and empty size
  ds.categories.push_back(Category{4, "person", ""});                   // duplicate name
  ds.annotations[0].image_id = 42;                                      // dangling image
  ds.annotations[1].category_id = 99;                                   // dangling category
  ds.annotations[2].bbox[1] = std::numeric_limits<double>::quiet_NaN();  // NaN
  ds.annotations[3].bbox = {100, 0, 0, 50};                             // empty after clamping
  ds.annotations.push_back(ds.annotations[3]);                          // duplicate annotation id
  ds.annotations.back().bbox = {90, 40, 20, 5};                         // leaves the 100x50 image
  ds.annotations.back().attributes->score = std::numeric_limits<double>::infinity();

  const std::string path = dir_ + "/v.json";
  std::string err = error_of([&] { write_dataset(path, ds); });
  QVERIFY(!fs::exists(path));
  const char* expected[] = {
      "COCO dataset: 11 problems:",
      "images[2] (id 1): duplicate image id",
      "images[3] (id 0): id must be > 0",
      "images[3] (id 0): image size 0x10 must be positive",
      "categories[3] (id 4): duplicate category name \"person\"",
      "annotations[0] (id 1): image_id 42 does not exist",
      "annotations[1] (id 2): category_id 99 does not exist",
      "annotations[2] (id 3): bbox [80.0, NaN, 10.0, 30.0] is not finite",
      "annotations[3] (id 4): empty box (w 0.0, h 50.0)",
      "annotations[4] (id 4): duplicate annotation id",
      "annotations[4] (id 4): bbox [90.0, 40.0, 20.0, 5.0] leaves the 100x50 image",
      "annotations[4] (id 4): attributes.score is not finite",
  };
  for (const char* e : expected) QVERIFY2(contains(err, e), (std::string("missing '") + e + "' in:\n" + err).c_str());
  QCOMPARE(find_problems(ds).size(), size_t(11));
}

void TestCoco::atomic_write_keeps_old_file() {
  const std::string path = dir_ + "/keep.json";
  write_dataset(path, hand_dataset());
  const std::string before = slurp(path);
  Dataset bad = hand_dataset();
  bad.annotations[0].bbox[2] = 0;  // invalid: nothing may be written
  QVERIFY(!error_of([&] { write_dataset(path, bad); }).empty());
  QCOMPARE(slurp(path), before);
  // A write that fails at the file system level (target is a directory) leaves neither target nor temp file.
  fs::create_directories(dir_ + "/adir");
  QVERIFY(!error_of([&] { write_dataset(dir_ + "/adir", hand_dataset()); }).empty());
  QVERIFY(fs::is_directory(dir_ + "/adir"));
  int files = 0;
  for (const auto& e : fs::directory_iterator(dir_)) files += e.is_regular_file() ? 1 : 0;
  QCOMPARE(files, 1);
  QVERIFY(!error_of([&] { write_dataset(dir_ + "/no/such/dir/x.json", hand_dataset()); }).empty());
}

void TestCoco::round_trip_lossless() {
  // float32 corners (as the engine and the document store them), labels with spaces, attributes, image sizes.
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> u(-20.f, 1300.f);
  DatasetBuilder b("round trip");
  const char* labels[] = {"traffic light", "person", "a  b", "fire hydrant ", "猫"};
  struct Orig {
    std::array<float, 4> xyxy;
  };
  std::vector<Orig> orig;
  for (int i = 0; i < 6; ++i) {
    int64_t im = b.add_image("dir with space/img " + std::to_string(i) + ".jpg", 1000 + 17 * i, 700 + 3 * i);
    for (int k = 0; k < 40; ++k) {
      std::array<float, 4> x{u(rng), u(rng), u(rng), u(rng)};
      std::array<double, 4> xyxy{x[0], x[1], x[2], x[3]};
      if (clamp_xyxy_to_xywh(xyxy, 1000 + 17 * i, 700 + 3 * i)[2] <= 0 ||
          clamp_xyxy_to_xywh(xyxy, 1000 + 17 * i, 700 + 3 * i)[3] <= 0)
        continue;
      Attributes a;
      a.source = static_cast<Source>(k % 3);
      if (k % 3 != 1) a.score = static_cast<double>(static_cast<float>(k) / 41.f);
      a.caption = "a caption with \"quotes\" and ünïcode";
      a.span = {{2, 9}, {k, k + 3}};
      if (k % 5 == 0) a.extra = R"({"occluded": true, "note": {"by": "x"}})";
      b.add_box(im, labels[k % 5], xyxy, k % 7 == 0 ? std::optional<Attributes>() : a);
      orig.push_back({x});
    }
  }
  const Dataset ds = b.take();
  const std::string path = dir_ + "/rt.json";
  write_dataset(path, ds);
  const Dataset back = read_dataset(path);
  QCOMPARE(back.description, ds.description);
  QCOMPARE(back.images.size(), ds.images.size());
  for (size_t i = 0; i < ds.images.size(); ++i) {
    QCOMPARE(back.images[i].id, ds.images[i].id);
    QCOMPARE(back.images[i].file_name, ds.images[i].file_name);
    QCOMPARE(back.images[i].width, ds.images[i].width);
    QCOMPARE(back.images[i].height, ds.images[i].height);
  }
  QCOMPARE(back.categories.size(), ds.categories.size());
  for (size_t i = 0; i < ds.categories.size(); ++i) {
    QCOMPARE(back.categories[i].id, ds.categories[i].id);
    QCOMPARE(back.categories[i].name, ds.categories[i].name);
  }
  QCOMPARE(back.annotations.size(), ds.annotations.size());
  QVERIFY(ds.annotations.size() > 100);
  for (size_t i = 0; i < ds.annotations.size(); ++i) {
    const Annotation& a = ds.annotations[i];
    const Annotation& c = back.annotations[i];
    QCOMPARE(c.id, a.id);
    QCOMPARE(c.image_id, a.image_id);
    QCOMPARE(c.category_id, a.category_id);
    QCOMPARE(c.bbox, a.bbox);  // bit-exact
    QCOMPARE(c.area, a.area);
    QCOMPARE(c.attributes.has_value(), a.attributes.has_value());
    if (a.attributes) QVERIFY(*c.attributes == *a.attributes);
    // The float32 corners come back exactly: x2 = x + w.
    const Image& im = *back.find_image(c.image_id);
    const auto& x = orig[i].xyxy;
    auto clampf = [](float v, int64_t hi) { return std::min(std::max(v, 0.f), static_cast<float>(hi)); };
    QCOMPARE(static_cast<float>(c.bbox[0] + c.bbox[2]), clampf(std::max(x[0], x[2]), im.width));
    QCOMPARE(static_cast<float>(c.bbox[1] + c.bbox[3]), clampf(std::max(x[1], x[3]), im.height));
    QCOMPARE(static_cast<float>(c.bbox[0]), clampf(std::min(x[0], x[2]), im.width));
  }
  // Writing what was read gives the same bytes.
  QCOMPARE(to_json(back), slurp(path));
}

void TestCoco::import_tolerates_foreign_files() {
  const std::string path = dir_ + "/foreign.json";
  spit(path, R"({
    "info": {"year": 2017, "description": "foreign"}, "licenses": [{"id": 1, "name": "x"}],
    "images": [{"id": 397133, "file_name": "000000397133.jpg", "width": 640, "height": 427, "license": 4,
                "coco_url": "http://example.org/a.jpg", "date_captured": "2013-11-14 17:02:52"},
               {"id": 7, "file_name": "nosize.jpg"}],
    "annotations": [{"id": 5, "image_id": 397133, "category_id": 18, "bbox": [1, 2, 3, 4.5], "area": 10.25,
                     "iscrowd": 0, "segmentation": [[1, 2, 3, 4, 5, 6]],
                     "attributes": {"occluded": false, "source": "edited", "score": 0.5}},
                    {"id": 6, "image_id": 7, "category_id": 18, "bbox": [0, 0, 1, 1], "iscrowd": 1}],
    "categories": [{"supercategory": "animal", "id": 18, "name": "dog", "keypoints": []}],
    "something_else": {"nested": [1, 2, {"x": null}]}
  })");
  Dataset ds = read_dataset(path);
  QCOMPARE(ds.description, std::string("foreign"));
  QCOMPARE(ds.images.size(), size_t(2));
  QCOMPARE(ds.images[0].id, int64_t(397133));
  QCOMPARE(ds.images[0].height, int64_t(427));
  QCOMPARE(ds.images[1].width, int64_t(0));  // absent
  QCOMPARE(ds.categories[0].supercategory, std::string("animal"));
  QCOMPARE(ds.annotations[0].area, 10.25);  // kept as given (segmentation area in real COCO files)
  QCOMPARE(ds.annotations[1].area, 1.0);    // absent -> w * h
  QCOMPARE(ds.annotations[1].iscrowd, int64_t(1));
  QVERIFY(ds.annotations[0].attributes.has_value());
  QCOMPARE(*ds.annotations[0].attributes->source, Source::Edited);
  QCOMPARE(*ds.annotations[0].attributes->score, 0.5);
  QCOMPARE(ds.annotations[0].attributes->extra, std::string(R"({"occluded":false})"));
  QVERIFY(!ds.annotations[1].attributes.has_value());
  // The only problem with this file is the image without a size.
  std::vector<std::string> p = find_problems(ds);
  QCOMPARE(p.size(), size_t(1));
  QVERIFY2(contains(p[0], "images[1] (id 7): image size 0x0 must be positive"), p[0].c_str());
  // Foreign attribute keys are written back.
  ds.images[1].width = 10;
  ds.images[1].height = 10;
  write_dataset(dir_ + "/again.json", ds);
  const ojson again = ojson::parse(slurp(dir_ + "/again.json"));
  QCOMPARE(again["annotations"][0]["attributes"].dump(), std::string(R"({"source":"edited","score":0.5,"occluded":false})"));
}

void TestCoco::import_errors() {
  struct Case {
    const char* text;
    const char* message;
  } cases[] = {
      {"[1, 2]", "expected a JSON object (COCO dataset) at the top level"},
      {"{\"images\": [", "invalid JSON"},
      {R"({"images": {}})", "'images' must be an array"},
      {R"({"images": [{"file_name": "a"}]})", "images[0]: field 'id' is missing"},
      {R"({"images": [{"id": "1"}]})", "images[0]: field 'id' must be an integer"},
      {R"({"annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 2, 3]}]})",
       "annotations[0]: field 'bbox' must be an array of 4 numbers"},
      {R"({"annotations": [{"id": 1, "image_id": 1, "bbox": [1, 2, 3, 4]}]})",
       "annotations[0]: field 'category_id' is missing"},
      {R"({"annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 2, 3, 4], "attributes": 3}]})",
       "annotations[0]: field 'attributes' must be an object"},
      {R"({"annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 2, 3, 4],
                            "attributes": {"source": "robot"}}]})",
       "annotations[0].attributes: field 'source' must be \"model\", \"manual\" or \"edited\", got \"robot\""},
      {R"({"annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 2, 3, 4],
                            "attributes": {"span": [[1]]}}]})",
       "annotations[0].attributes: field 'span' must be a list of [begin, end] pairs"},
      {R"({"categories": [{"id": 1, "name": 5}]})", "categories[0]: field 'name' must be a string"},
  };
  for (const Case& c : cases) {
    std::string err = error_of([&] { parse_dataset(c.text, "f.json"); });
    QVERIFY2(contains(err, std::string("f.json: ")) && contains(err, c.message),
             (std::string(c.text) + " -> '" + err + "'").c_str());
  }
  const std::string missing = error_of([&] { read_dataset(dir_ + "/missing.json"); });
  QVERIFY2(contains(missing, "missing.json") && contains(missing, "no such file"), missing.c_str());
}

void TestCoco::image_attributes_round_trip() {
  // GLIP Studio's review status per image, under images[i].attributes, with foreign keys kept verbatim.
  DatasetBuilder b("status");
  ImageAttributes reviewed;
  reviewed.status = "reviewed";
  b.add_image("a.jpg", 10, 10, reviewed);
  b.add_image("b.jpg", 10, 10);  // no attributes: none written
  ImageAttributes foreign;
  foreign.status = "edited";
  foreign.extra = R"({"weather": "rain", "tags": [1, 2]})";
  b.add_image("c.jpg", 10, 10, foreign);
  const Dataset ds = b.take();
  const std::string path = dir_ + "/status.json";
  write_dataset(path, ds);
  const std::string text = slurp(path);
  QVERIFY2(contains(text, R"("attributes": {)"), text.c_str());
  QVERIFY2(contains(text, R"("status": "reviewed")"), text.c_str());
  const Dataset back = read_dataset(path);
  QCOMPARE(back.images.size(), size_t(3));
  QVERIFY(back.images[0].attributes.has_value());
  QCOMPARE(back.images[0].attributes->status, std::string("reviewed"));
  QVERIFY(!back.images[1].attributes.has_value());
  QVERIFY(back.images[2].attributes.has_value());
  QVERIFY(*back.images[2].attributes == foreign);
  QCOMPARE(back.images[2].attributes->extra, std::string(R"({"tags":[1,2],"weather":"rain"})"));
  QCOMPARE(to_json(back), text);  // what was read writes the same bytes
  // A non-object "attributes" on an image is an error naming the element.
  spit(dir_ + "/bad.json", R"({"images": [{"id": 1, "file_name": "x.jpg", "attributes": 3}]})");
  const std::string err = error_of([&] { read_dataset(dir_ + "/bad.json"); });
  QVERIFY2(contains(err, "images[0]: field 'attributes' must be an object"), err.c_str());
}

void TestCoco::streaming_reader() {
  // The one reader of datasets and results: "info" anywhere at the top level, attributes captured whole (nested
  // values included), everything else nested skipped, integers as 3, 3.0 or true, null = absent.
  const Dataset ds = parse_dataset(R"({
    "annotations": [{"id": 1.0, "image_id": 2, "category_id": 3, "bbox": [1, 2, 3, 4], "iscrowd": true,
                     "segmentation": {"counts": [1, 2], "size": [4, 4]}, "area": null,
                     "attributes": {"source": null, "caption": "a b", "span": [[0, 1]],
                                    "history": [{"by": "x", "at": [1, 2]}, null]}}],
    "images": [{"id": 2, "file_name": "x.jpg", "width": 4, "height": 4, "attributes": {"status": null, "k": {}}}],
    "categories": [{"id": 3, "name": "a b", "supercategory": null}],
    "info": {"description": "late", "nested": {"description": "not this one"}}
  })", "s.json");
  QCOMPARE(ds.origin, std::string("s.json"));
  QCOMPARE(ds.description, std::string("late"));
  QCOMPARE(ds.annotations.size(), size_t(1));
  const Annotation& a = ds.annotations[0];
  QCOMPARE(a.id, int64_t(1));
  QCOMPARE(a.iscrowd, int64_t(1));
  QCOMPARE(a.area, 12.0);  // null -> w * h
  QVERIFY(a.attributes.has_value());
  QVERIFY(!a.attributes->source.has_value());
  QCOMPARE(a.attributes->caption, std::string("a b"));
  QCOMPARE(a.attributes->span, (std::vector<std::array<int64_t, 2>>{{0, 1}}));
  QCOMPARE(a.attributes->extra, std::string(R"({"history":[{"at":[1,2],"by":"x"},null]})"));
  QVERIFY(ds.images.at(0).attributes.has_value());
  QCOMPARE(ds.images[0].attributes->status, std::string());
  QCOMPARE(ds.images[0].attributes->extra, std::string(R"({"k":{}})"));
  QCOMPARE(ds.categories.at(0).supercategory, std::string());
  const std::string overflow = error_of([&] {
    parse_dataset(R"({"annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 2, 3, 1e400]}]})", "f.json");
  });
  QVERIFY2(contains(overflow, "f.json: invalid JSON (byte ") && contains(overflow, "number overflow parsing '1e400'"),
           overflow.c_str());

  const std::vector<Result> rs = parse_results(R"([{"image_id": 1, "category_id": 2, "bbox": [1, 2, 3, 4],
                                                    "score": 0.5, "segmentation": [[1, 2]], "id": 9}])", "r.json");
  QCOMPARE(rs.size(), size_t(1));
  QCOMPARE(rs[0].bbox, (std::array<double, 4>{1, 2, 3, 4}));
  QCOMPARE(rs[0].score, 0.5);
  QCOMPARE(results_to_json(rs), std::string("[\n{\"image_id\": 1, \"category_id\": 2, \"bbox\": [1, 2, 3, 4], "
                                            "\"score\": 0.5}\n]\n"));
  QCOMPARE(results_to_json({}), std::string("[\n]\n"));
  QVERIFY(contains(error_of([&] { parse_results(R"({"image_id": 1})", "r.json"); }),
                   "r.json: expected a JSON array of results at the top level"));
  QVERIFY(contains(error_of([&] { parse_results(R"([{"image_id": 1, "category_id": 2, "bbox": [1, 2, 3, 4]}])",
                                                "r.json"); }),
                   "r.json: [0]: field 'score' is missing"));
}

QTEST_APPLESS_MAIN(TestCoco)
#include "test_coco.moc"
