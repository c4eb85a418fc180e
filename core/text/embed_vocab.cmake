# cmake -DINPUT=<vocab.txt> -DOUTPUT=<file.cpp> -P embed_vocab.cmake
# Writes a C++ source defining glip::text::kBertBaseUncasedVocab (the file's bytes) and its size, so the
# vocabulary is part of the library and works offline from any working directory.
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" hex_len)
math(EXPR size "${hex_len} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "((0x[0-9a-f][0-9a-f],){32})" "\\1\n" bytes "${bytes}")
file(WRITE "${OUTPUT}.tmp"
  "// Generated from ${INPUT} by core/text/embed_vocab.cmake. Do not edit.\n"
  "#include <cstddef>\n"
  "namespace glip::text {\n"
  "extern const unsigned char kBertBaseUncasedVocab[];\n"
  "extern const std::size_t kBertBaseUncasedVocabSize;\n"
  "const unsigned char kBertBaseUncasedVocab[] = {\n${bytes}0x00};\n"
  "const std::size_t kBertBaseUncasedVocabSize = ${size};\n"
  "}  // namespace glip::text\n")
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
