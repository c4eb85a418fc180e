// Small checks the tests share: the message of the glip::Error a call throws, substring tests.
#pragma once
#include <string>

#include "core/common/error.h"

namespace glip::test {

// The what() of the glip::Error that fn() throws, or "" when it throws none.
template <class Fn>
std::string error_of(Fn&& fn) {
  try {
    fn();
  } catch (const glip::Error& e) {
    return e.what();
  }
  return "";
}

inline bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace glip::test
