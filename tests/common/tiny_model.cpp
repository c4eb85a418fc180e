#include "tests/common/tiny_model.h"

#include "tests/common/paths.h"

namespace glip::test {

ModelParams tiny_params(const std::string& weight, std::vector<std::string> overrides) {
  ModelParams p;
  p.config_file = tiny_config();
  p.weight_file = weight;
  p.overrides = std::move(overrides);
  return p;
}

}  // namespace glip::test
