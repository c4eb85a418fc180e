// Journey 5: a folder is opened through File ▸ Open folder; D / A step through the images and the Images list
// follows (current and highlighted row, title, canvas); an unreadable image shows why on the canvas instead of the
// previous image, with an empty Boxes list and no editing; a click on its row does the same.
#include <QComboBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QListView>
#include <QMimeData>
#include <QUrl>
#include <QPushButton>
#include <QTreeWidget>

#include "journey.h"

using namespace journey;

class TestJourneyNavigation : public QObject {
  Q_OBJECT
  QTemporaryDir tmp;

 private slots:
  void aAndDKeepTheListInSync() {
    const QStringList names = makeImageFolder(tmp.filePath("photos"));
    QCOMPARE(names.size(), 9);
    Studio s(tmp.path());
    MainWindow* w = s.window.get();
    QVERIFY(QTest::qWaitForWindowActive(w));
    // The empty canvas tells what to do.
    QVERIFY(w->canvas()->message().contains(QStringLiteral("drop")));

    answerFileDialog(this, tmp.filePath("photos"));
    pressShortcut(w, w->action("open_folder")->shortcut());
    QTRY_COMPARE_WITH_TIMEOUT(listRows(w).size(), 9, 20000);
    QVERIFY(s.waitIdle());
    auto* list = w->findChild<QListView*>(QStringLiteral("imageList"));
    auto* boxes = w->findChild<QTreeWidget*>(QStringLiteral("boxList"));

    auto check = [&](int row) {
      QCOMPARE(listCurrentRow(w), row);
      QVERIFY2(list->selectionModel()->isSelected(list->model()->index(row, 0)), "the row is highlighted");
      QCOMPARE(list->selectionModel()->selectedIndexes().size(), 1);
      QVERIFY2(w->windowTitle().startsWith(names[row]), qPrintable(w->windowTitle()));
      const bool broken = names[row] == QLatin1String("h_broken.jpg");
      QCOMPARE(w->canvas()->hasImage(), !broken);
      if (broken) {
        QVERIFY2(w->canvas()->message().contains(QStringLiteral("h_broken.jpg")), qPrintable(w->canvas()->message()));
        QVERIFY(w->canvas()->message().contains(QStringLiteral("Cannot read")));
        QCOMPARE(boxes->topLevelItemCount(), 0);
        QVERIFY(!w->action("tool_box")->isEnabled() || w->canvas()->boxes().isEmpty());
        QVERIFY(!w->action("mark_reviewed")->isEnabled());
        QVERIFY(!w->action("run")->isEnabled());
      } else {
        QCOMPARE(w->canvas()->imageSize(), QImageReader(tmp.filePath("photos/" + names[row])).size());
      }
    };
    check(0);
    QTest::mouseClick(w->canvas()->viewport(), Qt::LeftButton, {}, QPoint(5, 5));
    for (int i = 1; i < names.size(); ++i) {
      QTest::keyClick(w->canvas(), Qt::Key_D);
      QVERIFY(s.waitIdle());
      check(i);
    }
    QTest::keyClick(w->canvas(), Qt::Key_D);  // past the end: stays
    check(names.size() - 1);
    QTest::keyClick(w->canvas(), Qt::Key_A);
    QVERIFY(s.waitIdle());
    check(names.size() - 2);  // h_broken.jpg
    QTest::keyClick(w->canvas(), Qt::Key_A);
    QVERIFY(s.waitIdle());
    check(names.size() - 3);

    // A click on a row: the unreadable one, then a readable one.
    const int brokenRow = int(names.indexOf(QStringLiteral("h_broken.jpg")));
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, list->visualRect(list->model()->index(brokenRow, 0)).center());
    QVERIFY(s.waitIdle());
    check(brokenRow);
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, list->visualRect(list->model()->index(1, 0)).center());
    QVERIFY(s.waitIdle());
    check(1);
    QVERIFY2(listRows(w)[brokenRow].contains(QStringLiteral("cannot be read")), qPrintable(listRows(w)[brokenRow]));
  }

  // Files and folders dragged from a file manager onto the empty canvas are opened (the hint says so).
  void dropFilesAndFoldersOnTheCanvas() {
    QTemporaryDir dir;
    makeImageFolder(dir.filePath("dropped"));
    Studio s(dir.filePath("studio"));
    MainWindow* w = s.window.get();
    QVERIFY(QTest::qWaitForWindowExposed(w));
    QVERIFY(w->canvas()->message().contains(QStringLiteral("drop")));
    QMimeData data;
    data.setUrls({QUrl::fromLocalFile(dir.filePath("dropped")), QUrl::fromLocalFile(goldenImage("coffee.png"))});
    const QPoint at = w->canvas()->viewport()->rect().center();
    QDragEnterEvent enter(at, Qt::CopyAction, &data, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(w->canvas()->viewport(), &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(at), Qt::CopyAction, &data, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(w->canvas()->viewport(), &drop);
    QTRY_COMPARE(listRows(w).size(), 10);  // the folder's 9 files and the dropped image
    QVERIFY(w->canvas()->hasImage());
  }

  // Model ▸ Choose model: GLIP-T without its weights cannot load; the studio says so plainly (banner, status bar)
  // and uses the demo model instead: never a silent fallback.
  void glipTWithoutWeightsSaysSo() {
    QTemporaryDir dir;
    Studio s(dir.path());
    MainWindow* w = s.window.get();
    QVERIFY(QTest::qWaitForWindowActive(w));
    QVERIFY(s.waitIdle());
    auto* banner = w->findChild<QWidget*>(QStringLiteral("demoBanner"));
    QVERIFY(banner->isVisible());
    const QString glipT = QString::fromStdString(glip::test::source_path("models/glip_Swin_T_O365_GoldG.yaml"));
    whenModal<QDialog>(this, [&](QDialog* d) {
      auto* config = d->findChild<QComboBox*>(QStringLiteral("modelConfig"));
      auto* weights = d->findChild<QLineEdit*>(QStringLiteral("modelWeights"));
      QVERIFY(config && weights);
      config->lineEdit()->selectAll();
      config->lineEdit()->insert(glipT);
      weights->clear();
      QTest::mouseClick(d->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok), Qt::LeftButton);
    });
    QVERIFY(menuTrigger(w, QStringLiteral("choose_model")));
    QTRY_VERIFY_WITH_TIMEOUT(!w->modelError().isEmpty(), 120000);
    QVERIFY(s.waitIdle());
    QVERIFY(w->isDemoModel());
    QVERIFY(banner->isVisible());
    const QString text = banner->findChild<QLabel*>()->text();
    QVERIFY2(text.contains(QStringLiteral("glip_Swin_T_O365_GoldG.yaml")) && text.contains(QStringLiteral("could not be loaded")) &&
                 text.contains(QStringLiteral("demo model")),
             qPrintable(text));
    QVERIFY2(w->modelError().contains(QStringLiteral("glip_Swin_T_O365_GoldG.yaml")), qPrintable(w->modelError()));
  }
};

QTEST_MAIN(TestJourneyNavigation)
#include "test_journey_navigation.moc"
