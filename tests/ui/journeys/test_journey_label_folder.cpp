// Journey 1: label a folder and hand it on as COCO. Open a folder of 9 files (one unreadable, one grayscale, one
// large) → Batch → cancel midway → resume → edit three images (move, delete, draw with a label, relabel, delete
// several at once) and review two → Export COCO → the file passes a strict check (ids >= 1, true sizes, boxes
// inside the images, categories = labels used, relative file names, the unreadable file left out) → a new
// studio imports it → the same rows (statuses, box counts) and, exported again, the same annotations.
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTreeWidget>
#include <QUndoView>

#include "journey.h"
#include "ui/studio/box_item.h"

using namespace journey;

namespace {
QJsonObject readJson(const QString& path) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) return {};
  return QJsonDocument::fromJson(f.readAll()).object();
}
// Annotations as comparable text: file name, category name, bbox (9 digits).
QStringList annotationLines(const QJsonObject& root) {
  QHash<qint64, QString> files, cats;
  for (const QJsonValue& v : root["images"].toArray()) files.insert(v["id"].toInteger(), v["file_name"].toString());
  for (const QJsonValue& v : root["categories"].toArray()) cats.insert(v["id"].toInteger(), v["name"].toString());
  QStringList out;
  for (const QJsonValue& v : root["annotations"].toArray()) {
    const QJsonArray b = v["bbox"].toArray();
    out << QStringLiteral("%1 %2 %3,%4,%5,%6")
               .arg(files.value(v["image_id"].toInteger()), cats.value(v["category_id"].toInteger()))
               .arg(b[0].toDouble(), 0, 'g', 9).arg(b[1].toDouble(), 0, 'g', 9)
               .arg(b[2].toDouble(), 0, 'g', 9).arg(b[3].toDouble(), 0, 'g', 9);
  }
  out.sort();
  return out;
}
int historyRows(MainWindow* w) { return w->findChild<QUndoView*>(QStringLiteral("undoView"))->model()->rowCount(); }
QTreeWidget* boxList(MainWindow* w) { return w->findChild<QTreeWidget*>(QStringLiteral("boxList")); }
}  // namespace

class TestJourneyLabelFolder : public QObject {
  Q_OBJECT
  QTemporaryDir tmp;

  void showRow(MainWindow* w, int row) {
    auto* list = w->findChild<QListView*>(QStringLiteral("imageList"));
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, list->visualRect(list->model()->index(row, 0)).center());
    QVERIFY(w->waitForIdle(120000));
    QCOMPARE(listCurrentRow(w), row);
  }
  QPointF centerOf(MainWindow* w, int i) { return w->canvas()->boxes().at(i).rect.center(); }

 private slots:
  void labelAFolderAndHandItOn() {
    const QStringList names = makeImageFolder(tmp.filePath("photos"));
    QCOMPARE(names.size(), 9);
    Studio s(tmp.filePath("first"));
    MainWindow* w = s.window.get();
    QVERIFY(QTest::qWaitForWindowActive(w));
    QVERIFY(!w->isWindowModified());  // nothing happened yet: nothing to save

    // The prompt: Categories mode, three labels typed.
    auto* mode = w->findChild<QComboBox*>(QStringLiteral("promptMode"));
    QTest::mouseClick(mode, Qt::LeftButton);
    mode->hidePopup();
    QTest::keyClick(mode, Qt::Key_Down);
    QCOMPARE(mode->currentIndex(), 1);
    auto* cats = w->findChild<QPlainTextEdit*>(QStringLiteral("categoriesEdit"));
    QTest::mouseClick(cats->viewport(), Qt::LeftButton);
    QTest::keyClicks(cats, QStringLiteral("astronaut"));
    QTest::keyClick(cats, Qt::Key_Return);
    QTest::keyClicks(cats, QStringLiteral("flag"));
    QTest::keyClick(cats, Qt::Key_Return);
    QTest::keyClicks(cats, QStringLiteral("cup"));
    // A low threshold, typed: the demo model's scores are low.
    auto* spin = w->findChild<QDoubleSpinBox*>(QStringLiteral("thresholdSpin"));
    typeInto(spin, QStringLiteral("0.05"));
    QCOMPARE(spin->value(), 0.05);

    // File ▸ Open folder.
    answerFileDialog(this, tmp.filePath("photos"));
    QVERIFY(menuTrigger(w, QStringLiteral("open_folder")));
    QTRY_COMPARE_WITH_TIMEOUT(listRows(w).size(), 9, 20000);
    QVERIFY(s.waitIdle());

    // Model ▸ Batch: start, cancel after the second image, resume.
    QVERIFY(menuTrigger(w, QStringLiteral("batch")));
    auto* dlg = w->findChild<QDialog*>(QStringLiteral("batchDialog"));
    QVERIFY(dlg && dlg->isVisible());
    auto* start = dlg->findChild<QPushButton*>(QStringLiteral("batchStart"));
    auto* cancel = dlg->findChild<QPushButton*>(QStringLiteral("batchCancel"));
    auto* resume = dlg->findChild<QPushButton*>(QStringLiteral("batchResume"));
    auto* status = dlg->findChild<QLabel*>(QStringLiteral("batchStatus"));
    int progressed = 0;
    auto c = connect(w, &MainWindow::batchProgress, this, [&](int done, int, const QString&, const QString&) {
      ++progressed;
      if (done == 2) QTest::mouseClick(cancel, Qt::LeftButton);
    });
    QTest::mouseClick(start, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!w->batchRunning(), 120000);
    QVERIFY2(status->text().contains(QStringLiteral("Cancelled")), qPrintable(status->text()));
    QVERIFY(progressed >= 2 && progressed < 9);
    QVERIFY(resume->isEnabled());
    QTest::mouseClick(resume, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!w->batchRunning(), 300000);
    disconnect(c);
    QVERIFY2(status->text().contains(QStringLiteral("could not be processed")), qPrintable(status->text()));
    QTest::mouseClick(dlg->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Close), Qt::LeftButton);
    QVERIFY(!dlg->isVisible());
    QApplication::setActiveWindow(w);  // what the window manager does when the dialog closes
    QVERIFY(QTest::qWaitForWindowActive(w));
    QVERIFY(s.waitIdle());
    const QStringList afterBatch = listRows(w);
    for (int r = 0; r < 9; ++r) {
      if (names[r] == QLatin1String("h_broken.jpg")) QVERIFY2(afterBatch[r].contains(QStringLiteral("cannot be read")), qPrintable(afterBatch[r]));
      else QVERIFY2(afterBatch[r].contains(QStringLiteral("predicted"), Qt::CaseInsensitive), qPrintable(afterBatch[r]));
    }

    // Image 1: move one box, delete another.
    showRow(w, 0);
    QVERIFY(w->canvas()->boxes().size() >= 3);
    const int n0 = w->canvas()->boxes().size();
    QTest::mouseClick(w->canvas()->viewport(), Qt::LeftButton, {}, QPoint(2, 2));  // focus, nothing selected
    const QRectF before = w->canvas()->boxes().last().rect;
    canvasClick(w->canvas(), before.center());
    const quint64 moved = w->canvas()->selectedId();
    QVERIFY(moved != 0);
    const QRectF movedBefore = w->canvas()->boxItem(moved)->imageRect();
    canvasDrag(w->canvas(), movedBefore.center(), movedBefore.center() + QPointF(-12, 9));
    QVERIFY(w->canvas()->boxItem(moved)->imageRect() != movedBefore);
    QTRY_VERIFY(w->windowTitle().contains(QStringLiteral("*")) || w->isWindowModified());
    const int rows0 = historyRows(w);
    canvasClick(w->canvas(), QPointF(1, 1));  // deselect (empty corner, unless a box covers it)
    canvasClick(w->canvas(), w->canvas()->boxItem(moved)->imageRect().center());
    QTest::keyClick(w->canvas(), Qt::Key_Delete);
    QCOMPARE(w->canvas()->boxes().size(), n0 - 1);
    QCOMPARE(historyRows(w), rows0 + 1);

    // Image 2: draw a box labelled "mug", relabel a model box to it, mark reviewed.
    showRow(w, 1);
    auto* label = w->findChild<QComboBox*>(QStringLiteral("labelCombo"));
    label->lineEdit()->selectAll();
    QTest::keyClicks(label->lineEdit(), QStringLiteral("mug"));
    QTest::mouseClick(w->canvas()->viewport(), Qt::LeftButton, {}, QPoint(2, 2));
    const int n1 = w->canvas()->boxes().size();
    QTest::keyClick(w->canvas(), Qt::Key_R);
    canvasDrag(w->canvas(), QPointF(40, 40), QPointF(140, 110));
    QCOMPARE(w->canvas()->boxes().size(), n1 + 1);
    QCOMPARE(boxList(w)->currentItem()->text(0), QStringLiteral("mug"));
    QTest::keyClick(w->canvas(), Qt::Key_V);  // back to the select tool
    // Relabel the first model box: select it in the Boxes list, Ctrl+E, type, Enter.
    QTreeWidgetItem* modelRow = nullptr;
    for (int i = 0; i < boxList(w)->topLevelItemCount(); ++i)
      if (boxList(w)->topLevelItem(i)->text(0) != QLatin1String("mug")) modelRow = boxList(w)->topLevelItem(i);
    QVERIFY(modelRow);
    QTest::mouseClick(boxList(w)->viewport(), Qt::LeftButton, {}, boxList(w)->visualItemRect(modelRow).center());
    whenModal<QDialog>(this, [](QDialog* d) {
      auto* search = d->findChild<QLineEdit*>(QStringLiteral("labelSearch"));
      QVERIFY(search);
      QTest::keyClicks(search, QStringLiteral("mug"));
      QTest::keyClick(search, Qt::Key_Return);
    });
    pressShortcut(w, w->action("relabel")->shortcut());
    QVERIFY(s.waitIdle());
    int mugs = 0;
    for (int i = 0; i < boxList(w)->topLevelItemCount(); ++i) mugs += boxList(w)->topLevelItem(i)->text(0) == QLatin1String("mug");
    QCOMPARE(mugs, 2);
    pressShortcut(w, w->action("mark_reviewed")->shortcut());
    QVERIFY(listRows(w)[1].contains(QStringLiteral("reviewed"), Qt::CaseInsensitive));

    // Image 3: select all, Ctrl+click one off again, delete the others in one step.
    showRow(w, 2);
    const int n2 = w->canvas()->boxes().size();
    QVERIFY(n2 >= 3);
    QTest::mouseClick(w->canvas()->viewport(), Qt::LeftButton, {}, QPoint(2, 2));
    pressShortcut(w->canvas(), QKeySequence::SelectAll);
    QCOMPARE(w->canvas()->selectedIds().size(), n2);
    QCOMPARE(boxList(w)->selectedItems().size(), n2);
    const quint64 keep = w->canvas()->selectedId();
    QTest::mouseClick(boxList(w)->viewport(), Qt::LeftButton, Qt::ControlModifier,
                      boxList(w)->visualItemRect(boxList(w)->currentItem()).center());  // Ctrl+click: off again
    QCOMPARE(w->canvas()->selectedIds().size(), n2 - 1);
    QVERIFY(!w->canvas()->selectedIds().contains(keep));
    const int rows2 = historyRows(w);
    QTest::keyClick(w->canvas(), Qt::Key_Delete);
    QCOMPARE(w->canvas()->boxes().size(), 1);
    QCOMPARE(historyRows(w), rows2 + 1);  // one undo step for all of them
    QVERIFY(listRows(w)[2].contains(QStringLiteral("edited"), Qt::CaseInsensitive));

    // Image 4 (grayscale): no boxes at all, reviewed.
    showRow(w, 3);
    QTest::mouseClick(w->canvas()->viewport(), Qt::LeftButton, {}, QPoint(2, 2));
    pressShortcut(w->canvas(), QKeySequence::SelectAll);
    QTest::keyClick(w->canvas(), Qt::Key_Delete);
    QCOMPARE(w->canvas()->boxes().size(), 0);
    pressShortcut(w, w->action("mark_reviewed")->shortcut());
    const QStringList firstRows = listRows(w);
    QVERIFY(firstRows[3].contains(QStringLiteral("reviewed"), Qt::CaseInsensitive));

    // File ▸ Export COCO into another folder; the unreadable file is reported and left out.
    QDir().mkpath(tmp.filePath("out"));
    const QString exported = tmp.filePath("out/labels.json");
    answerFileDialog(this, exported);
    QString leftOut;
    whenModal<QMessageBox>(this, [&](QMessageBox* m) {
      leftOut = m->text();
      m->accept();
    }, 60000);
    QVERIFY(menuTrigger(w, QStringLiteral("export_coco")));
    QTRY_VERIFY(QFileInfo::exists(exported));
    QTRY_VERIFY(!leftOut.isEmpty());
    QVERIFY2(leftOut.contains(QStringLiteral("h_broken.jpg")), qPrintable(leftOut));
    const QString problems = glip::studio::CocoExchange::strictProblems(exported).join(QLatin1Char('\n'));
    QVERIFY2(problems.isEmpty(), qPrintable(problems));
    const QJsonObject coco = readJson(exported);
    QCOMPARE(coco["images"].toArray().size(), 8);
    QStringList catNames;
    for (const QJsonValue& v : coco["categories"].toArray()) catNames << v["name"].toString();
    QVERIFY(catNames.contains(QStringLiteral("mug")));
    const QStringList firstAnnotations = annotationLines(coco);
    QVERIFY(firstAnnotations.size() > 10);

    // A new studio imports the file (File ▸ Import COCO): the same rows, and the same annotations exported again.
    Studio t(tmp.filePath("second"));
    MainWindow* w2 = t.window.get();
    QVERIFY(QTest::qWaitForWindowExposed(w2));
    w2->action("auto_run")->setChecked(false);
    answerFileDialog(this, exported);
    QVERIFY(menuTrigger(w2, QStringLiteral("import_coco")));
    QTRY_COMPARE_WITH_TIMEOUT(listRows(w2).size(), 8, 20000);
    QStringList expectedRows = firstRows;
    expectedRows.removeAt(int(names.indexOf(QStringLiteral("h_broken.jpg"))));
    QCOMPARE(listRows(w2), expectedRows);
    const QString again = tmp.filePath("out/again.json");
    answerFileDialog(this, again);
    QVERIFY(menuTrigger(w2, QStringLiteral("export_coco")));
    QTRY_VERIFY(QFileInfo::exists(again));
    QCOMPARE(annotationLines(readJson(again)), firstAnnotations);
  }
};

QTEST_MAIN(TestJourneyLabelFolder)
#include "test_journey_label_folder.moc"
