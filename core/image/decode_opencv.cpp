// PNG, BMP, TIFF and WebP through OpenCV's imdecode, with PIL's convert("RGB") rules (builds with GLIP_OPENCV).
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/image/image.h"
#include "core/image/image_decode_internal.h"

namespace glip::image {
namespace detail {

RgbImage decode_with_opencv(const uint8_t* data, size_t size, const ImageInfo& info, const std::string& origin) {
  const std::string fmt = format_name(info.format);
  std::vector<uint8_t> png;
  if (info.format == ImageFormat::Bmp) check_bmp_length(data, size, info, origin);
  if (info.format == ImageFormat::Png) {
    png = png_decodable_chunks(data, size, origin);
    data = png.data();
    size = png.size();
  }
  cv::Mat m;
  try {
    const cv::Mat buf(1, int(size), CV_8U, const_cast<uint8_t*>(data));
    // IMREAD_UNCHANGED: native depth and channels, no EXIF rotation, no colour conversion by OpenCV.
    m = cv::imdecode(buf, cv::IMREAD_UNCHANGED);
  } catch (const cv::Exception& e) {
    throw glip::Error("image '" + origin + "': could not decode the " + fmt + " data (" + e.msg + ")");
  }
  if (m.empty()) throw glip::Error("image '" + origin + "': could not decode the " + fmt + " data (truncated or corrupt)");
  if (m.depth() != CV_8U && m.depth() != CV_16U)
    throw glip::Error("image '" + origin + "': unsupported " + fmt + " sample format (only 8- and 16-bit integer "
                      "images are supported)");
  const int ch = m.channels();
  if (ch < 1 || ch > 4)
    throw glip::Error("image '" + origin + "': unsupported " + fmt + " image with " + std::to_string(ch) + " channels");

  RgbImage out;
  out.height = m.rows;
  out.width = m.cols;
  out.pixels.resize(size_t(out.height * out.width * 3));
  for (int64_t y = 0; y < out.height; ++y) {
    uint8_t* dst = out.pixels.data() + y * out.width * 3;
    if (m.depth() == CV_8U) {
      const uint8_t* s = m.ptr<uint8_t>(int(y));
      for (int64_t x = 0; x < out.width; ++x, s += ch, dst += 3) {
        if (ch <= 2) {
          dst[0] = dst[1] = dst[2] = s[0];  // L / LA -> RGB, alpha dropped
        } else {
          dst[0] = s[2];  // OpenCV stores BGR(A)
          dst[1] = s[1];
          dst[2] = s[0];
        }
      }
    } else {
      const uint16_t* s = m.ptr<uint16_t>(int(y));
      for (int64_t x = 0; x < out.width; ++x, s += ch, dst += 3) {
        if (ch == 1) {
          // PIL: 16-bit gray opens as mode "I"/"I;16"; convert("RGB") clips to 255 instead of scaling.
          const uint8_t v = s[0] > 255 ? 255 : uint8_t(s[0]);
          dst[0] = dst[1] = dst[2] = v;
        } else if (ch == 2) {
          dst[0] = dst[1] = dst[2] = uint8_t(s[0] >> 8);  // "LA;16B": high byte
        } else {
          dst[0] = uint8_t(s[2] >> 8);  // "RGB;16B" / "RGBA;16B": high byte of each sample
          dst[1] = uint8_t(s[1] >> 8);
          dst[2] = uint8_t(s[0] >> 8);
        }
      }
    }
  }
  return out;
}

}  // namespace detail

}  // namespace glip::image
