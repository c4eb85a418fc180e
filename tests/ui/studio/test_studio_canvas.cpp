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
