// Image decoding for GLIP: files and memory buffers -> 8-bit RGB, the way GLIP's datasets read images
// (`PIL.Image.open(p).convert("RGB")`, Pillow 9.4).
//
//   glip::image::RgbImage im = glip::image::load_image("photo.jpg");          // HWC, RGB, uint8
//   glip::image::RgbImage im2 = glip::image::decode_image(bytes.data(), bytes.size(), {}, "upload");
//
// Formats: PNG, JPEG, BMP, TIFF, WebP (recognised by their magic bytes, not by the file name). Anything else,
// empty, truncated or corrupt input throws glip::Error naming the origin and the problem; nothing is decoded
// before the header's dimensions have been checked against DecodeOptions::max_pixels.
//
// Conversion rules (each one checked against Pillow 9.4, see tests/core/image):
//  - gray -> R=G=B; gray+alpha, RGBA, palette with transparency: alpha is dropped (no compositing), as PIL's
//    convert("RGB") does; palette -> palette colours.
//  - 16-bit RGB(A) / gray+alpha: the high byte of each sample (PIL unpacks "RGB;16B" that way).
//  - 16-bit gray (PNG, TIFF): PIL opens it as mode "I"/"I;16" and convert("RGB") CLIPS: min(v, 255), it does not
//    scale. So a 16-bit gray photo mostly turns white in GLIP; we reproduce it.
//  - JPEG is decoded with libjpeg(-turbo) directly, with the settings PIL uses (ISLOW DCT, fancy upsampling), so
//    the pixels equal PIL's. CMYK/YCCK JPEGs: PIL assumes Adobe (inverted) polarity and converts with
//    nk = 255 - K, R = clip(nk - round(C * nk / 255)) (its cmyk2rgb); we do the same on the raw samples.
//  - EXIF orientation is NOT applied by default (GLIP's evaluation does not apply it); set
//    DecodeOptions::apply_exif_orientation to apply it like PIL's ImageOps.exif_transpose.
//    Exception, as in PIL: a TIFF's own Orientation tag is always applied while decoding (PIL's TIFF plugin does
//    it in load_end, OpenCV's TIFF reader too), and exif_transpose then applies it a second time.
// Known differences from PIL (documented, rare in detection data):
//  - 8-bit TIFF with unassociated alpha: OpenCV reads it through libtiff's RGBA interface, which premultiplies
//    the colour by alpha; PIL just drops alpha. Opaque pixels are identical.
//  - CMYK TIFF: libtiff's CMYK->RGB rounds differently from PIL's cmyk2rgb (off by at most 1).
//  - 32-bit integer / float images (TIFF) are refused; PIL would clip them ("I") or fail.
//  - Animated WebP and BigTIFF are refused (PIL reads frame 0); GIF and other PIL formats are "unsupported".
//  - A deflate/LZW TIFF with corrupt compressed data may decode (libtiff only reports it on stderr) where PIL
//    raises. Truncated files of every format are errors, as in PIL.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace glip::image {

// 8-bit RGB image, row-major HWC (pixels[(y * width + x) * 3 + c], c = 0 R, 1 G, 2 B).
struct RgbImage {
  int64_t height = 0;
  int64_t width = 0;
  std::vector<uint8_t> pixels;

  const uint8_t* at(int64_t y, int64_t x) const { return pixels.data() + (y * width + x) * 3; }
  uint8_t* at(int64_t y, int64_t x) { return pixels.data() + (y * width + x) * 3; }
};

enum class ImageFormat { Png, Jpeg, Bmp, Tiff, WebP };
const char* format_name(ImageFormat f);

// What the header says, read without decoding any pixel data.
struct ImageInfo {
  ImageFormat format = ImageFormat::Png;
  int64_t width = 0;
  int64_t height = 0;
  int exif_orientation = 1;  // 1..8 (1 = as stored); 1 when absent or unreadable
};

struct DecodeOptions {
  // Images with more pixels are refused before decoding. The default is PIL's Image.MAX_IMAGE_PIXELS
  // (2^30 / 4 / 3 = 89,478,485; PIL warns above it). Peak memory while decoding is bounded by about
  // 8 bytes/pixel for the decoder's buffer (16-bit RGBA) plus 3 bytes/pixel for the result, i.e. ~1 GB at the
  // default limit. 0 disables the check (OpenCV's own limit of 2^30 pixels still applies to non-JPEG formats).
  int64_t max_pixels = 89478485;
  // Rotate/flip by the EXIF Orientation tag (JPEG APP1, PNG eXIf, WebP EXIF, TIFF IFD0), like
  // PIL.ImageOps.exif_transpose. Off by default, like GLIP.
  bool apply_exif_orientation = false;
};

// Reads the format, dimensions and EXIF orientation from the header. `origin` names the source in messages.
ImageInfo probe_image(const uint8_t* data, size_t size, const std::string& origin = "<memory>");

RgbImage decode_image(const uint8_t* data, size_t size, const DecodeOptions& options = {},
                      const std::string& origin = "<memory>");
RgbImage decode_image(const std::vector<uint8_t>& bytes, const DecodeOptions& options = {},
                      const std::string& origin = "<memory>");
// Reads the whole file (messages name the path) and decodes it.
RgbImage load_image(const std::string& path, const DecodeOptions& options = {});

// PIL.ImageOps.exif_transpose for an orientation value 1..8 (others: returned unchanged).
RgbImage apply_orientation(const RgbImage& image, int orientation);

}  // namespace glip::image
