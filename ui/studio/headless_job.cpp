#include "ui/studio/headless_job.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QFileInfo>
#include <QTimer>

#include "ui/document/project.h"
#include "ui/studio/main_window.h"

namespace glip::studio {

namespace {
HeadlessJobResult run(MainWindow& w, const HeadlessJob& job, const std::function<void(const QString&)>& log) {
  HeadlessJobResult r;
  auto say = [&](const QString& line) {
    if (log) log(line);
  };
  auto fail = [&](const QString& e) {
    r.error = e;
    return r;
  };
  for (const QString& p : job.openPaths)
    if (!QFileInfo::exists(p)) return fail(QStringLiteral("%1: no such file or folder").arg(p));
  w.openPaths(job.openPaths);
  r.images = w.project()->imageCount();
  if (r.images == 0) return fail(QStringLiteral("no images found in %1").arg(job.openPaths.join(QStringLiteral(", "))));

  // The model: loading runs on the worker; a failed explicit choice is an error, not a silent demo fallback.
  if (!w.waitForIdle(job.timeoutMs)) return fail(QStringLiteral("the model did not load in time"));
  if (!job.requiredModel.isEmpty() && !w.modelError().isEmpty()) return fail(w.modelError());
  if (!w.modelReady()) return fail(w.modelError().isEmpty() ? QStringLiteral("no model is loaded") : w.modelError());

  if (job.runBatch) {
    QEventLoop loop;
    bool cancelled = false;
    // Connected with `loop` as context: they end with it.
    QObject::connect(&w, &MainWindow::batchStopped, &loop, [&](int, bool wasCancelled) {
      cancelled = wasCancelled;
      loop.quit();
    });
    QObject::connect(&w, &MainWindow::batchProgress, &loop,
                     [&](int done, int total, const QString& path, const QString& error) {
                       say(error.isEmpty() ? QStringLiteral("%1/%2 %3").arg(done).arg(total).arg(path)
                                           : QStringLiteral("%1/%2 %3: %4").arg(done).arg(total).arg(path, error));
                     });
    QTimer::singleShot(job.timeoutMs, &loop, [&] {
      cancelled = true;
      w.cancelBatch();
    });
    QString error;
    if (!w.startBatch(0, job.replaceBoxes, &error)) return fail(QStringLiteral("batch: %1").arg(error));
    if (w.batchRunning()) loop.exec();
    if (cancelled) return fail(QStringLiteral("the batch was cancelled or timed out"));
    if (!w.waitForIdle(job.timeoutMs)) return fail(QStringLiteral("the batch did not finish in time"));
  }

  if (!job.exportCoco.isEmpty()) {
    QString error;
    if (!w.exportCocoTo(job.exportCoco, &r.unreadable, &error)) return fail(QStringLiteral("export: %1").arg(error));
    r.exportedImages = r.images - static_cast<int>(r.unreadable.size());
    say(QStringLiteral("exported %1 image(s) to %2").arg(r.exportedImages).arg(job.exportCoco));
  }
  r.ok = true;
  return r;
}
}  // namespace

HeadlessJobResult runHeadlessJob(MainWindow& w, const HeadlessJob& job, const std::function<void(const QString&)>& log) {
  HeadlessJobResult r = run(w, job, log);
  // An untitled project's recovery file is for crashed GUI sessions: a finished job leaves none behind.
  if (w.project()->isUntitled()) {
    w.project()->setUnmodified();
    w.project()->discardRecovery();
  }
  return r;
}

}  // namespace glip::studio
