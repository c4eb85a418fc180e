// The model catalogue, the models folder and installing a checkpoint (see models.h).
#include "core/engine/models.h"

#include <spdlog/spdlog.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <set>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/common/sha256.h"
#include "core/io/checkpoint.h"
#include "core/io/convert.h"

namespace glip {

namespace fs = std::filesystem;

const CatalogModel* Catalog::find(const std::string& name) const {
  for (const CatalogModel& m : models)
    if (m.name == name) return &m;
  return nullptr;
}

const CatalogModel& Catalog::at(const std::string& name) const {
  if (const CatalogModel* m = find(name)) return *m;
  std::string names;
  for (const CatalogModel& m : models) names += (names.empty() ? "" : ", ") + m.name;
  throw Error("no model named \"" + name + "\" in " + path + " (it has: " + names + ")");
}

const CatalogModel* Catalog::recommended() const {
  for (const CatalogModel& m : models)
    if (m.recommended) return &m;
  return nullptr;
}

Catalog load_catalog(const std::string& path) {
  Catalog cat;
  cat.path = path;
  cat.folder = fs::absolute(fs::path(path)).parent_path().string();
  const std::string text = read_text_file(path, size_t{1} << 20, "model catalogue");
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw Error("model catalogue " + path + ": not valid YAML (" + e.what() + ")");
  }
  if (!root.IsMap() || !root["models"] || !root["models"].IsSequence())
    throw Error("model catalogue " + path + ": expected a top-level 'models:' list");
  std::set<std::string> seen;
  size_t i = 0;
  for (const YAML::Node& n : root["models"]) {
    const std::string where = "model catalogue " + path + ", entry " + std::to_string(i++ + 1);
    if (!n.IsMap()) throw Error(where + ": expected a mapping");
    auto str = [&](const char* key) {
      if (!n[key] || !n[key].IsScalar() || n[key].as<std::string>().empty())
        throw Error(where + ": '" + key + "' is missing or empty");
      return n[key].as<std::string>();
    };
    auto num = [&](const char* key) -> double {
      try {
        return n[key].as<double>();
      } catch (const YAML::Exception&) {
        throw Error(where + ": '" + key + "' must be a number");
      }
    };
    CatalogModel m;
    m.name = str("name");
    m.title = str("title");
    m.config = str("config");
    m.file = str("file");
    m.url = str("url");
    m.data = n["data"] ? n["data"].as<std::string>() : std::string();
    m.size_bytes = static_cast<int64_t>(num("size_bytes"));
    m.tensors = static_cast<int64_t>(num("tensors"));
    m.coco_ap = n["coco_ap"] ? num("coco_ap") : 0.0;
    m.recommended = n["recommended"] && n["recommended"].as<std::string>() == "true";
    if (!seen.insert(m.name).second) throw Error(where + ": the name \"" + m.name + "\" is used twice");
    if (m.file.find('/') != std::string::npos || m.file.find('\\') != std::string::npos || m.file == "." ||
        m.file == "..")
      throw Error(where + ": 'file' must be a plain file name, not \"" + m.file + "\"");
    if (m.size_bytes <= 0 || m.tensors <= 0) throw Error(where + ": 'size_bytes' and 'tensors' must be positive");
    if (!fs::is_regular_file(fs::path(cat.folder) / m.config))
      throw Error(where + ": its config '" + m.config + "' is not in " + cat.folder);
    cat.models.push_back(std::move(m));
  }
  if (cat.models.empty()) throw Error("model catalogue " + path + " lists no model");
  return cat;
}

std::string default_models_dir() {
  if (const char* e = std::getenv("GLIP_MODELS_HOME"); e && *e) return e;
  if (const char* x = std::getenv("XDG_DATA_HOME"); x && *x && fs::path(x).is_absolute())
    return (fs::path(x) / "glip-studio" / "models").string();
  const char* home = std::getenv("HOME");
  return (fs::path(home && *home ? home : ".") / ".local" / "share" / "glip-studio" / "models").string();
}

ModelStatus model_status(const CatalogModel& model, const std::string& models_dir) {
  ModelStatus s;
  std::error_code ec;
  const fs::path file = fs::path(models_dir) / model.file;
  const fs::path part = file.string() + ".part";
  if (fs::is_regular_file(file, ec)) {
    s.state = InstallState::Installed;
    s.path = file.string();
    s.bytes = static_cast<int64_t>(fs::file_size(file, ec));
    try {
      const std::string line = read_text_file(file.string() + ".sha256", 4096, "checksum file");
      if (line.size() >= 64) s.recorded_sha256 = line.substr(0, 64);
    } catch (const Error&) {
    }
    const fs::path slim = fs::path(models_dir) / (fs::path(model.file).stem().string() + ".slim.pth");
    if (fs::is_regular_file(slim, ec)) s.slim_path = slim.string();
  } else if (fs::is_regular_file(part, ec)) {
    s.state = InstallState::Partial;
    s.path = part.string();
    s.bytes = static_cast<int64_t>(fs::file_size(part, ec));
  }
  return s;
}

ModelParams catalog_model_params(const Catalog& catalog, const CatalogModel& model, const std::string& checkpoint) {
  ModelParams p;
  p.config_file = (fs::path(catalog.folder) / model.config).string();
  p.weight_file = checkpoint;
  return p;
}

void verify_checkpoint(const Catalog& catalog, const CatalogModel& model, const std::string& checkpoint) {
  const std::string what = "'" + checkpoint + "' is not " + model.title + " (" + model.file + "): ";
  size_t n = 0;
  try {
    n = io::load_checkpoint(checkpoint).size();
  } catch (const Error& e) {
    throw Error(what + e.what());
  }
  if (static_cast<int64_t>(n) != model.tensors)
    throw Error(what + "it holds " + std::to_string(n) + " model tensors, " + model.title + " has " +
                std::to_string(model.tensors));
  ModelParams p = catalog_model_params(catalog, model, checkpoint);
  p.warm_up = false;
  try {
    Model::load(p);  // strict: every tensor of the model, with its shape
  } catch (const Cancelled&) {
    throw;
  } catch (const Error& e) {
    throw Error(what + e.what());
  }
}

InstalledModel install_model(const Catalog& catalog, const CatalogModel& model, const std::string& models_dir,
                             const DownloadOptions& options) {
  InstalledModel out;
  const fs::path file = fs::path(models_dir) / model.file;
  out.path = file.string();
  const ModelStatus st = model_status(model, models_dir);
  if (st.state == InstallState::Installed) {
    out.bytes = st.bytes;
    out.sha256 = st.recorded_sha256;
    return out;
  }
  std::error_code ec;
  fs::create_directories(models_dir, ec);
  if (!fs::is_directory(models_dir))
    throw Error("cannot create the models folder '" + models_dir + "'" + (ec ? ": " + ec.message() : ""));
  const std::string part = file.string() + ".part";
  out.download = download_file(model.url, part, options);
  out.bytes = out.download.bytes;
  try {
    verify_checkpoint(catalog, model, part);
  } catch (const Cancelled&) {
    throw;
  } catch (const Error& e) {
    fs::remove(part, ec);  // a complete file that is not the model: resuming it would not help
    throw Error(std::string("the downloaded file failed verification and was not installed (deleted): ") + e.what());
  }
  out.sha256 = sha256_file(part);
  write_file_atomic(file.string() + ".sha256", out.sha256 + "  " + model.file + "\n");
  fs::rename(part, file, ec);
  if (ec) throw Error("cannot rename '" + part + "' to '" + file.string() + "': " + ec.message());
  spdlog::info("installed {} ({}, sha256 {}) in {}", model.title, format_bytes(out.bytes), out.sha256, models_dir);
  return out;
}

std::string slim_model(const CatalogModel& model, const std::string& models_dir) {
  const ModelStatus st = model_status(model, models_dir);
  if (st.state != InstallState::Installed) throw Error(model.title + " is not installed in " + models_dir);
  const std::string out = (fs::path(models_dir) / (fs::path(model.file).stem().string() + ".slim.pth")).string();
  const io::ConvertStats c = io::convert_checkpoint(st.path, out, at::kFloat);
  spdlog::info("slim copy of {}: {} tensors, {} -> {}", model.title, c.tensors, format_bytes(st.bytes), out);
  return out;
}

}  // namespace glip
