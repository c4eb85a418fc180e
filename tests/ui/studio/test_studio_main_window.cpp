// The studio end to end with the bundled demo model (tiny-a, the golden model): boxes equal the engine's own
// detect() (the `glip predict` path: Prompt::grounding without spans), the threshold re-filters without
// inference, a caption change reuses the image features, undo/redo of every edit kind through the UI actions and
// shortcuts, batch with cancel and resume (keep mode leaves reviewed images alone).
#include <QAction>
#include <QDialog>
#include <QImageReader>
#include <QLabel>
#include <QStatusBar>
#include <QLineEdit>
#include <QListWidget>
#include <QSignalSpy>
#include <QSlider>
#include <QTemporaryDir>
#include <QTimer>
#include <QTreeWidget>
#include <QUndoStack>
#include <QtTest>

#include "core/engine/engine.h"
#include "tests/common/document_boxes.h"
#include "tests/common/paths.h"
#include "tests/common/studio_window.h"
#include "ui/document/project.h"
#include "ui/document/project_file.h"
#include "ui/studio/box_item.h"
#include "ui/studio/canvas_view.h"
#include "ui/studio/dialogs.h"
#include "ui/studio/main_window.h"
#include "ui/studio/model_locator.h"
#include "ui/studio/prompt_panel.h"
#include "ui/studio/studio_settings.h"

using namespace glip::studio;

namespace {
const QString kCaption = QStringLiteral("an astronaut in a white spacesuit holding a helmet next to a flag");
QString golden(const char* name) { return QString::fromStdString(glip::test::tiny_path(name)); }

void mouse(QWidget* w, QEvent::Type type, QPointF pos, Qt::MouseButton b, Qt::MouseButtons bs) {
  QMouseEvent e(type, pos, w->mapToGlobal(pos), b, bs, Qt::NoModifier);
  QApplication::sendEvent(w, &e);
}
void drag(CanvasView* v, QPointF imgA, QPointF imgB) {
  const QPointF a = v->imageToView(imgA), b = v->imageToView(imgB);
  mouse(v->viewport(), QEvent::MouseButtonPress, a, Qt::LeftButton, Qt::LeftButton);
  mouse(v->viewport(), QEvent::MouseMove, (a + b) / 2, Qt::NoButton, Qt::LeftButton);
  mouse(v->viewport(), QEvent::MouseMove, b, Qt::NoButton, Qt::LeftButton);
  mouse(v->viewport(), QEvent::MouseButtonRelease, b, Qt::LeftButton, Qt::NoButton);
}
// State of the boxes, ids ignored.
QString dump(const ImageDocument* d) {
  QStringList s;
  for (const Box& b : d->boxes())
    s << QStringLiteral("%1 %2,%3,%4,%5 %6 %7")
             .arg(b.label)
             .arg(b.rect.left(), 0, 'g', 9).arg(b.rect.top(), 0, 'g', 9)
             .arg(b.rect.right(), 0, 'g', 9).arg(b.rect.bottom(), 0, 'g', 9)
             .arg(provenanceKey(b.provenance)).arg(b.score);
  return reviewStatusKey(d->status()) + QLatin1Char('|') + s.join(QLatin1Char(';'));
}
}  // namespace

class TestStudioMainWindow : public glip::test::StudioWindowTest {
  Q_OBJECT
  std::shared_ptr<const glip::Model> model;  // the engine directly, for the reference results

  glip::DetectResult reference(const QString& image, const QString& caption, float threshold) {
    glip::Session s(model);
    const glip::RgbImage img = glip::image::load_image(image.toStdString());
    glip::DetectParams p;
    p.score_threshold = threshold;
    return s.detect(img, glip::Prompt::grounding(caption.toStdString()), p);
  }
  void setCaption(const QString& c) {
    PromptInput in;
    in.caption = c;
    w->promptPanel()->setSpec(in);
  }
  // Accepts the next modal dialog (LabelDialog) with `label`.
  void answerLabelDialog(const QString& label) {
    QTimer::singleShot(0, this, [label] {
      auto* dlg = qobject_cast<LabelDialog*>(QApplication::activeModalWidget());
      QVERIFY(dlg);
      dlg->searchEdit()->setText(label);
      if (QListWidgetItem* create = dlg->createItem()) dlg->list()->setCurrentItem(create);  // new: chosen on purpose
      dlg->accept();
    });
  }

 private slots:
  void initTestCase() {
    QVERIFY(tmp.isValid());
    QVERIFY(openWindow(QSize(1200, 800)));
    QVERIFY(!demoConfigPath().isEmpty());
    glip::ModelParams mp;
    mp.config_file = demoConfigPath().toStdString();
    model = glip::Model::load(mp);
    w->loadDemoModel();
    QVERIFY(w->waitForIdle(120000));
    QVERIFY(w->isDemoModel());
    QVERIFY(w->findChild<QWidget*>("demoBanner")->isVisible());  // the random-boxes banner
  }

  void boxesEqualTheEngine() {
    setCaption(kCaption);
    w->setThreshold(0.0);
    w->openPaths({golden("astronaut.png")});
    QVERIFY(w->waitForIdle(120000));
    ImageDocument* doc = w->currentDocument();
    QVERIFY(doc);
    QCOMPARE(doc->status(), ReviewStatus::Predicted);
    const glip::DetectResult all = reference(golden("astronaut.png"), kCaption, 0.0f);
    QVERIFY(all.detections.size() > 3);
    QCOMPARE(doc->boxes().size(), qsizetype(all.detections.size()));
    for (size_t i = 0; i < all.detections.size(); ++i) {
      const glip::Detection& d = all.detections[i];
      const Box& b = doc->boxes()[int(i)];
      QCOMPARE(b.label, QString::fromStdString(d.phrase));
      QCOMPARE(b.score, d.score);
      QCOMPARE(float(b.rect.left()), d.box[0]);
      QCOMPARE(float(b.rect.top()), d.box[1]);
      QCOMPARE(float(b.rect.right()), d.box[2]);
      QCOMPARE(float(b.rect.bottom()), d.box[3]);
      QCOMPARE(b.provenance, Provenance::Model);
    }
    // The canvas draws exactly these boxes, with label, score and provenance.
    QCOMPARE(w->canvas()->boxes().size(), doc->boxes().size());
    const CanvasBox first = w->canvas()->boxes().first();
    QVERIFY(w->canvas()->boxItem(first.id)->captionText().contains(QStringLiteral("model")));
    QCOMPARE(w->boxList()->topLevelItemCount(), int(doc->boxes().size()));
  }

  void thresholdRefiltersWithoutInference() {
    ImageDocument* doc = w->currentDocument();
    const qint64 before = w->worker()->inferenceCount();
    QVERIFY(before > 0);
    const glip::DetectResult all = reference(golden("astronaut.png"), kCaption, 0.0f);
    std::vector<float> scores;
    for (const auto& d : all.detections) scores.push_back(d.score);
    auto* slider = w->findChild<QSlider*>("thresholdSlider");
    QVERIFY(slider);
    for (int v : {int(scores[scores.size() / 2] * 100), int(scores[1] * 100), 0, 100, int(scores[2] * 100)}) {
      slider->setValue(v);  // what the user drags
      const glip::DetectResult ref = reference(golden("astronaut.png"), kCaption, float(v / 100.0));
      QCOMPARE(doc->boxes().size(), qsizetype(ref.detections.size()));
      for (size_t i = 0; i < ref.detections.size(); ++i) QCOMPARE(doc->boxes()[int(i)].score, ref.detections[i].score);
      QCOMPARE(w->worker()->inferenceCount(), before);  // no model stage ran
    }
    QVERIFY(!w->worker()->busy());
    // Running again with the same prompt and model answers from the cache.
    w->action("run")->trigger();
    QVERIFY(w->waitForIdle(60000));
    QCOMPARE(w->worker()->inferenceCount(), before);
    QVERIFY(w->resultCache().hits() > 0);
  }

  void captionChangeReusesImageFeatures() {
    const qint64 before = w->worker()->inferenceCount();
    setCaption(QStringLiteral("a flag and a helmet"));
    w->runCurrent();
    QVERIFY(w->waitForIdle(120000));
    // encode_text + fuse ran; encode_image came from the Session's cache.
    QCOMPARE(w->worker()->inferenceCount(), before + 2);
    const glip::DetectResult ref = reference(golden("astronaut.png"), QStringLiteral("a flag and a helmet"), float(w->threshold()));
    QCOMPARE(w->currentDocument()->boxes().size(), qsizetype(ref.detections.size()));
    setCaption(kCaption);
    w->runCurrent();
    QVERIFY(w->waitForIdle(120000));
    QCOMPARE(w->worker()->inferenceCount(), before + 2);  // back to the first caption: the UI cache answers
  }

  void undoRedoEveryEditThroughTheActions() {
    w->setThreshold(0.99);  // start from few boxes
    ImageDocument* doc = w->currentDocument();
    w->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(w.get()));
    CanvasView* v = w->canvas();
    QAction* undo = w->action("undo");
    QAction* redo = w->action("redo");
    QVERIFY(redo->shortcuts().contains(QKeySequence("Ctrl+Shift+Z")));
    QVERIFY(redo->shortcuts().contains(QKeySequence("Ctrl+Y")));
    QCOMPARE(undo->shortcut(), QKeySequence("Ctrl+Z"));
    int step = 0;
    auto check = [&](const char* what, const std::function<void()>& edit) {
      w->activateWindow();  // a closed modal dialog may have taken the activation (shortcuts are per window)
      QVERIFY(QTest::qWaitForWindowActive(w.get()));
      const QString before = dump(doc);
      edit();
      const QString after = dump(doc);
      QVERIFY2(after != before, what);
      // Alternate between triggering the actions and pressing their shortcuts.
      if (step++ % 2 == 0) {
        undo->trigger();
        QCOMPARE(dump(doc), before);
        redo->trigger();
      } else {
        QTest::keyClick(w.get(), Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(dump(doc), before);
        QTest::keyClick(w.get(), Qt::Key_Y, Qt::ControlModifier);
        QCOMPARE(dump(doc), after);
        QTest::keyClick(w.get(), Qt::Key_Z, Qt::ControlModifier);
        QTest::keyClick(w.get(), Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
      }
      QCOMPARE(dump(doc), after);
    };
    quint64 id = 0;
    check("create", [&] {
      w->setDefaultLabel(QStringLiteral("flag"));
      w->action("tool_box")->trigger();
      drag(v, QPointF(40, 50), QPointF(140, 170));
      w->action("tool_select")->trigger();
      id = v->selectedId();
    });
    QVERIFY(id != 0);
    QCOMPARE(doc->box(id)->label, QStringLiteral("flag"));
    QCOMPARE(doc->box(id)->provenance, Provenance::Manual);
    check("move", [&] { drag(v, QPointF(90, 110), QPointF(110, 120)); });
    check("resize", [&] {
      const QRectF r = doc->box(id)->rect;
      drag(v, r.bottomRight(), r.bottomRight() + QPointF(25, 10));
    });
    check("nudge", [&] {
      v->setFocus();
      QTest::keyClick(v, Qt::Key_Right);
      QTest::keyClick(v, Qt::Key_Right);  // two nudges merge into one undo step
    });
    check("relabel", [&] {
      answerLabelDialog(QStringLiteral("helmet"));
      w->action("relabel")->trigger();
    });
    QCOMPARE(doc->box(id)->label, QStringLiteral("helmet"));
    check("review", [&] { w->action("mark_reviewed")->trigger(); });
    check("delete", [&] {
      v->selectBox(id);
      w->action("delete_box")->trigger();
    });
    QVERIFY(!doc->box(id));
    // An edited model box becomes "edited" and keeps its score.
    w->setThreshold(0.0);
    undo->trigger();  // (status is Reviewed now: the threshold leaves the boxes alone)
    QVERIFY(doc->undoStack()->count() >= 7);
  }

  void batchWithCancelAndResume() {
    // Six distinct images (the Session caches by pixels, so copies would be free).
    QStringList files;
    for (int i = 0; i < 6; ++i) {
      QImage img(golden(i % 2 ? "coffee.png" : "astronaut.png"));
      img = img.scaled(img.width() - 8 * i, img.height() - 4 * i);
      const QString f = tmp.filePath(QStringLiteral("img%1.png").arg(i));
      QVERIFY(img.save(f));
      files << f;
    }
    w->action("auto_run")->setChecked(false);
    w->openPaths(files);
    QVERIFY(w->waitForIdle(60000));
    Project* p = w->project();
    // img1 is reviewed with one manual box: keep mode must not touch it.
    ImageDocument* reviewed = p->image(p->indexOfPath(files[1]));
    Box manual;
    manual.rect = QRectF(1, 2, 30, 40);
    manual.label = QStringLiteral("mine");
    reviewed->addBox(manual);
    reviewed->setStatus(ReviewStatus::Reviewed);
    const QString reviewedState = dump(reviewed);

    QList<int> done;
    QSignalSpy stopped(w.get(), &MainWindow::batchStopped);
    auto conn = connect(w->worker(), &InferenceWorker::batchItemFinished, this, [&](quint64, int index, int, const DetectReply&) {
      done << index;
      if (done.size() == 1) w->cancelBatch();
    });
    const int first = p->indexOfPath(files[0]);
    w->startBatch(first, false);
    QVERIFY(w->batchRunning());
    QVERIFY(stopped.wait(120000) || stopped.size() == 1);
    QVERIFY(w->waitForIdle(60000));
    QCOMPARE(stopped.size(), 1);
    QCOMPARE(stopped[0][1].toBool(), true);  // cancelled
    const int next = w->batchNextIndex();
    QVERIFY2(next > first && next < p->imageCount(), "cancelled part-way");
    for (int i = first; i < p->imageCount(); ++i) {
      ImageDocument* d = p->image(i);
      if (d == reviewed) continue;
      QCOMPARE(d->status(), i < next ? ReviewStatus::Predicted : ReviewStatus::Unlabeled);
    }
    // Resume from where it stopped: every image runs exactly once overall.
    w->startBatch(next, false);
    QVERIFY(stopped.wait(240000));
    QVERIFY(w->waitForIdle(60000));
    QCOMPARE(stopped.size(), 2);
    QCOMPARE(stopped[1][1].toBool(), false);
    disconnect(conn);
    QList<int> expected;
    for (int i = first; i < p->imageCount(); ++i) expected << i;
    std::sort(done.begin(), done.end());
    QCOMPARE(done, expected);
    for (int i = first; i < p->imageCount(); ++i) {
      ImageDocument* d = p->image(i);
      if (d == reviewed) QCOMPARE(dump(d), reviewedState);
      else QCOMPARE(d->status(), ReviewStatus::Predicted);
    }
    // Each batch result equals the engine's direct detect() at the current threshold.
    ImageDocument* last = p->image(p->imageCount() - 1);
    const glip::DetectResult ref = reference(last->imagePath(), kCaption, float(w->threshold()));
    QCOMPARE(last->boxes().size(), qsizetype(ref.detections.size()));
    // Replace mode overwrites the reviewed image.
    w->startBatch(first, true);
    QVERIFY(stopped.wait(240000));
    QVERIFY(w->waitForIdle(60000));
    QCOMPARE(reviewed->status(), ReviewStatus::Predicted);
  }

  // Opening a project (or recovering one) puts the project's prompt into the prompt panel. That is not a prompt
  // edit: "Run automatically" must not re-run the shown predicted image and replace the boxes it was saved with
  // (they may come from another model, or from another threshold). An edit of the prompt afterwards still runs.
  void openingAProjectKeepsItsPredictedBoxes() {
    const QString image = golden("astronaut.png");
    ProjectState state;
    state.activePrompt = PromptMode::Categories;
    state.categories = {QStringLiteral("person"), QStringLiteral("flag")};
    ImageState im;
    im.path = image;
    im.size = QImageReader(image).size();
    im.status = ReviewStatus::Predicted;
    im.boxes = {glip::test::makeBox(QStringLiteral("person"), QRectF(10.5, 20.25, 100, 200), Provenance::Model, 0.875f),
                glip::test::makeBox(QStringLiteral("flag"), QRectF(300, 40, 100, 80), Provenance::Model, 0.625f)};
    state.images = {im};
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("predicted.glipstudio"));
    QString error;
    QVERIFY2(ProjectFile::writeAtomic(file, ProjectFile::toJson(state, dir.path()), &error), qPrintable(error));

    const auto set = glip::test::studioSettings(dir);
    const auto win = glip::test::studioWindow(set.get(), QSize(1000, 700));
    QVERIFY(win);
    win->loadDemoModel();
    QVERIFY(win->waitForIdle(120000));
    QVERIFY(win->action(QStringLiteral("auto_run"))->isChecked());
    PromptInput typed;
    typed.caption = QStringLiteral("a cat");  // what the user had typed before opening the project
    win->promptPanel()->setSpec(typed);
    QVERIFY(win->waitForIdle(60000));
    win->openPaths({file});
    QVERIFY(win->waitForIdle(120000));
    QCOMPARE(win->promptPanel()->spec().categories, state.categories);
    ImageDocument* doc = win->currentDocument();
    QVERIFY(doc);
    QCOMPARE(doc->status(), ReviewStatus::Predicted);
    QCOMPARE(doc->boxes().size(), 2);
    QCOMPARE(doc->boxes()[0].rect, im.boxes[0].rect);
    QCOMPARE(doc->boxes()[1].label, QStringLiteral("flag"));
    QCOMPARE(doc->undoStack()->count(), 0);  // no "Predict" step
    QVERIFY(!win->project()->isModified());

    PromptInput edited;
    edited.mode = PromptInput::Mode::Categories;
    edited.categories = {QStringLiteral("person"), QStringLiteral("helmet")};
    win->promptPanel()->setSpec(edited);
    QVERIFY(win->waitForIdle(120000));
    QCOMPARE(doc->undoStack()->count(), 1);  // the edit ran the model on the shown predicted image
    QVERIFY(doc->boxes().size() != 2 || doc->boxes()[0].rect != im.boxes[0].rect);
  }

  // An autosave that cannot be written (here its path is taken by a folder; full disks and read-only folders fail
  // alike) is said in the status bar until an autosave or a save succeeds.
  void autosaveFailureIsShown() {
    QTemporaryDir dir;
    const auto set = glip::test::studioSettings(dir);
    const auto win = glip::test::studioWindow(set.get(), QSize(1000, 700));
    QVERIFY(win);
    auto* warning = win->findChild<QLabel*>(QStringLiteral("autosaveWarning"));
    QVERIFY(warning);
    QVERIFY(!warning->isVisible());
    Project* p = win->project();
    ImageDocument* doc = p->addImage(golden("astronaut.png"), QSize(512, 512));
    const QString file = dir.filePath(QStringLiteral("p.glipstudio"));
    QVERIFY(p->saveAs(file));
    QVERIFY(QDir().mkpath(p->autosavePath()));
    p->setAutosaveInterval(100);
    QSignalSpy failed(p, &Project::autosaveFailed);
    doc->addBox(glip::test::makeBox(QStringLiteral("x"), QRectF(1, 1, 20, 20)));
    QVERIFY(failed.wait(5000));
    QTRY_VERIFY(warning->isVisible());
    QVERIFY2(warning->toolTip().contains(QStringLiteral("Save the project")), qPrintable(warning->toolTip()));
    QVERIFY(QDir(p->autosavePath()).removeRecursively());
    QSignalSpy saved(p, &Project::autosaved);
    doc->addBox(glip::test::makeBox(QStringLiteral("y"), QRectF(5, 5, 20, 20)));
    QVERIFY(saved.wait(5000));
    QVERIFY(!warning->isVisible());
    QCOMPARE(win->statusBar()->currentMessage(), QStringLiteral("Autosave works again"));
    QVERIFY(QFileInfo(p->autosavePath()).isFile());
    QVERIFY(p->save());  // leaves nothing behind
  }
};

QTEST_MAIN(TestStudioMainWindow)
#include "test_studio_main_window.moc"
