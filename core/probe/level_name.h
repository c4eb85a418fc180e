// FPN level names, as in the golden files' probe keys ("fpn.p3", "head.centerness.p7"): level 0 -> "p3", ...,
// level 4 -> "p7". No torch here.
#pragma once
#include <cstddef>
#include <string>

namespace glip {

inline std::string level_name(size_t level) { return "p" + std::to_string(level + 3); }

}  // namespace glip
