// CanvasView: the one image<->view mapping, fit, Ctrl+wheel zoom under the cursor, pan (Space+drag, middle
// button), box creation (R tool), select/move/resize with handles and arrow-key nudges. Mouse input is sent as
// real QMouseEvents to the viewport; expected image coordinates come from the view's own mapping.
#include <QScrollBar>
#include <QSignalSpy>
#include <QtTest>

#include "ui/studio/box_item.h"
#include "ui/studio/canvas_tools.h"
#include "ui/studio/canvas_view.h"

using namespace glip::studio;

namespace {
void mouse(QWidget* w, QEvent::Type type, QPointF pos, Qt::MouseButton button, Qt::MouseButtons buttons,
           Qt::KeyboardModifiers mods = Qt::NoModifier) {
  QMouseEvent e(type, pos, w->mapToGlobal(pos), button, buttons, mods);
  QApplication::sendEvent(w, &e);
}
void drag(CanvasView& v, QPointF a, QPointF b, Qt::MouseButton button = Qt::LeftButton) {
  QWidget* vp = v.viewport();
  mouse(vp, QEvent::MouseButtonPress, a, button, button);
  mouse(vp, QEvent::MouseMove, (a + b) / 2, Qt::NoButton, button);
  mouse(vp, QEvent::MouseMove, b, Qt::NoButton, button);
  mouse(vp, QEvent::MouseButtonRelease, b, button, Qt::NoButton);
}
void key(QWidget* w, QEvent::Type type, int k, Qt::KeyboardModifiers mods = Qt::NoModifier, bool repeat = false) {
  QKeyEvent e(type, k, mods, QString(), repeat);
  QApplication::sendEvent(w, &e);
}
bool near(QPointF a, QPointF b, double tol = 1e-6) { return std::abs(a.x() - b.x()) <= tol && std::abs(a.y() - b.y()) <= tol; }
bool near(QRectF a, QRectF b, double tol = 1e-6) { return near(a.topLeft(), b.topLeft(), tol) && near(a.bottomRight(), b.bottomRight(), tol); }
}  // namespace

class TestStudioCanvas : public QObject {
  Q_OBJECT
  std::unique_ptr<CanvasView> v;

 private slots:
  void init() {
    v = std::make_unique<CanvasView>();
    v->resize(800, 600);
    v->show();
    QVERIFY(QTest::qWaitForWindowExposed(v.get()));
    QImage img(640, 480, QImage::Format_RGB32);
    img.fill(Qt::darkGreen);
    v->setImage(img);
  }
  void cleanup() { v.reset(); }

  void fitShowsTheWholeImage() {
    QVERIFY(v->fitMode());
    const QRectF shown = v->imageToView(QRectF(0, 0, 640, 480));
    const QRectF vp = v->viewport()->rect();
    QVERIFY2(vp.adjusted(-1, -1, 1, 1).contains(shown), "fit: the image lies inside the viewport");
    // One side touches the viewport (within a pixel): the largest scale that fits.
    QVERIFY(std::abs(shown.width() - vp.width()) <= 1.0 || std::abs(shown.height() - vp.height()) <= 1.0);
  }

  void mappingRoundTrips() {
    for (QPointF p : {QPointF(0, 0), QPointF(123.25, 77.5), QPointF(640, 480)})
      QVERIFY(near(v->viewToImage(v->imageToView(p)), p, 1e-9));
    v->setZoom(3.0, QPointF(100, 100));
    for (QPointF p : {QPointF(0, 0), QPointF(123.25, 77.5)}) QVERIFY(near(v->viewToImage(v->imageToView(p)), p, 1e-9));
  }

  void zoomIsHighDpiAwareAndAnchored() {
    v->actualSize();
    QCOMPARE(v->zoom(), 1.0);  // one image pixel per device pixel
    QVERIFY(!v->fitMode());
    QCOMPARE(v->transform().m11(), 1.0 / v->devicePixelRatioF());
    // Ctrl+wheel: the image point under the cursor stays under it (once the image is larger than the view;
    // smaller images are centred).
    v->setZoom(2.0);
    const QPointF cursor(300, 200);
    const QPointF before = v->viewToImage(cursor);
    QWheelEvent w(cursor, v->viewport()->mapToGlobal(cursor), QPoint(), QPoint(0, 120), Qt::NoButton,
                  Qt::ControlModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(v->viewport(), &w);
    QCOMPARE(v->zoom(), 2.5);
    QVERIFY2(near(v->viewToImage(cursor), before, 0.5 / 2.5 + 1e-9), "anchored within one scroll step rounding");
    v->fitToWindow();
    QVERIFY(v->fitMode());
  }

  void panWithSpaceAndMiddleButton() {
    v->setZoom(4.0);
    const int h0 = v->horizontalScrollBar()->value(), v0 = v->verticalScrollBar()->value();
    drag(*v, QPointF(400, 300), QPointF(350, 260), Qt::MiddleButton);
    QCOMPARE(v->horizontalScrollBar()->value(), h0 + 50);
    QCOMPARE(v->verticalScrollBar()->value(), v0 + 40);
    // Space + left drag pans and creates nothing.
    QSignalSpy created(v.get(), &CanvasView::boxCreated);
    v->setTool(CanvasView::Tool::CreateBox);
    key(v.get(), QEvent::KeyPress, Qt::Key_Space);
    QVERIFY(v->spaceHeld());
    drag(*v, QPointF(400, 300), QPointF(420, 310));
    key(v.get(), QEvent::KeyRelease, Qt::Key_Space);
    QVERIFY(!v->spaceHeld());
    QCOMPARE(v->horizontalScrollBar()->value(), h0 + 50 - 20);
    QCOMPARE(v->verticalScrollBar()->value(), v0 + 40 - 10);
    QCOMPARE(created.size(), 0);
  }

  void createBoxWithTheBoxTool() {
    QSignalSpy created(v.get(), &CanvasView::boxCreated);
    v->setTool(CanvasView::Tool::CreateBox);
    const QPointF a = v->imageToView(QPointF(10, 20)), b = v->imageToView(QPointF(110, 220));
    drag(*v, a, b);
    QCOMPARE(created.size(), 1);
    const QRectF r = created[0][0].toRectF();
    QVERIFY(near(r, QRectF(v->viewToImage(a), v->viewToImage(b)), 1e-9));
    QVERIFY(near(r, QRectF(QPointF(10, 20), QPointF(110, 220)), 1.0));
    // Dragging out of the image clamps to it; a click without a drag creates nothing.
    drag(*v, v->imageToView(QPointF(600, 400)), v->imageToView(QPointF(700, 560)));
    QCOMPARE(created.size(), 2);
    QCOMPARE(created[1][0].toRectF().bottomRight(), QPointF(640, 480));
    drag(*v, a, a);
    QCOMPARE(created.size(), 2);
  }

  void selectMoveResizeAndNudge() {
    CanvasBox b;
    b.id = 7;
    b.rect = QRectF(QPointF(100, 100), QPointF(200, 180));
    b.label = "cat";
    b.score = 0.8;
    b.origin = BoxOrigin::Model;
    CanvasBox small = b;
    small.id = 8;
    small.rect = QRectF(QPointF(120, 120), QPointF(140, 140));  // inside b: the smaller one wins a click
    v->setBoxes({b, small});
    QSignalSpy geom(v.get(), &CanvasView::boxGeometryChanged);
    QSignalSpy sel(v.get(), &CanvasView::selectionChanged);

    // Click on the small box selects it.
    const QPointF c = v->imageToView(QPointF(130, 130));
    drag(*v, c, c);
    QCOMPARE(v->selectedId(), quint64(8));
    QCOMPARE(geom.size(), 0);
    // Move box 7 by dragging inside it (away from box 8).
    const QPointF s = v->imageToView(QPointF(180, 170)), e = v->imageToView(QPointF(200, 160));
    drag(*v, s, e);
    QCOMPARE(v->selectedId(), quint64(7));
    QCOMPARE(geom.size(), 1);
    const QPointF d = v->viewToImage(e) - v->viewToImage(s);
    QCOMPARE(geom[0][0].value<quint64>(), quint64(7));
    QVERIFY(near(geom[0][1].toRectF(), b.rect));
    QVERIFY(near(geom[0][2].toRectF(), b.rect.translated(d), 1e-9));
    QRectF now = geom[0][2].toRectF();
    // Resize with the bottom-right handle.
    const QPointF h = v->imageToView(now.bottomRight()), h2 = h + QPointF(30, 15);
    SelectTool probe(v.get());
    QCOMPARE(probe.hitTest(now, h), SelectTool::BottomRight);
    drag(*v, h, h2);
    QCOMPARE(geom.size(), 2);
    const QPointF dd = v->viewToImage(h2) - v->viewToImage(h);
    QVERIFY(near(geom[1][2].toRectF(), QRectF(now.topLeft(), now.bottomRight() + dd), 1e-9));
    now = geom[1][2].toRectF();
    // Arrow keys nudge by 1 image pixel, Shift+arrow by 10.
    key(v.get(), QEvent::KeyPress, Qt::Key_Right);
    key(v.get(), QEvent::KeyPress, Qt::Key_Down, Qt::ShiftModifier);
    QCOMPARE(geom.size(), 4);
    QVERIFY(near(geom[2][2].toRectF(), now.translated(1, 0), 1e-9));
    QVERIFY(near(geom[3][2].toRectF(), now.translated(1, 10), 1e-9));
    // Escape clears the selection; clicking on empty image clears it too.
    key(v.get(), QEvent::KeyPress, Qt::Key_Escape);
    QCOMPARE(v->selectedId(), quint64(0));
    QVERIFY(sel.size() >= 3);
  }

  // Several boxes: a rubber band selects the boxes it touches, Ctrl+click toggles one, Ctrl+A all; a drag of one of
  // them moves the whole group (one boxesMoved on release, every box by the same delta); arrow keys nudge the group.
  void multiSelection() {
    QVector<CanvasBox> boxes;
    const QRectF rects[3] = {QRectF(50, 50, 60, 40), QRectF(150, 60, 50, 50), QRectF(400, 300, 80, 60)};
    for (int i = 0; i < 3; ++i) {
      CanvasBox b;
      b.id = quint64(i + 1);
      b.rect = rects[i];
      b.label = QStringLiteral("b%1").arg(i);
      boxes << b;
    }
    v->setBoxes(boxes);
    // Rubber band from empty canvas around boxes 1 and 2.
    drag(*v, v->imageToView(QPointF(30, 30)), v->imageToView(QPointF(220, 130)));
    QList<quint64> sel = v->selectedIds();
    std::sort(sel.begin(), sel.end());
    QCOMPARE(sel, (QList<quint64>{1, 2}));
    // Ctrl+click box 3: added; Ctrl+click box 1: removed.
    const QPointF c3 = v->imageToView(rects[2].center()), c1 = v->imageToView(rects[0].center());
    mouse(v->viewport(), QEvent::MouseButtonPress, c3, Qt::LeftButton, Qt::LeftButton, Qt::ControlModifier);
    mouse(v->viewport(), QEvent::MouseButtonRelease, c3, Qt::LeftButton, Qt::NoButton, Qt::ControlModifier);
    mouse(v->viewport(), QEvent::MouseButtonPress, c1, Qt::LeftButton, Qt::LeftButton, Qt::ControlModifier);
    mouse(v->viewport(), QEvent::MouseButtonRelease, c1, Qt::LeftButton, Qt::NoButton, Qt::ControlModifier);
    sel = v->selectedIds();
    std::sort(sel.begin(), sel.end());
    QCOMPARE(sel, (QList<quint64>{2, 3}));
    for (const CanvasBox& b : boxes) QCOMPARE(v->boxItem(b.id)->highlighted(), sel.contains(b.id));
    // Drag box 2: boxes 2 and 3 move by the same delta, in one signal.
    QSignalSpy moved(v.get(), &CanvasView::boxesMoved);
    QSignalSpy single(v.get(), &CanvasView::boxGeometryChanged);
    drag(*v, v->imageToView(rects[1].center()), v->imageToView(rects[1].center() + QPointF(20, 10)));
    QCOMPARE(moved.count(), 1);
    QCOMPARE(single.count(), 0);
    const auto to = moved.first().first().value<QHash<quint64, QRectF> >();
    QCOMPARE(to.size(), 2);
    const QPointF d = to.value(2).topLeft() - rects[1].topLeft();
    QVERIFY(std::abs(d.x() - 20) < 1.5 && std::abs(d.y() - 10) < 1.5);
    QCOMPARE(to.value(3).topLeft() - rects[2].topLeft(), d);
    QCOMPARE(v->boxItem(1)->imageRect(), rects[0]);  // not selected: not moved
    // Ctrl+A selects every box; an arrow key nudges them all in one signal.
    v->selectAll();
    QCOMPARE(v->selectedIds().size(), 3);
    moved.clear();
    key(v.get(), QEvent::KeyPress, Qt::Key_Right);
    QCOMPARE(moved.count(), 1);
    using Rects = QHash<quint64, QRectF>;
    QCOMPARE(moved.first().first().value<Rects>().size(), 3);
  }

  // Captions never cover each other, and never leave the image: boxes stacked at almost the same corner (as GLIP
  // gives for one object under several phrases), one at the image's top edge, one at its right edge; at two zooms.
  void captionsDoNotOverlap() {
    QVector<CanvasBox> boxes;
    for (int i = 0; i < 5; ++i) {
      CanvasBox b;
      b.id = quint64(i + 1);
      b.rect = QRectF(100 + i, 120 + i, 200, 180);
      b.label = QStringLiteral("phrase number %1").arg(i);
      b.score = 0.5 + 0.01 * i;
      b.origin = BoxOrigin::Model;
      boxes << b;
    }
    CanvasBox top;
    top.id = 10;
    top.rect = QRectF(0, 0, 120, 90);
    top.label = QStringLiteral("at the top edge");
    CanvasBox right;
    right.id = 11;
    right.rect = QRectF(600, 300, 40, 40);
    right.label = QStringLiteral("a long label at the right edge");
    boxes << top << right;
    v->setBoxes(boxes);
    for (int i = 0; i < 5; ++i) QVERIFY(v->boxItem(quint64(i + 1))->captionDrawn());  // room for all five
    // Forty more on the same spot: the captions that find no room are not drawn, the selected box's always is.
    for (int i = 0; i < 40; ++i) {
      CanvasBox b = boxes.first();
      b.id = quint64(100 + i);
      b.rect.translate(0.5 * i, 0.5 * i);
      boxes << b;
    }
    v->setBoxes(boxes);
    v->selectBox(139);
    QVERIFY(v->boxItem(139)->captionDrawn());
    int drawn = 0;
    for (const CanvasBox& b : boxes) drawn += v->boxItem(b.id)->captionDrawn();
    QVERIFY2(drawn > 7 && drawn < int(boxes.size()), qPrintable(QString::number(drawn)));
    for (double zoom : {0.0, 2.0}) {
      if (zoom > 0) v->setZoom(zoom);
      const QRectF image(QPointF(0, 0), QSizeF(v->imageSize()));
      QVector<QRectF> caps;
      for (const CanvasBox& b : boxes)
        if (v->boxItem(b.id)->captionDrawn()) caps << v->boxItem(b.id)->captionRect();
      for (int i = 0; i < caps.size(); ++i) {
        QVERIFY2(image.contains(caps[i]), qPrintable(QString::number(i)));
        for (int j = i + 1; j < caps.size(); ++j)
          QVERIFY2(!caps[i].intersects(caps[j].adjusted(0.01, 0.01, -0.01, -0.01)), qPrintable(QStringLiteral("%1 %2").arg(i).arg(j)));
      }
    }
  }

  void handlesStayScreenSized() {
    CanvasBox b;
    b.id = 1;
    b.rect = QRectF(10, 10, 50, 50);
    b.label = "dog";
    v->setBoxes({b});
    BoxItem* it = v->boxItem(1);
    QVERIFY(it);
    QCOMPARE(it->captionText(), QStringLiteral("dog · manual"));
    v->setZoom(8.0);
    SelectTool probe(v.get());
    // 3 view pixels off the corner still hits the handle at any zoom; 30 pixels off does not.
    const QPointF corner = v->imageToView(b.rect.topLeft());
    QCOMPARE(probe.hitTest(b.rect, corner + QPointF(3, 3)), SelectTool::TopLeft);
    QCOMPARE(probe.hitTest(b.rect, corner + QPointF(-30, -30)), SelectTool::None);
    QVERIFY(SelectTool::dragRect(b.rect, SelectTool::Left, QPointF(100, 0)).left() == 60.0);  // normalised
  }
};

QTEST_MAIN(TestStudioCanvas)
#include "test_studio_canvas.moc"
