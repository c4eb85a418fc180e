// UTF-8 for the whole core: one decoder (strict, like Python's str), one encoder, and code-point lengths and
// substrings (Python len() and slicing). Spans of prompts and phrases are code-point indices, so every caller
// that turns bytes into characters goes through here.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace glip {

// Decodes UTF-8 to code points. Rejects what Python's UTF-8 codec rejects (stray continuation bytes, truncated or
// overlong sequences, surrogates, code points beyond U+10FFFF): glip::Error "text is not valid UTF-8: invalid
// byte sequence at byte offset N (byte 0xXX)".
std::u32string utf8_decode(std::string_view utf8);
// Code points of a UTF-8 string (Python len()); glip::Error as utf8_decode for invalid UTF-8.
int64_t utf8_length(std::string_view utf8);
// Appends one code point (below 0x110000) as UTF-8.
void utf8_append(std::string& out, char32_t cp);
// Encodes code points as UTF-8.
std::string utf8_encode(std::u32string_view cps);
// The UTF-8 substring of code points [start, end) (clamped to the text, like Python slicing of positive indices).
std::string utf8_substr(std::string_view utf8, int64_t start, int64_t end);

}  // namespace glip
