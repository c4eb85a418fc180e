// Released models in the studio: Model ▸ Released models (the catalogue, models/catalog.yaml, with each model's
// state in the models folder), the download dialog (progress, speed, time left, cancel, resume; the system proxy)
// and the first-run question (demo model or GLIP-T (C)). The work is core/engine/models.h; nothing here waits on it
// in the GUI thread: downloads, verification and slimming run on their own thread.
#pragma once
#include <QDialog>
#include <QMenu>
#include <QString>

#include <atomic>
#include <memory>
#include <optional>
#include <thread>

#include "core/engine/models.h"
#include "ui/studio/dialogs.h"

class QCheckBox;
class QLabel;
class QProgressBar;
class QPushButton;

namespace glip::studio {

class StudioSettings;

// models/catalog.yaml of the installation (findModelsDir()), or nullopt with `error` set.
std::optional<glip::Catalog> loadStudioCatalog(QString* error = nullptr);
// The menu line of a catalogue model: "GLIP-T (C) — 46.7 COCO zero-shot AP — 3.7 GB — Download…".
QString catalogItemText(const glip::CatalogModel& model, const glip::ModelStatus& status);
// The choice that loads an installed catalogue model (its slim copy when there is one) with the settings' device
// and precision.
ModelChoice catalogModelChoice(const glip::Catalog& catalog, const glip::CatalogModel& model,
                               const glip::ModelStatus& status, const StudioSettings& settings);

class ReleasedModelsMenu : public QMenu {
  Q_OBJECT
 public:
  ReleasedModelsMenu(StudioSettings* settings, QWidget* parent = nullptr);
  void refresh();  // re-reads the catalogue and the models folder (also on every aboutToShow)

 signals:
  void useModel(const glip::studio::ModelChoice& choice);  // an installed model was picked
  void downloadModel(const QString& name);                 // a model to download (or resume)

 private:
  StudioSettings* settings_;
};

// Downloads, verifies and installs one catalogue model (optionally writing its slim copy) on a worker thread.
// Modeless; accepted when the model is installed (installedChoice() then loads it), rejected on cancel or error
// (errorText() says why; a cancelled download keeps its .part for a later resume).
class DownloadDialog : public QDialog {
  Q_OBJECT
 public:
  DownloadDialog(glip::Catalog catalog, const QString& name, StudioSettings* settings, QWidget* parent = nullptr);
  ~DownloadDialog() override;  // cancels and joins the worker

  void start();
  ModelChoice installedChoice() const { return choice_; }
  QString errorText() const { return error_; }
  bool isRunning() const { return running_; }
  // The proxy the system settings give for `url` ("http://host:port", "socks5h://host:port"), "" for none (then
  // libcurl's own rule applies: http_proxy, https_proxy, no_proxy).
  static QString systemProxyFor(const QString& url);

 public slots:
  void reject() override;  // Cancel / Escape / close: cancels a running download

 private:
  void onProgress(qint64 received, qint64 total, double bytesPerS, double secondsLeft);
  void onPhase(const QString& text);
  void onDone(bool ok, const QString& error);  // the installed model's choice comes from the models folder

  glip::Catalog catalog_;
  glip::CatalogModel model_;
  StudioSettings* settings_;
  QString modelsDir_;
  QLabel* status_ = nullptr;
  QProgressBar* bar_ = nullptr;
  QCheckBox* slim_ = nullptr;
  QPushButton* cancel_ = nullptr;
  std::atomic<bool> cancel_requested_{false};
  std::thread thread_;
  bool running_ = false;
  ModelChoice choice_;
  QString error_;
};

// Whether to ask the first-run question on an interactive start: it was never answered, no model is remembered,
// the catalogue has a recommended model and no catalogue model is installed in the settings' models folder. The
// recommended model in *recommended when so.
bool firstRunQuestionDue(const StudioSettings& settings, const std::optional<glip::Catalog>& catalog,
                         glip::CatalogModel* recommended = nullptr);

// First start without a model: the demo model (random boxes, says so) or download GLIP-T (C).
class FirstRunDialog : public QDialog {
  Q_OBJECT
 public:
  enum class Choice { Demo, Download };
  explicit FirstRunDialog(const QString& recommendedText, QWidget* parent = nullptr);
  Choice choice() const { return choice_; }

 private:
  Choice choice_ = Choice::Demo;
};

}  // namespace glip::studio
