// Journey 4: the Inspector is opened from the View menu, every view is shown (a click on each tab), it is closed
// again: no overlay is left on the canvas (also on the next image), and the canvas shows the same pixels as before
// it was opened. With the Inspector open the window can be made 1024x700.
#include <QGraphicsItem>
#include <QGraphicsPixmapItem>
#include <QGraphicsScene>
#include <QPlainTextEdit>
#include <QTabBar>
#include <QTabWidget>

#include "journey.h"
#include "ui/inspect/inspector_dock.h"
#include "ui/studio/box_item.h"

using namespace journey;

namespace {
// Visible scene items that paint something and are neither the image nor a box.
QStringList foreignItems(glip::studio::CanvasView* c) {
  QStringList out;
  for (QGraphicsItem* it : c->scene()->items()) {
    if (!it->isVisible() || it->parentItem()) continue;
    if (dynamic_cast<QGraphicsPixmapItem*>(it) && it->zValue() == 0) continue;  // the image
    if (dynamic_cast<glip::studio::BoxItem*>(it)) continue;
    bool paintsChildren = false;
    for (QGraphicsItem* c : it->childItems()) paintsChildren = paintsChildren || c->isVisible();
    if (it->boundingRect().isEmpty() && !paintsChildren) continue;  // an empty layer paints nothing
    out << QStringLiteral("type %1 z %2").arg(it->type()).arg(it->zValue());
  }
  return out;
}
}  // namespace

class TestJourneyInspector : public QObject {
  Q_OBJECT
  QTemporaryDir tmp;

 private slots:
  void openEveryViewCloseNothingLeft() {
    Studio s(tmp.path());
    MainWindow* w = s.window.get();
    QVERIFY(QTest::qWaitForWindowActive(w));
    auto* caption = w->findChild<QPlainTextEdit*>(QStringLiteral("captionEdit"));
    QTest::mouseClick(caption->viewport(), Qt::LeftButton);
    QTest::keyClicks(caption, QStringLiteral("an astronaut holding a helmet next to a flag"));
    answerFileDialog(this, goldenImage("astronaut.png"));
    pressShortcut(w, w->action("open_images")->shortcut());
    QTRY_COMPARE_WITH_TIMEOUT(listRows(w).size(), 1, 20000);
    QVERIFY(s.waitIdle());
    QVERIFY2(foreignItems(w->canvas()).isEmpty(), qPrintable(foreignItems(w->canvas()).join(", ")));
    const QImage before = w->canvas()->viewport()->grab().toImage();

    // View ▸ Inspector.
    QAction* toggle = w->inspector()->toggleViewAction();
    bool inViewMenu = false;
    for (QAction* top : w->menuBar()->actions())
      if (top->menu() && top->menu()->actions().contains(toggle)) inViewMenu = true;
    QVERIFY(inViewMenu);
    toggle->trigger();
    QVERIFY(s.waitIdle());
    QVERIFY(w->inspector()->isVisible());
    QTRY_VERIFY(w->inspector()->snapshot() != nullptr);
    auto* tabs = w->inspector()->findChild<QTabWidget*>();
    QCOMPARE(tabs->count(), 8);
    for (int i = 0; i < tabs->count(); ++i) {
      QTest::mouseClick(tabs->tabBar(), Qt::LeftButton, {}, tabs->tabBar()->tabRect(i).center());
      QVERIFY(s.waitIdle());
      QCOMPARE(tabs->currentIndex(), i);
    }
    QTest::mouseClick(tabs->tabBar(), Qt::LeftButton, {}, tabs->tabBar()->tabRect(0).center());  // the heatmap
    QVERIFY(s.waitIdle());
    QVERIFY2(!foreignItems(w->canvas()).isEmpty(), "the heatmap is drawn on the canvas while the Inspector is open");

    // 1024x700 with the Inspector open.
    w->resize(1024, 700);
    QTRY_COMPARE(w->size(), QSize(1024, 700));
    QVERIFY2(w->minimumSizeHint().height() <= 700, qPrintable(QString::number(w->minimumSizeHint().height())));
    w->resize(1200, 800);
    QTRY_COMPARE(w->size(), QSize(1200, 800));

    // Close it (View ▸ Inspector again): nothing of it stays on the canvas, now or on the next image.
    toggle->trigger();
    QVERIFY(s.waitIdle());
    QVERIFY(!w->inspector()->isVisible());
    QVERIFY2(foreignItems(w->canvas()).isEmpty(), qPrintable(foreignItems(w->canvas()).join(", ")));
    QCOMPARE(w->canvas()->viewport()->grab().toImage(), before);
    answerFileDialog(this, goldenImage("coffee.png"));
    pressShortcut(w, w->action("open_images")->shortcut());
    QTRY_COMPARE_WITH_TIMEOUT(listRows(w).size(), 2, 20000);
    QVERIFY(s.waitIdle());
    QVERIFY2(foreignItems(w->canvas()).isEmpty(), qPrintable(foreignItems(w->canvas()).join(", ")));
  }
};

QTEST_MAIN(TestJourneyInspector)
#include "test_journey_inspector.moc"
