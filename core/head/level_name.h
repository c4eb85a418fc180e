// FPN level names used in probe keys: level 0 -> "p3", ..., level 4 -> "p7".
#pragma once
#include <cstddef>
#include <string>

namespace glip::head {

inline std::string level_name(size_t level) { return "p" + std::to_string(level + 3); }

}  // namespace glip::head
