#include "tests/common/files.h"

#include <filesystem>
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

std::string write_tiny_catalog(const std::string& dir, const std::vector<TinyCatalogModel>& models) {
  namespace fs = std::filesystem;
  fs::create_directories(dir);
  fs::copy_file(tiny_config(), fs::path(dir) / "tiny.yaml");
  fs::copy(tiny_path("bert-base-uncased"), fs::path(dir) / "bert-base-uncased", fs::copy_options::recursive);
  const std::string path = (fs::path(dir) / "catalog.yaml").string();
  std::ofstream f(path);
  f << "models:\n";
  for (const TinyCatalogModel& m : models)
    f << "  - name: " << m.name << "\n    title: " << m.title << "\n    config: tiny.yaml\n    file: " << m.name
      << ".pth\n    url: " << m.url << "\n    size_bytes: " << m.size_bytes << "\n    tensors: " << m.tensors
      << "\n    coco_ap: " << m.coco_ap << "\n" << (m.recommended ? "    recommended: true\n" : "");
  if (!f.flush()) throw std::runtime_error("cannot write " + path);
  return path;
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
