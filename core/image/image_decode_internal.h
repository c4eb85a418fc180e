// Internal to glip_image: the per-format decoders behind decode_image().
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/image/image.h"

namespace glip::image::detail {

// libjpeg(-turbo) decoder matching Pillow's JPEG plugin (jpeg_decode.cpp).
RgbImage decode_jpeg(const uint8_t* data, size_t size, const std::string& origin);

// OpenCV imdecode(IMREAD_UNCHANGED) + PIL's convert("RGB") rules for PNG, BMP, TIFF, WebP (decode.cpp).
RgbImage decode_with_opencv(const uint8_t* data, size_t size, const ImageInfo& info, const std::string& origin);

}  // namespace glip::image::detail
