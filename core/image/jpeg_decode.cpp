// JPEG decoding with libjpeg(-turbo), set up like Pillow 9.4's JpegDecode.c (ISLOW DCT, fancy upsampling, the
// library's own YCbCr->RGB), so the pixels equal PIL's. CMYK/YCCK are read as raw CMYK and converted with
// PIL's Adobe-polarity rule. Truncation (input ending before the last scanline) is an error, as it is in PIL;
// other libjpeg warnings ("extraneous bytes before marker", ...) are ignored, as PIL ignores them.
#include <cstddef>
#include <cstdio>
// clang-format off
#include <jpeglib.h>
#include <jerror.h>
// clang-format on

#include <csetjmp>
#include <memory>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/image/image_decode_internal.h"

namespace glip::image::detail {
namespace {

struct ErrorManager {
  jpeg_error_mgr pub;
  std::jmp_buf jump;
  bool hit_eof = false;
  char message[JMSG_LENGTH_MAX] = {0};
};

void on_error(j_common_ptr cinfo) {
  auto* err = reinterpret_cast<ErrorManager*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, err->message);
  std::longjmp(err->jump, 1);
}

void on_message(j_common_ptr cinfo, int msg_level) {
  auto* err = reinterpret_cast<ErrorManager*>(cinfo->err);
  if (msg_level < 0) {  // a warning
    if (cinfo->err->msg_code == JWRN_JPEG_EOF) err->hit_eof = true;
    cinfo->err->num_warnings++;
  }
}

void on_output(j_common_ptr) {}

// PIL's MULDIV255 and cmyk2rgb (Convert.c) on Adobe-inverted samples ("CMYK;I" unpacking: C = 255 - raw).
inline uint8_t muldiv255(int a, int b) {
  const int tmp = a * b + 128;
  return uint8_t(((tmp >> 8) + tmp) >> 8);
}
inline uint8_t clip8(int v) { return uint8_t(v < 0 ? 0 : (v > 255 ? 255 : v)); }

}  // namespace

RgbImage decode_jpeg(const uint8_t* data, size_t size, const std::string& origin) {
  jpeg_decompress_struct cinfo;
  ErrorManager err;
  cinfo.err = jpeg_std_error(&err.pub);
  err.pub.error_exit = on_error;
  err.pub.emit_message = on_message;
  err.pub.output_message = on_output;

  // The buffers live behind a pointer that is not modified after setjmp, so their state stays well defined
  // when libjpeg long-jumps back here.
  struct Buffers {
    RgbImage out;
    std::vector<uint8_t> row;
  };
  const std::unique_ptr<Buffers> buf = std::make_unique<Buffers>();
  RgbImage& out = buf->out;
  std::vector<uint8_t>& row = buf->row;
  if (setjmp(err.jump)) {
    jpeg_destroy_decompress(&cinfo);
    throw glip::Error("image '" + origin + "': corrupt JPEG data (" + err.message + ")");
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, const_cast<unsigned char*>(data), static_cast<unsigned long>(size));
  jpeg_read_header(&cinfo, TRUE);

  const int nc = cinfo.num_components;
  bool cmyk = false;
  if (cinfo.jpeg_color_space == JCS_GRAYSCALE) {
    cinfo.out_color_space = JCS_GRAYSCALE;
  } else if (cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK) {
    cinfo.out_color_space = JCS_CMYK;
    cmyk = true;
  } else if (nc == 3) {
    cinfo.out_color_space = JCS_RGB;
  } else {
    jpeg_destroy_decompress(&cinfo);
    throw glip::Error("image '" + origin + "': unsupported JPEG with " + std::to_string(nc) + " components");
  }
  jpeg_start_decompress(&cinfo);
  if (err.hit_eof) {
    jpeg_destroy_decompress(&cinfo);
    throw glip::Error("image '" + origin + "': truncated JPEG (the data ends before the image is complete)");
  }

  const int64_t w = cinfo.output_width, h = cinfo.output_height;
  const int comps = cinfo.output_components;
  out.width = w;
  out.height = h;
  out.pixels.resize(size_t(w * h * 3));
  row.resize(size_t(w * comps));
  while (cinfo.output_scanline < cinfo.output_height) {
    const int64_t y = cinfo.output_scanline;
    JSAMPROW rows[1] = {row.data()};
    jpeg_read_scanlines(&cinfo, rows, 1);
    if (err.hit_eof) {
      jpeg_destroy_decompress(&cinfo);
      throw glip::Error("image '" + origin + "': truncated JPEG (the data ends at row " + std::to_string(y) +
                        " of " + std::to_string(h) + ")");
    }
    uint8_t* dst = out.pixels.data() + y * w * 3;
    if (comps == 1) {
      for (int64_t x = 0; x < w; ++x) dst[3 * x] = dst[3 * x + 1] = dst[3 * x + 2] = row[x];
    } else if (cmyk) {
      for (int64_t x = 0; x < w; ++x) {
        const uint8_t* s = &row[4 * x];
        const int nk = s[3];  // 255 - K with K = 255 - raw
        for (int c = 0; c < 3; ++c) dst[3 * x + c] = clip8(nk - muldiv255(255 - s[c], nk));
      }
    } else {
      std::copy(row.begin(), row.end(), dst);
    }
  }
  // Like PIL, read on to the EOI marker: corrupt markers after the scan data are errors (PIL: "broken data
  // stream"), but data that simply ends without EOI is accepted (libjpeg then inserts a fake EOI).
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  return std::move(out);
}

}  // namespace glip::image::detail
