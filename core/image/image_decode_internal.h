// Internal to glip_image: the per-format decoders behind decode_image().
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/image/image.h"

namespace glip::image::detail {

// libjpeg(-turbo) decoder matching Pillow's JPEG plugin (jpeg_decode.cpp).
RgbImage decode_jpeg(const uint8_t* data, size_t size, const std::string& origin);

// libpng, for builds without OpenCV (png_decode.cpp): PNG only, the same pixels as decode_with_opencv for what it
// accepts (every PNG but 16-bit grayscale).
RgbImage decode_png_libpng(const uint8_t* data, size_t size, const std::string& origin);

// OpenCV imdecode(IMREAD_UNCHANGED) + PIL's convert("RGB") rules for PNG, BMP, TIFF, WebP (decode_opencv.cpp; in
// builds with GLIP_OPENCV only).
RgbImage decode_with_opencv(const uint8_t* data, size_t size, const ImageInfo& info, const std::string& origin);

// glip::Error if an uncompressed BMP (BI_RGB, BI_BITFIELDS) is too short for its pixel rows (Pillow refuses it
// too); OpenCV, which prints its own error on stderr, then never reads past the end.
void check_bmp_length(const uint8_t* data, size_t size, const ImageInfo& info, const std::string& origin);

// A PNG stream with only what decoding needs (IHDR, PLTE, tRNS, IDAT, then IEND), after checking every chunk's
// length and CRC: a truncated or corrupt file gets a glip::Error naming the chunk, and libpng, which OpenCV lets
// print to stderr, never sees a faulty stream or the ancillary chunks it warns about (e.g. iCCP profiles).
std::vector<uint8_t> png_decodable_chunks(const uint8_t* data, size_t size, const std::string& origin);

}  // namespace glip::image::detail
