// PIL-exact bilinear resize: FNV-1a hashes of Pillow 9.4 Image.resize((w, h), BILINEAR) outputs (committed in
// tests/data/image/pil_resize_fnv1a.txt) for the two golden photos and synthetic images, up- and downscaling,
// 1-pixel and very elongated sizes; plus hand-derived cases.
#include <QtTest>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/image/image.h"
#include "core/image/resample.h"
#include "tests/common/paths.h"

using glip::image::RgbImage;

namespace {

uint64_t fnv1a(const std::vector<uint8_t>& b) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (uint8_t x : b) h = (h ^ x) * 0x100000001b3ull;
  return h;
}

// Same formula as the generator of the fixture (see tests/data/image/README.md).
RgbImage synthetic(int w, int h) {
  RgbImage im;
  im.width = w;
  im.height = h;
  im.pixels.resize(size_t(w * h * 3));
  for (uint64_t y = 0; y < uint64_t(h); ++y)
    for (uint64_t x = 0; x < uint64_t(w); ++x)
      for (uint64_t c = 0; c < 3; ++c) {
        const uint64_t v = (x * 7 + y * 13 + c * 50 + (((x * y * 2654435761ull) & 0xffffffffull) >> 28)) & 255;
        im.pixels[size_t((y * uint64_t(w) + x) * 3 + c)] = uint8_t(v);
      }
  return im;
}

}  // namespace

class TestImageResize : public QObject {
  Q_OBJECT
 private slots:
  void matches_pillow_bit_for_bit() {
    std::ifstream f(glip::test::data_path("image/pil_resize_fnv1a.txt"));
    QVERIFY(f.good());
    const std::string golden = glip::test::tiny_dir() + "/";
    const RgbImage astronaut = glip::image::load_image(golden + "astronaut.png");
    const RgbImage coffee = glip::image::load_image(golden + "coffee.png");
    std::string line;
    int cases = 0, mismatches = 0;
    while (std::getline(f, line)) {
      if (line.empty() || line[0] == '#') continue;
      std::istringstream is(line);
      std::string src, hash_hex;
      int w = 0, h = 0;
      is >> src >> w >> h >> hash_hex;
      RgbImage in;
      if (src == "astronaut.png") in = astronaut;
      else if (src == "coffee.png") in = coffee;
      else {
        int sw = 0, sh = 0;
        QVERIFY2(std::sscanf(src.c_str(), "synthetic:%dx%d", &sw, &sh) == 2, line.c_str());
        in = synthetic(sw, sh);
      }
      const RgbImage out = glip::image::resize_bilinear_pil(in, w, h);
      QCOMPARE(out.width, int64_t(w));
      QCOMPARE(out.height, int64_t(h));
      const uint64_t want = std::stoull(hash_hex, nullptr, 16);
      if (fnv1a(out.pixels) != want) {
        ++mismatches;
        qWarning("mismatch: %s", line.c_str());
      }
      ++cases;
    }
    qInfo("%d PIL resize cases, %d mismatches", cases, mismatches);
    QVERIFY(cases >= 90);
    QCOMPARE(mismatches, 0);
  }

  void hand_derived() {
    // 2x1 -> 1x1: box filter of support 2 centred at 1.0 -> weights 1/2, 1/2 -> (10 + 21) / 2 = 15.5 -> 16 (round).
    RgbImage a;
    a.width = 2;
    a.height = 1;
    a.pixels = {10, 0, 255, 21, 1, 255};
    const RgbImage r = glip::image::resize_bilinear_pil(a, 1, 1);
    QCOMPARE(int(r.pixels[0]), 16);
    QCOMPARE(int(r.pixels[1]), 1);  // (0 + 1) / 2 = 0.5 -> 1 (the +2^21 rounding term)
    QCOMPARE(int(r.pixels[2]), 255);
    // Upscale 1x1 -> 3x2: a constant image stays constant.
    RgbImage one;
    one.width = one.height = 1;
    one.pixels = {7, 8, 9};
    const RgbImage up = glip::image::resize_bilinear_pil(one, 3, 2);
    for (size_t i = 0; i < up.pixels.size(); ++i) QCOMPARE(int(up.pixels[i]), int(7 + i % 3));
    // Same size: a copy.
    QVERIFY(glip::image::resize_bilinear_pil(a, 2, 1).pixels == a.pixels);
  }

  void bad_arguments() {
    RgbImage empty;
    QVERIFY_THROWS_EXCEPTION(glip::Error, glip::image::resize_bilinear_pil(empty, 2, 2));
    RgbImage one;
    one.width = one.height = 1;
    one.pixels = {1, 2, 3};
    QVERIFY_THROWS_EXCEPTION(glip::Error, glip::image::resize_bilinear_pil(one, 0, 2));
  }
};

QTEST_APPLESS_MAIN(TestImageResize)
#include "test_image_resize.moc"
