// GLIP's test transform and to_image_list on plain float buffers.
#include "core/image/preprocess.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/common/error.h"
#include "core/image/resample.h"

namespace glip::image {

SizeHW compute_resized_size(SizeHW original, const PreprocessParams& params) {
  const int64_t w = original.width, h = original.height;
  if (w <= 0 || h <= 0)
    throw glip::Error("preprocess: invalid image size " + std::to_string(w) + "x" + std::to_string(h));
  if (params.min_size <= 0) throw glip::Error("preprocess: INPUT.MIN_SIZE_TEST must be positive");
  int64_t size = params.min_size;
  if (params.fix_res) return {size, params.max_size};  // Resize(restrict=True) returns (size, max_size)
  if (params.max_size > 0) {
    const double min_original = double(std::min(w, h));
    const double max_original = double(std::max(w, h));
    if (max_original / min_original * double(size) > double(params.max_size))
      size = int64_t(std::nearbyint(double(params.max_size) * min_original / max_original));  // round half even
  }
  if ((w <= h && w == size) || (h <= w && h == size)) return {h, w};
  SizeHW out;
  if (w < h) {
    out.width = size;
    out.height = int64_t(double(size * h) / double(w));  // int(size * h / w): true division, truncation
  } else {
    out.height = size;
    out.width = int64_t(double(size * w) / double(h));
  }
  return out;
}

SizeHW padded_size(SizeHW size, int64_t divisibility) {
  if (divisibility <= 0) return size;
  auto up = [&](int64_t v) { return (v + divisibility - 1) / divisibility * divisibility; };
  return {up(size.height), up(size.width)};
}

PreprocessedImage normalize_and_pad(const RgbImage& image, const PreprocessParams& params) {
  if (image.width <= 0 || image.height <= 0 || image.pixels.size() != size_t(image.width * image.height * 3))
    throw glip::Error("preprocess: empty or inconsistent image");
  for (int c = 0; c < 3; ++c)
    if (params.pixel_std[size_t(c)] == 0.f) throw glip::Error("preprocess: INPUT.PIXEL_STD contains a zero");
  PreprocessedImage out;
  out.original = out.resized = {image.height, image.width};
  out.padded = padded_size(out.resized, params.size_divisibility);
  const int64_t H = image.height, W = image.width, PH = out.padded.height, PW = out.padded.width;
  out.data.assign(size_t(3 * PH * PW), 0.f);
  for (int c = 0; c < 3; ++c) {
    const int src_c = params.to_bgr ? 2 - c : c;
    const float mean = params.pixel_mean[size_t(c)], stdv = params.pixel_std[size_t(c)];
    // The 256 possible values, computed with torchvision's float32 ops in order:
    // to_tensor: x / 255; Normalize(format): [* 255]; F.normalize: (x - mean) / std.
    float lut[256];
    for (int v = 0; v < 256; ++v) {
      float x = float(v) / 255.0f;
      if (params.times_255) x = x * 255.0f;
      lut[v] = (x - mean) / stdv;
    }
    float* plane = out.data.data() + c * PH * PW;
    for (int64_t y = 0; y < H; ++y) {
      const uint8_t* s = image.pixels.data() + y * W * 3 + src_c;
      float* d = plane + y * PW;
      for (int64_t x = 0; x < W; ++x) d[x] = lut[s[x * 3]];
    }
  }
  return out;
}

PreprocessedImage preprocess(const RgbImage& image, const PreprocessParams& params) {
  const SizeHW original{image.height, image.width};
  const SizeHW target = compute_resized_size(original, params);
  if (target.height <= 0 || target.width <= 0)
    throw glip::Error("preprocess: a " + std::to_string(original.width) + "x" + std::to_string(original.height) +
                      " image resizes to " + std::to_string(target.width) + "x" + std::to_string(target.height) +
                      " with MIN_SIZE_TEST " + std::to_string(params.min_size) + " / MAX_SIZE_TEST " +
                      std::to_string(params.max_size) + " (aspect ratio too extreme)");
  PreprocessedImage out = target == original
                              ? normalize_and_pad(image, params)
                              : normalize_and_pad(resize_bilinear_pil(image, target.width, target.height), params);
  out.original = original;
  return out;
}

ImageBatch to_image_list(const std::vector<PreprocessedImage>& images, int64_t size_divisibility, SizeHW at_least) {
  ImageBatch b;
  if (images.empty()) throw glip::Error("to_image_list: empty batch");
  SizeHW max_size = {std::max<int64_t>(0, at_least.height), std::max<int64_t>(0, at_least.width)};
  for (const auto& im : images) {
    if (im.data.size() != size_t(3 * im.padded.height * im.padded.width) || im.resized.height > im.padded.height ||
        im.resized.width > im.padded.width)
      throw glip::Error("to_image_list: inconsistent preprocessed image");
    max_size.height = std::max(max_size.height, im.resized.height);
    max_size.width = std::max(max_size.width, im.resized.width);
  }
  b.batch_size = int64_t(images.size());
  b.padded = padded_size(max_size, size_divisibility);
  const int64_t PH = b.padded.height, PW = b.padded.width;
  b.data.assign(size_t(b.batch_size * 3 * PH * PW), 0.f);
  for (int64_t n = 0; n < b.batch_size; ++n) {
    const auto& im = images[size_t(n)];
    b.resized.push_back(im.resized);
    b.original.push_back(im.original);
    for (int64_t c = 0; c < 3; ++c)
      for (int64_t y = 0; y < im.resized.height; ++y) {
        const float* s = im.data.data() + (c * im.padded.height + y) * im.padded.width;
        std::copy(s, s + im.resized.width, b.data.data() + ((n * 3 + c) * PH + y) * PW);
      }
  }
  return b;
}

}  // namespace glip::image
