// MainWindow: the inspector dock ("see why", ui/inspect). While the dock is open, single-image runs record probes
// and the worker copies a Snapshot out of the Session; the dock only ever reads that snapshot, so switching its
// views never runs the model. Batches never record probes.
#include <QAction>
#include <QDockWidget>
#include <QFileInfo>
#include <QStatusBar>
#include <QTimer>

#include "ui/document/box.h"
#include "ui/document/image_document.h"
#include "ui/inspect/inspector_dock.h"
#include "ui/studio/canvas_view.h"
#include "ui/studio/main_window.h"
#include "ui/studio/prompt_panel.h"

namespace glip::studio {

using glip::inspect::InspectorDock;

void MainWindow::buildInspector() {
  inspector_ = new InspectorDock(this);
  addDockWidget(Qt::RightDockWidgetArea, inspector_);
  if (auto* boxes = findChild<QDockWidget*>(QStringLiteral("boxesDock"))) tabifyDockWidget(boxes, inspector_);
  inspector_->hide();
  inspector_->attachView(canvas_);
  inspector_->setThreshold(threshold_);
  connect(inspector_, &InspectorDock::thresholdChanged, this, &MainWindow::setThreshold);
  auto follow = [this] {
    worker_->setInspect(inspector_->isVisible(), inspector_->recordAttention());
    QTimer::singleShot(0, this, &MainWindow::syncInspector);
  };
  // Context worker_: the dock hides while the window is destroyed, after ~MainWindow deleted the worker.
  // Shown again: drop a snapshot of another image or prompt at once (the dock has just put the overlay back on the
  // canvas, which may show another image by now), before anything is painted.
  connect(inspector_, &QDockWidget::visibilityChanged, worker_, [this, follow](bool visible) {
    follow();
    if (visible) syncInspector();
  });
  // Reopened from the View menu: on top of its tab group (with Boxes), not hidden behind it.
  connect(inspector_->toggleViewAction(), &QAction::triggered, inspector_, [this](bool on) {
    if (on) inspector_->raise();
  });
  connect(inspector_, &InspectorDock::recordAttentionChanged, worker_, [this, follow] {
    inspectRequested_.clear();
    inspectKey_.clear();  // the next sync re-runs the current image with the maps
    follow();
  });
  // A predicted box selected on the canvas is explained in the Box and NMS views (Box::candidate links it).
  connect(canvas_, &CanvasView::selectionChanged, this, [this](quint64 id) {
    ImageDocument* doc = currentDocument();
    const auto& snap = inspector_->snapshot();
    if (!doc || !snap || inspectKey_ != resultKeyOf_.value(doc->imagePath())) return;
    const Box* b = doc->box(id);
    if (!b || b->candidate < 0) return;
    for (size_t i = 0; i < snap->result.detections.size(); ++i)
      if (snap->result.detections[i].candidate == b->candidate) inspector_->setSelectedDetection(int(i));
  });
  // Connected before onDetectFinished (the constructor connects it after buildDocks), so it runs first.
  connect(worker_, &InferenceWorker::detectFinished, this, &MainWindow::onInspectReply);
  connect(this, &MainWindow::resultApplied, this, [this] { QTimer::singleShot(0, this, &MainWindow::syncInspector); });
}

void MainWindow::showInspector(bool attention) {
  inspector_->setRecordAttention(attention);
  inspector_->show();
  inspector_->raise();
  resizeDocks({inspector_}, {460}, Qt::Horizontal);
  // Most of the right column's height (the Prompt dock above it keeps the rest): its views need the room.
  resizeDocks({inspector_}, {height() * 3 / 5}, Qt::Vertical);
  worker_->setInspect(true, attention);
}

void MainWindow::onInspectReply(const DetectReply& reply) {
  const QString key = ResultCache::key(reply.imagePath, reply.promptKey, reply.modelKey, reply.minSize);
  if (reply.cancelled && key == inspectRequested_) inspectRequested_.clear();  // ask again later
  ImageDocument* doc = currentDocument();
  if (!reply.inspect || !doc || doc->imagePath() != reply.imagePath) return;
  inspector_->setSnapshot(reply.inspect, QImage(reply.imagePath));
  inspectKey_ = key;
}

void MainWindow::syncInspector() {
  if (!inspector_ || !inspector_->isVisible()) return;
  inspector_->setThreshold(threshold_);
  ImageDocument* doc = currentDocument();
  const QString key = doc ? resultKeyOf_.value(doc->imagePath()) : QString();
  if (key == inspectKey_ && !key.isEmpty()) return;
  if (inspector_->snapshot()) inspector_->clearSnapshot();  // never show another image's or prompt's snapshot
  inspectKey_.clear();
  if (key.isEmpty() || key == inspectRequested_ || !modelReady_ || worker_->busy()) return;
  // The current result came from the cache or from a run without the probe: run its prompt again with the probe
  // (the Session's stage caches make this cheap). Not lastDetectId_: onDetectFinished only caches the reply.
  const PromptInput input = resultInputOf_.value(doc->imagePath(), prompt_->spec());
  glip::Prompt prompt;
  QString error;
  if (!buildPrompt(input, &prompt, &error)) return;
  inspectRequested_ = key;
  DetectRequest r;
  r.imagePath = doc->imagePath();
  r.prompt = std::move(prompt);
  r.promptKey = input.key();
  r.minSize = resultSizeOf_.value(doc->imagePath());  // the size of the result it explains (the same cache key)
  worker_->detect(std::move(r));
  statusBar()->showMessage(tr("Recording the inspector's data for %1…").arg(QFileInfo(doc->imagePath()).fileName()), 4000);
}

}  // namespace glip::studio
