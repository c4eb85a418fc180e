// preprocess_params_from_config: GLIP's build_transforms(cfg, is_train=False) settings.
#include "core/image/preprocess_config.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "core/common/error.h"

namespace glip::image {
namespace {

int64_t min_size_test(const glip::Config& cfg) {
  const std::string key = "INPUT.MIN_SIZE_TEST";
  try {
    return cfg.get_int(key);
  } catch (const glip::Error&) {
    // Not an int: a list/tuple of sizes (Resize picks one with random.choice).
  }
  const std::vector<int64_t> sizes = cfg.get_int_list(key);  // throws for any other type
  if (sizes.size() != 1)
    throw glip::Error("config: " + key + " has " + std::to_string(sizes.size()) +
                      " sizes; GLIP's test transform would pick one at random per image, give a single size");
  return sizes[0];
}

std::array<float, 3> three_floats(const glip::Config& cfg, const std::string& key) {
  const std::vector<double> v = cfg.get_float_list(key);
  if (v.size() != 3) throw glip::Error("config: " + key + " must have 3 values, got " + std::to_string(v.size()));
  return {float(v[0]), float(v[1]), float(v[2])};  // torch.as_tensor(mean, dtype=float32)
}

}  // namespace

PreprocessParams preprocess_params_from_config(const glip::Config& cfg) {
  PreprocessParams p;
  p.min_size = min_size_test(cfg);
  p.max_size = cfg.get_int("INPUT.MAX_SIZE_TEST");
  p.fix_res = cfg.get_bool("INPUT.FIX_RES");
  std::string format = cfg.get_str("INPUT.FORMAT");
  if (format.empty()) {
    if (!cfg.get_bool("INPUT.TO_BGR255"))
      throw glip::Error("config: INPUT.FORMAT is '' and INPUT.TO_BGR255 is False; GLIP's build_transforms has no "
                        "input format then (set INPUT.FORMAT, e.g. 'rgb' or 'bgr255')");
    format = "bgr255";
  }
  std::transform(format.begin(), format.end(), format.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  p.to_bgr = format.find("bgr") != std::string::npos;
  p.times_255 = format.find("255") != std::string::npos;
  p.pixel_mean = three_floats(cfg, "INPUT.PIXEL_MEAN");
  p.pixel_std = three_floats(cfg, "INPUT.PIXEL_STD");
  for (float s : p.pixel_std)
    if (s == 0.f) throw glip::Error("config: INPUT.PIXEL_STD contains a zero (division by zero in Normalize)");
  if (p.min_size <= 0) throw glip::Error("config: INPUT.MIN_SIZE_TEST must be positive");
  p.size_divisibility = cfg.get_int("DATALOADER.SIZE_DIVISIBILITY");
  return p;
}

}  // namespace glip::image
