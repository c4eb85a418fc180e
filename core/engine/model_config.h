// Internal to core/ (never included by ui/ or app/glip-studio; tests/test_structure checks it): the whole GLIP
// config of a loaded model, for core code that reads keys the public ModelInfo does not carry (core/eval's
// `glip eval`: OUTPUT_DIR, DATASETS.*, TEST.*). No torch here.
#pragma once
#include "core/config/config.h"
#include "core/engine/engine.h"

namespace glip {

const Config& model_config(const Model& model);

}  // namespace glip
