// UTF-8 decoding and encoding (see utf8.h).
#include "core/common/utf8.h"

#include <algorithm>
#include <cstdio>

#include "core/common/error.h"

namespace glip {

namespace {

[[noreturn]] void invalid_at(std::string_view utf8, size_t pos) {
  char byte[8];
  std::snprintf(byte, sizeof byte, "%x", static_cast<unsigned>(static_cast<unsigned char>(utf8[pos])));
  throw Error("text is not valid UTF-8: invalid byte sequence at byte offset " + std::to_string(pos) + " (byte 0x" +
              byte + ")");
}

// Length of the sequence starting at `pos` and its code point, or 0 for an invalid sequence.
size_t decode_one(std::string_view s, size_t pos, char32_t* cp) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[pos + k]); };
  const unsigned char c = byte(0);
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  size_t n = 0;
  char32_t v = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte (excludes overlongs and surrogates)
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    v = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    v = c & 0x0F;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    v = c & 0x07;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (pos + n > s.size()) return 0;
  if (byte(1) < lo || byte(1) > hi) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((byte(k) & 0xC0) != 0x80) return 0;
    v = (v << 6) | (byte(k) & 0x3F);
  }
  *cp = v;
  return n;
}

}  // namespace

std::u32string utf8_decode(std::string_view utf8) {
  std::u32string out;
  out.reserve(utf8.size());
  for (size_t pos = 0; pos < utf8.size();) {
    char32_t cp = 0;
    const size_t n = decode_one(utf8, pos, &cp);
    if (n == 0) invalid_at(utf8, pos);
    out.push_back(cp);
    pos += n;
  }
  return out;
}

int64_t utf8_length(std::string_view utf8) { return static_cast<int64_t>(utf8_decode(utf8).size()); }

void utf8_append(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::string utf8_encode(std::u32string_view cps) {
  std::string out;
  out.reserve(cps.size());
  for (char32_t c : cps) utf8_append(out, c);
  return out;
}

std::string utf8_substr(std::string_view utf8, int64_t start, int64_t end) {
  const std::u32string cps = utf8_decode(utf8);
  const int64_t n = static_cast<int64_t>(cps.size());
  start = std::clamp<int64_t>(start, 0, n);
  end = std::clamp<int64_t>(end, start, n);
  return utf8_encode(std::u32string_view(cps).substr(static_cast<size_t>(start), static_cast<size_t>(end - start)));
}

}  // namespace glip
