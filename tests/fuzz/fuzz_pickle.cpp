// Fuzz target: the restricted unpickler on raw data.pkl bytes (opcodes, memo, GLOBAL allow-list, persistent ids).
#include <cstdint>

#include "core/common/error.h"
#include "core/io/unpickler.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  glip::io::detail::PickleGraph graph;
  try {
    glip::io::detail::unpickle(reinterpret_cast<const char*>(data), size, graph);
  } catch (const glip::Error&) {
  }
  return 0;
}
