// MainWindow: model loading, running GLIP on the worker, the threshold, batch runs.
#include <QAction>
#include <QCoreApplication>
#include <QDateTime>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QLabel>
#include <QProgressBar>
#include <QSlider>
#include <QStatusBar>
#include <QTimer>
#include <QComboBox>

#include "ui/document/project.h"
#include "ui/inspect/inspector_dock.h"
#include "ui/studio/batch_dialog.h"
#include "ui/studio/dialogs.h"
#include "ui/studio/main_window.h"
#include "ui/studio/model_download.h"
#include "ui/studio/model_locator.h"
#include "ui/studio/prompt_panel.h"
#include "ui/studio/studio_settings.h"

namespace glip::studio {

namespace {
BoxList filtered(const glip::DetectResult& r, double threshold) {
  // Session::select's rule (glip::select_detections), on the cached result.
  BoxList out;
  for (const glip::Detection& d : glip::select_detections(r.detections, static_cast<float>(threshold)))
    out.push_back(Box::fromDetection(d));
  return out;
}
bool sameBoxes(const BoxList& a, const BoxList& b) {
  if (a.size() != b.size()) return false;
  for (int i = 0; i < a.size(); ++i)
    if (!a[i].equals(b[i], true)) return false;
  return true;
}
}  // namespace

bool MainWindow::buildPrompt(const PromptInput& input, glip::Prompt* prompt, QString* error) const {
  const PromptAnalysis a = analyze(input, prompt_->modelInfo());
  if (input.isEmpty()) {
    *error = input.mode == PromptInput::Mode::Categories ? tr("Write at least one category.") : tr("Write a caption.");
    return false;
  }
  if (!a.error.isEmpty()) {
    *error = a.error;
    return false;
  }
  try {
    if (input.mode == PromptInput::Mode::Categories) {
      std::vector<std::string> names;
      for (const QString& c : input.categories) names.push_back(c.toStdString());
      *prompt = glip::Prompt::categories(names);
    } else {
      std::vector<std::array<int64_t, 2>> spans;
      for (const CaptionPhrase& p : a.phrases) spans.push_back({p.start, p.end});
      *prompt = glip::Prompt::grounding(input.caption.toStdString(), spans);
    }
  } catch (const std::exception& e) {
    *error = QString::fromUtf8(e.what());
    return false;
  }
  return true;
}

// ----------------------------------------------------------------------------------------------------------------
// Model

void MainWindow::loadModel(const ModelChoice& choice) {
  glip::ModelParams p;
  p.config_file = QFile::encodeName(choice.config).toStdString();
  p.weight_file = QFile::encodeName(choice.weights).toStdString();
  p.device = choice.device.isEmpty() ? std::string("cpu") : choice.device.toStdString();
  if (!glip::parse_precision(choice.precision.toStdString(), &p.precision)) p.precision = glip::Precision::fp32;
  demo_ = isDemoConfig(choice.config);
  fallbackReason_.clear();  // onModelFailed sets both after this call when the demo model replaces a failed one
  modelError_.clear();
  bannerText_->setText(demoBannerText());
  bannerText_->setToolTip(QString());
  modelReady_ = false;
  modelLabel_->setText(tr("Loading %1…").arg(QFileInfo(choice.config).fileName()));
  worker_->loadModel({p, glip::studio::modelKey(choice.config, choice.weights, choice.device, choice.precision)});
  if (!demo_) {
    settings_->setModelConfig(choice.config);
    settings_->setModelWeights(choice.weights);
    settings_->setDevice(choice.device);
    settings_->setPrecision(choice.precision);
  }
  refreshActions();
}

DownloadDialog* MainWindow::downloadModel(const QString& name) {
  if (download_) {
    download_->raise();
    download_->activateWindow();
    return download_;
  }
  QString error;
  std::optional<glip::Catalog> cat = loadStudioCatalog(&error);
  if (!cat || !cat->find(name.toStdString())) {
    statusBar()->showMessage(cat ? tr("No model named %1 in the catalogue").arg(name) : error, 15000);
    return nullptr;
  }
  auto* dlg = new DownloadDialog(std::move(*cat), name, settings_, this);
  dlg->setAttribute(Qt::WA_DeleteOnClose);
  connect(dlg, &QDialog::accepted, this, [this, dlg] {
    statusBar()->showMessage(tr("Installed: %1").arg(dlg->installedChoice().weights), 10000);
    loadModel(dlg->installedChoice());
  });
  connect(dlg, &QDialog::rejected, this, [this, dlg] {
    if (!dlg->errorText().isEmpty()) statusBar()->showMessage(dlg->errorText(), 30000);
  });
  download_ = dlg;
  dlg->show();
  dlg->start();
  return dlg;
}

void MainWindow::loadDemoModel() {
  const QString demo = demoConfigPath();
  if (demo.isEmpty()) {
    bannerText_->setText(tr("<b>No model:</b> the bundled demo model (models/demo) was not found."));
    banner_->show();
    return;
  }
  loadModel({demo, QString(), QStringLiteral("cpu")});
}

void MainWindow::chooseModel() {
  ModelDialog dlg({settings_->modelConfig(), settings_->modelWeights(), settings_->device(), settings_->precision()},
                  this);
  if (dlg.exec() == QDialog::Accepted) loadModel(dlg.choice());
}

void MainWindow::onModelLoaded(const QString& key, const QString& description) {
  modelKey_ = key;
  prompt_->setModelInfo(worker_->modelInfo());
  modelReady_ = true;
  banner_->setVisible(demo_);
  if (demo_ && !fallbackReason_.isEmpty()) bannerText_->setText(fallbackReason_);
  // The demo's short label names a reduced precision too (modelKey() ends in "|bf16", "|fp16", "|tf32" for it, see
  // model_locator.h).
  QString precision;
  for (const char* p : {"bf16", "fp16", "tf32"})
    if (key.endsWith(QLatin1Char('|') + QLatin1String(p))) precision = QStringLiteral(", ") + QLatin1String(p);
  modelLabel_->setText(demo_ ? tr("Demo model (random boxes)") + precision : description);
  modelLabel_->setToolTip(description);
  statusBar()->showMessage(tr("Model ready: %1").arg(description), 5000);
  showStageCount(worker_->inferenceCount());
  refreshActions();
  ImageDocument* doc = currentDocument();
  if (pendingRun_ || (doc && doc->status() == ReviewStatus::Unlabeled && actions_.value("auto_run")->isChecked())) {
    pendingRun_ = false;
    runCurrent();
  }
}

void MainWindow::onModelFailed(const QString& error) {
  modelReady_ = false;
  statusBar()->showMessage(tr("Could not load the model: %1").arg(error), 15000);
  if (!demo_) {
    // No usable real weights: fall back to the bundled demo model, and say so plainly in the banner.
    const QString failedConfig = settings_->modelConfig();
    loadDemoModel();
    modelError_ = tr("%1 could not be loaded: %2").arg(QFileInfo(failedConfig).fileName(), error);
    fallbackReason_ = tr("<b>%1 could not be loaded</b> (%2). The bundled <b>demo model</b> is used instead: "
                         "<b>its boxes are random</b>. See <a href=\"models/README.md\">models/README.md</a> for the "
                         "real weights.")
                          .arg(QFileInfo(failedConfig).fileName().toHtmlEscaped(), error.toHtmlEscaped());
    if (demo_) {
      bannerText_->setToolTip(error);
      bannerText_->setText(fallbackReason_);
      banner_->show();
    }
    return;
  }
  modelLabel_->setText(tr("No model"));
  modelError_ = error;
  bannerText_->setText(tr("<b>The demo model could not be loaded:</b> %1").arg(error.toHtmlEscaped()));
  banner_->show();
}

// ----------------------------------------------------------------------------------------------------------------
// Run

void MainWindow::runCurrent() { runCurrentAt(settings_->previewSize()); }

void MainWindow::runFullSize() { runCurrentAt(0); }

void MainWindow::runCurrentAt(int minSize) {
  ImageDocument* doc = currentDocument();
  if (!doc || !doc->readError().isEmpty()) return;  // an unreadable image: the canvas already says why
  if (!modelReady_) {
    pendingRun_ = true;
    return;
  }
  const PromptInput input = prompt_->spec();
  glip::Prompt prompt;
  QString error;
  if (!buildPrompt(input, &prompt, &error)) {
    statusBar()->showMessage(error, 8000);
    return;
  }
  // The model's size first: where its result is cached, it is better than a preview and as cheap.
  QList<int> sizes{0};
  if (minSize > 0) sizes << minSize;
  for (const int size : std::as_const(sizes)) {
    const QString key = ResultCache::key(doc->imagePath(), input.key(), modelKey_, size);
    if (auto cached = cache_.find(key)) {
      resultKeyOf_.insert(doc->imagePath(), key);
      resultSizeOf_.insert(doc->imagePath(), size);
      applyResult(doc, *cached, input, true);
      refreshPreviewLabel();
      const QString message = tr("Cached result: no inference needed");
      statusBar()->showMessage(size > 0 ? tr("Preview %1 px: %2").arg(size).arg(message) : message, 4000);
      emit resultApplied(doc->imagePath());
      return;
    }
  }
  DetectRequest r;
  r.imagePath = doc->imagePath();
  r.prompt = std::move(prompt);
  r.promptKey = input.key();
  r.minSize = minSize;
  lastDetectId_ = worker_->detect(std::move(r));
  requestInput_.insert(lastDetectId_, input);
  statusBar()->showMessage(tr("Running GLIP on %1…").arg(QFileInfo(doc->imagePath()).fileName()));
}

int MainWindow::shownPreviewSize() const {
  const ImageDocument* doc = currentDocument();
  return doc && resultKeyOf_.contains(doc->imagePath()) ? resultSizeOf_.value(doc->imagePath()) : 0;
}

std::shared_ptr<const glip::DetectResult> MainWindow::shownResult() const {
  const ImageDocument* doc = currentDocument();
  return doc ? cache_.peek(resultKeyOf_.value(doc->imagePath())) : nullptr;
}

void MainWindow::refreshPreviewLabel() {
  if (!previewLabel_) return;  // before the status bar is built
  const int size = shownPreviewSize();
  previewLabel_->setVisible(size > 0);
  previewLabel_->setText(size > 0 ? tr("Preview %1 px").arg(size) : QString());
  previewLabel_->setToolTip(size > 0 ? tr("These boxes come from a run at the preview size (shorter side %1 px): "
                                          "faster, less precise. Model ▸ Run at full size runs at the model's size.")
                                           .arg(size)
                                     : QString());
}

void MainWindow::cancelRun() {
  if (batchRunning()) cancelBatch();
  else worker_->cancel();
}

void MainWindow::showStageCount(qint64 stages) {
  countLabel_->setText(tr("Model stages run: %1").arg(stages));
  countLabel_->setToolTip(tr("GLIP runs in three stages: image encoding (Swin + FPN), text encoding (BERT) and "
                             "fusion with the detection head. Each computed stage counts once; stages answered from "
                             "the cache do not. A new image costs 3, a new prompt on the same image 2, a threshold "
                             "change 0."));
}

void MainWindow::updateTimings(const DetectReply& reply) {
  showStageCount(reply.inferences);
  if (!reply.result) return;
  // Stage names as the engine reports them: preprocess, swin, fpn (image), bert (text), dyhead.*, heads (fusion),
  // post. Stages answered from the Session's cache are absent.
  double image = 0, text = 0, fusion = 0;
  const auto& s = reply.result->timings.seconds;
  for (const auto& [k, v] : s) {
    const QString key = QString::fromStdString(k);
    if (key == QLatin1String("preprocess") || key == QLatin1String("swin") || key == QLatin1String("fpn")) image += v;
    else if (key == QLatin1String("bert")) text += v;
    else if (key.startsWith(QLatin1String("dyhead")) || key == QLatin1String("heads")) fusion += v;
  }
  timingLabel_->setText(tr("%1 s (image %2 ms, text %3 ms, fusion %4 ms)")
                            .arg(reply.seconds, 0, 'f', 2)
                            .arg(image * 1000, 0, 'f', 0)
                            .arg(text * 1000, 0, 'f', 0)
                            .arg(fusion * 1000, 0, 'f', 0));
  QStringList tip;
  for (const auto& [k, v] : s) tip << QStringLiteral("%1: %2 ms").arg(QString::fromStdString(k)).arg(v * 1000, 0, 'f', 1);
  timingLabel_->setToolTip(tip.join(QLatin1Char('\n')));
}

void MainWindow::onDetectFinished(const DetectReply& reply) {
  const PromptInput input = requestInput_.take(reply.id);
  updateTimings(reply);
  const QString key = ResultCache::key(reply.imagePath, reply.promptKey, reply.modelKey, reply.minSize);
  if (reply.result) cache_.insert(key, reply.result);
  if (reply.id != lastDetectId_) return;  // superseded by a newer request (its result stays cached)
  if (reply.cancelled) {
    statusBar()->showMessage(tr("Cancelled"), 4000);
    return;
  }
  if (!reply.error.isEmpty()) {
    statusBar()->showMessage(tr("GLIP failed: %1").arg(reply.error), 15000);
    return;
  }
  if (reply.modelKey != modelKey_) return;
  ImageDocument* doc = project_->image(project_->indexOfPath(reply.imagePath));
  if (!doc) return;
  resultKeyOf_.insert(reply.imagePath, key);
  resultSizeOf_.insert(reply.imagePath, reply.minSize);
  applyResult(doc, *reply.result, input, true);
  refreshPreviewLabel();
  QStringList warnings;
  for (const std::string& w : reply.result->warnings) warnings << QString::fromStdString(w);
  if (input.key() == prompt_->spec().key()) prompt_->setRunWarnings(warnings);
  QString message = warnings.isEmpty() ? tr("%n box(es) above the threshold", nullptr, int(doc->boxes().size()))
                                       : warnings.join(QLatin1Char(' '));
  if (reply.minSize > 0) message = tr("Preview %1 px: %2").arg(reply.minSize).arg(message);
  statusBar()->showMessage(message, warnings.isEmpty() ? 4000 : 15000);
  emit resultApplied(reply.imagePath);
}

void MainWindow::applyResult(ImageDocument* doc, const glip::DetectResult& result, const PromptInput& input, bool replace) {
  glip::Prompt prompt;
  QString error;
  PromptSpec spec;
  if (buildPrompt(input, &prompt, &error)) spec = PromptSpec::fromEngine(prompt);
  resultInputOf_.insert(doc->imagePath(), input);
  // The engine decoded the file: its size is known now (also for images a batch ran without showing them).
  const QSize size(result.image_width, result.image_height);
  if (size.isValid() && !size.isEmpty() && doc->imageSize() != size) doc->setImageSize(size);
  batchFailed_.remove(doc->imagePath());
  doc->setReadError(QString());
  const BoxList boxes = filtered(result, threshold_);
  // The same result again (a cache hit, a re-run): nothing changes, no undo step.
  if (replace && doc->status() == ReviewStatus::Predicted && doc->prompt() == spec && sameBoxes(boxes, doc->boxes())) return;
  doc->setPredictions(boxes, spec,
                      replace ? ImageDocument::PredictionMerge::Replace : ImageDocument::PredictionMerge::Keep);
  for (const PromptLabel& l : spec.labels) project_->addLabel(l.name);
}

void MainWindow::setThreshold(double t) {
  t = std::clamp(t, 0.0, 1.0);
  if (std::abs(t - threshold_) < 1e-9 && thresholdSpin_->value() == t) return;
  threshold_ = t;
  {
    const QSignalBlocker b1(thresholdSlider_), b2(thresholdSpin_);
    thresholdSlider_->setValue(qRound(t * 100));
    thresholdSpin_->setValue(t);
  }
  settings_->setScoreThreshold(t);
  if (inspector_) inspector_->setThreshold(t);
  applyThreshold(thresholdGesture());
}

quint64 MainWindow::thresholdGesture() {
  // A drag (mouse button held on the slider or the histogram's line) is one gesture until the button is released;
  // any other change (a typed value, a key press) is a gesture of its own.
  if (!(mouseDown_ && gestureOpen_)) {
    ++gesture_;
    gestureOpen_ = mouseDown_;
  }
  return gesture_;
}

// Re-filters the current image's cached result: no inference. Only images whose boxes are still the model's
// (status Predicted) follow the threshold; hand-edited ones keep their boxes.
void MainWindow::applyThreshold(quint64 gesture) {
  ImageDocument* doc = currentDocument();
  if (!doc || doc->status() != ReviewStatus::Predicted) return;
  auto r = cache_.find(resultKeyOf_.value(doc->imagePath()));
  if (!r) return;
  const BoxList boxes = filtered(*r, threshold_);
  if (sameBoxes(boxes, doc->boxes())) return;
  doc->setPredictions(boxes, doc->prompt(), ImageDocument::PredictionMerge::Replace, gesture);
}

void MainWindow::onPromptChanged() {
  syncPromptToProject();
  const QString current = labelCombo_->currentText();
  {
    const QSignalBlocker b(labelCombo_);
    labelCombo_->clear();
    labelCombo_->addItems(knownLabels());
    labelCombo_->setCurrentText(current);
  }
  promptTimer_->start();
}

bool MainWindow::waitForIdle(int timeoutMs) {
  QElapsedTimer t;
  t.start();
  int stable = 0;
  while (t.elapsed() < timeoutMs) {
    QCoreApplication::sendPostedEvents();
    QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    if (worker_->busy() || promptTimer_->isActive()) {
      stable = 0;
      worker_->waitIdle(20);
      continue;
    }
    if (++stable >= 3) return true;
  }
  return false;
}

// ----------------------------------------------------------------------------------------------------------------
// Batch

void MainWindow::showBatchDialog() {
  if (!batchDialog_) {
    batchDialog_ = new BatchDialog(this);
    batchDialog_->setReplaceBoxes(settings_->batchReplacesBoxes());
    connect(batchDialog_, &BatchDialog::startRequested, this, [this](bool replace) {
      if (QString e; !startBatch(0, replace, &e)) statusBar()->showMessage(tr("Batch: %1").arg(e), 8000);
    });
    connect(batchDialog_, &BatchDialog::resumeRequested, this, [this](bool replace) {
      if (QString e; !startBatch(batchNext_, replace, &e)) statusBar()->showMessage(tr("Batch: %1").arg(e), 8000);
    });
    connect(batchDialog_, &BatchDialog::cancelRequested, this, &MainWindow::cancelBatch);
  }
  if (!batchRunning()) batchDialog_->setImageCount(project_->imageCount(), batchNext_);
  batchDialog_->show();
  batchDialog_->raise();
}

bool MainWindow::startBatch(int start, bool replaceBoxes, QString* errorOut) {
  auto fail = [&](const QString& e) {
    if (errorOut) *errorOut = e;
    return false;
  };
  if (batchRunning()) return fail(tr("a batch is already running"));
  if (!modelReady_) return fail(tr("no model is loaded"));
  if (project_->imageCount() == 0) return fail(tr("the project has no images"));
  const PromptInput input = prompt_->spec();
  glip::Prompt prompt;
  QString error;
  if (!buildPrompt(input, &prompt, &error)) {
    statusBar()->showMessage(error, 8000);
    if (batchDialog_) batchDialog_->setStopped(start, project_->imageCount(), true);
    return fail(error);
  }
  batchImages_.clear();
  for (ImageDocument* d : project_->images()) batchImages_ << d->imagePath();
  batchInput_ = input;
  batchReplace_ = replaceBoxes;
  batchNext_ = start;
  batchFirst_ = start;
  batchDoneThisRun_ = 0;
  batchStartMs_ = QDateTime::currentMSecsSinceEpoch();
  BatchRequest r;
  r.images = batchImages_;
  r.prompt = std::move(prompt);
  r.promptKey = input.key();
  r.start = start;
  batchId_ = worker_->runBatch(std::move(r));
  if (batchDialog_) {
    batchDialog_->setRunning(true);
    batchDialog_->setProgress(start, batchImages_.size(), -1, QString());
  }
  progress_->setRange(0, std::max<int>(1, batchImages_.size()));
  progress_->setValue(start);
  progress_->show();
  refreshActions();
  return true;
}

void MainWindow::cancelBatch() {
  if (batchRunning()) worker_->cancel();
}

void MainWindow::onBatchItem(quint64 id, int index, int total, const DetectReply& reply) {
  if (id != batchId_) return;
  updateTimings(reply);
  batchNext_ = index + 1;
  ++batchDoneThisRun_;
  if (reply.result) {
    const QString key = ResultCache::key(reply.imagePath, reply.promptKey, reply.modelKey, reply.minSize);
    cache_.insert(key, reply.result);
    ImageDocument* doc = project_->image(project_->indexOfPath(reply.imagePath));
    const bool handWork = doc && (doc->status() == ReviewStatus::Edited || doc->status() == ReviewStatus::Reviewed);
    if (doc && (batchReplace_ || !handWork)) {
      resultKeyOf_.insert(reply.imagePath, key);
      resultSizeOf_.insert(reply.imagePath, reply.minSize);  // 0: batches run at the model's size
      applyResult(doc, *reply.result, batchInput_, true);
    }
  } else if (!reply.error.isEmpty()) {
    // Counted as failed, not done; the image list and the canvas show the reason.
    batchFailed_.insert(reply.imagePath);
    if (ImageDocument* doc = project_->image(project_->indexOfPath(reply.imagePath))) doc->setReadError(reply.error);
    statusBar()->showMessage(tr("%1: %2").arg(QFileInfo(reply.imagePath).fileName(), reply.error), 8000);
  }
  const double elapsed = (QDateTime::currentMSecsSinceEpoch() - batchStartMs_) / 1000.0;
  const double eta = elapsed / std::max(1, batchDoneThisRun_) * (total - batchNext_);
  progress_->setRange(0, total);
  progress_->setValue(batchNext_);
  if (batchDialog_) batchDialog_->setProgress(batchNext_, total, eta, QFileInfo(reply.imagePath).fileName());
  emit batchProgress(batchNext_, total, reply.imagePath, reply.error);
}

void MainWindow::onBatchFinished(quint64 id, int nextIndex, int total, bool cancelled) {
  if (id != batchId_) return;
  batchId_ = 0;
  batchNext_ = cancelled ? nextIndex : 0;
  int failed = 0;
  for (const QString& p : std::as_const(batchImages_)) failed += batchFailed_.contains(p);
  if (batchDialog_) batchDialog_->setStopped(nextIndex, total, cancelled, failed);
  const QString failedText = failed ? tr(", %n failed (see the image list)", nullptr, failed) : QString();
  statusBar()->showMessage(cancelled ? tr("Batch cancelled at image %1 of %2").arg(nextIndex + 1).arg(total) + failedText
                                     : tr("Batch done: %n image(s)", nullptr, total - failed) + failedText,
                           8000);
  refreshActions();
  emit batchStopped(nextIndex, cancelled);
}

}  // namespace glip::studio
