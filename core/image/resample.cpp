// Bit-exact re-implementation of Pillow 9.4's ImagingResample for 8-bit RGB with the BILINEAR filter.
#include "core/image/resample.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "core/common/error.h"

namespace glip::image {
namespace {

constexpr int kPrecisionBits = 32 - 8 - 2;  // Pillow's PRECISION_BITS

double bilinear_filter(double x) {
  if (x < 0.0) x = -x;
  if (x < 1.0) return 1.0 - x;
  return 0.0;
}

// Per output pixel: the first input index, the number of taps and the fixed-point weights.
struct Coeffs {
  int ksize = 0;
  std::vector<int> xmin, xcount;
  std::vector<int32_t> k;  // out_size * ksize
};

// Pillow's precompute_coeffs + normalize_coeffs_8bpc for the box [in0, in1) of an axis of length in_size.
Coeffs precompute(int in_size, float in0, float in1, int out_size) {
  const double support_base = 1.0;  // BILINEAR support
  double scale = double(in1 - in0) / out_size;
  double filterscale = scale < 1.0 ? 1.0 : scale;
  const double support = support_base * filterscale;
  Coeffs c;
  c.ksize = int(std::ceil(support)) * 2 + 1;
  c.xmin.resize(size_t(out_size));
  c.xcount.resize(size_t(out_size));
  c.k.assign(size_t(out_size) * size_t(c.ksize), 0);
  std::vector<double> kd(size_t(c.ksize));
  for (int xx = 0; xx < out_size; ++xx) {
    const double center = in0 + (xx + 0.5) * scale;
    double ww = 0.0;
    const double ss = 1.0 / filterscale;
    int xmin = int(center - support + 0.5);  // truncation toward zero, as the C cast
    if (xmin < 0) xmin = 0;
    int xmax = int(center + support + 0.5);
    if (xmax > in_size) xmax = in_size;
    xmax -= xmin;
    for (int x = 0; x < xmax; ++x) {
      const double w = bilinear_filter((x + xmin - center + 0.5) * ss);
      kd[size_t(x)] = w;
      ww += w;
    }
    for (int x = 0; x < xmax; ++x) {
      if (ww != 0.0) kd[size_t(x)] /= ww;
    }
    int32_t* k = &c.k[size_t(xx) * size_t(c.ksize)];
    for (int x = 0; x < xmax; ++x) {
      const double v = kd[size_t(x)];
      k[x] = v < 0 ? int32_t(-0.5 + v * (1 << kPrecisionBits)) : int32_t(0.5 + v * (1 << kPrecisionBits));
    }
    c.xmin[size_t(xx)] = xmin;
    c.xcount[size_t(xx)] = xmax;
  }
  return c;
}

// Pillow's clip8: (ss >> PRECISION_BITS) clamped to [0, 255] (arithmetic shift for negative sums).
inline uint8_t clip8(int32_t ss) {
  const int32_t v = ss >> kPrecisionBits;
  return uint8_t(v < 0 ? 0 : (v > 255 ? 255 : v));
}

// Horizontal pass: out has `rows` rows taken from input rows offset .. offset + rows - 1.
RgbImage horizontal(const RgbImage& in, int out_w, int offset, int rows, const Coeffs& c) {
  RgbImage out;
  out.width = out_w;
  out.height = rows;
  out.pixels.resize(size_t(out_w) * size_t(rows) * 3);
  for (int yy = 0; yy < rows; ++yy) {
    const uint8_t* src = in.pixels.data() + (int64_t(yy) + offset) * in.width * 3;
    uint8_t* dst = out.pixels.data() + int64_t(yy) * out_w * 3;
    for (int xx = 0; xx < out_w; ++xx) {
      const int xmin = c.xmin[size_t(xx)], n = c.xcount[size_t(xx)];
      const int32_t* k = &c.k[size_t(xx) * size_t(c.ksize)];
      int32_t s0 = 1 << (kPrecisionBits - 1), s1 = s0, s2 = s0;
      const uint8_t* p = src + int64_t(xmin) * 3;
      for (int x = 0; x < n; ++x, p += 3) {
        s0 += p[0] * k[x];
        s1 += p[1] * k[x];
        s2 += p[2] * k[x];
      }
      dst[xx * 3 + 0] = clip8(s0);
      dst[xx * 3 + 1] = clip8(s1);
      dst[xx * 3 + 2] = clip8(s2);
    }
  }
  return out;
}

// Vertical pass; `shift` is subtracted from the coefficient bounds (rows dropped by the horizontal pass).
// Row-wise accumulation (same integer sums as Pillow's per-pixel loop, in a vectorisable order).
RgbImage vertical(const RgbImage& in, int out_h, int shift, const Coeffs& c) {
  RgbImage out;
  out.width = in.width;
  out.height = out_h;
  const size_t row_len = size_t(in.width) * 3;
  out.pixels.resize(row_len * size_t(out_h));
  std::vector<int32_t> acc(row_len);
  for (int yy = 0; yy < out_h; ++yy) {
    const int ymin = c.xmin[size_t(yy)] - shift, n = c.xcount[size_t(yy)];
    const int32_t* k = &c.k[size_t(yy) * size_t(c.ksize)];
    std::fill(acc.begin(), acc.end(), int32_t(1) << (kPrecisionBits - 1));
    for (int y = 0; y < n; ++y) {
      const uint8_t* src = in.pixels.data() + size_t(y + ymin) * row_len;
      const int32_t ky = k[y];
      int32_t* a = acc.data();
      for (size_t i = 0; i < row_len; ++i) a[i] += int32_t(src[i]) * ky;
    }
    uint8_t* dst = out.pixels.data() + size_t(yy) * row_len;
    for (size_t i = 0; i < row_len; ++i) dst[i] = clip8(acc[i]);
  }
  return out;
}

}  // namespace

RgbImage resize_bilinear_pil(const RgbImage& image, int64_t out_width, int64_t out_height) {
  if (image.width <= 0 || image.height <= 0 || image.pixels.size() != size_t(image.width * image.height * 3))
    throw glip::Error("resize: empty or inconsistent input image");
  if (out_width <= 0 || out_height <= 0)
    throw glip::Error("resize: invalid output size " + std::to_string(out_width) + "x" + std::to_string(out_height));
  if (out_width > INT32_MAX / 4 || out_height > INT32_MAX / 4 || image.width > INT32_MAX / 4 ||
      image.height > INT32_MAX / 4)
    throw glip::Error("resize: image dimensions too large");
  const int in_w = int(image.width), in_h = int(image.height);
  const int xsize = int(out_width), ysize = int(out_height);
  // PIL's Image.resize returns a copy when the size is unchanged (box = the whole image).
  if (xsize == in_w && ysize == in_h) return image;

  // box = (0, 0, in_w, in_h) as floats, as Image.resize passes it.
  const float box[4] = {0.f, 0.f, float(in_w), float(in_h)};
  const bool need_horizontal = xsize != in_w || box[0] != 0.f || box[2] != float(xsize);
  const bool need_vertical = ysize != in_h || box[1] != 0.f || box[3] != float(ysize);
  const Coeffs ch = precompute(in_w, box[0], box[2], xsize);
  const Coeffs cv = precompute(in_h, box[1], box[3], ysize);
  const int ybox_first = cv.xmin[0];
  const int ybox_last = cv.xmin[size_t(ysize - 1)] + cv.xcount[size_t(ysize - 1)];

  RgbImage current;
  const RgbImage* src = &image;
  int shift = 0;
  if (need_horizontal) {
    current = horizontal(image, xsize, ybox_first, ybox_last - ybox_first, ch);
    src = &current;
    shift = ybox_first;
  }
  if (need_vertical) return vertical(*src, ysize, shift, cv);
  return need_horizontal ? current : image;
}

}  // namespace glip::image
