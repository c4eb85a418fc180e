// Fuzz target: GLIP's YAML config reader and `KEY VALUE` overrides. The input is YAML, optionally followed by a
// line "%%" and override tokens, one per line.
#include <cstdint>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/config/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const size_t split = text.find("\n%%\n");
  const std::string yaml = text.substr(0, split);
  std::vector<std::string> tokens;
  if (split != std::string::npos) {
    size_t pos = split + 4;
    while (pos <= text.size()) {
      const size_t nl = text.find('\n', pos);
      tokens.push_back(text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos));
      if (nl == std::string::npos) break;
      pos = nl + 1;
    }
  }
  glip::Config cfg = glip::Config::defaults();
  try {
    cfg.merge_from_string(yaml, "fuzz.yaml");
  } catch (const glip::Error&) {
  }
  try {
    cfg.merge_from_list(tokens);
  } catch (const glip::Error&) {
  }
  return 0;
}
