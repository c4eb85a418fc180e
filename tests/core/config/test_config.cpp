// Unit tests for glip::Config: defaults.py key set and types, yacs typing and literal_eval, command-line
// overrides, dump round trip, and every bad-input error with its message.
#include <QtTest>

#include <fstream>

#include "core/common/error.h"
#include "core/config/config.h"
#include "tests/common/paths.h"

namespace {

// Derived independently of the C++ table: a throw-away script exec'd defaults.py with yacs' CfgNode replaced by a
// minimal dict stand-in and counted the leaves of the final tree (34 sections, 454 leaves).
constexpr int kDefaultsLeafCount = 454;

const std::string kGlipT = glip::test::source_path("models/glip_Swin_T_O365_GoldG.yaml");

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const glip::Error& e) {
    return e.what();
  }
  return "<no glip::Error>";
}

#define EXPECT_ERROR_CONTAINS(expr, ...)                                                      \
  do {                                                                                        \
    const QString msg = QString::fromStdString(error_of([&] { expr; }));                      \
    for (const char* part : {__VA_ARGS__})                                                    \
      QVERIFY2(msg.contains(QString::fromUtf8(part)), qPrintable(msg + "  (missing: " + part + ")")); \
  } while (0)

// repr() of DATASETS.PREDEFINED_TEXT (default None, so it takes any type) after a command-line override.
std::string eval_token(const std::string& token) {
  glip::Config c = glip::Config::defaults();
  c.merge_from_list({"DATASETS.PREDEFINED_TEXT", token});
  return c.repr("DATASETS.PREDEFINED_TEXT");
}

glip::Config from_yaml(const std::string& text) {
  glip::Config c = glip::Config::defaults();
  c.merge_from_string(text, "test.yaml");
  return c;
}

}  // namespace

class TestConfig : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir tmp_;

  std::string write_file(const std::string& name, const std::string& text) {
    const std::string path = tmp_.path().toStdString() + "/" + name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

 private slots:
  void defaultsKeyCount() {
    const glip::Config c = glip::Config::defaults();
    QCOMPARE(static_cast<int>(c.keys().size()), kDefaultsLeafCount);
    QVERIFY(glip::Config().keys().empty());
  }

  void defaultsTypes() {
    // Counts per Python type of the defaults.py leaves, from the same throw-away script.
    const glip::Config c = glip::Config::defaults();
    std::map<std::string, int> counts;
    for (const std::string& k : c.keys()) counts[c.type_name(k)]++;
    QCOMPARE(counts["int"], 145);
    QCOMPARE(counts["bool"], 138);
    QCOMPARE(counts["float"], 87);
    QCOMPARE(counts["str"], 45);
    QCOMPARE(counts["tuple"], 29);
    QCOMPARE(counts["list"], 5);
    QCOMPARE(counts["NoneType"], 5);
  }

  void defaultsValues() {
    const glip::Config c = glip::Config::defaults();
    QCOMPARE(c.get_str("MODEL.DEVICE"), std::string("cuda"));
    QCOMPARE(c.get_int("MODEL.BACKBONE.OUT_CHANNELS"), int64_t{1024});
    QCOMPARE(c.get_float("SOLVER.WARMUP_FACTOR"), 1.0 / 3);
    QCOMPARE(c.get_float("MODEL.GROUP_NORM.EPSILON"), 1e-5);
    QCOMPARE(c.repr("MODEL.ROI_BOX_HEAD.POOLER_SCALES"), std::string("(0.0625,)"));
    QCOMPARE(c.get_int_list("MODEL.ROI_KEYPOINT_HEAD.CONV_LAYERS"), std::vector<int64_t>(8, 512));
    QCOMPARE(c.type_name("MODEL.ROI_KEYPOINT_HEAD.CONV_LAYERS"), std::string("tuple"));
    QCOMPARE(c.type_name("INPUT.PIXEL_MEAN"), std::string("list"));
    QCOMPARE(c.get_float_list("INPUT.PIXEL_STD"), (std::vector<double>{1.0, 1.0, 1.0}));
    QVERIFY(c.is_none("DATASETS.PREDEFINED_TEXT"));  // assigned '' first, None last
    QCOMPARE(c.get_int("DATASETS.COCO_COPY"), int64_t{1});
    QCOMPARE(c.get_str("DATASETS.SEPARATION_TOKENS"), std::string(" "));
    QCOMPARE(c.get_bool("GLIPKNOW.WIKI_AND_GPT3"), false);  // the last line of defaults.py
    QCOMPARE(c.get_str("PATHS_CATALOG"), std::string("maskrcnn_benchmark/config/paths_catalog.py"));
    QCOMPARE(c.repr("MODEL.RESNETS.STAGE_WITH_DCN"), std::string("(False, False, False, False)"));
    QCOMPARE(c.type_name("MODEL.SPEC"), std::string("CfgNode"));
    QVERIFY(c.has("MODEL.SPEC") && c.has("MODEL.SWINT.DEPTHS") && !c.has("MODEL.SWINT.FOO"));
  }

  void literalEval_data() {
    QTest::addColumn<QString>("token");
    QTest::addColumn<QString>("expected");
    const char* cases[][2] = {
        {"(64, 128, 256)", "(64, 128, 256)"}, {"(1.0,)", "(1.0,)"}, {"1e-5", "1e-05"}, {".5", "0.5"},
        {"-.5e-3", "-0.0005"}, {"1.", "1.0"}, {"True", "True"}, {"False", "False"}, {"None", "None"},
        {"'x'", "'x'"}, {"\"MEAN\"", "'MEAN'"}, {"MEAN", "'MEAN'"}, {"./output3", "'./output3'"},
        {"((1, 2), [3, (4,)])", "((1, 2), [3, (4,)])"}, {"[1, 2,]", "[1, 2]"}, {"(1)", "1"}, {"-3", "-3"},
        {"- 3", "-3"}, {"+7", "7"}, {"0x10", "16"}, {"0o17", "15"}, {"0b101", "5"}, {"1_000", "1000"},
        {"01", "'01'"}, {"00", "0"}, {"1 2", "'1 2'"}, {"()", "()"}, {"[]", "[]"}, {"1,", "(1,)"},
        {"1, 2", "(1, 2)"}, {"--1", "'--1'"}, {"-(1)", "-1"}, {"-True", "'-True'"}, {"'a' 'b'", "'ab'"},
        {"'it''s'", "'its'"}, {"\"it's\"", "\"it's\""}, {"'\\t'", "'\\t'"}, {"r'\\d'", "'\\\\d'"},
        {"1e400", "inf"}, {"1e16", "1e+16"}, {"0.0001", "0.0001"}, {"123456789.5", "123456789.5"},
        {"[{'id': 1, 'name': 'x'}]", "[{'id': 1, 'name': 'x'}]"}, {"3 # comment", "3"}, {"  5", "5"},
        {"", "''"}, {"1 + 2", "'1 + 2'"}, {"a.b", "'a.b'"}, {"f'x'", "\"f'x'\""}, {"(1, 2", "'(1, 2'"},
        {"\n1", "1"}, {"[1,\n 2]", "[1, 2]"}, {"1,\n2", "'1,\\n2'"}, {"{5}{e[", "'{5}{e['"},
        {"({1}, x)", "'({1}, x)'"}, {"set", "'set'"},
    };
    for (const auto& c : cases) QTest::newRow(c[0]) << QString::fromUtf8(c[0]) << QString::fromUtf8(c[1]);
  }
  // Cases checked against Python 3.11's ast.literal_eval (with yacs' fallback to the string), together with 11,000
  // generated tokens in a throw-away differential run.
  void literalEval() {
    QFETCH(QString, token);
    QFETCH(QString, expected);
    QCOMPARE(QString::fromStdString(eval_token(token.toStdString())), expected);
  }

  void literalEvalRejects() {
    EXPECT_ERROR_CONTAINS(eval_token("{1, 2}"), "set", "{1, 2}");
    EXPECT_ERROR_CONTAINS(eval_token("set()"), "set");
    EXPECT_ERROR_CONTAINS(eval_token("1+2j"), "complex");
    EXPECT_ERROR_CONTAINS(eval_token("b'x'"), "bytes");
    EXPECT_ERROR_CONTAINS(eval_token("99999999999999999999"), "64 bits");
    // A dict is a valid literal but no valid type for a key (yacs' _VALID_TYPES), even one that is None.
    EXPECT_ERROR_CONTAINS(eval_token("{'a': 1}"), "command line", "DATASETS.PREDEFINED_TEXT", "dict", "{'a': 1}");
  }

  void yamlTyping() {
    // PyYAML (YAML 1.1) typing first, then literal_eval of strings, as in yacs.
    glip::Config c = from_yaml(
        "MODEL:\n  RPN_ONLY: yes\n  BOX_ON: off\n  MASK_ON: TRUE\n  RPN:\n    ANCHOR_SIZES: \"(1, 2)\"\n"
        "    ASPECT_RATIOS: 0.5, 2.0\nSOLVER:\n  BASE_LR: 1e-5\n  MOMENTUM: .inf\n"
        "DATASETS:\n  PREDEFINED_TEXT: 010\n  CAPTION_PROMPT: 1:30\n  OVERRIDE_CATEGORY: [1e-5, '2', 3]\n"
        "  SUPRESS_QUERY: ~\n");
    QCOMPARE(c.get_bool("MODEL.RPN_ONLY"), true);
    QCOMPARE(c.get_bool("MODEL.BOX_ON"), false);
    QCOMPARE(c.get_bool("MODEL.MASK_ON"), true);
    QCOMPARE(c.repr("MODEL.RPN.ANCHOR_SIZES"), std::string("(1, 2)"));
    QCOMPARE(c.repr("MODEL.RPN.ASPECT_RATIOS"), std::string("(0.5, 2.0)"));
    QCOMPARE(c.get_float("SOLVER.BASE_LR"), 1e-5);  // a YAML 1.1 string, then literal_eval -> float
    QVERIFY(std::isinf(c.get_float("SOLVER.MOMENTUM")));
    QCOMPARE(c.get_int("DATASETS.PREDEFINED_TEXT"), int64_t{8});  // YAML 1.1 octal
    QCOMPARE(c.get_int("DATASETS.CAPTION_PROMPT"), int64_t{90});  // YAML 1.1 base 60
    QCOMPARE(c.repr("DATASETS.OVERRIDE_CATEGORY"), std::string("['1e-5', '2', 3]"));  // items are not eval'd
    QVERIFY(c.is_none("DATASETS.SUPRESS_QUERY"));
    // List -> tuple coercion keeps the key's type; tuple -> list likewise.
    glip::Config d = from_yaml("MODEL:\n  RPN:\n    ANCHOR_SIZES: [8, 16]\nINPUT:\n  PIXEL_MEAN: (1.5, 2.5, 3.5)\n");
    QCOMPARE(d.type_name("MODEL.RPN.ANCHOR_SIZES"), std::string("tuple"));
    QCOMPARE(d.type_name("INPUT.PIXEL_MEAN"), std::string("list"));
    QCOMPARE(d.get_float_list("INPUT.PIXEL_MEAN"), (std::vector<double>{1.5, 2.5, 3.5}));
    // YAML mappings inside lists stay dicts (ODinW's CAPTION_PROMPT); JSON-like access via repr.
    glip::Config e = from_yaml("DATASETS:\n  CAPTION_PROMPT:\n  - {prefix: 'a ', name: b}\n");
    QCOMPARE(e.repr("DATASETS.CAPTION_PROMPT"), std::string("[{'prefix': 'a ', 'name': 'b'}]"));
  }

  void newAllowedSections() {
    glip::Config c = from_yaml("DATASETS:\n  REGISTER:\n    foo: {ann_file: a.json, img_dir: \"(1, 2)\"}\n"
                               "MODEL:\n  SPEC:\n    DEPTH: 3\n");
    QCOMPARE(c.get_str("DATASETS.REGISTER.foo.ann_file"), std::string("a.json"));
    QCOMPARE(c.get_str("DATASETS.REGISTER.foo.img_dir"), std::string("(1, 2)"));  // nested: not eval'd (yacs)
    QCOMPARE(c.get_int("MODEL.SPEC.DEPTH"), int64_t{3});
    QCOMPARE(static_cast<int>(c.keys().size()), kDefaultsLeafCount + 3);
    // The new section itself does not accept unknown keys in a later merge (CfgNode(new_allowed=False)).
    EXPECT_ERROR_CONTAINS(c.merge_from_string("DATASETS:\n  REGISTER:\n    foo: {bar: 1}\n", "second.yaml"),
                          "second.yaml:3", "DATASETS.REGISTER.foo.bar");
  }

  void overrides() {
    glip::Config c = glip::Config::defaults();
    c.merge_from_file(kGlipT);
    c.merge_from_list({"MODEL.DYHEAD.SCORE_AGG", "\"MEAN\"", "TEST.IMS_PER_BATCH", "3",
                       "MODEL.DYHEAD.FUSE_CONFIG.MLM_LOSS", "False", "OUTPUT_DIR", "./output3"});
    QCOMPARE(c.get_str("MODEL.DYHEAD.SCORE_AGG"), std::string("MEAN"));
    QCOMPARE(c.get_int("TEST.IMS_PER_BATCH"), int64_t{3});
    QCOMPARE(c.get_bool("MODEL.DYHEAD.FUSE_CONFIG.MLM_LOSS"), false);
    QCOMPARE(c.get_str("OUTPUT_DIR"), std::string("./output3"));
    c.merge_from_list({"MODEL.DYHEAD.SCORE_AGG", "MAX", "SOLVER.BASE_LR", "1e-5", "MODEL.RPN.ANCHOR_SIZES",
                       "[32, 64]", "MODEL.WEIGHT", "None"});
    QCOMPARE(c.get_str("MODEL.DYHEAD.SCORE_AGG"), std::string("MAX"));
    QCOMPARE(c.get_float("SOLVER.BASE_LR"), 1e-5);
    QCOMPARE(c.repr("MODEL.RPN.ANCHOR_SIZES"), std::string("(32, 64)"));
    QVERIFY(c.is_none("MODEL.WEIGHT"));
    c.merge_from_list({"MODEL.WEIGHT", "3"});  // a None value takes any type next time (yacs)
    QCOMPARE(c.get_int("MODEL.WEIGHT"), int64_t{3});
    c.merge_from_list({});
  }

  void dumpFormat() {
    const std::string d = glip::Config::defaults().dump();
    for (const char* line : {"  EPSILON: 1.0e-05\n", "  SEPARATION_TOKENS: ' '\n", "  FORMAT: ''\n",
                             "  CAPTION_PROMPT: null\n", "  REGISTER: {}\n", "  BING_INDEX_LIST: []\n",
                             "  WARMUP_FACTOR: 0.3333333333333333\n", "  MIN_LR: 1.0e-06\n",
                             "  RANGES:\n  - - 96\n    - 10000\n  - - 96\n", "TENSORBOARD_EXP: OUTPUT\n",
                             "AUGMENT:\n  BRIGHTNESS: 0.0\n"})
      QVERIFY2(d.find(line) != std::string::npos, line);
    QCOMPARE(d.substr(0, 8), std::string("AUGMENT:"));
    glip::Config c = glip::Config::defaults();
    c.merge_from_list({"MODEL.DEVICE", "'true'", "OUTPUT_DIR", "'a: b'", "MODEL.WEIGHT", "'#x'", "TENSORBOARD_EXP",
                       "'- x'", "MODEL.PRETRAIN_NAME", "'12'", "INPUT.FORMAT", "'caf\xc3\xa9\\n'"});
    const std::string e = c.dump();
    for (const char* line : {"  DEVICE: 'true'\n", "OUTPUT_DIR: 'a: b'\n", "  WEIGHT: '#x'\n",
                             "TENSORBOARD_EXP: '- x'\n", "  PRETRAIN_NAME: '12'\n", "  FORMAT: \"caf\\xE9\\n\"\n"})
      QVERIFY2(e.find(line) != std::string::npos, line);
  }

  void dumpRoundTrip() {
    glip::Config c = glip::Config::defaults();
    c.merge_from_file(kGlipT);
    c.merge_from_list({"MODEL.WEIGHT", "None", "DATASETS.OVERRIDE_CATEGORY", "[{'id': 1, 'name': 'a b'}]",
                       "DATASETS.PROMPT_VERSION", std::string(120, 'x') + " " + std::string(30, 'y')});
    c.merge_from_string("DATASETS:\n  REGISTER:\n    foo: {ann_file: a.json}\n", "reg.yaml");
    glip::Config back = glip::Config::defaults();
    back.merge_from_string(c.dump(), "dump");
    QCOMPARE(back.dump(), c.dump());
    QCOMPARE(back.keys(), c.keys());
    for (const std::string& k : c.keys()) {
      QVERIFY2(back.type_name(k) == c.type_name(k), k.c_str());
      QVERIFY2(back.to_json(k) == c.to_json(k), k.c_str());
    }
    QCOMPARE(back.to_json("DATASETS.OVERRIDE_CATEGORY"), std::string("[{\"id\": 1, \"name\": \"a b\"}]"));
    // yacs' quirk: only the outer container is converted list -> tuple, nested tuples come back as lists.
    QCOMPARE(c.repr("TEST.RANGES").substr(0, 26), std::string("((96, 10000), (96, 10000),"));
    QCOMPARE(back.repr("TEST.RANGES").substr(0, 26), std::string("([96, 10000], [96, 10000],"));
    QVERIFY(back != c);
    back.merge_from_string("TEST:\n  RANGES: ((96, 10000), (96, 10000), (64, 10000), (64, 10000), (64, 10000), "
                           "(0, 10000), (0, 10000), (0, 256), (0, 256), (0, 192), (0, 192), (0, 96))\n");
    QVERIFY(back == c);
  }

  void configDirAndCopies() {
    glip::Config c = glip::Config::defaults();
    QCOMPARE(c.config_dir(), std::string());
    const std::string path = write_file("a.yaml", "TEST:\n  IMS_PER_BATCH: 2\n");
    c.merge_from_file(path);
    QCOMPARE(QString::fromStdString(c.config_dir()), QFileInfo(tmp_.path()).absoluteFilePath());
    c.merge_from_string("TEST:\n  IMS_PER_BATCH: 5\n");
    QCOMPARE(QString::fromStdString(c.config_dir()), QFileInfo(tmp_.path()).absoluteFilePath());
    glip::Config copy = c;
    copy.merge_from_list({"TEST.IMS_PER_BATCH", "7"});
    QCOMPARE(c.get_int("TEST.IMS_PER_BATCH"), int64_t{5});
    QCOMPARE(copy.get_int("TEST.IMS_PER_BATCH"), int64_t{7});
    glip::Config moved = std::move(copy);
    QCOMPARE(moved.get_int("TEST.IMS_PER_BATCH"), int64_t{7});
  }

  void errorUnknownKey() {
    const std::string path = write_file("unknown.yaml", "MODEL:\n  DYHEAD:\n    CHANNELZ: 64\n");
    glip::Config c = glip::Config::defaults();
    EXPECT_ERROR_CONTAINS(c.merge_from_file(path), "unknown.yaml:3", "unknown config key", "MODEL.DYHEAD.CHANNELZ",
                          "64");
    EXPECT_ERROR_CONTAINS(c.merge_from_list({"MODEL.DYHEAD.CHANNELZ", "64"}), "command line", "unknown config key",
                          "MODEL.DYHEAD.CHANNELZ", "'64'");
    EXPECT_ERROR_CONTAINS(c.merge_from_list({"MODEL.DEVICE.X", "1"}), "command line", "MODEL.DEVICE.X");
    // Keys GLIP's YAML files might use but defaults.py lacks do not exist in yacs either.
    EXPECT_ERROR_CONTAINS(c.merge_from_string("SOLVER:\n  MAX_EPOCHS: 3\n", "glip.yaml"), "glip.yaml:2",
                          "SOLVER.MAX_EPOCHS");
  }

  void errorWrongType() {
    glip::Config c = glip::Config::defaults();
    const std::string path = write_file("type.yaml", "MODEL:\n  RPN:\n    OCTAVE: 2\n");  // float key, int value
    EXPECT_ERROR_CONTAINS(c.merge_from_file(path), "type.yaml:3", "MODEL.RPN.OCTAVE", "float 2.0", "int 2");
    EXPECT_ERROR_CONTAINS(c.merge_from_list({"SOLVER.BASE_LR", "1"}), "command line", "SOLVER.BASE_LR", "int 1");
    EXPECT_ERROR_CONTAINS(c.merge_from_list({"TEST.IMS_PER_BATCH", "2.5"}), "TEST.IMS_PER_BATCH", "float 2.5");
    EXPECT_ERROR_CONTAINS(c.merge_from_list({"MODEL.RPN_ONLY", "true"}), "MODEL.RPN_ONLY", "str 'true'");
    EXPECT_ERROR_CONTAINS(c.merge_from_list({"MODEL.RPN_ONLY", "1"}), "MODEL.RPN_ONLY", "int 1");
    EXPECT_ERROR_CONTAINS(c.merge_from_list({"INPUT.MIN_SIZE_TRAIN", "(800,)"}), "INPUT.MIN_SIZE_TRAIN",
                          "tuple (800,)");
    EXPECT_ERROR_CONTAINS(c.merge_from_list({"MODEL.DYHEAD", "1"}), "MODEL.DYHEAD", "section");
    EXPECT_ERROR_CONTAINS(c.merge_from_string("MODEL: 3\n", "s.yaml"), "s.yaml:1", "MODEL", "section");
    EXPECT_ERROR_CONTAINS(c.merge_from_string("MODEL:\n  DEVICE:\n    X: 1\n", "m.yaml"), "m.yaml:2",
                          "MODEL.DEVICE", "mapping");
    EXPECT_ERROR_CONTAINS(c.merge_from_string("MODEL:\n  DEVICE: 2020-01-01\n", "d.yaml"), "d.yaml:2", "timestamp");
    // A failed merge changes nothing (the first key below is valid, the second is not).
    EXPECT_ERROR_CONTAINS(c.merge_from_string("TEST:\n  IMS_PER_BATCH: 4\n  FLIP: 3\n", "t.yaml"), "TEST.FLIP");
    EXPECT_ERROR_CONTAINS(c.merge_from_list({"TEST.IMS_PER_BATCH", "4", "TEST.FLIP", "3"}), "TEST.FLIP");
    QVERIFY(c == glip::Config::defaults());
  }

  void errorMalformedYaml() {
    glip::Config c = glip::Config::defaults();
    const std::string path = write_file("bad.yaml", "MODEL:\n  DEVICE: cpu\n  RPN:\n    ANCHOR_SIZES: [1, 2\n");
    EXPECT_ERROR_CONTAINS(c.merge_from_file(path), "bad.yaml:", "malformed YAML");
    const std::string msg = error_of([&] { c.merge_from_string("A: 1\n B: 2\n  - x\n", "indent.yaml"); });
    QVERIFY2(QString::fromStdString(msg).contains(QRegularExpression("indent\\.yaml:[23]:\\d+: malformed YAML")),
             msg.c_str());
    EXPECT_ERROR_CONTAINS(c.merge_from_string("- 1\n- 2\n", "list.yaml"), "list.yaml", "mapping");
    EXPECT_ERROR_CONTAINS(c.merge_from_string("A: 1\n---\nB: 2\n", "two.yaml"), "two.yaml", "single YAML document");
    EXPECT_ERROR_CONTAINS(c.merge_from_string("MODEL:\n  DEVICE: !!python/tuple [1]\n", "tag.yaml"), "tag.yaml:2",
                          "python/tuple");
    c.merge_from_string("", "empty.yaml");  // an empty file merges nothing, like yacs
    QVERIFY(c == glip::Config::defaults());
  }

  void errorMissingFile() {
    glip::Config c = glip::Config::defaults();
    const std::string path = tmp_.path().toStdString() + "/nope.yaml";
    EXPECT_ERROR_CONTAINS(c.merge_from_file(path), "nope.yaml", "does not exist");
    EXPECT_ERROR_CONTAINS(c.merge_from_file(tmp_.path().toStdString()), "directory");
    QCOMPARE(c.config_dir(), std::string());
  }

  void errorOddOverrides() {
    glip::Config c = glip::Config::defaults();
    EXPECT_ERROR_CONTAINS(c.merge_from_list({"TEST.IMS_PER_BATCH", "3", "OUTPUT_DIR"}), "command line",
                          "odd number of override tokens (3)", "OUTPUT_DIR");
    QVERIFY(c == glip::Config::defaults());
  }

  void errorGetters() {
    const glip::Config c = glip::Config::defaults();
    EXPECT_ERROR_CONTAINS(c.get_int("MODEL.NOPE"), "MODEL.NOPE", "does not exist");
    EXPECT_ERROR_CONTAINS(c.get_int("MODEL"), "MODEL", "section");
    EXPECT_ERROR_CONTAINS(c.get_int("SOLVER.BASE_LR"), "SOLVER.BASE_LR", "float 0.001", "int");
    EXPECT_ERROR_CONTAINS(c.get_bool("TEST.IMS_PER_BATCH"), "TEST.IMS_PER_BATCH", "bool");
    EXPECT_ERROR_CONTAINS(c.get_str("DATASETS.PREDEFINED_TEXT"), "NoneType None");
    EXPECT_ERROR_CONTAINS(c.get_int_list("INPUT.PIXEL_MEAN"), "INPUT.PIXEL_MEAN", "ints");
    EXPECT_ERROR_CONTAINS(c.get_str_list("MODEL.RPN.ANCHOR_SIZES"), "MODEL.RPN.ANCHOR_SIZES", "strings");
    QCOMPARE(c.get_float("TEST.IMS_PER_BATCH"), 16.0);  // ints are fine for get_float
  }
};

QTEST_APPLESS_MAIN(TestConfig)
#include "test_config.moc"
