// Image decoding: PIL's convert("RGB") rules on files written at test time (OpenCV imwrite, Qt's PNG writer for
// palette images, hand-written headers), PIL-decoded references for committed JPEG fixtures (CMYK, gray,
// 4:2:0, progressive, EXIF), and every kind of bad input -> glip::Error with a specific message.
#include <QImage>
#include <QTemporaryDir>
#include <QtTest>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "core/common/error.h"
#include "core/image/image.h"
#include "core/image/image_decode_internal.h"
#include "tests/common/paths.h"

using glip::image::DecodeOptions;
using glip::image::RgbImage;

namespace {

const std::string kData = glip::test::data_path("image/");

std::vector<uint8_t> read_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}
void write_bytes(const std::string& path, const std::vector<uint8_t>& b) {
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(b.data()), std::streamsize(b.size()));
}
std::vector<uint8_t> encode(const cv::Mat& m, const std::string& ext, const std::vector<int>& params = {}) {
  std::vector<uint8_t> out;
  if (!cv::imencode(ext, m, out, params)) qFatal("imencode %s failed", ext.c_str());
  return out;
}
// Deterministic 8-bit BGR test pattern.
cv::Mat pattern(int h, int w, int type = CV_8UC3) {
  cv::Mat m(h, w, type);
  const int ch = m.channels();
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int c = 0; c < ch; ++c) {
        const uint32_t v = uint32_t(x * 37 + y * 101 + c * 53) ^ (uint32_t(x * y) * 2654435761u >> 20);
        if (m.depth() == CV_8U) m.ptr<uint8_t>(y)[x * ch + c] = uint8_t(v);
        else m.ptr<uint16_t>(y)[x * ch + c] = uint16_t(v * 40503u);
      }
  return m;
}
// Expected RGB from an OpenCV BGR(A)/gray 8-bit Mat, applying f to each sample.
template <class F>
RgbImage expected_from(const cv::Mat& m, F f) {
  RgbImage r;
  r.height = m.rows;
  r.width = m.cols;
  r.pixels.resize(size_t(m.rows * m.cols * 3));
  const int ch = m.channels();
  for (int y = 0; y < m.rows; ++y)
    for (int x = 0; x < m.cols; ++x) {
      uint8_t* d = r.at(y, x);
      auto s = [&](int c) { return m.depth() == CV_8U ? int(m.ptr<uint8_t>(y)[x * ch + c]) : int(m.ptr<uint16_t>(y)[x * ch + c]); };
      if (ch <= 2) d[0] = d[1] = d[2] = f(s(0), true);
      else for (int c = 0; c < 3; ++c) d[c] = f(s(2 - c), false);
    }
  return r;
}
RgbImage expected_8bit(const cv::Mat& m) { return expected_from(m, [](int v, bool) { return uint8_t(v); }); }

// Qt writes Indexed8 as a palette PNG (with tRNS when a colour has alpha), Mono as 1-bit.
QImage palette_image() {
  QImage pal(5, 3, QImage::Format_Indexed8);
  pal.setColorTable({qRgba(10, 20, 30, 255), qRgba(200, 100, 50, 0), qRgba(1, 2, 3, 128), qRgb(255, 254, 253)});
  for (int y = 0; y < 3; ++y)
    for (int x = 0; x < 5; ++x) pal.setPixel(x, y, uint((x + 2 * y) % 4));
  return pal;
}
QImage mono_image() {
  QImage mono(9, 2, QImage::Format_Mono);
  mono.setColorTable({qRgb(0, 0, 0), qRgb(255, 255, 255)});
  for (int x = 0; x < 9; ++x) {
    mono.setPixel(x, 0, uint(x % 2));
    mono.setPixel(x, 1, uint(1 - x % 2));
  }
  return mono;
}

bool same(const RgbImage& a, const RgbImage& b) {
  return a.height == b.height && a.width == b.width && a.pixels == b.pixels;
}

// Expects glip::Error whose message contains `needle`.
template <class F>
void expect_error(F f, const std::string& needle) {
  try {
    f();
  } catch (const glip::Error& e) {
    const std::string msg = e.what();
    if (msg.find(needle) == std::string::npos)
      QFAIL(("message '" + msg + "' lacks '" + needle + "'").c_str());
    return;
  }
  QFAIL(("no glip::Error (expected '" + needle + "')").c_str());
}

// What `f` writes to the process' stderr (file descriptor 2), libraries' C-level writes included.
template <class F>
std::string stderr_of(F f) {
  std::fflush(stderr);
  char name[] = "/tmp/glip_stderr_XXXXXX";
  const int fd = ::mkstemp(name);
  const int saved = ::dup(2);
  ::dup2(fd, 2);
  f();
  std::fflush(stderr);
  ::dup2(saved, 2);
  ::close(saved);
  ::close(fd);
  std::ifstream in(name);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  std::remove(name);
  return text;
}

void put_be32(std::vector<uint8_t>& v, size_t at, uint32_t x) {
  v[at] = uint8_t(x >> 24); v[at + 1] = uint8_t(x >> 16); v[at + 2] = uint8_t(x >> 8); v[at + 3] = uint8_t(x);
}
void put_le(std::vector<uint8_t>& v, size_t at, uint32_t x, int n) {
  for (int i = 0; i < n; ++i) v[at + size_t(i)] = uint8_t(x >> (8 * i));
}

}  // namespace

class TestImageDecode : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;
  std::string path(const char* name) { return (tmp_.path() + "/" + name).toStdString(); }

 private slots:
  void lossless_8bit_formats_exact() {
    const cv::Mat bgr = pattern(23, 37);
    for (const char* ext : {".png", ".bmp", ".tiff"}) {
      const RgbImage im = glip::image::decode_image(encode(bgr, ext));
      QVERIFY2(same(im, expected_8bit(bgr)), ext);
    }
    const RgbImage webp = glip::image::decode_image(encode(bgr, ".webp", {cv::IMWRITE_WEBP_QUALITY, 101}));
    QVERIFY(same(webp, expected_8bit(bgr)));  // quality > 100: lossless
  }

  void gray_and_alpha() {
    const cv::Mat gray = pattern(9, 11, CV_8UC1);
    for (const char* ext : {".png", ".bmp", ".tiff"})
      QVERIFY2(same(glip::image::decode_image(encode(gray, ext)), expected_8bit(gray)), ext);
    // RGBA: alpha dropped, no compositing, even for fully transparent pixels.
    cv::Mat bgra = pattern(9, 11, CV_8UC4);
    bgra.at<cv::Vec4b>(0, 0)[3] = 0;
    QVERIFY(same(glip::image::decode_image(encode(bgra, ".png")), expected_8bit(bgra)));
    // (libwebp's lossless encoder rewrites the colour of fully transparent pixels, so no alpha 0 for WebP.)
    for (int y = 0; y < bgra.rows; ++y)
      for (int x = 0; x < bgra.cols; ++x) bgra.at<cv::Vec4b>(y, x)[3] = std::max<uint8_t>(bgra.at<cv::Vec4b>(y, x)[3], 1);
    QVERIFY(same(glip::image::decode_image(encode(bgra, ".webp", {cv::IMWRITE_WEBP_QUALITY, 101})), expected_8bit(bgra)));
  }

  void sixteen_bit_png() {
    // RGB(A) 16-bit: PIL keeps the high byte ("RGB;16B").
    const cv::Mat rgb16 = pattern(7, 5, CV_16UC3);
    auto high = [](int v, bool) { return uint8_t(v >> 8); };
    QVERIFY(same(glip::image::decode_image(encode(rgb16, ".png")), expected_from(rgb16, high)));
    QVERIFY(same(glip::image::decode_image(encode(pattern(7, 5, CV_16UC4), ".png")),
                 expected_from(pattern(7, 5, CV_16UC4), high)));
    // Gray 16-bit: PIL mode "I", convert("RGB") clips at 255 (checked with Pillow 9.4: 256 -> 255, 65535 -> 255).
    cv::Mat g16(1, 6, CV_16UC1);
    const uint16_t vals[6] = {0, 1, 255, 256, 4096, 65535};
    for (int i = 0; i < 6; ++i) g16.at<uint16_t>(0, i) = vals[i];
    for (const char* ext : {".png", ".tiff"}) {
      const RgbImage im = glip::image::decode_image(encode(g16, ext));
      const uint8_t want[6] = {0, 1, 255, 255, 255, 255};
      for (int i = 0; i < 6; ++i)
        for (int c = 0; c < 3; ++c) QCOMPARE(int(im.at(0, i)[c]), int(want[i]));
    }
    // 16-bit RGB TIFF: high byte as well.
    QVERIFY(same(glip::image::decode_image(encode(rgb16, ".tiff")), expected_from(rgb16, high)));
  }

  // The libpng decoder of builds without OpenCV (GLIP_OPENCV=OFF) gives the OpenCV path's pixels (PIL's rules) for
  // every PNG it accepts: 8-bit gray, BGR, BGRA, 16-bit BGR(A), Qt's palette (with tRNS) and 1-bit images, the
  // golden photos and the demo photo (iCCP chunk); 16-bit gray is refused with a message, broken data too.
  void libpng_decoder_equals_opencv() {
    std::vector<std::pair<std::string, std::vector<uint8_t>>> cases = {
        {"gray8", encode(pattern(7, 5, CV_8UC1), ".png")},     {"bgr8", encode(pattern(9, 4, CV_8UC3), ".png")},
        {"bgra8", encode(pattern(3, 11, CV_8UC4), ".png")},    {"bgr16", encode(pattern(6, 5, CV_16UC3), ".png")},
        {"bgra16", encode(pattern(5, 6, CV_16UC4), ".png")},
        {"golden astronaut", read_bytes(glip::test::data_path("golden/tiny-a/astronaut.png"))},
        {"golden coffee", read_bytes(glip::test::data_path("golden/tiny-a/coffee.png"))},
        {"demo astronaut (iCCP)", read_bytes(glip::test::source_path("resources/demo/astronaut.png"))}};
    QVERIFY(palette_image().save(QString::fromStdString(path("pal2.png")), "PNG"));
    cases.push_back({"palette + tRNS", read_bytes(path("pal2.png"))});
    QVERIFY(mono_image().save(QString::fromStdString(path("mono2.png")), "PNG"));
    cases.push_back({"1-bit", read_bytes(path("mono2.png"))});
    for (const auto& [name, bytes] : cases) {
      try {
        const glip::image::ImageInfo info = glip::image::probe_image(bytes.data(), bytes.size(), name);
        const RgbImage want = glip::image::detail::decode_with_opencv(bytes.data(), bytes.size(), info, name);
        const RgbImage got = glip::image::detail::decode_png_libpng(bytes.data(), bytes.size(), name);
        QVERIFY2(same(got, want), name.c_str());
      } catch (const glip::Error& e) {
        QFAIL(e.what());
      }
    }
    expect_error([&] {
      const std::vector<uint8_t> g16 = encode(pattern(4, 4, CV_16UC1), ".png");
      glip::image::detail::decode_png_libpng(g16.data(), g16.size(), "g16");
    }, "16-bit grayscale PNG is not supported by this build");
    std::vector<uint8_t> bad = encode(pattern(30, 30, CV_8UC3), ".png");
    for (size_t i = 60; i < 90; ++i) bad[i] ^= 0x5a;  // CRC errors are found before libpng (png_decodable_chunks)
    expect_error([&] { glip::image::detail::decode_png_libpng(bad.data(), bad.size(), "bad"); }, "PNG corrupt");
  }

  void palette_png() {
    const QImage pal = palette_image();
    const QVector<QRgb> table = pal.colorTable();
    QVERIFY(pal.save(QString::fromStdString(path("pal.png")), "PNG"));
    const std::vector<uint8_t> bytes = read_bytes(path("pal.png"));
    QCOMPARE(int(bytes[25]), 3);  // IHDR colour type 3 = palette
    const RgbImage im = glip::image::load_image(path("pal.png"));
    for (int y = 0; y < 3; ++y)
      for (int x = 0; x < 5; ++x) {
        const QRgb c = table[(x + 2 * y) % 4];
        QCOMPARE(int(im.at(y, x)[0]), qRed(c));  // palette colour, transparency ignored
        QCOMPARE(int(im.at(y, x)[1]), qGreen(c));
        QCOMPARE(int(im.at(y, x)[2]), qBlue(c));
      }
    QVERIFY(mono_image().save(QString::fromStdString(path("mono.png")), "PNG"));
    const RgbImage m = glip::image::load_image(path("mono.png"));
    for (int x = 0; x < 9; ++x) QCOMPARE(int(m.at(0, x)[1]), x % 2 ? 255 : 0);
  }

  void jpeg_matches_pil_fixtures() {
    // References: Pillow 9.4 Image.open(f).convert("RGB"), saved losslessly next to each JPEG.
    for (const char* name : {"ycbcr420", "gray", "progressive444", "cmyk", "exif6"}) {
      const RgbImage got = glip::image::load_image(kData + name + ".jpg");
      const RgbImage want = glip::image::load_image(kData + name + ".pil.png");
      QVERIFY2(same(got, want), name);
    }
    QCOMPARE(glip::image::probe_image(read_bytes(kData + "exif6.jpg").data(), read_bytes(kData + "exif6.jpg").size())
                 .exif_orientation, 6);
    // PIL.ImageOps.exif_transpose reference for the EXIF option (orientation 6 = rotate 90 degrees clockwise).
    DecodeOptions o;
    o.apply_exif_orientation = true;
    const RgbImage rotated = glip::image::load_image(kData + "exif6.jpg", o);
    QCOMPARE(rotated.width, int64_t(8));
    QCOMPARE(rotated.height, int64_t(12));
    QVERIFY(same(rotated, glip::image::load_image(kData + "exif6.transposed.pil.png")));
  }

  void jpeg_matches_opencv_decoder() {
    // Same libjpeg, same settings: our decoder equals OpenCV's imdecode on an OpenCV-written 4:2:0 JPEG.
    const cv::Mat bgr = pattern(33, 47);
    const std::vector<uint8_t> jpg = encode(bgr, ".jpg", {cv::IMWRITE_JPEG_QUALITY, 80});
    const cv::Mat ref = cv::imdecode(jpg, cv::IMREAD_COLOR);
    QVERIFY(same(glip::image::decode_image(jpg), expected_8bit(ref)));
  }

  void orientation_transforms() {
    // 2x3 image with distinct pixels; PIL's transpose methods written out by hand.
    RgbImage im;
    im.height = 2;
    im.width = 3;
    for (int i = 0; i < 6; ++i) im.pixels.insert(im.pixels.end(), {uint8_t(i), uint8_t(10 * i), uint8_t(100 + i)});
    auto ids = [](const RgbImage& r) {
      std::vector<int> v;
      for (int64_t y = 0; y < r.height; ++y)
        for (int64_t x = 0; x < r.width; ++x) v.push_back(r.at(y, x)[0]);
      return v;
    };
    // source ids: row0 = 0 1 2, row1 = 3 4 5
    QCOMPARE(ids(glip::image::apply_orientation(im, 2)), (std::vector<int>{2, 1, 0, 5, 4, 3}));
    QCOMPARE(ids(glip::image::apply_orientation(im, 3)), (std::vector<int>{5, 4, 3, 2, 1, 0}));
    QCOMPARE(ids(glip::image::apply_orientation(im, 4)), (std::vector<int>{3, 4, 5, 0, 1, 2}));
    QCOMPARE(ids(glip::image::apply_orientation(im, 5)), (std::vector<int>{0, 3, 1, 4, 2, 5}));
    QCOMPARE(ids(glip::image::apply_orientation(im, 6)), (std::vector<int>{3, 0, 4, 1, 5, 2}));
    QCOMPARE(ids(glip::image::apply_orientation(im, 7)), (std::vector<int>{5, 2, 4, 1, 3, 0}));
    QCOMPARE(ids(glip::image::apply_orientation(im, 8)), (std::vector<int>{2, 5, 1, 4, 0, 3}));
    QCOMPARE(glip::image::apply_orientation(im, 6).width, int64_t(2));
  }

  void tiny_and_elongated() {
    for (auto [h, w] : {std::pair{1, 1}, std::pair{10000, 1}, std::pair{1, 10000}}) {
      const cv::Mat m = pattern(h, w);
      for (const char* ext : {".png", ".bmp", ".tiff"})
        QVERIFY2(same(glip::image::decode_image(encode(m, ext)), expected_8bit(m)), ext);
      const RgbImage j = glip::image::decode_image(encode(m, ".jpg"));
      QCOMPARE(j.height, int64_t(h));
      QCOMPARE(j.width, int64_t(w));
    }
  }

  void file_and_memory_agree() {
    const std::vector<uint8_t> png = encode(pattern(12, 8), ".png");
    write_bytes(path("a.png"), png);
    QVERIFY(same(glip::image::load_image(path("a.png")), glip::image::decode_image(png)));
    const glip::image::ImageInfo info = glip::image::probe_image(png.data(), png.size());
    QCOMPARE(info.width, int64_t(8));
    QCOMPARE(info.height, int64_t(12));
    QVERIFY(info.format == glip::image::ImageFormat::Png);
  }

  void bad_files() {
    write_bytes(path("empty.jpg"), {});
    expect_error([&] { glip::image::load_image(path("empty.jpg")); }, "empty file (0 bytes)");
    const std::string text = "this is not an image\n";
    write_bytes(path("text.jpg"), std::vector<uint8_t>(text.begin(), text.end()));
    expect_error([&] { glip::image::load_image(path("text.jpg")); }, "unsupported or unrecognised image format");
    const std::string gif = "GIF89a\x01\x00\x01\x00\x00\x00\x00;";
    expect_error([&] { glip::image::decode_image(reinterpret_cast<const uint8_t*>(gif.data()), gif.size()); },
                 "unsupported or unrecognised image format");
    // Animated WebP (VP8X with the animation flag): PIL would return frame 0, OpenCV cannot; a clear refusal.
    std::vector<uint8_t> anim = {'R', 'I', 'F', 'F', 22, 0, 0, 0, 'W', 'E', 'B', 'P', 'V', 'P', '8', 'X', 10, 0, 0, 0,
                                 0x02, 0, 0, 0, 9, 0, 0, 9, 0, 0};
    expect_error([&] { glip::image::decode_image(anim); }, "animated WebP files are not supported");
    expect_error([&] { glip::image::load_image(path("does_not_exist.png")); }, "file not found");
    expect_error([&] { glip::image::load_image(tmp_.path().toStdString()); }, "not a regular file");
  }

  void truncated_and_corrupt() {
    const cv::Mat bgr = pattern(64, 80);
    struct Case { const char* ext; std::vector<int> params; const char* needle; };
    const std::vector<Case> cases = {
        {".png", {}, "PNG truncated (chunk IDAT at byte "},
        {".jpg", {cv::IMWRITE_JPEG_QUALITY, 90}, "truncated JPEG"},
        {".jpg", {cv::IMWRITE_JPEG_QUALITY, 90, cv::IMWRITE_JPEG_PROGRESSIVE, 1}, "truncated JPEG"},
        {".bmp", {}, "truncated BMP (the pixel rows need "},
        {".tiff", {cv::IMWRITE_TIFF_COMPRESSION, 1}, "truncated or corrupt TIFF header"},  // IFD at the end
        {".webp", {cv::IMWRITE_WEBP_QUALITY, 90}, "could not decode the WebP data"},
    };
    for (const Case& c : cases) {
      const std::vector<uint8_t> full = encode(bgr, c.ext, c.params);
      QVERIFY(!glip::image::decode_image(full).pixels.empty());
      for (double frac : {0.5, 0.9}) {
        std::vector<uint8_t> cut(full.begin(), full.begin() + std::ptrdiff_t(double(full.size()) * frac));
        expect_error([&] { glip::image::decode_image(cut, {}, "cut"); }, c.needle);
      }
      // Only the first bytes: the header itself is incomplete.
      std::vector<uint8_t> head(full.begin(), full.begin() + 10);
      expect_error([&] { glip::image::decode_image(head); }, "image '<memory>'");
    }
    // A PNG whose IDAT bytes are garbage (CRC mismatch / zlib error).
    std::vector<uint8_t> png = encode(bgr, ".png");
    for (size_t i = 60; i < 90; ++i) png[i] ^= 0x5a;
    expect_error([&] { glip::image::decode_image(png); }, "PNG corrupt (CRC error in chunk IDAT at byte ");
    // A JPEG with a bogus marker after the scan data (Pillow: "broken data stream").
    std::vector<uint8_t> jpg = encode(bgr, ".jpg");
    jpg.insert(jpg.end() - 2, {0xFF, 0x50, 0x00, 0x04, 0x00, 0x00});
    expect_error([&] { glip::image::decode_image(jpg); }, "corrupt JPEG data");
  }

  // libpng (inside OpenCV) prints errors and warnings on stderr; our checks keep it quiet: a truncated file is
  // refused before libpng sees it, and the demo photo's iCCP profile (which libpng warns about) is not passed on.
  // A PNG whose IEND is missing after complete image data decodes as Pillow decodes it.
  void png_quiet_and_iend_optional() {
    const std::string astronaut = glip::test::source_path("resources/demo/astronaut.png");
    std::vector<uint8_t> full;
    {
      std::ifstream f(astronaut, std::ios::binary);
      full.assign(std::istreambuf_iterator<char>(f), {});
    }
    QVERIFY(full.size() > 1000);
    const std::vector<uint8_t> cut(full.begin(), full.begin() + std::ptrdiff_t(full.size() / 2));
    RgbImage whole;
    const std::string printed = stderr_of([&] {
      whole = glip::image::decode_image(full);
      expect_error([&] { glip::image::decode_image(cut, {}, "cut"); }, "PNG truncated");
    });
    QCOMPARE(QString::fromStdString(printed), QString());
    QCOMPARE(whole.width, int64_t{512});
    const std::string iend = "IEND";
    const auto at = std::search(full.begin(), full.end(), iend.begin(), iend.end());
    QVERIFY(at != full.end());
    const std::vector<uint8_t> no_iend(full.begin(), at - 4);
    QVERIFY(same(glip::image::decode_image(no_iend), whole));
  }

  void oversized_refused_before_decoding() {
    // Headers claiming 30000 x 30000 (900 Mpx): refused from the header, for every format, with no pixel data.
    std::vector<uint8_t> png = encode(pattern(2, 2), ".png");
    put_be32(png, 16, 30000);
    put_be32(png, 20, 30000);
    expect_error([&] { glip::image::decode_image(png); }, "30000x30000 = 900000000 pixels exceeds the limit of 89478485");
    // Sides past 2^31 - 1 (found by fuzzing: width * height overflowed int64 before the limit check).
    put_be32(png, 16, 3190212420u);
    put_be32(png, 20, 2936143872u);
    expect_error([&] { glip::image::decode_image(png); }, "corrupt PNG header: image size 3190212420x2936143872");

    std::vector<uint8_t> jpg = encode(pattern(8, 8), ".jpg");
    bool patched = false;
    for (size_t i = 2; i + 9 < jpg.size() && !patched; ++i)
      if (jpg[i] == 0xFF && jpg[i + 1] == 0xC0) {  // SOF0: FF C0 len(2) precision(1) height(2) width(2)
        jpg[i + 5] = 30000 >> 8; jpg[i + 6] = 30000 & 255; jpg[i + 7] = 30000 >> 8; jpg[i + 8] = 30000 & 255;
        patched = true;
      }
    QVERIFY(patched);
    expect_error([&] { glip::image::decode_image(jpg); }, "30000x30000");

    std::vector<uint8_t> bmp = encode(pattern(2, 2), ".bmp");
    put_le(bmp, 18, 30000, 4);
    put_le(bmp, 22, 30000, 4);
    expect_error([&] { glip::image::decode_image(bmp); }, "30000x30000");

    std::vector<uint8_t> tif = encode(pattern(2, 2), ".tiff");
    glip::image::ImageInfo ti = glip::image::probe_image(tif.data(), tif.size());
    QCOMPARE(ti.width, int64_t(2));

    // WebP VP8X (extended) header: canvas size 24-bit minus one.
    std::vector<uint8_t> webp = {'R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'E', 'B', 'P', 'V', 'P', '8', 'X', 10, 0, 0, 0,
                                 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    put_le(webp, 24, 30000 - 1, 3);
    put_le(webp, 27, 30000 - 1, 3);
    expect_error([&] { glip::image::decode_image(webp); }, "30000x30000");

    // The limit is an option; 0 disables it.
    DecodeOptions small;
    small.max_pixels = 99;
    expect_error([&] { glip::image::decode_image(encode(pattern(10, 10), ".png"), small); }, "100 pixels exceeds the limit of 99");
    small.max_pixels = 100;
    QCOMPARE(glip::image::decode_image(encode(pattern(10, 10), ".png"), small).width, int64_t(10));
  }

  void tiff_header_probe() {
    // Classic TIFF IFD parsing, both byte orders, SHORT and LONG dimension tags; BigTIFF is refused.
    auto tiff = [](bool little, uint32_t w, uint32_t h, bool long_tags) {
      std::vector<uint8_t> v(8 + 2 + 3 * 12 + 4, 0);
      auto p16 = [&](size_t at, uint32_t x) { if (little) put_le(v, at, x, 2); else { v[at] = uint8_t(x >> 8); v[at + 1] = uint8_t(x); } };
      auto p32 = [&](size_t at, uint32_t x) { if (little) put_le(v, at, x, 4); else put_be32(v, at, x); };
      v[0] = v[1] = little ? 'I' : 'M';
      p16(2, 42);
      p32(4, 8);
      p16(8, 3);
      const uint32_t tags[3][2] = {{256, w}, {257, h}, {274, 6}};
      for (int i = 0; i < 3; ++i) {
        const size_t e = 10 + size_t(i) * 12;
        p16(e, tags[i][0]);
        const bool lng = long_tags && i < 2;
        p16(e + 2, lng ? 4 : 3);
        p32(e + 4, 1);
        if (lng) p32(e + 8, tags[i][1]); else p16(e + 8, tags[i][1]);
      }
      return v;
    };
    for (bool little : {true, false})
      for (bool lng : {true, false}) {
        const auto v = tiff(little, 300, 200, lng);
        const glip::image::ImageInfo info = glip::image::probe_image(v.data(), v.size());
        QCOMPARE(info.width, int64_t(300));
        QCOMPARE(info.height, int64_t(200));
        QCOMPARE(info.exif_orientation, 6);
      }
    const auto big = tiff(true, 30000, 30000, true);
    expect_error([&] { glip::image::decode_image(big); }, "30000x30000");
    std::vector<uint8_t> bigtiff = {'I', 'I', 43, 0, 8, 0, 0, 0, 16, 0, 0, 0, 0, 0, 0, 0};
    expect_error([&] { glip::image::decode_image(bigtiff); }, "BigTIFF");
  }
};

QTEST_APPLESS_MAIN(TestImageDecode)
#include "test_image_decode.moc"
