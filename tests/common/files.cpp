#include "tests/common/files.h"

#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>

#include "tests/common/paths.h"

namespace glip::test {

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot open " + path);
  return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!f) throw std::runtime_error("cannot write " + path);
}

nlohmann::json load_json(const std::string& path) { return nlohmann::json::parse(read_file(path)); }

std::vector<std::vector<std::string>> read_tsv(const std::string& path) {
  std::istringstream in(read_file(path));
  std::vector<std::vector<std::string>> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> fields;
    std::istringstream f(line);
    for (std::string field; std::getline(f, field, '\t');) fields.push_back(field);
    rows.push_back(std::move(fields));
  }
  return rows;
}

std::map<std::string, std::string> state_dict_rows(const std::string& prefix, const std::string& table) {
  std::map<std::string, std::string> rows;
  const std::string path = data_path("golden/" + table);
  for (const std::vector<std::string>& r : read_tsv(path)) {
    if (r.size() < 4) throw std::runtime_error(path + ": a row with fewer than 4 fields: " + r.at(0));
    if (r[0] == "name" || r[0].rfind(prefix, 0) != 0) continue;  // the header row; other modules
    rows[r[0].substr(prefix.size())] = r[1] + " " + r[2] + " " + r[3];
  }
  return rows;
}

}  // namespace glip::test
