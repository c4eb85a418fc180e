// The golden tiny-a model (tests/data/golden/tiny-a): how the tests load it.
#pragma once
#include <string>
#include <vector>

#include "core/engine/engine.h"

namespace glip::test {

// Model::load parameters of tiny-a.merged.yaml with `weight` ("" = MODEL.WEIGHT, the golden model_final.pth) and
// the config overrides (KEY VALUE ...).
ModelParams tiny_params(const std::string& weight = "", std::vector<std::string> overrides = {});

}  // namespace glip::test
