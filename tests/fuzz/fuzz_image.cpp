// Fuzz target: image header probing and decoding (PNG, JPEG, BMP, TIFF, WebP) with a pixel limit that keeps each
// input's memory small.
#include <cstdint>

#include "core/common/error.h"
#include "core/image/image.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  glip::image::DecodeOptions options;
  options.max_pixels = 1 << 20;
  try {
    glip::image::probe_image(data, size);
    options.apply_exif_orientation = size % 2 == 1;
    glip::image::decode_image(data, size, options);
  } catch (const glip::Error&) {
  }
  return 0;
}
