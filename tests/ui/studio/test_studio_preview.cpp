// The studio's preview size (StudioSettings::previewSize, glip::DetectParams::min_size) with the bundled demo model
// (tiny-a, INPUT.MIN_SIZE_TEST 304):
// - the worker: a detection with a preview size runs at it (DetectReply::minSize, DetectResult::resized_*), one
//   that would not make the input smaller runs at the model's size and says so, a batch runs at the model's size
//   even right after a preview;
// - the main window: with a preview size set, single-image runs are previews (status bar "Preview N px"), Run at
//   full size replaces it with the model's result, a full-size result is then preferred from the cache, a batch
//   runs at the model's size, and the action is disabled when the preview is off;
// - the model's precision: bf16 chosen in Model > Choose model loads a bf16 model (its own result-cache key) whose
//   boxes are the engine's bf16 result.
#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QElapsedTimer>
#include <QLabel>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTimer>
#include <QtTest>

#include "core/engine/engine.h"
#include "tests/common/paths.h"
#include "tests/common/studio_window.h"
#include "ui/document/project.h"
#include "ui/studio/dialogs.h"
#include "ui/studio/inference_worker.h"
#include "ui/studio/main_window.h"
#include "ui/studio/model_locator.h"
#include "ui/studio/studio_settings.h"

using namespace glip::studio;

namespace {
const QString kCaption = QStringLiteral("an astronaut in a white spacesuit holding a helmet next to a flag");
QString golden(const char* name) { return QString::fromStdString(glip::test::tiny_path(name)); }

QSize resizedOf(const glip::DetectResult& r) { return QSize(r.resized_width, r.resized_height); }
QSize sizeOf(const std::array<int64_t, 2>& hw) { return QSize(int(hw[1]), int(hw[0])); }

glip::ModelParams demoParams(std::vector<std::string> overrides = {}) {
  glip::ModelParams p;
  p.config_file = demoConfigPath().toStdString();
  p.overrides = std::move(overrides);
  p.warm_up = false;
  return p;
}
}  // namespace

class TestStudioPreview : public glip::test::StudioWindowTest {
  Q_OBJECT

  // The worker's next single-image reply.
  static DetectReply detect(InferenceWorker& worker, DetectRequest r) {
    QSignalSpy spy(&worker, &InferenceWorker::detectFinished);
    const quint64 id = worker.detect(std::move(r));
    QElapsedTimer t;
    t.start();
    while (spy.isEmpty() && t.elapsed() < 120000) QTest::qWait(10);  // (wait() misses a reply that came first)
    if (spy.isEmpty()) return {};
    DetectReply reply = spy.takeFirst().at(0).value<DetectReply>();
    return reply.id == id ? reply : DetectReply{};
  }
  QLabel* previewLabel() const { return w->findChild<QLabel*>(QStringLiteral("previewLabel")); }

 private slots:
  void initTestCase() { QVERIFY(!demoConfigPath().isEmpty()); }

  void workerRunsAtThePreviewSize() {
    // The demo model at INPUT.MIN_SIZE_TEST 640: a 480 preview is smaller, an 800 one is not.
    const std::vector<std::string> overrides{"INPUT.MIN_SIZE_TEST", "640"};
    glip::Session engine(glip::Model::load(demoParams(overrides)));
    const QSize full = sizeOf(engine.resized_size(512, 512)), preview = sizeOf(engine.resized_size(512, 512, 480));
    QCOMPARE(full, QSize(640, 640));
    QCOMPARE(preview, QSize(480, 480));

    InferenceWorker worker;
    QSignalSpy loaded(&worker, &InferenceWorker::modelLoaded);
    worker.loadModel({demoParams(overrides), QStringLiteral("demo-640")});
    QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty(), 120000);

    DetectRequest r;
    r.imagePath = golden("astronaut.png");
    r.prompt = glip::Prompt::grounding(kCaption.toStdString());
    r.promptKey = QStringLiteral("astronaut");
    r.minSize = 480;
    const DetectReply small = detect(worker, r);
    QVERIFY2(small.result, qPrintable(small.error));
    QCOMPARE(small.minSize, 480);
    QCOMPARE(resizedOf(*small.result), preview);
    QCOMPARE(small.result->image_width, 512);  // boxes in original-image pixels either way
    QCOMPARE(small.result->image_height, 512);

    r.minSize = 0;
    const DetectReply big = detect(worker, r);
    QVERIFY2(big.result, qPrintable(big.error));
    QCOMPARE(big.minSize, 0);
    QCOMPARE(resizedOf(*big.result), full);
    QVERIFY(resizedOf(*big.result) != resizedOf(*small.result));

    // Not smaller than the model's size: the model's size, and the reply says so.
    r.minSize = 800;
    const DetectReply larger = detect(worker, r);
    QVERIFY2(larger.result, qPrintable(larger.error));
    QCOMPARE(larger.minSize, 0);
    QCOMPARE(resizedOf(*larger.result), full);

    // A batch right after a preview runs at the model's size.
    r.minSize = 480;
    QCOMPARE(detect(worker, r).minSize, 480);
    QSignalSpy items(&worker, &InferenceWorker::batchItemFinished);
    QSignalSpy done(&worker, &InferenceWorker::batchFinished);
    BatchRequest b;
    b.images = {golden("astronaut.png"), golden("coffee.png")};
    b.prompt = r.prompt;
    b.promptKey = r.promptKey;
    worker.runBatch(b);
    QTRY_VERIFY_WITH_TIMEOUT(!done.isEmpty(), 120000);
    QCOMPARE(items.size(), 2);
    for (const QList<QVariant>& item : std::as_const(items)) {
      const DetectReply reply = item.at(3).value<DetectReply>();
      QVERIFY2(reply.result, qPrintable(reply.error));
      QCOMPARE(reply.minSize, 0);
      QCOMPARE(resizedOf(*reply.result), sizeOf(engine.resized_size(reply.result->image_height, reply.result->image_width)));
    }
    QCOMPARE(resizedOf(*items.at(0).at(3).value<DetectReply>().result), full);
  }

  void mainWindowPreviewAndFullSize() {
    QVERIFY(openDemoWindow());  // the demo model (MIN_SIZE_TEST 304): 160 is a preview
    settings->setPreviewSize(160);
    QAction* fullSize = w->action(QStringLiteral("run_full_size"));
    QVERIFY(fullSize);
    QVERIFY(w->rebindableActions().contains(fullSize));
    QVERIFY(!fullSize->isEnabled());  // no image yet

    w->openPaths({golden("astronaut.png")});  // runs automatically: a preview
    QVERIFY(w->waitForIdle(120000));
    QVERIFY(w->currentDocument());
    QCOMPARE(w->currentDocument()->status(), ReviewStatus::Predicted);
    QCOMPARE(w->shownPreviewSize(), 160);
    QVERIFY(w->shownResult());
    QCOMPARE(resizedOf(*w->shownResult()), QSize(160, 160));
    QVERIFY(previewLabel()->isVisible());
    QCOMPARE(previewLabel()->text(), QStringLiteral("Preview 160 px"));
    QVERIFY2(w->statusBar()->currentMessage().startsWith(QStringLiteral("Preview 160 px")),
             qPrintable(w->statusBar()->currentMessage()));
    QVERIFY(fullSize->isEnabled());
    const qint64 afterPreview = w->worker()->inferenceCount();

    // Run at full size: the model's result replaces the preview.
    fullSize->trigger();
    QVERIFY(w->waitForIdle(120000));
    QCOMPARE(w->shownPreviewSize(), 0);
    QCOMPARE(resizedOf(*w->shownResult()), QSize(304, 304));
    QVERIFY(w->worker()->inferenceCount() > afterPreview);  // a new image encoding, not the preview's
    QVERIFY(previewLabel()->isHidden());
    QVERIFY2(!w->statusBar()->currentMessage().contains(QStringLiteral("Preview")),
             qPrintable(w->statusBar()->currentMessage()));
    // The document shows the full-size boxes: the engine's own result at the model's size.
    glip::Session engine(glip::Model::load(demoParams()));
    const glip::RgbImage img = glip::image::load_image(golden("astronaut.png").toStdString());
    glip::DetectParams p;
    p.score_threshold = float(w->threshold());
    const glip::DetectResult reference = engine.detect(img, glip::Prompt::grounding(kCaption.toStdString()), p);
    QCOMPARE(w->currentDocument()->boxes().size(), qsizetype(reference.detections.size()));
    for (size_t i = 0; i < reference.detections.size(); ++i)
      QCOMPARE(float(w->currentDocument()->boxes()[int(i)].rect.left()), reference.detections[i].box[0]);

    // Running again with the preview on: the cached full-size result is preferred, nothing is re-run.
    const qint64 afterFull = w->worker()->inferenceCount();
    w->runCurrent();
    QVERIFY(w->waitForIdle(120000));
    QCOMPARE(w->shownPreviewSize(), 0);
    QCOMPARE(w->worker()->inferenceCount(), afterFull);

    // A new caption runs as a preview again; a batch then runs at the model's size.
    PromptInput in;
    in.caption = QStringLiteral("a flag next to a helmet");
    w->promptPanel()->setSpec(in);
    QVERIFY(w->waitForIdle(120000));
    QCOMPARE(w->shownPreviewSize(), 160);
    QVERIFY(previewLabel()->isVisible());
    QSignalSpy stopped(w.get(), &MainWindow::batchStopped);
    QString error;
    QVERIFY2(w->startBatch(0, true, &error), qPrintable(error));
    QVERIFY(stopped.wait(120000));
    QVERIFY(w->waitForIdle(120000));
    QCOMPARE(w->shownPreviewSize(), 0);
    QCOMPARE(resizedOf(*w->shownResult()), QSize(304, 304));
    QVERIFY(previewLabel()->isHidden());

    // Preview off in the settings dialog: the action is disabled.
    QTimer::singleShot(0, this, [] {
      auto* dlg = qobject_cast<SettingsDialog*>(QApplication::activeModalWidget());
      QVERIFY(dlg);
      auto* combo = dlg->findChild<QComboBox*>(QStringLiteral("previewSize"));
      QVERIFY(combo);
      QCOMPARE(combo->currentData().toInt(), 160);
      combo->setCurrentIndex(combo->findData(0));
      dlg->accept();
    });
    w->action(QStringLiteral("settings"))->trigger();
    QCOMPARE(settings->previewSize(), 0);
    QVERIFY(!fullSize->isEnabled());
  }

  void bf16FromTheModelDialog() {
    if (!glip::bf16_supported()) QSKIP("no bf16 on this CPU");
    QVERIFY(openDemoWindow());
    const QString fp32Key = w->modelKey();
    QVERIFY(!fp32Key.endsWith(QStringLiteral("|bf16")));
    QTimer::singleShot(0, this, [] {
      auto* dlg = qobject_cast<ModelDialog*>(QApplication::activeModalWidget());
      QVERIFY(dlg);
      auto* precision = dlg->findChild<QComboBox*>(QStringLiteral("modelPrecision"));
      QVERIFY(precision);
      QCOMPARE(precision->currentData().toString(), QStringLiteral("fp32"));  // the default
      auto* config = dlg->findChild<QComboBox*>(QStringLiteral("modelConfig"));
      QCOMPARE(config->currentText(), demoConfigPath());
      precision->setCurrentIndex(precision->findData(QStringLiteral("bf16")));
      dlg->accept();
    });
    w->action(QStringLiteral("choose_model"))->trigger();
    QVERIFY(w->waitForIdle(120000));
    QCOMPARE(w->modelKey(), fp32Key + QStringLiteral("|bf16"));
    QVERIFY(w->findChild<QLabel*>(QStringLiteral("modelLabel"))->text().endsWith(QStringLiteral(", bf16")));
    QVERIFY2(w->findChild<QLabel*>(QStringLiteral("modelLabel"))->toolTip().contains(QStringLiteral(", bf16")),
             qPrintable(w->findChild<QLabel*>(QStringLiteral("modelLabel"))->toolTip()));

    w->openPaths({golden("astronaut.png")});
    QVERIFY(w->waitForIdle(120000));
    QVERIFY(w->currentDocument());
    glip::ModelParams bf16 = demoParams();
    bf16.precision = glip::Precision::bf16;
    glip::Session engine(glip::Model::load(bf16));
    glip::DetectParams p;
    p.score_threshold = float(w->threshold());
    const glip::RgbImage img = glip::image::load_image(golden("astronaut.png").toStdString());
    const glip::DetectResult reference = engine.detect(img, glip::Prompt::grounding(kCaption.toStdString()), p);
    QVERIFY(!reference.detections.empty());
    QCOMPARE(w->currentDocument()->boxes().size(), qsizetype(reference.detections.size()));
    for (size_t i = 0; i < reference.detections.size(); ++i) {
      QCOMPARE(w->currentDocument()->boxes()[int(i)].score, reference.detections[i].score);
      QCOMPARE(float(w->currentDocument()->boxes()[int(i)].rect.left()), reference.detections[i].box[0]);
    }
  }
};

QTEST_MAIN(TestStudioPreview)
#include "test_studio_preview.moc"
