// `glip predict` as a process: an unreadable image among several gets an error entry, the others
// are processed (and match the golden detections), exit status 1; --dump-tensors writes the golden names; a caption
// or a category past 256 tokens exits 0 with a warning and the other labels' detections.

#include <c10/core/InferenceMode.h>

#include <fstream>
#include <string>

#include "core/io/checkpoint.h"
#include "tests/core/engine/engine_test_util.h"
// after torch: Qt's `slots` macro breaks ATen headers
#include "tests/common/process.h"
#include <QtTest>

using namespace glip;
using namespace glip::engine_test;
using Run = glip::test::ProcessRun;
using glip::test::run_glip;

namespace {

// The JSON entry's detections as engine Detections, for match_detections.
std::vector<Detection> detections_of(const nlohmann::json& entry) { return json_detections<Detection>(entry); }

}  // namespace

class TestPredictCli : public QObject {
  Q_OBJECT
 private slots:
  void unreadableImageAmongSeveral() {
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString corrupt = tmp.filePath("corrupt.png");
    {
      std::ofstream f(corrupt.toStdString(), std::ios::binary);
      f << "\x89PNG\r\n\x1a\n this is not a PNG body";
    }
    const QString missing = tmp.filePath("missing.jpg");
    const QString out = tmp.filePath("out.json");
    const QString dump = tmp.filePath("probes.pt");
    const GoldenRun astro = golden_run("astronaut.det"), coffee = golden_run("coffee.det");
    QStringList names;
    for (const auto& l : astro.prompt.labels) names << QString::fromStdString(l.name);
    const QString dir = QString::fromStdString(tiny_dir());
    const Run r = run_glip({"predict", "--config-file", dir + "/tiny-a.merged.yaml", "--image",
                            dir + "/astronaut.png", "--image", missing, "--image", corrupt, "--image",
                            dir + "/coffee.png", "--categories", names.join(", "), "--output", out,
                            "--dump-tensors", dump});
    QCOMPARE(r.exit_code, 1);
    QVERIFY2(r.err.find("missing.jpg") != std::string::npos, r.err.c_str());
    QVERIFY2(r.err.find("corrupt.png") != std::string::npos, r.err.c_str());
    const nlohmann::json j = load_json(out.toStdString());
    QCOMPARE(j.size(), size_t{4});
    QVERIFY(j[1].contains("error") && !j[1].contains("detections"));
    QVERIFY(j[2].contains("error") && !j[2].contains("detections"));
    QVERIFY(j[1].at("error").get<std::string>().find("missing.jpg") != std::string::npos);
    QCOMPARE(j[1].at("image").get<std::string>(), missing.toStdString());
    for (const auto& [idx, run] : {std::pair<int, const GoldenRun*>{0, &astro}, {3, &coffee}}) {
      const nlohmann::json& e = j[idx];
      QVERIFY(!e.contains("error"));
      QCOMPARE(e.at("caption").get<std::string>(), run->json.at("caption").get<std::string>());
      QCOMPARE(e.at("image_size_wh"), run->json.at("image_size_wh"));
      QCOMPARE(e.at("num_detections").get<size_t>(), e.at("detections").size());
      const DetMatch m = match_detections(detections_of(e), golden_detections(run->json), 1e-2, 1e-4);
      QVERIFY2(m.ok, (run->tag + ": " + m.error).c_str());
    }
    // The first image's intermediates, with the golden names.
    const io::TensorMap probes = io::load_tensor_dict(dump.toStdString());
    for (const char* k : {"image.tensor", "swin.stage5", "fpn.p7", "lang.hidden", "dyhead.5.dyconv.visual.p3",
                          "head.dot_product_logits.p3", "post.pre_nms.scores", "final.orig.boxes_xyxy"})
      QVERIFY2(probes.count(k), k);
    QCOMPARE(probes.at("image.tensor").size(3), int64_t{320});  // astronaut, not coffee
  }

  // The two cases from the command line: a 302-word caption whose last noun phrases are past 256 tokens,
  // and a 300-word category among the 16 golden ones. Both exit 0, print a warning naming what was cut on stderr,
  // list the cut labels in the JSON, and write the others' detections: for the caption, those of the caption cut
  // where the model's truncation cuts it (an in-process run with no label past the limit; exact, the JSON keeps
  // every float); for the categories, the official implementation's golden detections of the 16.
  void overlongCaptionAndCategory() {
    QTemporaryDir tmp;
    const QString dir = QString::fromStdString(tiny_dir());
    const LongCaption lc = long_caption();
    const QString out1 = tmp.filePath("caption.json");
    const Run r1 = run_glip({"predict", "--config-file", dir + "/tiny-a.merged.yaml", "--image",
                             dir + "/astronaut.png", "--caption", QString::fromStdString(lc.caption), "--output",
                             out1});
    QVERIFY2(r1.exit_code == 0, r1.err.c_str());
    QVERIFY2(r1.err.find("'a red flag'") != std::string::npos &&
                 r1.err.find("'a white spacesuit'") != std::string::npos,
             r1.err.c_str());
    const nlohmann::json e1 = load_json(out1.toStdString()).at(0);
    QCOMPARE(e1.at("labels_without_tokens").get<std::vector<int>>(), (std::vector<int>{3, 4}));
    QCOMPARE(e1.at("warnings").size(), size_t{1});
    const std::vector<Detection> got1 = detections_of(e1);
    QVERIFY(!got1.empty());
    {
      c10::InferenceMode guard;
      Session s(tiny_model());
      const DetectResult want =
          s.detect(golden_image("astronaut"), Prompt::grounding(lc.prefix, {lc.spans[0], lc.spans[1]}));
      QCOMPARE(got1.size(), want.detections.size());
      for (size_t i = 0; i < got1.size(); ++i) {
        QCOMPARE(got1[i].label, want.detections[i].label);
        QCOMPARE(got1[i].phrase, want.detections[i].phrase);
        QCOMPARE(got1[i].score, want.detections[i].score);
        for (int k = 0; k < 4; ++k) QCOMPARE(got1[i].box[k], want.detections[i].box[k]);
      }
    }

    const GoldenRun astro = golden_run("astronaut.det");
    QStringList names;
    for (const auto& l : astro.prompt.labels) names << QString::fromStdString(l.name);
    names << QString::fromStdString(long_category("kite"));  // label 17
    const QString out2 = tmp.filePath("categories.json");
    const Run r2 = run_glip({"predict", "--config-file", dir + "/tiny-a.merged.yaml", "--image",
                             dir + "/astronaut.png", "--categories", names.join(", "), "--output", out2});
    QVERIFY2(r2.exit_code == 0, r2.err.c_str());
    QVERIFY2(r2.err.find("'kite table table") != std::string::npos &&
                 r2.err.find("label 17, 300 tokens") != std::string::npos,
             r2.err.c_str());
    const nlohmann::json e2 = load_json(out2.toStdString()).at(0);
    QCOMPARE(e2.at("labels_without_tokens").get<std::vector<int>>(), (std::vector<int>{17}));
    const DetMatch m = match_detections(detections_of(e2), golden_detections(astro.json), 1e-2, 1e-4);
    QVERIFY2(m.ok, m.error.c_str());
  }

  void coco_results_format() {
    QTemporaryDir tmp;
    const QString dir = QString::fromStdString(tiny_dir());
    const QString out = tmp.filePath("res.json");
    const Run r = run_glip({"predict", "--config-file", dir + "/tiny-a.merged.yaml", "--image",
                            dir + "/coffee.png", "--caption", "a cup of coffee on a saucer next to a spoon on a wooden table",
                            "--phrase", "0:15", "--phrase", "19:27", "--phrase", "36:43", "--phrase", "47:61",
                            "--format", "coco-results", "--output", out});
    QCOMPARE(r.exit_code, 0);
    const nlohmann::json j = load_json(out.toStdString());
    const GoldenRun grd = golden_run("coffee.grd");
    std::vector<Detection> got;
    for (const auto& d : j) {
      QCOMPARE(d.at("image_id").get<int>(), 1);  // no number in "coffee": the position on the command line
      Detection x;
      x.label = d.at("category_id").get<int>();
      QVERIFY(x.label >= 1 && x.label <= 4);
      x.phrase = grd.prompt.labels[x.label - 1].name;
      x.score = d.at("score").get<float>();
      const auto& b = d.at("bbox");  // xywh with w = x2 - x1 + 1
      x.box = {b[0].get<float>(), b[1].get<float>(), b[0].get<float>() + b[2].get<float>() - 1,
               b[1].get<float>() + b[3].get<float>() - 1};
      got.push_back(x);
    }
    std::stable_sort(got.begin(), got.end(), [](const Detection& a, const Detection& b) {
      return a.score != b.score ? a.score > b.score : a.label < b.label;
    });
    const DetMatch m = match_detections(got, golden_detections(grd.json), 1e-2, 1e-4);
    QVERIFY2(m.ok, m.error.c_str());
  }

  // --batch-size 2 over [astronaut, missing, coffee, astronaut]: groups of two command-line images; the first
  // group's one readable image runs alone (the golden detections), the second runs in one forward pass padded to
  // the coffee's 304 x 456 (coffee: its own size, the golden detections; the astronaut: what detect() gives with
  // that padding, up to float rounding as in test_engine_batch). Output in command-line order.
  void batchSize() {
    QTemporaryDir tmp;
    const QString missing = tmp.filePath("missing.jpg");
    const GoldenRun astro = golden_run("astronaut.det"), coffee = golden_run("coffee.det");
    QStringList names;
    for (const auto& l : astro.prompt.labels) names << QString::fromStdString(l.name);
    const QString dir = QString::fromStdString(tiny_dir());
    const QString cfg = dir + "/tiny-a.merged.yaml";
    const Run r = run_glip({"predict", "--config-file", cfg, "--image", dir + "/astronaut.png", "--image", missing,
                            "--image", dir + "/coffee.png", "--image", dir + "/astronaut.png", "--categories",
                            names.join(", "), "--batch-size", "2", "--threads", "2"});
    QCOMPARE(r.exit_code, 1);
    const nlohmann::json j = nlohmann::json::parse(r.out);
    QCOMPARE(j.size(), size_t{4});
    QVERIFY(j[1].contains("error"));
    for (const auto& [idx, run] : {std::pair<int, const GoldenRun*>{0, &astro}, {2, &coffee}}) {
      const DetMatch m = match_detections(detections_of(j[idx]), golden_detections(run->json), 1e-2, 1e-4);
      QVERIFY2(m.ok, (run->tag + ": " + m.error).c_str());
    }
    Session s(tiny_model());
    DetectParams dp;
    dp.pad_to_height = 304;
    dp.pad_to_width = 456;
    const DetectResult padded = s.detect(golden_image("astronaut"), astro.prompt, dp);
    std::vector<GoldenDet> want;
    for (const Detection& d : padded.detections)
      want.push_back({d.label, d.phrase, d.score, {d.box[0], d.box[1], d.box[2], d.box[3]}});
    const DetMatch m = match_detections(detections_of(j[3]), want, 1e-3, 1e-5);
    QVERIFY2(m.ok, m.error.c_str());
    const DetMatch alone = match_detections(detections_of(j[3]), golden_detections(astro.json), 1e-2, 1e-4);
    QVERIFY(!alone.ok);  // the padding changed the astronaut's result
    // One image's intermediates cannot come from a batch; 0 is not a batch size.
    const Run dump = run_glip({"predict", "--config-file", cfg, "--image", dir + "/astronaut.png", "--categories",
                               "cup", "--batch-size", "2", "--dump-tensors", tmp.filePath("p.pt")});
    QCOMPARE(dump.exit_code, 1);
    QVERIFY2(dump.err.find("--dump-tensors keeps one image's intermediates") != std::string::npos, dump.err.c_str());
    const Run zero = run_glip({"predict", "--config-file", cfg, "--image", dir + "/astronaut.png", "--categories",
                               "cup", "--batch-size", "0"});
    QVERIFY(zero.exit_code != 0);
    QVERIFY2(zero.err.find("--batch-size") != std::string::npos, zero.err.c_str());
  }

  // --kernels generic (only ATen operations): the golden detections too; a bad value is a usage error.
  void generic_kernels() {
    const QString dir = QString::fromStdString(tiny_dir());
    const GoldenRun det = golden_run("astronaut.det");
    QStringList cats;
    for (const auto& l : det.prompt.labels) cats << QString::fromStdString(l.name);
    const Run r = run_glip({"predict", "--config-file", dir + "/tiny-a.merged.yaml", "--image", dir + "/astronaut.png",
                            "--categories", cats.join(','), "--kernels", "generic", "--threads", "2"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    const nlohmann::json j = nlohmann::json::parse(r.out);
    const nlohmann::json& entry = j.is_array() ? j.at(0) : j;
    std::vector<Detection> got = detections_of(entry);
    std::stable_sort(got.begin(), got.end(), [](const Detection& a, const Detection& b) {
      return a.score != b.score ? a.score > b.score : a.label < b.label;
    });
    const DetMatch m = match_detections(got, golden_detections(det.json), 1e-2, 1e-4);
    QVERIFY2(m.ok, m.error.c_str());
    const Run bad = run_glip({"predict", "--config-file", dir + "/tiny-a.merged.yaml", "--image", dir + "/astronaut.png",
                              "--categories", "cup", "--kernels", "fast"});
    QVERIFY(bad.exit_code != 0);
    QVERIFY2(bad.err.find("--kernels") != std::string::npos, bad.err.c_str());
  }
};

QTEST_APPLESS_MAIN(TestPredictCli)
#include "test_predict_cli.moc"
