// The inspector inside the studio (demo model): opening the dock on a cached result records the probe once; a
// run with the dock open delivers a snapshot of exactly the applied result; switching views, clicking points and
// selecting boxes run no inference; the histogram's threshold line drives the studio's threshold; a batch never
// records probes; closing the window with the dock open is clean.
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/common/paths.h"
#include "tests/common/studio_window.h"
#include "ui/document/project.h"
#include "ui/inspect/inspector_dock.h"
#include "ui/inspect/plots.h"
#include "ui/studio/canvas_view.h"
#include "ui/studio/main_window.h"
#include "ui/studio/model_locator.h"
#include "ui/studio/prompt_panel.h"
#include "ui/studio/studio_settings.h"

using namespace glip::studio;
using glip::inspect::InspectorDock;

namespace {
QString golden(const char* name) { return QString::fromStdString(glip::test::tiny_path(name)); }
}  // namespace

class TestInspectStudio : public glip::test::StudioWindowTest {
  Q_OBJECT

 private slots:
  void initTestCase() { QVERIFY(openDemoWindow()); }

  void runWithoutDockRecordsNothing() {
    QVERIFY(!w->inspector()->isVisible());
    w->openPaths({golden("astronaut.png"), golden("coffee.png")});
    w->runCurrent();
    QVERIFY(w->waitForIdle(120000));
    QVERIFY(!w->inspector()->snapshot());
    QVERIFY(!w->worker()->inspecting());
  }

  void openingTheDockRecordsTheCurrentResultOnce() {
    const qint64 before = w->worker()->inferenceCount();
    w->showInspector();
    QVERIFY(w->worker()->inspecting());
    QTRY_VERIFY_WITH_TIMEOUT(w->inspector()->snapshot() != nullptr, 60000);
    QVERIFY(w->waitForIdle(60000));
    const auto snap = w->inspector()->snapshot();
    QCOMPARE(snap->result.image_width, 512);
    // The probed re-run is the same result as the applied one: same boxes above the threshold, same order.
    ImageDocument* doc = w->currentDocument();
    int above = 0;
    for (const glip::Detection& d : snap->result.detections) above += d.score >= 0.3f;
    QCOMPARE(int(doc->boxes().size()), above);
    for (int i = 0; i < above; ++i) QCOMPARE(doc->boxes()[i].score, snap->result.detections[size_t(i)].score);
    qInfo("inferences for the probed re-run: %lld (image features re-encoded with probes, text and fusion)",
          w->worker()->inferenceCount() - before);
    QVERIFY(w->worker()->inferenceCount() > before);
  }

  void viewsClicksAndSelectionRunNoInference() {
    const qint64 before = w->worker()->inferenceCount();
    InspectorDock* dock = w->inspector();
    CanvasView* canvas = w->canvas();
    for (int v = 0; v < 8; ++v) {
      dock->setView(InspectorDock::View(v));
      QApplication::processEvents();
    }
    // A click on the canvas in the Anchors view picks the point (mapped through the view transform).
    dock->setView(InspectorDock::View::Anchors);
    const QPointF target(200.0, 120.0);
    QTest::mouseClick(canvas->viewport(), Qt::LeftButton, {}, canvas->imageToView(target).toPoint());
    QVERIFY(std::abs(dock->point().x() - target.x()) < 2.0 && std::abs(dock->point().y() - target.y()) < 2.0);
    QCOMPARE(dock->anchorTable()->topLevelItemCount(), 5);
    // In the heatmap view a plain click is the canvas's (box selection); Ctrl+click picks.
    dock->setView(InspectorDock::View::Heatmap);
    QTest::mouseClick(canvas->viewport(), Qt::LeftButton, {}, canvas->imageToView(QPointF(300, 300)).toPoint());
    QVERIFY(std::abs(dock->point().x() - target.x()) < 2.0);
    QTest::mouseClick(canvas->viewport(), Qt::LeftButton, Qt::ControlModifier, canvas->imageToView(QPointF(300, 300)).toPoint());
    QVERIFY(std::abs(dock->point().x() - 300) < 2.0 && std::abs(dock->point().y() - 300) < 2.0);
    dock->setView(InspectorDock::View::Anchors);
    dock->setPoint(target);
    int anchors = 0;
    for (QGraphicsItem* it : dock->overlayItems()) anchors += it->data(0).toString().startsWith(QLatin1String("anchor:"));
    QCOMPARE(anchors, 5);
    QVERIFY(dock->overlayLayer()->scene() == canvas->scene());  // the overlay lives in the canvas's scene
    // Selecting a predicted box explains its detection.
    dock->setView(InspectorDock::View::Box);
    ImageDocument* doc = w->currentDocument();
    QVERIFY(doc->boxes().size() >= 2);
    canvas->selectBox(doc->boxes()[1].id);
    QApplication::processEvents();
    QCOMPARE(dock->selectedDetection(), 1);
    QVERIFY(dock->explanation()->toPlainText().contains(doc->boxes()[1].label));
    QCOMPARE(w->worker()->inferenceCount(), before);
  }

  void histogramLineSetsTheThreshold() {
    InspectorDock* dock = w->inspector();
    dock->setView(InspectorDock::View::Scores);
    QApplication::processEvents();
    auto* h = dock->histogram();
    const qint64 before = w->worker()->inferenceCount();
    QTest::mousePress(h, Qt::LeftButton, {}, h->pointForThreshold(0.3));
    QTest::mouseMove(h, h->pointForThreshold(0.2));
    QTest::mouseRelease(h, Qt::LeftButton, {}, h->pointForThreshold(0.2));
    QVERIFY(std::abs(w->threshold() - 0.2) < 0.01);
    const auto snap = dock->snapshot();
    int above = 0;
    for (const glip::Detection& d : snap->result.detections) above += d.score >= float(w->threshold());
    QCOMPARE(int(w->currentDocument()->boxes().size()), above);
    w->setThreshold(0.35);  // and the other way round
    QCOMPARE(dock->threshold(), 0.35);
    QCOMPARE(w->worker()->inferenceCount(), before);
  }

  void batchNeverRecordsProbes() {
    QSignalSpy items(w->worker(), &InferenceWorker::batchItemFinished);
    QSignalSpy stopped(w.get(), &MainWindow::batchStopped);
    w->startBatch(0, true);
    QTRY_VERIFY_WITH_TIMEOUT(stopped.count() == 1, 120000);
    QVERIFY(items.count() >= 1);
    for (const auto& args : items) QVERIFY(!args.at(3).value<DetectReply>().inspect);
    QVERIFY(w->waitForIdle(60000));
  }

  void closingWithTheDockOpenIsClean() {
    QVERIFY(w->inspector()->isVisible());
    w.reset();  // ~MainWindow deletes the worker, then the dock hides: nothing may touch the worker
    QVERIFY(!w);
  }
};

QTEST_MAIN(TestInspectStudio)
#include "test_inspect_studio.moc"
