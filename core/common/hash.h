// The content hashes of the core. glip::Fnv1a (64-bit FNV-1a): cache keys of images and prompts in the engine, the
// settings fingerprint of resumable evaluations. glip::crc32: the checksum PNG chunks and zip records carry. Neither
// is cryptographic; both are stable across runs and machines of the same byte order.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace glip {

struct Fnv1a {
  uint64_t h = 14695981039346656037ull;  // FNV offset basis

  void bytes(const void* data, size_t n) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;  // FNV prime
  }
  // The object representation of a trivially copyable value (sizes, flags, spans).
  template <typename T>
  void value(const T& v) {
    bytes(&v, sizeof(T));
  }
  // A string preceded by its length, so that ("ab", "c") and ("a", "bc") hash differently.
  void str(std::string_view s) {
    value(s.size());
    bytes(s.data(), s.size());
  }
  // 16 lowercase hex digits.
  std::string hex() const {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
  }
};

// CRC-32 of ISO 3309 / ITU-T V.42 (polynomial 0xEDB88320, reflected), as PNG and zip define it.
inline uint32_t crc32(const void* data, size_t n) {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  const auto* p = static_cast<const unsigned char*>(data);
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; ++i) c = table[(c ^ p[i]) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

}  // namespace glip
