// preprocess_params_from_config on GLIP's defaults, the tiny-a merged config and overrides.
#include <QtTest>

#include <string>

#include "core/common/error.h"
#include "core/config/config.h"
#include "core/image/preprocess_config.h"
#include "tests/common/paths.h"

using glip::image::preprocess_params_from_config;

class TestImageConfig : public QObject {
  Q_OBJECT
 private slots:
  void tiny_a() {
    glip::Config cfg = glip::Config::defaults();
    cfg.merge_from_file(glip::test::tiny_config());
    const auto p = preprocess_params_from_config(cfg);
    QCOMPARE(p.min_size, int64_t(304));
    QCOMPARE(p.max_size, int64_t(1333));
    QCOMPARE(p.size_divisibility, int64_t(32));
    QVERIFY(p.to_bgr && p.times_255 && !p.fix_res);
    QCOMPARE(p.pixel_mean[0], 103.53f);
    QCOMPARE(p.pixel_mean[2], 123.675f);
    QCOMPARE(p.pixel_std[1], 57.12f);
    // Equal to the struct's GLIP-T defaults except MIN_SIZE_TEST.
    const glip::image::PreprocessParams d;
    QVERIFY(p.pixel_mean == d.pixel_mean && p.pixel_std == d.pixel_std && p.size_divisibility == d.size_divisibility);
  }

  void defaults_and_overrides() {
    glip::Config cfg = glip::Config::defaults();  // defaults.py: Caffe2 mean, std 1, no divisibility
    auto p = preprocess_params_from_config(cfg);
    QCOMPARE(p.min_size, int64_t(800));
    QCOMPARE(p.pixel_mean[0], float(102.9801));
    QCOMPARE(p.pixel_std[0], 1.f);
    QCOMPARE(p.size_divisibility, int64_t(0));
    cfg.merge_from_list({"INPUT.FORMAT", "'RGB'"});
    p = preprocess_params_from_config(cfg);
    QVERIFY(!p.to_bgr && !p.times_255);
    cfg.merge_from_list({"INPUT.FORMAT", "''", "INPUT.TO_BGR255", "False"});
    QVERIFY_THROWS_EXCEPTION(glip::Error, preprocess_params_from_config(cfg));
    cfg.merge_from_list({"INPUT.TO_BGR255", "True", "INPUT.PIXEL_STD", "[1.0, 0.0, 1.0]"});
    QVERIFY_THROWS_EXCEPTION(glip::Error, preprocess_params_from_config(cfg));
  }
};

QTEST_APPLESS_MAIN(TestImageConfig)
#include "test_image_config.moc"
