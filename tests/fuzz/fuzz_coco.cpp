// Fuzz target: the COCO readers (dataset and results files), their validation, and writing a valid dataset back.
// The first byte picks the reader; the rest is the JSON text.
#include <cstdint>
#include <string_view>

#include "core/coco/coco.h"
#include "core/common/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    if (data[0] & 1) {
      const auto results = glip::coco::parse_results(text, "fuzz.json");
      glip::coco::find_result_problems(results);
      glip::coco::results_to_json(results);
    } else {
      const glip::coco::Dataset ds = glip::coco::parse_dataset(text, "fuzz.json");
      if (glip::coco::find_problems(ds).empty()) glip::coco::to_json(ds);
    }
  } catch (const glip::Error&) {
  }
  return 0;
}
