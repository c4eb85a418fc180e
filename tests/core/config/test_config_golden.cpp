// Golden tests for glip::Config: the official GLIP-T config, and the tiny-a config whose fully merged form was
// written by the official code (yacs cfg.dump()) into tests/data/golden/tiny-a/tiny-a.merged.yaml.
#include <QtTest>

#include "core/common/error.h"
#include "core/config/config.h"
#include "tests/common/files.h"
#include "tests/common/paths.h"

namespace {

const std::string kGlipT = glip::test::source_path("models/glip_Swin_T_O365_GoldG.yaml");
const std::string kTinyDir = glip::test::tiny_dir();
const std::string kTinyYaml = kTinyDir + "/tiny-a.yaml";
const std::string kMerged = kTinyDir + "/tiny-a.merged.yaml";

glip::Config load(std::initializer_list<std::string> files) {
  glip::Config c = glip::Config::defaults();
  for (const std::string& f : files) c.merge_from_file(f);
  return c;
}

}  // namespace

class TestConfigGolden : public QObject {
  Q_OBJECT

 private slots:
  void glipTInferenceValues() {
    const glip::Config c = load({kGlipT});
    QCOMPARE(c.get_str("MODEL.META_ARCHITECTURE"), std::string("GeneralizedVLRCNN"));
    QCOMPARE(c.get_str("MODEL.RPN_ARCHITECTURE"), std::string("VLDYHEAD"));
    QCOMPARE(c.get_bool("MODEL.RPN_ONLY"), true);
    QCOMPARE(c.get_str("MODEL.BACKBONE.CONV_BODY"), std::string("SWINT-FPN-RETINANET"));
    QCOMPARE(c.get_int("MODEL.BACKBONE.OUT_CHANNELS"), int64_t{256});
    QCOMPARE(c.get_int("MODEL.BACKBONE.FREEZE_CONV_BODY_AT"), int64_t{-1});
    QCOMPARE(c.get_int("MODEL.DYHEAD.CHANNELS"), int64_t{256});
    QCOMPARE(c.get_int("MODEL.DYHEAD.NUM_CONVS"), int64_t{6});
    QCOMPARE(c.get_int("MODEL.DYHEAD.TOPK"), int64_t{9});
    QCOMPARE(c.get_str("MODEL.DYHEAD.SCORE_AGG"), std::string("MEAN"));
    QCOMPARE(c.get_float("MODEL.DYHEAD.LOG_SCALE"), 0.0);
    QCOMPARE(c.get_float("MODEL.DYHEAD.PRIOR_PROB"), 0.01);
    for (const char* k : {"USE_GN", "USE_DYRELU", "USE_DFCONV", "USE_DYFUSE", "USE_CHECKPOINT"})
      QVERIFY2(c.get_bool(std::string("MODEL.DYHEAD.") + k), k);
    QCOMPARE(c.get_str("MODEL.DYHEAD.FUSE_CONFIG.TYPE"), std::string("MHA-B"));
    for (const char* k : {"EARLY_FUSE_ON", "USE_DOT_PRODUCT_TOKEN_LOSS", "USE_FUSED_FEATURES_DOT_PRODUCT",
                          "USE_LAYER_SCALE", "CLAMP_MIN_FOR_UNDERFLOW", "CLAMP_MAX_FOR_OVERFLOW",
                          "CLAMP_BERTATTN_MIN_FOR_UNDERFLOW", "CLAMP_BERTATTN_MAX_FOR_OVERFLOW", "CLAMP_DOT_PRODUCT"})
      QVERIFY2(c.get_bool(std::string("MODEL.DYHEAD.FUSE_CONFIG.") + k), k);
    for (const char* k : {"USE_CLASSIFICATION_LOSS", "USE_TOKEN_LOSS", "USE_CONTRASTIVE_ALIGN_LOSS", "MLM_LOSS",
                          "SEPARATE_BIDIRECTIONAL", "STABLE_SOFTMAX_2D", "USE_SHALLOW_CONTRASTIVE_LOSS"})
      QVERIFY2(!c.get_bool(std::string("MODEL.DYHEAD.FUSE_CONFIG.") + k), k);
    QCOMPARE(c.get_int("MODEL.DYHEAD.FUSE_CONFIG.JOINT_EMB_SIZE"), int64_t{256});
    QCOMPARE(c.get_int("MODEL.DYHEAD.FUSE_CONFIG.CONTRASTIVE_HIDDEN_DIM"), int64_t{64});
    QCOMPARE(c.get_bool("MODEL.RPN.USE_FPN"), true);
    QCOMPARE(c.get_int_list("MODEL.RPN.ANCHOR_SIZES"), (std::vector<int64_t>{64, 128, 256, 512, 1024}));
    QCOMPARE(c.type_name("MODEL.RPN.ANCHOR_SIZES"), std::string("tuple"));
    QCOMPARE(c.get_int_list("MODEL.RPN.ANCHOR_STRIDE"), (std::vector<int64_t>{8, 16, 32, 64, 128}));
    QCOMPARE(c.get_float_list("MODEL.RPN.ASPECT_RATIOS"), std::vector<double>{1.0});
    QCOMPARE(c.repr("MODEL.RPN.ASPECT_RATIOS"), std::string("(1.0,)"));
    QCOMPARE(c.get_int("MODEL.RPN.SCALES_PER_OCTAVE"), int64_t{1});
    QCOMPARE(c.get_float("MODEL.RPN.OCTAVE"), 2.0);
    QCOMPARE(c.get_float_list("INPUT.PIXEL_MEAN"), (std::vector<double>{103.530, 116.280, 123.675}));
    QCOMPARE(c.get_float_list("INPUT.PIXEL_STD"), (std::vector<double>{57.375, 57.120, 58.395}));
    QCOMPARE(c.get_bool("INPUT.TO_BGR255"), true);
    QCOMPARE(c.get_int("INPUT.MIN_SIZE_TEST"), int64_t{800});
    QCOMPARE(c.get_int("INPUT.MAX_SIZE_TEST"), int64_t{1333});
    QCOMPARE(c.get_int("DATALOADER.SIZE_DIVISIBILITY"), int64_t{32});
    QCOMPARE(c.get_str("MODEL.LANGUAGE_BACKBONE.MODEL_TYPE"), std::string("bert-base-uncased"));
    QCOMPARE(c.get_str("MODEL.LANGUAGE_BACKBONE.TOKENIZER_TYPE"), std::string("bert-base-uncased"));
    QCOMPARE(c.get_int("MODEL.LANGUAGE_BACKBONE.MAX_QUERY_LEN"), int64_t{256});
    QCOMPARE(c.get_int("MODEL.LANGUAGE_BACKBONE.LANG_DIM"), int64_t{768});
    QCOMPARE(c.get_bool("MODEL.LANGUAGE_BACKBONE.PAD_MAX"), true);
    QCOMPARE(c.get_bool("MODEL.LANGUAGE_BACKBONE.MASK_SPECIAL"), false);
    QCOMPARE(c.get_int("MODEL.SWINT.EMBED_DIM"), int64_t{96});
    QCOMPARE(c.get_int_list("MODEL.SWINT.DEPTHS"), (std::vector<int64_t>{2, 2, 6, 2}));
    QCOMPARE(c.get_int_list("MODEL.SWINT.NUM_HEADS"), (std::vector<int64_t>{3, 6, 12, 24}));
    QCOMPARE(c.get_int_list("MODEL.SWINT.OUT_CHANNELS"), (std::vector<int64_t>{96, 192, 384, 768}));
    QCOMPARE(c.get_int("MODEL.SWINT.WINDOW_SIZE"), int64_t{7});
    QCOMPARE(c.get_int("MODEL.SWINT.MLP_RATIO"), int64_t{4});
    QCOMPARE(c.get_float("MODEL.SWINT.DROP_PATH_RATE"), 0.2);
    QCOMPARE(c.get_bool("MODEL.SWINT.APE"), false);
    QCOMPARE(c.get_str("MODEL.SWINT.VERSION"), std::string("v1"));
    QCOMPARE(c.get_bool("MODEL.SWINT.OUT_NORM"), true);
    QCOMPARE(c.get_int("MODEL.SWINT.LAYER_SCALE"), int64_t{0});
    QCOMPARE(c.get_int("MODEL.GROUP_NORM.NUM_GROUPS"), int64_t{16});
    QCOMPARE(c.get_float("MODEL.ATSS.INFERENCE_TH"), 0.05);
    QCOMPARE(c.get_int("MODEL.ATSS.PRE_NMS_TOP_N"), int64_t{1000});
    QCOMPARE(c.get_float("MODEL.ATSS.NMS_TH"), 0.6);
    QCOMPARE(c.get_int("MODEL.ATSS.DETECTIONS_PER_IMG"), int64_t{100});
    QCOMPARE(c.get_str_list("DATASETS.TRAIN"),
             (std::vector<std::string>{"object365_dt_train", "mixed_train_no_coco", "flickr30k_train"}));
    QCOMPARE(c.get_str("DATASETS.SEPARATION_TOKENS"), std::string(". "));
    QCOMPARE(c.get_float_list("SOLVER.STEPS"), (std::vector<double>{0.67, 0.89}));
    QCOMPARE(c.get_float("SOLVER.LANG_LR"), 1e-5);
    QCOMPARE(c.get_int("TEST.IMS_PER_BATCH"), int64_t{64});
    QCOMPARE(c.get_str("MODEL.WEIGHT"), std::string("swin_tiny_patch4_window7_224.pth"));
  }

  void tinyAMergedValues() {
    const glip::Config c = load({kMerged});
    QCOMPARE(c.get_str("MODEL.DEVICE"), std::string("cpu"));
    QCOMPARE(c.get_str("MODEL.WEIGHT"), std::string("model_final.pth"));
    QCOMPARE(c.get_int("MODEL.BACKBONE.OUT_CHANNELS"), int64_t{32});
    QCOMPARE(c.get_int("MODEL.SWINT.EMBED_DIM"), int64_t{24});
    QCOMPARE(c.get_int_list("MODEL.SWINT.DEPTHS"), (std::vector<int64_t>{2, 1, 2, 1}));
    QCOMPARE(c.type_name("MODEL.SWINT.DEPTHS"), std::string("tuple"));  // dumped as a list, coerced back
    QCOMPARE(c.get_int_list("MODEL.SWINT.NUM_HEADS"), (std::vector<int64_t>{1, 2, 3, 6}));
    QCOMPARE(c.get_int_list("MODEL.SWINT.OUT_CHANNELS"), (std::vector<int64_t>{24, 48, 96, 192}));
    QCOMPARE(c.get_int("MODEL.SWINT.WINDOW_SIZE"), int64_t{7});
    QCOMPARE(c.get_int("MODEL.SWINT.MLP_RATIO"), int64_t{4});
    QCOMPARE(c.get_int("MODEL.LANGUAGE_BACKBONE.LANG_DIM"), int64_t{32});
    QCOMPARE(c.get_int("MODEL.LANGUAGE_BACKBONE.MAX_QUERY_LEN"), int64_t{256});
    QCOMPARE(c.get_int("MODEL.LANGUAGE_BACKBONE.N_LAYERS"), int64_t{1});
    QCOMPARE(c.get_int("MODEL.DYHEAD.CHANNELS"), int64_t{32});
    QCOMPARE(c.get_int("MODEL.DYHEAD.NUM_CONVS"), int64_t{2});
    QCOMPARE(c.get_int("MODEL.DYHEAD.FUSE_CONFIG.JOINT_EMB_SIZE"), int64_t{32});
    QCOMPARE(c.get_int("INPUT.MIN_SIZE_TEST"), int64_t{304});
    QCOMPARE(c.get_int("INPUT.MAX_SIZE_TEST"), int64_t{1333});
    QCOMPARE(c.get_int_list("MODEL.RPN.ANCHOR_SIZES"), (std::vector<int64_t>{64, 128, 256, 512, 1024}));
    // yacs converts only the outer list of the dumped TEST.RANGES to a tuple; the pairs stay lists.
    QCOMPARE(c.repr("TEST.RANGES").substr(0, 30), std::string("([96, 10000], [96, 10000], [64"));
    QCOMPARE(c.repr("MODEL.ROI_KEYPOINT_HEAD.POOLER_SCALES"), std::string("(0.0625,)"));  // a YAML alias
    QCOMPARE(static_cast<int>(c.keys().size()), 454);
  }

  void mergeEqualsOfficialMerged() {
    const glip::Config ours = load({kGlipT, kTinyYaml});
    const glip::Config official = load({kMerged});
    const std::vector<std::string> keys = ours.keys();
    QCOMPARE(keys, official.keys());
    int same_repr = 0;
    for (const std::string& k : keys) {
      QVERIFY2(ours.type_name(k) == official.type_name(k), k.c_str());
      QVERIFY2(ours.to_json(k) == official.to_json(k),
               (k + ": " + ours.to_json(k) + " vs " + official.to_json(k)).c_str());
      same_repr += ours.repr(k) == official.repr(k);
    }
    // The one repr difference is yacs' own: the dumped TEST.RANGES comes back as a tuple of lists.
    QCOMPARE(same_repr, static_cast<int>(keys.size()) - 1);
    QVERIFY(ours.repr("TEST.RANGES") != official.repr("TEST.RANGES"));
    QVERIFY(ours.canonical_text() != official.canonical_text());
    // With the pairs made tuples again, the two configs are the same, value for value.
    glip::Config fixed = official;
    fixed.merge_from_list({"TEST.RANGES", ours.repr("TEST.RANGES")});
    QVERIFY(fixed == ours);
    QCOMPARE(fixed.canonical_text(), ours.canonical_text());
  }

  void sharedTuplesLoad() {
    // The merged config keeps defaults.py's tuples (the official dump writes them as lists shared through anchors).
    const glip::Config c = load({kGlipT, kTinyYaml});
    for (const char* head : {"ROI_BOX_HEAD", "ROI_MASK_HEAD", "ROI_KEYPOINT_HEAD"})
      QCOMPARE(c.repr(std::string("MODEL.") + head + ".POOLER_SCALES"), std::string("(0.0625,)"));
    QCOMPARE(c.repr("TEST.RANGES"),
             std::string("((96, 10000), (96, 10000), (64, 10000), (64, 10000), (64, 10000), (0, 10000), (0, 10000), "
                         "(0, 256), (0, 256), (0, 192), (0, 192), (0, 96))"));
  }

  void configDirResolvesWeights() {
    const glip::Config c = load({kGlipT, kTinyYaml});
    QCOMPARE(QString::fromStdString(c.config_dir()), QFileInfo(QString::fromStdString(kTinyDir)).absoluteFilePath());
    QVERIFY(QFileInfo::exists(QString::fromStdString(c.config_dir() + "/" + c.get_str("MODEL.WEIGHT"))));
    QVERIFY(QFileInfo(QString::fromStdString(c.config_dir() + "/bert-base-uncased")).isDir());
  }
};

QTEST_APPLESS_MAIN(TestConfigGolden)
#include "test_config_golden.moc"
