// glip::Error — the one exception type the core throws for bad input (files, configs, captions, images).
// Messages are meant for users: they name the file, key or value at fault and what was expected.
#pragma once
#include <stdexcept>
#include <string>

namespace glip {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace glip
