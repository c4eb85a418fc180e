// PNG chunk checks before decoding (see image_decode_internal.h).
#include <string>

#include "core/common/error.h"
#include "core/common/hash.h"
#include "core/image/image_decode_internal.h"

namespace glip::image::detail {

namespace {

uint32_t be32(const uint8_t* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

bool decoding_needs(const std::string& type) {
  return type == "IHDR" || type == "PLTE" || type == "tRNS" || type == "IDAT";
}

}  // namespace

std::vector<uint8_t> png_decodable_chunks(const uint8_t* data, size_t size, const std::string& origin) {
  auto fail = [&](const std::string& why) { throw glip::Error("image '" + origin + "': PNG " + why); };
  constexpr size_t kSignature = 8;
  if (size < kSignature) fail("truncated (no signature)");
  std::vector<uint8_t> out(data, data + kSignature);
  out.reserve(size + 12);
  size_t pos = kSignature;
  while (pos < size) {
    if (size - pos < 12)
      fail("truncated (" + std::to_string(size - pos) + " stray bytes at byte " + std::to_string(pos) + ")");
    const uint32_t length = be32(data + pos);
    const std::string type(reinterpret_cast<const char*>(data + pos + 4), 4);
    if (length > 0x7FFFFFFFu || size - pos - 12 < length)
      fail("truncated (chunk " + type + " at byte " + std::to_string(pos) + " declares " + std::to_string(length) +
           " bytes, the file has " + std::to_string(size - pos - 12) + " more)");
    if (crc32(data + pos + 4, length + 4) != be32(data + pos + 8 + length))
      fail("corrupt (CRC error in chunk " + type + " at byte " + std::to_string(pos) + ")");
    if (type == "IEND") break;
    if (decoding_needs(type)) out.insert(out.end(), data + pos, data + pos + 12 + length);
    pos += 12 + length;
  }
  // IEND (always: Pillow reads a file whose IEND is missing after complete image data, libpng would not).
  static const uint8_t kIend[12] = {0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xAE, 0x42, 0x60, 0x82};
  out.insert(out.end(), kIend, kIend + 12);
  return out;
}

}  // namespace glip::image::detail
