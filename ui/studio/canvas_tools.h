// Canvas tools: each interprets mouse/key input in image coordinates through CanvasView's mapping.
#pragma once
#include <QHash>
#include <QList>
#include <QPointF>
#include <QRectF>

class QMouseEvent;
class QKeyEvent;
class QGraphicsRectItem;

namespace glip::studio {

class CanvasView;

class CanvasTool {
 public:
  explicit CanvasTool(CanvasView* view) : view_(view) {}
  virtual ~CanvasTool() = default;
  virtual bool press(QMouseEvent* e) = 0;
  virtual bool move(QMouseEvent* e) = 0;
  virtual bool release(QMouseEvent* e) = 0;
  virtual Qt::CursorShape cursor() const { return Qt::ArrowCursor; }
  virtual void cancel() {}

 protected:
  CanvasView* view_;
};

// Select a box (click), move it (drag inside), resize it (drag one of the 8 handles). Emits one geometry change
// per drag, when the mouse is released. Ctrl+click adds or removes a box; dragging on empty canvas draws a rubber
// band that selects the boxes it touches (with Ctrl: adds them); dragging one of several selected boxes moves
// them all (one boxesMoved on release).
class SelectTool : public CanvasTool {
 public:
  enum Handle { None = -1, TopLeft, Top, TopRight, Right, BottomRight, Bottom, BottomLeft, Left, Inside };
  using CanvasTool::CanvasTool;
  bool press(QMouseEvent* e) override;
  bool move(QMouseEvent* e) override;
  bool release(QMouseEvent* e) override;
  void cancel() override;
  // Which handle of the rect (image coords) is under a view position; handles win over the inside.
  Handle hitTest(const QRectF& imageRect, const QPointF& viewPos) const;
  static QRectF dragRect(const QRectF& start, Handle h, const QPointF& delta);

 private:
  void updateBand(const QPointF& viewPos);
  quint64 dragId_ = 0;
  Handle handle_ = None;
  QPointF startImage_;
  QRectF startRect_;
  bool moved_ = false;
  QHash<quint64, QRectF> groupStart_;  // a group move: every selected box's rect at the press
  bool banding_ = false;
  bool bandAdds_ = false;
  QList<quint64> bandBase_;  // the selection kept under a Ctrl rubber band
  QPointF bandStart_;        // view coordinates
  QGraphicsRectItem* band_ = nullptr;
};

// Drag a new box; emits boxCreated on release if it is at least 2x2 image pixels.
class CreateBoxTool : public CanvasTool {
 public:
  using CanvasTool::CanvasTool;
  bool press(QMouseEvent* e) override;
  bool move(QMouseEvent* e) override;
  bool release(QMouseEvent* e) override;
  Qt::CursorShape cursor() const override { return Qt::CrossCursor; }
  void cancel() override;
  QRectF current() const { return QRectF(a_, b_).normalized(); }
  bool active() const { return active_; }

 private:
  bool active_ = false;
  QPointF a_, b_;
  QGraphicsRectItem* rubber_ = nullptr;
};

}  // namespace glip::studio
