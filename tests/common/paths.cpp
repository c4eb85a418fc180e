#include "tests/common/paths.h"

namespace glip::test {

std::string source_dir() { return GLIP_SOURCE_DIR; }
std::string source_path(const std::string& rel) { return source_dir() + "/" + rel; }
std::string data_dir() { return GLIP_TEST_DATA_DIR; }
std::string data_path(const std::string& rel) { return data_dir() + "/" + rel; }
std::string tiny_dir() { return data_path("golden/tiny-a"); }
std::string tiny_path(const std::string& name) { return tiny_dir() + "/" + name; }
std::string tiny_config() { return tiny_path("tiny-a.merged.yaml"); }
std::string glip_executable() { return GLIP_EXECUTABLE; }

}  // namespace glip::test
