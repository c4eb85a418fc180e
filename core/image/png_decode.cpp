// PNG decoding with libpng directly, for builds without OpenCV (GLIP_OPENCV=OFF: the GPU check machine, which has
// no OpenCV to link). The same pixels as decode_with_opencv and PIL's convert("RGB") for what it accepts: 8-bit
// gray, gray + alpha, RGB, RGBA and palette images of any bit depth (gray below 8 bits scaled to 0..255 as PIL's
// "L;1/2/4" modes, alpha dropped, palette entries looked up without their transparency), and 16-bit RGB(A) and
// gray + alpha (the high byte of each sample, PIL's ";16B" modes). 16-bit gray alone (PIL clips mode "I;16" to
// 255) is refused with a message. No gamma, colour profile or background is applied, as in PIL.
#include <png.h>

#include <csetjmp>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/image/image_decode_internal.h"

namespace glip::image::detail {
namespace {

struct Source {
  const uint8_t* data;
  size_t size, at;
};

// What the decoder writes between setjmp and a possible longjmp lives behind a pointer fixed before setjmp, so no
// local object is modified in between (their values would be indeterminate after the jump).
struct ReadState {
  std::string error;
  RgbImage out;
  std::vector<png_bytep> rows;
  std::string refused;
};

void read_from_memory(png_structp png, png_bytep out, png_size_t n) {
  auto* s = static_cast<Source*>(png_get_io_ptr(png));
  if (n > s->size - s->at) png_error(png, "truncated data");
  std::memcpy(out, s->data + s->at, n);
  s->at += n;
}

void on_error(png_structp png, png_const_charp message) {
  static_cast<ReadState*>(png_get_error_ptr(png))->error = message;
  png_longjmp(png, 1);
}

void on_warning(png_structp, png_const_charp) {}  // quiet: png_decodable_chunks passes no ancillary chunk

}  // namespace

RgbImage decode_png_libpng(const uint8_t* data, size_t size, const std::string& origin) {
  const std::vector<uint8_t> clean = png_decodable_chunks(data, size, origin);
  Source src{clean.data(), clean.size(), 0};
  const auto state = std::make_unique<ReadState>();
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, state.get(), on_error, on_warning);
  if (!png) throw glip::Error("image '" + origin + "': out of memory (libpng)");
  png_infop info = png_create_info_struct(png);
  RgbImage& out = state->out;
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_read_struct(&png, &info, nullptr);
    throw glip::Error("image '" + origin + "': could not decode the PNG data (" + state->error + ")");
  }
  if (!info) png_error(png, "out of memory");
  png_set_read_fn(png, &src, read_from_memory);
  png_set_user_limits(png, 0x7fffffff, 0x7fffffff);  // decode_image checked the size against its limit
  png_read_info(png, info);
  const png_byte type = png_get_color_type(png, info), depth = png_get_bit_depth(png, info);
  if (depth == 16 && type == PNG_COLOR_TYPE_GRAY) {
    state->refused = "16-bit grayscale PNG is not supported by this build (built without OpenCV)";
  } else {
    if (type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (type == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (type == PNG_COLOR_TYPE_GRAY || type == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_gray_to_rgb(png);
    // Alpha is dropped, also the alpha that png_set_palette_to_rgb makes of a palette's tRNS.
    if ((type & PNG_COLOR_MASK_ALPHA) || (type == PNG_COLOR_TYPE_PALETTE && png_get_valid(png, info, PNG_INFO_tRNS)))
      png_set_strip_alpha(png);
    if (depth == 16) png_set_strip_16(png);  // the high byte
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    const png_uint_32 w = png_get_image_width(png, info), h = png_get_image_height(png, info);
    if (png_get_rowbytes(png, info) != size_t(w) * 3) png_error(png, "unexpected row layout after conversion");
    out.width = w;
    out.height = h;
    out.pixels.resize(size_t(w) * h * 3);
    state->rows.resize(h);
    for (png_uint_32 y = 0; y < h; ++y) state->rows[y] = out.pixels.data() + size_t(y) * w * 3;
    png_read_image(png, state->rows.data());
    png_read_end(png, nullptr);
  }
  png_destroy_read_struct(&png, &info, nullptr);
  if (!state->refused.empty()) throw glip::Error("image '" + origin + "': " + state->refused);
  return std::move(out);
}

}  // namespace glip::image::detail
