// decode_image / load_image: header check, per-format decoding, PIL's convert("RGB") rules, EXIF orientation.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>

#include "core/common/error.h"
#include "core/image/image.h"
#include "core/image/image_decode_internal.h"

namespace glip::image {

RgbImage apply_orientation(const RgbImage& in, int orientation) {
  if (orientation < 2 || orientation > 8) return in;
  const int64_t H = in.height, W = in.width;
  const bool swap = orientation >= 5;
  RgbImage out;
  out.height = swap ? W : H;
  out.width = swap ? H : W;
  out.pixels.resize(in.pixels.size());
  for (int64_t y = 0; y < out.height; ++y) {
    for (int64_t x = 0; x < out.width; ++x) {
      int64_t sy = y, sx = x;
      switch (orientation) {
        case 2: sx = W - 1 - x; break;                       // FLIP_LEFT_RIGHT
        case 3: sy = H - 1 - y; sx = W - 1 - x; break;       // ROTATE_180
        case 4: sy = H - 1 - y; break;                       // FLIP_TOP_BOTTOM
        case 5: sy = x; sx = y; break;                       // TRANSPOSE
        case 6: sy = H - 1 - x; sx = y; break;               // ROTATE_270 (90 degrees clockwise)
        case 7: sy = H - 1 - x; sx = W - 1 - y; break;       // TRANSVERSE
        case 8: sy = x; sx = W - 1 - y; break;               // ROTATE_90 (90 degrees counter-clockwise)
      }
      const uint8_t* s = in.at(sy, sx);
      uint8_t* d = out.at(y, x);
      d[0] = s[0];
      d[1] = s[1];
      d[2] = s[2];
    }
  }
  return out;
}

RgbImage decode_image(const uint8_t* data, size_t size, const DecodeOptions& options, const std::string& origin) {
  const ImageInfo info = probe_image(data, size, origin);
  const int64_t pixels = info.width * info.height;
  if (options.max_pixels > 0 && pixels > options.max_pixels)
    throw glip::Error("image '" + origin + "': " + std::to_string(info.width) + "x" + std::to_string(info.height) +
                      " = " + std::to_string(pixels) + " pixels exceeds the limit of " +
                      std::to_string(options.max_pixels) + " pixels (refused before decoding)");
  if (size > size_t(INT32_MAX))
    throw glip::Error("image '" + origin + "': the encoded data is larger than 2 GiB");
  RgbImage im;
  if (info.format == ImageFormat::Jpeg) {
    im = detail::decode_jpeg(data, size, origin);
  } else {
#ifdef GLIP_WITH_OPENCV
    im = detail::decode_with_opencv(data, size, info, origin);
#else
    if (info.format != ImageFormat::Png)
      throw glip::Error("image '" + origin + "': this build reads JPEG and PNG only, not " +
                        format_name(info.format) + " (built without OpenCV: GLIP_OPENCV=OFF)");
    im = detail::decode_png_libpng(data, size, origin);
#endif
  }
  // TIFF: like PIL (TiffImageFile.load_end), OpenCV's TIFF reader already applies the Orientation tag, so
  // orientations 5..8 come out transposed.
  const bool tiff_transposed = info.format == ImageFormat::Tiff && info.exif_orientation >= 5;
  const int64_t expect_w = tiff_transposed ? info.height : info.width;
  const int64_t expect_h = tiff_transposed ? info.width : info.height;
  if (im.width != expect_w || im.height != expect_h)
    throw glip::Error("image '" + origin + "': decoded size " + std::to_string(im.width) + "x" +
                      std::to_string(im.height) + " differs from the header's " + std::to_string(expect_w) + "x" +
                      std::to_string(expect_h) + " (corrupt file)");
  // With the option, the orientation is applied (again, for TIFF: PIL's exif_transpose re-applies the tag to
  // the already oriented TIFF image, and we reproduce that).
  if (options.apply_exif_orientation && info.exif_orientation != 1)
    im = apply_orientation(im, info.exif_orientation);
  return im;
}

RgbImage decode_image(const std::vector<uint8_t>& bytes, const DecodeOptions& options, const std::string& origin) {
  return decode_image(bytes.data(), bytes.size(), options, origin);
}

RgbImage load_image(const std::string& path, const DecodeOptions& options) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) throw glip::Error("image '" + path + "': file not found");
  if (!std::filesystem::is_regular_file(status)) throw glip::Error("image '" + path + "': not a regular file");
  std::ifstream f(path, std::ios::binary);
  if (!f) throw glip::Error("image '" + path + "': cannot open the file for reading");
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (f.bad()) throw glip::Error("image '" + path + "': read error");
  return decode_image(bytes.data(), bytes.size(), options, path);
}

}  // namespace glip::image
