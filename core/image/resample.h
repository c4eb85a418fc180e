// Pillow's bilinear resampling (Image.resize((w, h), Image.BILINEAR), Pillow 9.4 src/libImaging/Resample.c),
// re-implemented so that the result equals PIL's bit for bit: a triangle filter whose support is scaled by the
// downscale factor (antialiasing), coefficients computed in double and converted to 22-bit fixed point, a
// horizontal pass over only the rows the vertical pass needs, then a vertical pass, each rounding and clipping
// to uint8. torchvision 0.14's F.resize on a PIL image (GLIP's test transform) calls exactly this.
#pragma once
#include <cstdint>

#include "core/image/image.h"

namespace glip::image {

// Throws glip::Error for an empty input or a non-positive output size.
RgbImage resize_bilinear_pil(const RgbImage& image, int64_t out_width, int64_t out_height);

}  // namespace glip::image
