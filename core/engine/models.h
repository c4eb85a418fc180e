// The released GLIP models (models/catalog.yaml), where downloaded checkpoints live, and installing one:
// download to a .part file, verify (size, tensor count, a full strict load), record its SHA-256, rename.
//
//   glip::Catalog cat = glip::load_catalog("models/catalog.yaml");
//   const glip::CatalogModel& m = cat.at("glip-t-c");
//   glip::InstalledModel got = glip::install_model(cat, m, glip::default_models_dir(), options);
//   auto model = glip::Model::load(glip::catalog_model_params(cat, m, got.path));
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/engine/download.h"
#include "core/engine/engine.h"

namespace glip {

// One released checkpoint.
struct CatalogModel {
  std::string name;         // "glip-t-c": what `glip models download NAME` takes
  std::string title;        // "GLIP-T (C)"
  std::string config;       // the official config, a file in the catalogue's folder
  std::string file;         // the checkpoint's official file name ("glip_tiny_model_o365_goldg.pth")
  std::string url;          // where its authors publish it
  int64_t size_bytes = 0;   // the download's size as published (approximate: the server's length is checked)
  int64_t tensors = 0;      // tensors under the checkpoint's "model" entry (a strict load needs each)
  double coco_ap = 0;       // zero-shot COCO val2017 box AP (GLIP paper, Table 2)
  std::string data;         // pre-training data ("O365, GoldG")
  bool recommended = false; // the one offered first (GLIP-T (C))
};

struct Catalog {
  std::string path;    // the catalogue file
  std::string folder;  // its folder: where the configs are
  std::vector<CatalogModel> models;
  const CatalogModel* find(const std::string& name) const;  // nullptr if absent
  const CatalogModel& at(const std::string& name) const;    // glip::Error listing the names if absent
  const CatalogModel* recommended() const;                  // nullptr if none is marked
};

// Reads a catalogue; glip::Error naming the file and the entry for malformed YAML, a missing field, a duplicate
// name, a file name with a folder in it, or a config file that does not exist next to the catalogue.
Catalog load_catalog(const std::string& path);

// Where downloaded models live: $GLIP_MODELS_HOME if set, else $XDG_DATA_HOME/glip-studio/models, else
// ~/.local/share/glip-studio/models (the XDG base directory default). Not created here.
std::string default_models_dir();

enum class InstallState { Absent, Partial, Installed };
struct ModelStatus {
  InstallState state = InstallState::Absent;
  std::string path;             // the checkpoint (Installed) or its .part file (Partial)
  int64_t bytes = 0;            // its size
  std::string recorded_sha256;  // from <file>.sha256, written when it was installed ("" if none)
  std::string slim_path;        // <stem>.slim.pth when a slim copy was written (see slim_model), else ""
  // What to load: the slim copy when there is one (same tensors, bit for bit; reads faster), else the checkpoint.
  const std::string& load_path() const { return slim_path.empty() ? path : slim_path; }
};
ModelStatus model_status(const CatalogModel& model, const std::string& models_dir);

// The ModelParams that load an installed catalogue model (its config from the catalogue's folder).
ModelParams catalog_model_params(const Catalog& catalog, const CatalogModel& model, const std::string& checkpoint);

// Checks that `checkpoint` is the catalogue model: the number of tensors under its "model" entry is
// model.tensors and the model of its config loads every one of them strictly (shapes included). glip::Error
// naming the file and what is wrong otherwise.
void verify_checkpoint(const Catalog& catalog, const CatalogModel& model, const std::string& checkpoint);

struct InstalledModel {
  std::string path;    // <models_dir>/<file>
  std::string sha256;  // recorded in <models_dir>/<file>.sha256 (sha256sum format)
  int64_t bytes = 0;
  DownloadResult download;
};

// Downloads the model into <models_dir>/<file>.part (resuming one that is there), verifies it, records its
// SHA-256 and renames it to <file>. A file that fails verification is deleted and never installed (glip::Error
// says why). glip::Cancelled (from options.progress) keeps the .part for a later resume. An installed model is
// returned as is (no download).
InstalledModel install_model(const Catalog& catalog, const CatalogModel& model, const std::string& models_dir,
                             const DownloadOptions& options = {});

// Writes the slim copy of an installed model: its model tensors only, fp32, bit for bit (`glip convert`), as
// <models_dir>/<stem>.slim.pth (GLIP-T: 3.7 GB -> 0.93 GB), atomically; returns its path. glip::Error if the model
// is not installed or the copy cannot be written.
std::string slim_model(const CatalogModel& model, const std::string& models_dir);

}  // namespace glip
