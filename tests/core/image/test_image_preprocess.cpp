// GLIP's test transform against the official outputs (tests/data/golden/tiny-a): image.tensor (1x3xHpxWp),
// image.size_hw and image.orig_size_hw of astronaut.png and coffee.png at MIN_SIZE_TEST 304 / MAX 1333, the
// 800/1333 size of coffee.png, Resize.get_size on hand-derived cases, and to_image_list batching.
// torch before QtTest: Qt's `slots` macro breaks torch's headers.
#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include <QtTest>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/image/image.h"
#include "core/image/preprocess.h"
#include "tests/common/paths.h"
#include "tests/common/tensors.h"

using glip::image::PreprocessParams;
using glip::image::SizeHW;

namespace {

const std::string kGolden = glip::test::tiny_dir() + "/";

using glip::test::load_pt;
at::Tensor get(const std::map<std::string, at::Tensor>& d, const std::string& key) { return d.at(key); }

}  // namespace

class TestImagePreprocess : public QObject {
  Q_OBJECT
 private slots:
  void golden_tensor_data() {
    QTest::addColumn<QString>("name");
    QTest::newRow("astronaut") << "astronaut";
    QTest::newRow("coffee") << "coffee";
  }
  void golden_tensor() {
    QFETCH(QString, name);
    c10::InferenceMode guard;
    const auto d = load_pt(kGolden + name.toStdString() + ".visual.pt");
    const at::Tensor want = get(d, "image.tensor");
    const at::Tensor size_hw = get(d, "image.size_hw");
    const at::Tensor orig_hw = get(d, "image.orig_size_hw");

    PreprocessParams p;
    p.min_size = 304;  // tiny-a: INPUT.MIN_SIZE_TEST 304, MAX_SIZE_TEST 1333; the rest are GLIP-T defaults
    p.max_size = 1333;
    const auto t0 = std::chrono::steady_clock::now();
    const glip::image::RgbImage im = glip::image::load_image(kGolden + name.toStdString() + ".png");
    const auto t1 = std::chrono::steady_clock::now();
    const glip::image::PreprocessedImage x = glip::image::preprocess(im, p);
    const auto t2 = std::chrono::steady_clock::now();

    QCOMPARE(x.resized.height, size_hw[0].item<int64_t>());
    QCOMPARE(x.resized.width, size_hw[1].item<int64_t>());
    QCOMPARE(x.original.height, orig_hw[0].item<int64_t>());
    QCOMPARE(x.original.width, orig_hw[1].item<int64_t>());
    QCOMPARE(want.dim(), int64_t(4));
    QCOMPARE(x.padded.height, want.size(2));
    QCOMPARE(x.padded.width, want.size(3));
    const at::Tensor got = at::from_blob(const_cast<float*>(x.data.data()),
                                            {1, 3, x.padded.height, x.padded.width}, at::kFloat);
    const double max_diff = (got - want).abs().max().item<double>();
    const int64_t n_diff = (got != want).sum().item<int64_t>();
    qInfo("%s: %lldx%lld -> %lldx%lld padded %lldx%lld, max |diff| %g, %lld values differ; decode %.1f ms, "
          "preprocess %.1f ms",
          name.toUtf8().constData(), (long long)x.original.width, (long long)x.original.height,
          (long long)x.resized.width, (long long)x.resized.height, (long long)x.padded.width,
          (long long)x.padded.height, max_diff, (long long)n_diff,
          std::chrono::duration<double, std::milli>(t1 - t0).count(),
          std::chrono::duration<double, std::milli>(t2 - t1).count());
    QVERIFY(max_diff <= 1e-5);
  }

  void coffee_at_800_1333() {
    c10::InferenceMode guard;
    const auto d = load_pt(kGolden + "coffee.coco80.800x1333.pt");
    PreprocessParams p;  // defaults: 800 / 1333 / divisibility 32
    const glip::image::PreprocessedImage x = glip::image::preprocess(glip::image::load_image(kGolden + "coffee.png"), p);
    const at::Tensor size_hw = get(d, "image.size_hw");
    const at::Tensor shape = get(d, "image.tensor_shape");
    QCOMPARE(x.resized.height, size_hw[0].item<int64_t>());  // 800
    QCOMPARE(x.resized.width, size_hw[1].item<int64_t>());   // 1200
    QCOMPARE(x.padded.height, shape[2].item<int64_t>());     // 800
    QCOMPARE(x.padded.width, shape[3].item<int64_t>());      // 1216
    QCOMPARE(x.resized, (SizeHW{800, 1200}));
  }

  void get_size_rules() {
    PreprocessParams p;  // 800 / 1333
    auto sz = [&](int64_t h, int64_t w) { return glip::image::compute_resized_size({h, w}, p); };
    QCOMPARE(sz(400, 600), (SizeHW{800, 1200}));
    QCOMPARE(sz(800, 1000), (SizeHW{800, 1000}));  // short side already 800: unchanged
    QCOMPARE(sz(480, 640), (SizeHW{800, 1066}));   // int(800*640/480 = 1066.67): truncation
    QCOMPARE(sz(640, 480), (SizeHW{1066, 800}));
    // Long side capped: 1000x3000 -> size = round(1333*1000/3000 = 444.33) = 444, w = int(444*3000/1000) = 1332.
    QCOMPARE(sz(1000, 3000), (SizeHW{444, 1332}));
    // Python's round() is half-to-even: 1333*h/w = 666.5 exactly for 1000x2000 -> 666 (not 667).
    QCOMPARE(sz(1000, 2000), (SizeHW{666, 1332}));
    p.max_size = 1335;  // 1335*1000/2000 = 667.5 -> 668 (even)
    QCOMPARE(sz(1000, 2000), (SizeHW{668, 1336}));
    p.max_size = 0;  // no cap
    QCOMPARE(sz(1000, 3000), (SizeHW{800, 2400}));
    p = PreprocessParams{};
    p.fix_res = true;  // Resize(restrict=True): (min_size, max_size)
    QCOMPARE(sz(123, 456), (SizeHW{800, 1333}));
    QCOMPARE(glip::image::padded_size({800, 1200}, 32), (SizeHW{800, 1216}));
    QCOMPARE(glip::image::padded_size({801, 1}, 32), (SizeHW{832, 32}));
    QCOMPARE(glip::image::padded_size({801, 1}, 0), (SizeHW{801, 1}));
  }

  void extreme_aspect_ratio() {
    // 1 x 10000: the capped short side rounds to 0 (GLIP would produce an empty image): a clear error.
    glip::image::RgbImage im;
    im.width = 1;
    im.height = 10000;
    im.pixels.assign(size_t(3 * 10000), 128);
    PreprocessParams p;
    QCOMPARE(glip::image::compute_resized_size({10000, 1}, p), (SizeHW{0, 0}));
    QVERIFY_THROWS_EXCEPTION(glip::Error, glip::image::preprocess(im, p));
    // 10 x 10000 works: short side round(1.333) = 1, long side int(1 * 10000 / 10) = 1000.
    im.width = 10;
    im.pixels.assign(size_t(3 * 10 * 10000), 128);
    const glip::image::PreprocessedImage x = glip::image::preprocess(im, p);
    QCOMPARE(x.resized, (SizeHW{1000, 1}));
    QCOMPARE(x.padded, (SizeHW{1024, 32}));
  }

  void batch_padding() {
    PreprocessParams p;
    p.min_size = 304;
    const auto a = glip::image::preprocess(glip::image::load_image(kGolden + "astronaut.png"), p);  // 304x304
    const auto c = glip::image::preprocess(glip::image::load_image(kGolden + "coffee.png"), p);     // 304x456
    const glip::image::ImageBatch b = glip::image::to_image_list({a, c}, 32);
    QCOMPARE(b.batch_size, int64_t(2));
    QCOMPARE(b.padded, (SizeHW{320, 480}));
    QCOMPARE(b.resized[0], (SizeHW{304, 304}));
    QCOMPARE(b.resized[1], (SizeHW{304, 456}));
    QCOMPARE(b.original[1], (SizeHW{400, 600}));
    // Image 0: its values inside 304x304, zeros elsewhere; image 1 equals its own padded tensor (same 320x480).
    const int64_t PH = 320, PW = 480;
    for (int64_t ch = 0; ch < 3; ++ch)
      for (int64_t y = 0; y < PH; ++y)
        for (int64_t x = 0; x < PW; ++x) {
          const float v = b.data[size_t((ch * PH + y) * PW + x)];
          const float want = (y < 304 && x < 304) ? a.data[size_t((ch * a.padded.height + y) * a.padded.width + x)] : 0.f;
          if (v != want) QFAIL("batch image 0 differs");
          if (b.data[size_t(((3 + ch) * PH + y) * PW + x)] != c.data[size_t((ch * PH + y) * PW + x)])
            QFAIL("batch image 1 differs");
        }
    // Without divisibility: max of the resized sizes.
    QCOMPARE(glip::image::to_image_list({a, c}, 0).padded, (SizeHW{304, 456}));
    // at_least (one image of a larger batch run alone): padded to it, rounded up; a smaller one changes nothing.
    const glip::image::ImageBatch one = glip::image::to_image_list({a}, 32, {330, 300});
    QCOMPARE(one.padded, (SizeHW{352, 320}));
    QCOMPARE(one.resized[0], (SizeHW{304, 304}));
    QCOMPARE(one.data[size_t(303 * 320 + 303)], a.data[size_t(303 * a.padded.width + 303)]);
    QCOMPARE(one.data[size_t(320 * 320 + 10)], 0.f);
    QCOMPARE(glip::image::to_image_list({a, c}, 32, {100, 100}).padded, (SizeHW{320, 480}));
    QVERIFY_THROWS_EXCEPTION(glip::Error, glip::image::to_image_list({}, 32));
  }
};

QTEST_APPLESS_MAIN(TestImagePreprocess)
#include "test_image_preprocess.moc"
