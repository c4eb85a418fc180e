// glip models — the released GLIP checkpoints: list them, download one.
//
//   glip models list [--dir D] [--json]
//   glip models download glip-t-c [--dir D] [--proxy URL] [--slim]
//
// The catalogue is models/catalog.yaml (--catalog for another one, e.g. a mirror's). Downloads go to D (default:
// $GLIP_MODELS_HOME, else $XDG_DATA_HOME/glip-studio/models, else ~/.local/share/glip-studio/models) as
// <file>.part, resume what an interrupted download left there, and are installed under the official file name only
// after a strict load check (core/engine/models.h). Ctrl-C cancels and keeps the .part for the next run.
#include <nlohmann/json.hpp>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <unistd.h>  // isatty

#include "app/glip/commands.h"
#include "app/glip/common.h"
#include "core/common/error.h"
#include "core/engine/models.h"

namespace glip::cli {
namespace {

namespace fs = std::filesystem;

struct ModelsArgs {
  std::string catalog, dir, name, proxy;
  bool json = false, slim = false;
};

std::atomic<bool> g_interrupted{false};
extern "C" void on_sigint(int) { g_interrupted = true; }

// --catalog, else the shipped models/catalog.yaml.
std::string find_catalog(const std::string& given) {
  if (!given.empty()) return given;
  const std::string shipped = find_shipped("models/catalog.yaml");
  if (!fs::exists(shipped))
    throw Error("models/catalog.yaml not found (run from the GLIP Studio folder or pass --catalog)");
  return shipped;
}

const char* state_name(InstallState s) {
  return s == InstallState::Installed ? "installed" : s == InstallState::Partial ? "partial" : "absent";
}

void run_list(const ModelsArgs& a) {
  const Catalog cat = load_catalog(find_catalog(a.catalog));
  const std::string dir = a.dir.empty() ? default_models_dir() : a.dir;
  if (a.json) {
    nlohmann::json j;
    j["catalog"] = cat.path;
    j["models_dir"] = dir;
    j["models"] = nlohmann::json::array();
    for (const CatalogModel& m : cat.models) {
      const ModelStatus s = model_status(m, dir);
      j["models"].push_back({{"name", m.name},         {"title", m.title},       {"config", m.config},
                             {"file", m.file},         {"url", m.url},           {"size_bytes", m.size_bytes},
                             {"tensors", m.tensors},   {"coco_ap", m.coco_ap},   {"data", m.data},
                             {"recommended", m.recommended}, {"state", state_name(s.state)},
                             {"path", s.path},         {"bytes", s.bytes},       {"sha256", s.recorded_sha256},
                             {"slim_path", s.slim_path}});
    }
    std::cout << j.dump(2) << "\n";
    return;
  }
  std::cout << "Models folder: " << dir << "\n";
  for (const CatalogModel& m : cat.models) {
    const ModelStatus s = model_status(m, dir);
    std::string state = s.state == InstallState::Installed ? (s.slim_path.empty() ? "installed" : "installed (+ slim copy)")
                        : s.state == InstallState::Partial
                            ? "partial download: " + format_bytes(s.bytes) + " (download again to resume)"
                            : "not downloaded";
    char ap[16];
    std::snprintf(ap, sizeof ap, "%.1f", m.coco_ap);
    std::cout << "  " << m.name << std::string(m.name.size() < 10 ? 10 - m.name.size() : 1, ' ') << m.title << " — "
              << ap << " COCO zero-shot AP — " << format_bytes(m.size_bytes) << " — " << state
              << (m.recommended ? " (recommended)" : "") << "\n";
  }
}

void run_download(const ModelsArgs& a) {
  const Catalog cat = load_catalog(find_catalog(a.catalog));
  const CatalogModel& m = cat.at(a.name);
  const std::string dir = a.dir.empty() ? default_models_dir() : a.dir;
  DownloadOptions o;
  o.proxy = a.proxy;
  const bool tty = isatty(fileno(stderr));
  o.progress = [&](const DownloadProgress& p) {
    if (tty) {
      std::string line = "\r" + m.title + ": " + format_bytes(p.received) + " of " +
                         (p.total > 0 ? format_bytes(p.total) : std::string("?"));
      if (p.bytes_per_s > 0) line += ", " + format_bytes(static_cast<int64_t>(p.bytes_per_s)) + "/s";
      if (p.seconds_left >= 0) line += ", " + format_duration(p.seconds_left) + " left";
      std::cerr << line << "    " << std::flush;
    }
    return !g_interrupted.load();
  };
  g_interrupted = false;
  auto previous = std::signal(SIGINT, on_sigint);
  std::cerr << "glip models: " << m.title << " from " << m.url << " -> " << dir << "\n";
  InstalledModel got;
  try {
    got = install_model(cat, m, dir, o);
  } catch (...) {
    std::signal(SIGINT, previous);
    if (tty) std::cerr << "\n";
    throw;
  }
  std::signal(SIGINT, previous);
  if (tty) std::cerr << "\n";
  std::cerr << "glip models: " << m.title << " installed: " << got.path << " (" << format_bytes(got.bytes)
            << ", sha256 " << got.sha256 << ")\n";
  if (a.slim) {
    const std::string slim = slim_model(m, dir);
    std::cerr << "glip models: slim copy (model tensors only, fp32): " << slim << "\n";
    std::cout << slim << "\n";
    return;
  }
  std::cout << got.path << "\n";
}

}  // namespace

void add_models_command(CLI::App& app) {
  auto a = std::make_shared<ModelsArgs>();
  CLI::App* cmd = app.add_subcommand("models", "The released GLIP checkpoints: list them, download one");
  cmd->require_subcommand(1);
  auto common = [&](CLI::App* c) {
    c->add_option("--catalog", a->catalog, "model catalogue (default: models/catalog.yaml)");
    c->add_option("--dir", a->dir, "models folder (default: $GLIP_MODELS_HOME, else $XDG_DATA_HOME/glip-studio/models)");
  };
  CLI::App* list = cmd->add_subcommand("list", "List the released models and which are downloaded");
  common(list);
  list->add_flag("--json", a->json, "print JSON");
  list->callback([a]() { run_list(*a); });
  CLI::App* dl = cmd->add_subcommand("download", "Download a model (resumes an interrupted download), verify it, install it");
  common(dl);
  dl->add_option("name", a->name, "model name (see `glip models list`)")->required();
  dl->add_option("--proxy", a->proxy, "proxy URL (default: the http_proxy/https_proxy/no_proxy environment)");
  dl->add_flag("--slim", a->slim, "also write <name>.slim.pth (model tensors only, fp32: ~1/4 of the size, loads "
                                  "faster, same detections) and print its path");
  dl->callback([a]() { run_download(*a); });
}

}  // namespace glip::cli
