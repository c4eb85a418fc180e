// The Labels dock (ui/studio/label_panel.h) and what it stands on: per-label box counts over every image of a
// Project (live through edits, undo and reloads), rename and merge across images (one undo step per image), label
// colours in the project file (old files without them still load) and on the canvas, click-to-select in the main
// window. The dock is driven with QTest mouse and key events; its dialogs are answered by a timer.
#include <QApplication>
#include <QColorDialog>
#include <QDockWidget>
#include <QFile>
#include <QInputDialog>
#include <QJsonDocument>
#include <QJsonObject>
#include <QListWidget>
#include <QMenuBar>
#include <QPushButton>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>
#include <QUndoStack>
#include <QtTest>
#include <algorithm>
#include <functional>
#include <memory>

#include "tests/common/paths.h"
#include "ui/document/coco_exchange.h"
#include "ui/document/project.h"
#include "ui/studio/box_item.h"
#include "ui/studio/canvas_view.h"
#include "ui/studio/label_panel.h"
#include "ui/studio/main_window.h"
#include "ui/studio/studio_settings.h"

using namespace glip::studio;

namespace {

Box box(const QString& label, double x, Provenance p = Provenance::Manual) {
  Box b;
  b.rect = QRectF(x, 10, 20, 20);
  b.label = label;
  b.provenance = p;
  b.score = p == Provenance::Manual ? 0.f : 0.9f;
  return b;
}

// Three images: a = cat cat dog, b = dog bird, c = cat.  So cat 3, dog 2, bird 1 (hand-counted).
void fill(Project& p) {
  ImageDocument* a = p.addImage(QStringLiteral("/nonexistent/a.jpg"), QSize(100, 100));
  ImageDocument* b = p.addImage(QStringLiteral("/nonexistent/b.jpg"), QSize(100, 100));
  ImageDocument* c = p.addImage(QStringLiteral("/nonexistent/c.jpg"), QSize(100, 100));
  a->addBox(box("cat", 0));
  a->addBox(box("cat", 30, Provenance::Model));
  a->addBox(box("dog", 60));
  b->addBox(box("dog", 0));
  b->addBox(box("bird", 30));
  c->addBox(box("cat", 0));
  p.setLabels({"cat", "dog"});
}

QStringList labelsOf(const ImageDocument* d) {
  QStringList out;
  for (const Box& b : d->boxes()) out << b.label;
  return out;
}

// Answers the next modal dialog of type D (polls until it is shown; gives up after 5 s). The flag says it was seen.
template <class D>
std::shared_ptr<bool> answer(std::function<void(D*)> fn) {
  auto seen = std::make_shared<bool>(false);
  auto* t = new QTimer;
  t->setInterval(20);
  auto tries = std::make_shared<int>(250);
  QObject::connect(t, &QTimer::timeout, t, [t, fn, seen, tries] {
    for (QWidget* w : QApplication::topLevelWidgets()) {
      if (auto* d = qobject_cast<D*>(w); d && d->isVisible()) {
        *seen = true;
        t->stop();
        t->deleteLater();
        fn(d);
        return;
      }
    }
    if (--*tries == 0) t->deleteLater();
  });
  t->start();
  return seen;
}

QListWidgetItem* itemOf(QListWidget* list, const QString& label) {
  for (int i = 0; i < list->count(); ++i)
    if (list->item(i)->data(Qt::UserRole).toString() == label) return list->item(i);
  return nullptr;
}

QList<quint64> sorted(QList<quint64> v) {
  std::sort(v.begin(), v.end());
  return v;
}

}  // namespace

class TestStudioLabels : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

  void countsOverAllImages() {
    Project p;
    fill(p);
    const QHash<QString, int> counts = p.boxCountByLabel();
    QCOMPARE(counts.value("cat"), 3);
    QCOMPARE(counts.value("dog"), 2);
    QCOMPARE(counts.value("bird"), 1);
    LabelPanel panel(&p);
    // The project's list in order, then labels only used by boxes.
    QCOMPARE(panel.labels(), QStringList({"cat", "dog", "bird"}));
    QCOMPARE(panel.boxCount("cat"), 3);
    QCOMPARE(panel.boxCount("dog"), 2);
    QCOMPARE(panel.boxCount("bird"), 1);
    QCOMPARE(panel.boxCount("fish"), -1);
    p.addLabel("fish");  // listed, unused: shown with 0
    QTRY_COMPARE(panel.boxCount("fish"), 0);
  }

  void countsFollowEditsUndoBatchAndReload() {
    Project p;
    fill(p);
    LabelPanel panel(&p);
    ImageDocument* c = p.image(2);
    c->addBox(box("dog", 40));
    QTRY_COMPARE(panel.boxCount("dog"), 3);
    c->undoStack()->undo();
    QTRY_COMPARE(panel.boxCount("dog"), 2);
    c->undoStack()->redo();
    QTRY_COMPARE(panel.boxCount("dog"), 3);
    // A batch result replacing image b's boxes: bird is gone (not a project label), cat +2.
    p.image(1)->setPredictions({box("cat", 0, Provenance::Model), box("cat", 50, Provenance::Model)}, PromptSpec(),
                               ImageDocument::PredictionMerge::Replace);
    QTRY_COMPARE(panel.boxCount("cat"), 5);
    QCOMPARE(panel.boxCount("dog"), 2);
    QCOMPARE(panel.boxCount("bird"), -1);
    // A new image, then the whole project replaced (load / import path).
    p.addImage("/nonexistent/d.jpg", QSize(50, 50))->addBox(box("cat", 1));
    QTRY_COMPARE(panel.boxCount("cat"), 6);
    ProjectState s;
    s.labels = {"car"};
    ImageState im;
    im.path = "/nonexistent/e.jpg";
    im.boxes = {box("car", 0), box("car", 30)};
    s.images = {im};
    p.restoreState(s);
    QTRY_COMPARE(panel.labels(), QStringList({"car"}));
    QCOMPARE(panel.boxCount("car"), 2);
    p.image(0)->deleteBoxes({p.image(0)->boxes().first().id});  // the restored image is watched too
    QTRY_COMPARE(panel.boxCount("car"), 1);
  }

  void countsFollowCocoImport() {
    QTemporaryDir tmp;
    Project source;
    fill(source);
    const QString coco = tmp.filePath("labels.coco.json");
    QString error;
    QVERIFY2(CocoExchange::exportDataset(source, coco, {}, &error), qPrintable(error));
    Project p;
    ImageDocument* a = p.addImage("/nonexistent/a.jpg", QSize(100, 100));  // its boxes are replaced by the import
    a->addBox(box("fish", 0));
    a->addBox(box("fish", 30));
    LabelPanel panel(&p);
    QCOMPARE(panel.boxCount("fish"), 2);
    CocoExchange::ImportResult result;
    QVERIFY2(CocoExchange::importDataset(p, coco, &result, &error), qPrintable(error));
    QCOMPARE(result.boxes, 6);
    QTRY_COMPARE(panel.boxCount("cat"), 3);
    QCOMPARE(panel.boxCount("dog"), 2);
    QCOMPARE(panel.boxCount("bird"), 1);
    QCOMPARE(panel.boxCount("fish"), -1);
    a->undoStack()->undo();  // the import into an existing image is one undo step there
    QTRY_COMPARE(panel.boxCount("fish"), 2);
    QCOMPARE(panel.boxCount("cat"), 1);
  }

  void renameAcrossImagesIsOneUndoStepPerImage() {
    Project p;
    fill(p);
    p.image(1)->addBox(box("cat", 60));  // cat now on all three images (4 boxes)
    QList<int> steps;
    for (ImageDocument* d : p.images()) steps << d->undoStack()->count();
    LabelPanel panel(&p);
    QCOMPARE(p.renameLabel("cat", "feline"), 3);
    for (int i = 0; i < 3; ++i) QCOMPARE(p.image(i)->undoStack()->count(), steps[i] + 1);
    QCOMPARE(labelsOf(p.image(0)), QStringList({"feline", "feline", "dog"}));
    QCOMPARE(labelsOf(p.image(1)), QStringList({"dog", "bird", "feline"}));
    QCOMPARE(labelsOf(p.image(2)), QStringList({"feline"}));
    QCOMPARE(p.labels(), QStringList({"feline", "dog"}));  // in cat's place; cat is gone
    QTRY_COMPARE(panel.boxCount("feline"), 4);
    QCOMPARE(panel.boxCount("cat"), -1);
    // Undo is per image, like every edit.
    p.image(0)->undoStack()->undo();
    QCOMPARE(labelsOf(p.image(0)), QStringList({"cat", "cat", "dog"}));
    QCOMPARE(p.image(0)->boxes()[1].provenance, Provenance::Model);  // the exact previous state
    QTRY_COMPARE(panel.boxCount("cat"), 2);
    QCOMPARE(panel.boxCount("feline"), 2);
    p.image(1)->undoStack()->undo();
    p.image(2)->undoStack()->undo();
    QTRY_COMPARE(panel.boxCount("cat"), 4);
    QCOMPARE(panel.boxCount("feline"), 0);  // still listed, unused
    QCOMPARE(labelsOf(p.image(2)), QStringList({"cat"}));
    QCOMPARE(p.renameLabel("cat", "cat"), 0);
    QCOMPARE(p.renameLabel("cat", ""), 0);
  }

  void renameOntoExistingLabelMerges() {
    Project p;
    fill(p);
    p.labelColors()->setColor("cat", QColor("#102030"));
    QList<int> steps;
    for (ImageDocument* d : p.images()) steps << d->undoStack()->count();
    QCOMPARE(p.renameLabel("cat", "dog"), 2);  // images a and c carry cat
    QCOMPARE(p.image(0)->undoStack()->count(), steps[0] + 1);
    QCOMPARE(p.image(1)->undoStack()->count(), steps[1]);  // no cat there: untouched
    QCOMPARE(p.image(2)->undoStack()->count(), steps[2] + 1);
    QCOMPARE(p.boxCountByLabel().value("dog"), 5);
    QCOMPARE(p.boxCountByLabel().value("cat"), 0);
    QCOMPARE(p.labels(), QStringList({"dog"}));
    QCOMPARE(p.labelColors()->color("dog"), QColor("#102030"));  // dog had none: it takes cat's
    QVERIFY(!p.labelColors()->contains("cat"));
    // Merging into a label with its own colour keeps that colour.
    p.labelColors()->setColor("bird", QColor("#aabbcc"));
    p.renameLabel("dog", "bird");
    QCOMPARE(p.labelColors()->color("bird"), QColor("#aabbcc"));
    QCOMPARE(p.boxCountByLabel().value("bird"), 6);
  }

  void coloursSavedAndRestored() {
    QTemporaryDir tmp;
    Project p;
    fill(p);
    p.setUnmodified();
    p.labelColors()->setColor("cat", QColor(0x12, 0xab, 0x34, 100));  // alpha dropped
    QVERIFY(p.isModified());
    QCOMPARE(labelColor("cat", p.labelColors()), QColor("#12ab34"));
    QCOMPARE(labelColor("dog", p.labelColors()), labelColor("dog"));  // no colour picked: the automatic one
    const QString path = tmp.filePath("colours.glipstudio");
    QString error;
    QVERIFY2(p.saveAs(path, &error), qPrintable(error));
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonObject root = QJsonDocument::fromJson(f.readAll()).object();
    QCOMPARE(root.value("labelColors").toObject().value("cat").toString(), QStringLiteral("#12ab34"));
    Project q;
    QVERIFY2(q.load(path, &error), qPrintable(error));
    QCOMPARE(q.labelColors()->color("cat"), QColor("#12ab34"));
    QVERIFY(!q.labelColors()->contains("dog"));
    QVERIFY(!q.isModified());
    QVERIFY(q.state().sameContent(p.state()));
    // Removing the colour is an edit, and the key disappears from the file.
    q.labelColors()->setColor("cat", QColor());
    QVERIFY(q.isModified());
    QVERIFY(q.save(&error));
    QFile g(path);
    QVERIFY(g.open(QIODevice::ReadOnly));
    QVERIFY(!QJsonDocument::fromJson(g.readAll()).object().contains("labelColors"));
  }

  void oldFileWithoutColoursLoads() {
    QTemporaryDir tmp;
    const QString path = tmp.filePath("old.glipstudio");
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(R"({"format": "glip-studio-project", "version": 1,
      "prompts": {"active": "categories", "categories": ["cat"],
                  "caption": {"caption": "", "detection": false, "labels": []}},
      "labels": ["cat"],
      "images": [{"path": "/nonexistent/x.jpg", "width": 10, "height": 10, "status": "edited",
                  "boxes": [{"rect": [1, 1, 5, 5], "label": "cat", "provenance": "manual"}], "predictions": []}]})");
    f.close();
    Project p;
    QString error;
    QVERIFY2(p.load(path, &error), qPrintable(error));
    QVERIFY(p.labelColors()->all().isEmpty());
    QCOMPARE(p.labels(), QStringList({"cat"}));
    QCOMPARE(p.boxCountByLabel().value("cat"), 1);
    // Invalid colour entries are skipped, valid ones kept.
    ProjectState s;
    QVERIFY(ProjectFile::fromJson(R"({"format": "glip-studio-project", "version": 1,
      "labelColors": {"cat": "#00ff00", "dog": "not a colour", "": "#ffffff"}})", QString(), &s, &error));
    QCOMPARE(s.labelColors.size(), 1);
    QCOMPARE(s.labelColors.value("cat"), QColor(0, 255, 0));
  }

  void dockInMainWindow() {
    QTemporaryDir tmp;
    StudioSettings settings(tmp.filePath("s.ini"));
    settings.setAutosaveSeconds(5);
    MainWindow w(&settings);
    w.action("auto_run")->setChecked(false);
    w.resize(1200, 800);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    auto* dock = w.findChild<QDockWidget*>("labelsDock");
    QVERIFY(dock);
    auto* panel = qobject_cast<LabelPanel*>(dock->widget());
    QVERIFY(panel);
    auto* list = dock->findChild<QListWidget*>("labelList");
    QCOMPARE(list, panel->list());
    bool inMenu = false;  // View ▸ Labels
    for (QAction* m : w.menuBar()->actions())
      if (m->menu() && m->menu()->actions().contains(dock->toggleViewAction())) inMenu = true;
    QVERIFY(inMenu);

    w.openPaths({QString::fromStdString(glip::test::tiny_path("astronaut.png"))});
    ImageDocument* doc = w.currentDocument();
    QVERIFY(doc);
    const quint64 c1 = doc->addBox(box("cat", 0));
    const quint64 d1 = doc->addBox(box("dog", 30));
    const quint64 c2 = doc->addBox(box("cat", 60));
    QTRY_COMPARE(panel->boxCount("cat"), 2);

    // A click on "cat" selects both cat boxes on the canvas.
    QListWidgetItem* cat = itemOf(list, "cat");
    QVERIFY(cat);
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, list->visualItemRect(cat).center());
    QCOMPARE(sorted(w.canvas()->selectedIds()), sorted({c1, c2}));
    // Enter on "dog" (keyboard) selects the dog box.
    list->setFocus();
    list->setCurrentItem(itemOf(list, "dog"));
    QTest::keyClick(list, Qt::Key_Return);
    QCOMPARE(w.canvas()->selectedIds(), QList<quint64>({d1}));

    // Colour… on "dog": the canvas draws the box in the picked colour.
    auto seen = answer<QColorDialog>([](QColorDialog* d) {
      d->setCurrentColor(QColor("#ff00aa"));
      d->accept();
    });
    QTest::mouseClick(panel->findChild<QPushButton*>("labelColorButton"), Qt::LeftButton);
    QVERIFY(*seen);
    QCOMPARE(w.project()->labelColors()->color("dog"), QColor("#ff00aa"));
    QCOMPARE(w.canvas()->boxItem(d1)->box().color, QColor("#ff00aa"));
    QCOMPARE(w.canvas()->boxItem(c1)->box().color, labelColor("cat"));

    // F2 on "cat", answered "dog": merged on this image in one undo step; the colour stays dog's.
    const int steps = doc->undoStack()->count();
    list->setCurrentItem(itemOf(list, "cat"));
    QString offered;
    seen = answer<QInputDialog>([&offered](QInputDialog* d) {
      offered = d->textValue();
      d->setTextValue(QStringLiteral(" dog "));
      d->accept();
    });
    QTest::keyClick(list, Qt::Key_F2);
    QVERIFY(*seen);
    QCOMPARE(offered, QStringLiteral("cat"));
    QCOMPARE(labelsOf(doc), QStringList({"dog", "dog", "dog"}));
    QCOMPARE(doc->undoStack()->count(), steps + 1);
    QTRY_COMPARE(panel->boxCount("dog"), 3);
    QCOMPARE(panel->boxCount("cat"), -1);
    QCOMPARE(w.canvas()->boxItem(c1)->box().color, QColor("#ff00aa"));
    w.action("undo")->trigger();  // the main window's Undo: this image's stack
    QCOMPARE(labelsOf(doc), QStringList({"cat", "dog", "cat"}));
    QTRY_COMPARE(panel->boxCount("cat"), 2);

    // Double-click (a click, then the second press) renames too; Cancel changes nothing.
    auto doubleClick = [list](const QString& label) {
      const QPoint at = list->visualItemRect(itemOf(list, label)).center();
      QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, at);
      QTest::mouseDClick(list->viewport(), Qt::LeftButton, {}, at);
    };
    seen = answer<QInputDialog>([](QInputDialog* d) {
      d->setTextValue(QStringLiteral("kitten"));
      d->reject();
    });
    doubleClick("cat");
    QVERIFY(*seen);
    QCOMPARE(labelsOf(doc), QStringList({"cat", "dog", "cat"}));
    seen = answer<QInputDialog>([](QInputDialog* d) {
      d->setTextValue(QStringLiteral("kitten"));
      d->accept();
    });
    doubleClick("cat");
    QVERIFY(*seen);
    QCOMPARE(labelsOf(doc), QStringList({"kitten", "dog", "kitten"}));
    QTRY_COMPARE(panel->boxCount("kitten"), 2);
    QCOMPARE(panel->currentLabel(), QStringLiteral("kitten"));

    // "Automatic colour" forgets dog's colour (enabled only for a label that has one).
    auto* autoColor = panel->findChild<QPushButton*>("labelAutoColorButton");
    QVERIFY(!autoColor->isEnabled());  // kitten has none
    list->setCurrentItem(itemOf(list, "dog"));
    QVERIFY(autoColor->isEnabled());
    QTest::mouseClick(autoColor, Qt::LeftButton);
    QVERIFY(!w.project()->labelColors()->contains("dog"));
    QCOMPARE(w.canvas()->boxItem(d1)->box().color, labelColor("dog"));
    QTRY_VERIFY(!autoColor->isEnabled());
    QCOMPARE(panel->currentLabel(), QStringLiteral("dog"));
    w.project()->setUnmodified();  // no save prompt on close
  }
};

QTEST_MAIN(TestStudioLabels)
#include "test_studio_labels.moc"
