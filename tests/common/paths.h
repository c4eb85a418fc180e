// Where the tests find their fixtures and the executables they run. The absolute paths of this checkout are
// compiled into one file (paths.cpp), so that every other test object is the same in any checkout.
#pragma once
#include <string>

namespace glip::test {

std::string source_dir();                            // the repository root
std::string source_path(const std::string& rel);     // source_dir()/rel
std::string data_dir();                              // tests/data
std::string data_path(const std::string& rel);       // data_dir()/rel
std::string tiny_dir();                              // tests/data/golden/tiny-a: the golden tiny-a model and runs
std::string tiny_path(const std::string& name);      // tiny_dir()/name
std::string tiny_config();                           // tiny_dir()/tiny-a.merged.yaml
std::string glip_executable();                       // the built `glip` command-line tool

}  // namespace glip::test
