// GLIP's test-time image transform (maskrcnn_benchmark/data/transforms: build_transforms(cfg, is_train=False)
// followed by to_image_list), without torch:
//
//   Resize(MIN_SIZE_TEST, MAX_SIZE_TEST) -> ToTensor (x / 255) -> [RGB -> BGR] -> [x * 255]
//   -> (x - PIXEL_MEAN) / PIXEL_STD -> zero padding (bottom/right, in normalised space) to a multiple of
//   DATALOADER.SIZE_DIVISIBILITY.
//
//   glip::image::PreprocessParams p;                 // GLIP-T defaults: 800 / 1333, BGR255, divisibility 32
//   glip::image::PreprocessedImage x = glip::image::preprocess(glip::image::load_image("a.jpg"), p);
//   // x.data: 3 x padded_height x padded_width floats (CHW, BGR), x.resized_*: BoxList size, x.original_*
//
// All float arithmetic is float32 in torchvision's order, so the values equal the official tensor.
#pragma once
#include <array>
#include <cstdint>
#include <vector>

#include "core/image/image.h"

namespace glip::image {

struct PreprocessParams {
  int64_t min_size = 800;    // INPUT.MIN_SIZE_TEST
  int64_t max_size = 1333;   // INPUT.MAX_SIZE_TEST (<= 0: no cap, like max_size=None)
  bool fix_res = false;      // INPUT.FIX_RES: resize to exactly (min_size, max_size) = (h, w)
  // INPUT.FORMAT, or "bgr255" when FORMAT is '' and TO_BGR255 is true: 'bgr' swaps channels, '255' scales.
  bool to_bgr = true;
  bool times_255 = true;
  std::array<float, 3> pixel_mean = {103.53f, 116.28f, 123.675f};  // INPUT.PIXEL_MEAN (in output channel order)
  std::array<float, 3> pixel_std = {57.375f, 57.12f, 58.395f};     // INPUT.PIXEL_STD
  int64_t size_divisibility = 32;                                  // DATALOADER.SIZE_DIVISIBILITY (0: none)
};

struct SizeHW {
  int64_t height = 0;
  int64_t width = 0;
  bool operator==(const SizeHW& o) const { return height == o.height && width == o.width; }
  bool operator!=(const SizeHW& o) const { return !(*this == o); }
};

// GLIP's Resize.get_size for an image of the given size (Python's float/round/int rules reproduced exactly:
// round-half-even for the capped short side, truncation for the long side).
SizeHW compute_resized_size(SizeHW original, const PreprocessParams& params);

// Rounds h and w up to a multiple of `divisibility` (unchanged when divisibility <= 0), as to_image_list.
SizeHW padded_size(SizeHW size, int64_t divisibility);

struct PreprocessedImage {
  std::vector<float> data;  // 3 x padded.height x padded.width, CHW (channel order BGR with the default format)
  SizeHW padded;            // tensor size (multiple of size_divisibility)
  SizeHW resized;           // size after Resize, before padding (the BoxList size used for clipping)
  SizeHW original;          // decoded image size
};

// Resize (PIL bilinear, bit-exact), normalise and pad one image.
PreprocessedImage preprocess(const RgbImage& image, const PreprocessParams& params);

// Normalisation and padding of an image that already has its final size (no resize): resized = original.
PreprocessedImage normalize_and_pad(const RgbImage& resized, const PreprocessParams& params);

// A batch as to_image_list(images, size_divisibility) builds it: every image zero-padded to the batch's max H
// and W, rounded up to the divisibility. data is N x 3 x padded.height x padded.width. `at_least`: pad to at least
// this size too (the batch's size when one image of a batch is run alone: DetectParams::pad_to_*).
struct ImageBatch {
  std::vector<float> data;
  int64_t batch_size = 0;
  SizeHW padded;
  std::vector<SizeHW> resized;   // per image (image_sizes)
  std::vector<SizeHW> original;  // per image
};
ImageBatch to_image_list(const std::vector<PreprocessedImage>& images, int64_t size_divisibility,
                         SizeHW at_least = {});

}  // namespace glip::image
