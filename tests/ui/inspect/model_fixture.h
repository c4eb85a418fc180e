// The bundled demo model (models/demo, tiny random weights) run on resources/demo/astronaut.png with the probe on.
#pragma once
#include <memory>
#include <string>

#include "core/engine/engine.h"
#include "core/image/image.h"
#include "tests/common/paths.h"

namespace glip::inspect::testing {

inline std::shared_ptr<const Model> demoModel() {
  static std::shared_ptr<const Model> m = [] {
    ModelParams p;
    p.config_file = glip::test::source_path("models/demo/glip_demo_tiny.yaml");
    p.num_threads = 2;
    return Model::load(p);
  }();
  return m;
}

inline std::string astronautPath() { return glip::test::source_path("resources/demo/astronaut.png"); }

// The golden grounding caption with its four phrases.
inline Prompt astronautPrompt() {
  return Prompt::grounding("an astronaut in a white spacesuit holding a helmet next to a flag",
                           {{0, 12}, {16, 33}, {42, 50}, {59, 65}});
}

}  // namespace glip::inspect::testing
