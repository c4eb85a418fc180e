// Header parsing for PNG, JPEG, BMP, TIFF and WebP: format, dimensions and EXIF orientation, read from the
// bytes without decoding, so oversized images are refused before any pixel buffer is allocated.
#include <cstring>
#include <string>

#include "core/common/error.h"
#include "core/image/image.h"
#include "core/image/image_decode_internal.h"

namespace glip::image {
namespace {

uint32_t be16(const uint8_t* p) { return (uint32_t(p[0]) << 8) | p[1]; }
uint32_t be32(const uint8_t* p) { return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3]; }
uint32_t le16(const uint8_t* p) { return (uint32_t(p[1]) << 8) | p[0]; }
uint32_t le24(const uint8_t* p) { return (uint32_t(p[2]) << 16) | (uint32_t(p[1]) << 8) | p[0]; }
uint32_t le32(const uint8_t* p) { return (uint32_t(p[3]) << 24) | (uint32_t(p[2]) << 16) | (uint32_t(p[1]) << 8) | p[0]; }

[[noreturn]] void fail(const std::string& origin, const std::string& what) {
  throw glip::Error("image '" + origin + "': " + what);
}

// A TIFF structure (a TIFF file, or the payload of an EXIF block): reads IFD0's ImageWidth (256), ImageLength
// (257) and Orientation (274). Returns false when the structure is not a readable classic TIFF.
struct TiffTags {
  int64_t width = -1;
  int64_t height = -1;
  int orientation = 1;
  bool big_tiff = false;
};

bool parse_tiff(const uint8_t* d, size_t n, TiffTags& out) {
  if (n < 8) return false;
  bool little;
  if (d[0] == 'I' && d[1] == 'I') little = true;
  else if (d[0] == 'M' && d[1] == 'M') little = false;
  else return false;
  auto u16 = [&](const uint8_t* p) { return little ? le16(p) : be16(p); };
  auto u32 = [&](const uint8_t* p) { return little ? le32(p) : be32(p); };
  const uint32_t magic = u16(d + 2);
  if (magic == 43) {
    out.big_tiff = true;
    return false;
  }
  if (magic != 42) return false;
  const uint64_t ifd = u32(d + 4);
  if (ifd + 2 > n) return false;
  const uint32_t count = u16(d + ifd);
  for (uint32_t i = 0; i < count; ++i) {
    const uint64_t e = ifd + 2 + uint64_t(i) * 12;
    if (e + 12 > n) break;
    const uint32_t tag = u16(d + e), type = u16(d + e + 2), cnt = u32(d + e + 4);
    if (cnt < 1) continue;
    int64_t value;
    if (type == 3) value = u16(d + e + 8);        // SHORT, left-justified in the value field
    else if (type == 4) value = u32(d + e + 8);   // LONG
    else continue;
    if (tag == 256) out.width = value;
    else if (tag == 257) out.height = value;
    else if (tag == 274) out.orientation = (value >= 1 && value <= 8) ? int(value) : 1;
  }
  return true;
}

int exif_orientation(const uint8_t* d, size_t n) {
  if (n >= 6 && std::memcmp(d, "Exif\0\0", 6) == 0) {
    d += 6;
    n -= 6;
  }
  TiffTags t;
  return parse_tiff(d, n, t) ? t.orientation : 1;
}

ImageInfo probe_png(const uint8_t* d, size_t n, const std::string& origin) {
  ImageInfo info;
  info.format = ImageFormat::Png;
  if (n < 33 || std::memcmp(d + 12, "IHDR", 4) != 0 || be32(d + 8) != 13)
    fail(origin, "truncated or corrupt PNG header (no IHDR chunk)");
  info.width = be32(d + 16);
  info.height = be32(d + 20);
  // Walk the chunks for eXIf (stops quietly at a truncated chunk; the decoder reports truncation).
  size_t pos = 8;
  while (pos + 12 <= n) {
    const uint64_t len = be32(d + pos);
    const uint8_t* type = d + pos + 4;
    if (pos + 12 + len > n) break;
    if (std::memcmp(type, "eXIf", 4) == 0) info.exif_orientation = exif_orientation(d + pos + 8, size_t(len));
    if (std::memcmp(type, "IEND", 4) == 0) break;
    pos += 12 + size_t(len);
  }
  return info;
}

ImageInfo probe_jpeg(const uint8_t* d, size_t n, const std::string& origin) {
  ImageInfo info;
  info.format = ImageFormat::Jpeg;
  size_t pos = 2;
  bool have_sof = false;
  while (pos < n) {
    if (d[pos] != 0xFF) fail(origin, "corrupt JPEG: expected a marker at byte " + std::to_string(pos));
    while (pos < n && d[pos] == 0xFF) ++pos;  // fill bytes
    if (pos >= n) break;
    const uint8_t m = d[pos++];
    if (m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7)) continue;  // no length field
    if (m == 0xD9 || m == 0xDA) break;                                 // EOI / start of scan
    if (pos + 2 > n) break;
    const size_t len = be16(d + pos);
    if (len < 2) fail(origin, "corrupt JPEG: bad segment length");
    if (pos + len > n) break;
    const uint8_t* seg = d + pos + 2;
    const size_t seg_len = len - 2;
    const bool sof = m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
    if (sof && !have_sof) {
      if (seg_len < 6) fail(origin, "corrupt JPEG: short SOF segment");
      info.height = be16(seg + 1);
      info.width = be16(seg + 3);
      have_sof = true;
    } else if (m == 0xE1 && info.exif_orientation == 1 && seg_len >= 6 && std::memcmp(seg, "Exif\0\0", 6) == 0) {
      info.exif_orientation = exif_orientation(seg, seg_len);
    }
    pos += len;
  }
  if (!have_sof) fail(origin, "truncated or corrupt JPEG: no frame header (SOF) before the image data");
  if (info.height == 0) fail(origin, "unsupported JPEG: height 0 (defined later by a DNL marker)");
  return info;
}

ImageInfo probe_bmp(const uint8_t* d, size_t n, const std::string& origin) {
  ImageInfo info;
  info.format = ImageFormat::Bmp;
  if (n < 26) fail(origin, "truncated BMP header");
  const uint32_t hsize = le32(d + 14);
  if (hsize == 12) {  // OS/2 BITMAPCOREHEADER: 16-bit dimensions
    info.width = le16(d + 18);
    info.height = le16(d + 20);
  } else if (hsize >= 40) {
    if (n < 26) fail(origin, "truncated BMP header");
    info.width = int32_t(le32(d + 18));
    const int32_t h = int32_t(le32(d + 22));
    info.height = h < 0 ? -int64_t(h) : h;  // negative: rows stored top-down
    if (info.width < 0) fail(origin, "corrupt BMP: negative width");
  } else {
    fail(origin, "unsupported BMP header size " + std::to_string(hsize));
  }
  return info;
}

ImageInfo probe_webp(const uint8_t* d, size_t n, const std::string& origin) {
  ImageInfo info;
  info.format = ImageFormat::WebP;
  if (n < 30) fail(origin, "truncated WebP header");
  const uint8_t* c = d + 12;
  const uint8_t* p = d + 20;
  if (std::memcmp(c, "VP8 ", 4) == 0) {
    if (p[3] != 0x9d || p[4] != 0x01 || p[5] != 0x2a) fail(origin, "corrupt WebP: bad VP8 start code");
    info.width = le16(p + 6) & 0x3fff;
    info.height = le16(p + 8) & 0x3fff;
  } else if (std::memcmp(c, "VP8L", 4) == 0) {
    if (p[0] != 0x2f) fail(origin, "corrupt WebP: bad VP8L signature");
    const uint32_t bits = le32(p + 1);
    info.width = (bits & 0x3fff) + 1;
    info.height = ((bits >> 14) & 0x3fff) + 1;
  } else if (std::memcmp(c, "VP8X", 4) == 0) {
    // OpenCV decodes still images only (PIL would return the first frame of an animation).
    if (p[0] & 0x02) fail(origin, "unsupported WebP: animated WebP files are not supported");
    info.width = int64_t(le24(p + 4)) + 1;
    info.height = int64_t(le24(p + 7)) + 1;
    size_t pos = 12;
    while (pos + 8 <= n) {
      const uint64_t len = le32(d + pos + 4);
      if (pos + 8 + len > n) break;
      if (std::memcmp(d + pos, "EXIF", 4) == 0) info.exif_orientation = exif_orientation(d + pos + 8, size_t(len));
      pos += 8 + size_t(len) + (len & 1);
    }
  } else {
    fail(origin, "unsupported WebP chunk '" + std::string(reinterpret_cast<const char*>(c), 4) + "'");
  }
  return info;
}

ImageInfo probe_tiff(const uint8_t* d, size_t n, const std::string& origin) {
  ImageInfo info;
  info.format = ImageFormat::Tiff;
  TiffTags t;
  if (!parse_tiff(d, n, t)) {
    if (t.big_tiff) fail(origin, "unsupported TIFF: BigTIFF files are not supported");
    fail(origin, "truncated or corrupt TIFF header");
  }
  if (t.width < 0 || t.height < 0) fail(origin, "corrupt TIFF: no ImageWidth/ImageLength tag in the first IFD");
  info.width = t.width;
  info.height = t.height;
  info.exif_orientation = t.orientation;
  return info;
}

}  // namespace

const char* format_name(ImageFormat f) {
  switch (f) {
    case ImageFormat::Png: return "PNG";
    case ImageFormat::Jpeg: return "JPEG";
    case ImageFormat::Bmp: return "BMP";
    case ImageFormat::Tiff: return "TIFF";
    case ImageFormat::WebP: return "WebP";
  }
  return "?";
}

ImageInfo probe_image(const uint8_t* d, size_t n, const std::string& origin) {
  if (n == 0) fail(origin, "empty file (0 bytes)");
  ImageInfo info;
  if (n >= 8 && std::memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0) info = probe_png(d, n, origin);
  else if (n >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF) info = probe_jpeg(d, n, origin);
  else if (n >= 2 && d[0] == 'B' && d[1] == 'M') info = probe_bmp(d, n, origin);
  else if (n >= 12 && std::memcmp(d, "RIFF", 4) == 0 && std::memcmp(d + 8, "WEBP", 4) == 0) info = probe_webp(d, n, origin);
  else if (n >= 4 && (std::memcmp(d, "II*\0", 4) == 0 || std::memcmp(d, "MM\0*", 4) == 0 ||
                      std::memcmp(d, "II+\0", 4) == 0 || std::memcmp(d, "MM\0+", 4) == 0))
    info = probe_tiff(d, n, origin);
  else
    fail(origin, "unsupported or unrecognised image format (expected PNG, JPEG, BMP, TIFF or WebP data)");
  // No format allows a side past 2^31 - 1 (PNG's own limit), which also keeps width * height inside int64.
  if (info.width <= 0 || info.height <= 0 || info.width > INT32_MAX || info.height > INT32_MAX)
    fail(origin, std::string("corrupt ") + format_name(info.format) + " header: image size " +
                     std::to_string(info.width) + "x" + std::to_string(info.height));
  return info;
}

namespace detail {

void check_bmp_length(const uint8_t* d, size_t n, const ImageInfo& info, const std::string& origin) {
  const uint32_t hsize = n >= 18 ? le32(d + 14) : 0;
  // Uncompressed pixel rows (BI_RGB, BI_BITFIELDS): a file too short for them is truncated (Pillow refuses it
  // too); checked here so that OpenCV, which prints its own error on stderr, never reads past the end.
  const bool core_header = hsize == 12;
  if (n >= (core_header ? 26u : 34u)) {
    const uint64_t bits = core_header ? le16(d + 24) : le16(d + 28);
    const uint32_t compression = core_header ? 0 : le32(d + 30);
    if (compression == 0 || compression == 3) {
      const uint64_t row = (static_cast<uint64_t>(info.width) * bits + 31) / 32 * 4;
      const uint64_t need = le32(d + 10) + row * static_cast<uint64_t>(info.height);
      if (n < need)
        fail(origin, "truncated BMP (the pixel rows need " + std::to_string(need) + " bytes, the file has " +
                         std::to_string(n) + ")");
    }
  }
}

}  // namespace detail

}  // namespace glip::image
