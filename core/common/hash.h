// glip::Fnv1a — the one content hash of the core (64-bit FNV-1a): cache keys of images and prompts in the engine,
// the settings fingerprint of resumable evaluations. Not cryptographic; stable across runs and machines of the
// same byte order.
#pragma once
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

}  // namespace glip
