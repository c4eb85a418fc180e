// Backbone options from glip::Config: tiny-a and GLIP-T YAML files, the BERT config.json lookup, refusals.
#include <QtTest>

#include <filesystem>
#include <string>

#include "core/common/error.h"
#include "core/config/config.h"
#include "core/language/options.h"
#include "core/vision/options.h"
#include "tests/common/paths.h"

namespace {
const std::string kTiny = glip::test::tiny_dir();
const std::string kGlipT = glip::test::source_path("models/glip_Swin_T_O365_GoldG.yaml");

glip::Config load(const std::string& path) {
  glip::Config cfg = glip::Config::defaults();
  cfg.merge_from_file(path);
  return cfg;
}
}  // namespace

class TestBackboneOptions : public QObject {
  Q_OBJECT
 private slots:
  void tinyA() {
    const glip::Config cfg = load(kTiny + "/tiny-a.merged.yaml");
    const glip::LanguageBackboneOptions l = glip::language_backbone_options(cfg);  // tiny-a/bert-base-uncased/
    QCOMPARE(l.bert.hidden_size, int64_t(32));
    QCOMPARE(l.bert.num_hidden_layers, int64_t(2));
    QCOMPARE(l.bert.num_attention_heads, int64_t(2));
    QCOMPARE(l.bert.intermediate_size, int64_t(64));
    QCOMPARE(l.n_layers, int64_t(1));

    const glip::VisionBackboneOptions v = glip::vision_backbone_options(cfg);
    QCOMPARE(v.swin.embed_dim, int64_t(24));
    QCOMPARE(v.swin.depths, (std::vector<int64_t>{2, 1, 2, 1}));
    QCOMPARE(v.swin.num_heads, (std::vector<int64_t>{1, 2, 3, 6}));
    QCOMPARE(v.swin.window_size, int64_t(7));
    QCOMPARE(v.swin.mlp_ratio, 4.0);
    QCOMPARE(v.swin.ape, false);
    QCOMPARE(v.swin.out_features, (std::vector<std::string>{"stage2", "stage3", "stage4", "stage5"}));
    QCOMPARE(v.fpn.in_channels_list, (std::vector<int64_t>{0, 48, 96, 192}));
    QCOMPARE(v.fpn.out_channels, int64_t(32));
    QCOMPARE(v.fpn.p6p7_in_channels, int64_t(32));

    const glip::AnchorGeneratorOptions a = glip::anchor_generator_options(cfg);
    QCOMPARE(a.strides, (std::vector<int64_t>{8, 16, 32, 64, 128}));
    QCOMPARE(a.sizes, (std::vector<std::vector<double>>{{64}, {128}, {256}, {512}, {1024}}));
    QCOMPARE(a.aspect_ratios, (std::vector<double>{1.0}));
  }

  void glipT() {
    const glip::Config cfg = load(kGlipT);
    QCOMPARE(glip::find_bert_config_json(cfg), std::string());  // no models/bert-base-uncased: built-in dims
    const glip::LanguageBackboneOptions l = glip::language_backbone_options(cfg);
    QCOMPARE(l.bert.hidden_size, int64_t(768));
    QCOMPARE(l.bert.num_hidden_layers, int64_t(12));
    QCOMPARE(l.bert.vocab_size, int64_t(30522));
    const glip::VisionBackboneOptions v = glip::vision_backbone_options(cfg);
    QCOMPARE(v.swin.embed_dim, int64_t(96));
    QCOMPARE(v.swin.depths, (std::vector<int64_t>{2, 2, 6, 2}));
    QCOMPARE(v.swin.num_heads, (std::vector<int64_t>{3, 6, 12, 24}));
    QCOMPARE(v.fpn.in_channels_list, (std::vector<int64_t>{0, 192, 384, 768}));
    QCOMPARE(v.fpn.out_channels, int64_t(256));
  }

  // HF from_pretrained("bert-base-uncased") finds ./bert-base-uncased in the working directory.
  void bertDirInWorkingDirectory() {
    glip::Config cfg = glip::Config::defaults();  // no file merged: config_dir() is empty
    const auto old = std::filesystem::current_path();
    std::filesystem::current_path(kTiny);
    const glip::LanguageBackboneOptions l = glip::language_backbone_options(cfg);
    std::filesystem::current_path(old);
    QCOMPARE(l.bert.hidden_size, int64_t(32));
  }

  void scalesPerOctave() {
    glip::Config cfg = load(kGlipT);
    cfg.merge_from_list({"MODEL.RPN.SCALES_PER_OCTAVE", "2"});
    const glip::AnchorGeneratorOptions a = glip::anchor_generator_options(cfg);
    QCOMPARE(a.sizes.size(), size_t(5));
    QCOMPARE(a.sizes[0].size(), size_t(2));
    QCOMPARE(a.sizes[0][0], 64.0);
    QVERIFY(std::abs(a.sizes[0][1] - 64.0 * std::sqrt(2.0)) < 1e-9);
  }

  void refusals_data() {
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("value");
    QTest::newRow("conv body") << "MODEL.BACKBONE.CONV_BODY" << "R-50-FPN-RETINANET";
    QTest::newRow("swin v2") << "MODEL.SWINT.VERSION" << "v2";
    QTest::newRow("fpn gn") << "MODEL.FPN.USE_GN" << "True";
    QTest::newRow("fpn relu") << "MODEL.FPN.USE_RELU" << "True";
    QTest::newRow("heads") << "MODEL.SWINT.NUM_HEADS" << "(3, 6, 12, 25)";
    QTest::newRow("roberta") << "MODEL.LANGUAGE_BACKBONE.MODEL_TYPE" << "roberta-base";
    QTest::newRow("n layers") << "MODEL.LANGUAGE_BACKBONE.N_LAYERS" << "13";
    QTest::newRow("anchor levels") << "MODEL.RPN.ANCHOR_STRIDE" << "(8, 16, 32, 64)";
  }
  void refusals() {
    QFETCH(QString, key);
    QFETCH(QString, value);
    glip::Config cfg = load(kGlipT);
    cfg.merge_from_list({key.toStdString(), value.toStdString()});
    bool threw = false;
    try {
      glip::language_backbone_options(cfg);
      glip::vision_backbone_options(cfg);
      glip::anchor_generator_options(cfg);
    } catch (const glip::Error& e) {
      threw = true;
      qInfo("%s", e.what());
    }
    QVERIFY(threw);
  }
};

QTEST_APPLESS_MAIN(TestBackboneOptions)
#include "test_backbone_options.moc"
