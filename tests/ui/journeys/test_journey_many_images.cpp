// What a person labelling many images reaches for: the image counter and Shift+D (next unreviewed), copy/paste of
// boxes onto another image (one undo step), hiding boxes (H) and labels (L), captions that stay inside the image,
// and File ▸ Save as / Close / Recent projects.
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLineEdit>
#include <QLabel>
#include <QMenu>
#include <QPlainTextEdit>
#include <QTreeWidget>
#include <QUndoView>

#include "journey.h"
#include "ui/studio/box_item.h"

using namespace journey;

namespace {
int historyRows(MainWindow* w) { return w->findChild<QUndoView*>(QStringLiteral("undoView"))->model()->rowCount(); }
QTreeWidget* boxList(MainWindow* w) { return w->findChild<QTreeWidget*>(QStringLiteral("boxList")); }
QString counter(MainWindow* w) { return w->findChild<QLabel*>(QStringLiteral("imageCounter"))->text(); }
}  // namespace

class TestJourneyManyImages : public QObject {
  Q_OBJECT
  QTemporaryDir tmp;

 private slots:
  void comfortsOfALongSession() {
    QDir().mkpath(tmp.filePath("photos"));
    const QImage astro(goldenImage("astronaut.png")), coffee(goldenImage("coffee.png"));
    QVERIFY(astro.save(tmp.filePath("photos/1.png")));
    QVERIFY(coffee.save(tmp.filePath("photos/2.png")));
    QVERIFY(astro.scaled(200, 150).save(tmp.filePath("photos/3.png")));
    Studio s(tmp.filePath("studio"));
    MainWindow* w = s.window.get();
    QVERIFY(QTest::qWaitForWindowActive(w));
    auto* caption = w->findChild<QPlainTextEdit*>(QStringLiteral("captionEdit"));
    QTest::mouseClick(caption->viewport(), Qt::LeftButton);
    QTest::keyClicks(caption, QStringLiteral("an astronaut next to a flag"));
    auto* spin = w->findChild<QDoubleSpinBox*>(QStringLiteral("thresholdSpin"));
    typeInto(spin, QStringLiteral("0"));
    answerFileDialog(this, tmp.filePath("photos"));
    QVERIFY(menuTrigger(w, QStringLiteral("open_folder")));
    QTRY_COMPARE_WITH_TIMEOUT(listRows(w).size(), 3, 20000);
    QVERIFY(s.waitIdle());
    QCOMPARE(counter(w), QStringLiteral("Image 1 / 3 · 0 reviewed"));

    // Copy two boxes, paste them on the next image: one undo step, manual boxes.
    QTest::mouseClick(w->canvas()->viewport(), Qt::LeftButton, {}, QPoint(2, 2));
    const QVector<glip::studio::CanvasBox> shown = w->canvas()->boxes();
    QVERIFY(shown.size() >= 2);
    QTest::mouseClick(boxList(w)->viewport(), Qt::LeftButton, {}, boxList(w)->visualItemRect(boxList(w)->topLevelItem(0)).center());
    QTest::mouseClick(boxList(w)->viewport(), Qt::LeftButton, Qt::ControlModifier,
                      boxList(w)->visualItemRect(boxList(w)->topLevelItem(1)).center());
    QCOMPARE(w->canvas()->selectedIds().size(), 2);
    pressShortcut(w->canvas(), QKeySequence::Copy);
    QTest::keyClick(w->canvas(), Qt::Key_D);
    QVERIFY(s.waitIdle());
    QCOMPARE(counter(w), QStringLiteral("Image 2 / 3 · 0 reviewed"));
    const int before = w->canvas()->boxes().size(), rows = historyRows(w);
    pressShortcut(w->canvas(), QKeySequence::Paste);
    QCOMPARE(w->canvas()->boxes().size(), before + 2);
    QCOMPARE(historyRows(w), rows + 1);
    QCOMPARE(w->canvas()->selectedIds().size(), 2);
    for (quint64 id : w->canvas()->selectedIds()) {
      const QRectF r = w->canvas()->boxItem(id)->imageRect();
      QVERIFY(QRectF(QPointF(0, 0), QSizeF(w->canvas()->imageSize())).contains(r));
      QCOMPARE(w->canvas()->boxItem(id)->box().origin, glip::studio::BoxOrigin::Manual);
    }
    pressShortcut(w, w->action("undo")->shortcut());
    QCOMPARE(w->canvas()->boxes().size(), before);

    // H hides the boxes (they cannot be picked), L the labels.
    QTest::keyClick(w->canvas(), Qt::Key_H);
    for (const auto& b : w->canvas()->boxes()) QVERIFY(!w->canvas()->boxItem(b.id)->isVisible());
    canvasClick(w->canvas(), w->canvas()->boxes().first().rect.center());
    QCOMPARE(w->canvas()->selectedIds().size(), 0);
    QTest::keyClick(w->canvas(), Qt::Key_H);
    QTest::keyClick(w->canvas(), Qt::Key_L);
    for (const auto& b : w->canvas()->boxes()) {
      QVERIFY(w->canvas()->boxItem(b.id)->isVisible());
      QVERIFY(!w->canvas()->boxItem(b.id)->captionVisible());
    }
    QTest::keyClick(w->canvas(), Qt::Key_L);

    // A box drawn at the image's top-right corner: its caption stays inside the image.
    QTest::keyClick(w->canvas(), Qt::Key_R);
    const QSizeF size(w->canvas()->imageSize());
    canvasDrag(w->canvas(), QPointF(size.width() - 30, 0), QPointF(size.width(), 25));
    QTest::keyClick(w->canvas(), Qt::Key_V);
    const QRectF cap = w->canvas()->boxItem(w->canvas()->selectedId())->captionRect();
    QVERIFY2(QRectF(QPointF(0, 0), size).contains(cap), qPrintable(QStringLiteral("%1,%2 %3x%4").arg(cap.x()).arg(cap.y()).arg(cap.width()).arg(cap.height())));

    // Reviewed; Shift+D skips reviewed images.
    pressShortcut(w, w->action("mark_reviewed")->shortcut());
    QCOMPARE(counter(w), QStringLiteral("Image 2 / 3 · 1 reviewed"));
    pressShortcut(w, w->action("next_unreviewed")->shortcut());
    QVERIFY(s.waitIdle());
    QCOMPARE(counter(w), QStringLiteral("Image 3 / 3 · 1 reviewed"));
    pressShortcut(w, w->action("next_unreviewed")->shortcut());
    QVERIFY(s.waitIdle());
    QCOMPARE(counter(w), QStringLiteral("Image 1 / 3 · 1 reviewed"));

    // Save as, Close, then Recent projects brings it back.
    const QString project = tmp.filePath("labels.glipstudio");
    answerFileDialog(this, project);
    pressShortcut(w, w->action("save_project_as")->shortcut());
    QTRY_VERIFY(QFileInfo::exists(project));
    QVERIFY(menuTrigger(w, QStringLiteral("close_project")));
    QCOMPARE(listRows(w).size(), 0);
    QVERIFY(w->windowTitle().startsWith(QStringLiteral("Untitled project")));
    QVERIFY(w->canvas()->message().contains(QStringLiteral("drop")));
    auto* recent = w->findChild<QMenu*>(QStringLiteral("recentMenu"));
    QVERIFY(recent);
    emit recent->aboutToShow();
    QAction* entry = nullptr;
    for (QAction* a : recent->actions())
      if (a->text() == QLatin1String("labels.glipstudio")) entry = a;
    QVERIFY(entry && entry->isEnabled());
    entry->trigger();
    QTRY_COMPARE(listRows(w).size(), 3);
    QVERIFY(listRows(w)[1].contains(QStringLiteral("reviewed"), Qt::CaseInsensitive));

    // The image list: search by file name, filter by status; A/D walk the listed images only.
    auto* search = w->findChild<QLineEdit*>(QStringLiteral("imageSearch"));
    auto* show = w->findChild<QComboBox*>(QStringLiteral("imageFilter"));
    QVERIFY(search && show);
    QTest::mouseClick(search, Qt::LeftButton);
    QTest::keyClicks(search, QStringLiteral("3"));
    QCOMPARE(counter(w), QStringLiteral("Image 1 / 3 · 1 reviewed"));  // filtering does not change the image
    QCOMPARE(listRows(w).size(), 1);
    QVERIFY(listRows(w)[0].startsWith(QStringLiteral("3.png")));
    search->clear();
    QCOMPARE(listRows(w).size(), 3);
    QTest::mouseClick(show, Qt::LeftButton);
    show->hidePopup();
    while (show->currentText() != QLatin1String("Reviewed") && show->currentIndex() + 1 < show->count())
      QTest::keyClick(show, Qt::Key_Down);
    QCOMPARE(listRows(w).size(), 1);
    QVERIFY(listRows(w)[0].startsWith(QStringLiteral("2.png")));
    QCOMPARE(show->itemText(show->currentIndex()), QStringLiteral("Reviewed"));
    QTest::mouseClick(w->canvas()->viewport(), Qt::LeftButton, {}, QPoint(2, 2));
    pressShortcut(w->canvas(), QKeySequence(Qt::Key_D));  // from image 1 (not listed): the next listed one, image 2
    QVERIFY(s.waitIdle());
    QCOMPARE(counter(w), QStringLiteral("Image 2 / 3 · 1 reviewed"));
    QCOMPARE(listCurrentRow(w), 0);
    QVERIFY(!w->action("next_image")->isEnabled());  // nothing listed after it
    while (show->currentIndex() > 0) QTest::keyClick(show, Qt::Key_Up);
    QCOMPARE(listRows(w).size(), 3);
    QCOMPARE(listCurrentRow(w), 1);
  }
};

QTEST_MAIN(TestJourneyManyImages)
#include "test_journey_many_images.moc"
