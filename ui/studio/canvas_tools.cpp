#include "ui/studio/canvas_tools.h"

#include <QGraphicsRectItem>
#include <QGraphicsScene>
#include <QMouseEvent>
#include <QPen>

#include "ui/studio/box_item.h"
#include "ui/studio/canvas_view.h"

namespace glip::studio {

namespace {
constexpr double kMinSize = 2.0;  // image pixels

QPointF handlePoint(const QRectF& r, SelectTool::Handle h) {
  switch (h) {
    case SelectTool::TopLeft: return r.topLeft();
    case SelectTool::Top: return {r.center().x(), r.top()};
    case SelectTool::TopRight: return r.topRight();
    case SelectTool::Right: return {r.right(), r.center().y()};
    case SelectTool::BottomRight: return r.bottomRight();
    case SelectTool::Bottom: return {r.center().x(), r.bottom()};
    case SelectTool::BottomLeft: return r.bottomLeft();
    case SelectTool::Left: return {r.left(), r.center().y()};
    default: return r.center();
  }
}
}  // namespace

SelectTool::Handle SelectTool::hitTest(const QRectF& imageRect, const QPointF& viewPos) const {
  const double tol = BoxItem::kHandlePixels / 2 + 2;
  for (int h = TopLeft; h <= Left; ++h) {
    const QPointF p = view_->imageToView(handlePoint(imageRect, static_cast<Handle>(h)));
    if (std::abs(p.x() - viewPos.x()) <= tol && std::abs(p.y() - viewPos.y()) <= tol) return static_cast<Handle>(h);
  }
  return view_->imageToView(imageRect).contains(viewPos) ? Inside : None;
}

QRectF SelectTool::dragRect(const QRectF& s, Handle h, const QPointF& d) {
  double x1 = s.left(), y1 = s.top(), x2 = s.right(), y2 = s.bottom();
  switch (h) {
    case Inside: return s.translated(d);
    case TopLeft: x1 += d.x(); y1 += d.y(); break;
    case Top: y1 += d.y(); break;
    case TopRight: x2 += d.x(); y1 += d.y(); break;
    case Right: x2 += d.x(); break;
    case BottomRight: x2 += d.x(); y2 += d.y(); break;
    case Bottom: y2 += d.y(); break;
    case BottomLeft: x1 += d.x(); y2 += d.y(); break;
    case Left: x1 += d.x(); break;
    case None: break;
  }
  return QRectF(QPointF(x1, y1), QPointF(x2, y2)).normalized();
}

bool SelectTool::press(QMouseEvent* e) {
  if (e->button() != Qt::LeftButton) return false;
  if (!view_->boxesVisible()) return true;  // hidden boxes are not picked or moved
  const QPointF vp = e->position();
  const bool ctrl = e->modifiers() & Qt::ControlModifier;
  // The selected box first (its handles may lie outside it), then the smallest box under the cursor.
  quint64 hitId = 0;
  Handle hit = None;
  if (BoxItem* sel = view_->boxItem(view_->selectedId()); sel && !ctrl) {
    hit = hitTest(sel->imageRect(), vp);
    if (hit != None && view_->selectedIds().size() > 1 && hit != Inside) hit = None;  // no handles on a group
    if (hit != None) hitId = sel->id();
  }
  if (hitId == 0) {
    double best = 0;
    for (const CanvasBox& b : view_->boxes()) {
      if (!view_->imageToView(b.rect).contains(vp)) continue;
      const double area = b.rect.width() * b.rect.height();
      if (hitId == 0 || area < best) {
        hitId = b.id;
        best = area;
      }
    }
    hit = hitId ? Inside : None;
  }
  if (ctrl && hitId) {  // add or remove one box, no drag
    view_->toggleSelected(hitId);
    return true;
  }
  if (hitId == 0) {  // empty canvas: rubber band
    if (!view_->hasImage()) return true;
    banding_ = true;
    bandAdds_ = ctrl;
    bandBase_ = ctrl ? view_->selectedIds() : QList<quint64>();
    bandStart_ = vp;
    if (!bandAdds_) view_->selectBox(0);
    updateBand(vp);
    return true;
  }
  const QList<quint64> sel = view_->selectedIds();
  groupStart_.clear();
  if (sel.size() > 1 && sel.contains(hitId)) {
    for (quint64 id : sel)
      if (BoxItem* it = view_->boxItem(id)) groupStart_.insert(id, it->imageRect());
  } else {
    view_->selectBox(hitId);
  }
  dragId_ = hitId;
  handle_ = hit;
  startImage_ = view_->viewToImage(vp);
  startRect_ = view_->boxItem(hitId)->imageRect();
  moved_ = false;
  return true;
}

void SelectTool::updateBand(const QPointF& vp) {
  const QRectF bandView = QRectF(bandStart_, vp).normalized();
  const QRectF bandImage = QRectF(view_->viewToImage(bandView.topLeft()), view_->viewToImage(bandView.bottomRight()));
  if (!band_) {
    band_ = view_->scene()->addRect(QRectF());
    QPen pen(QColor(80, 160, 255), 1, Qt::DashLine);
    pen.setCosmetic(true);
    band_->setPen(pen);
    band_->setBrush(QColor(80, 160, 255, 40));
    band_->setZValue(10);
  }
  band_->setRect(bandImage);
  band_->show();
  QList<quint64> ids = bandBase_;
  if (bandView.width() >= 3 || bandView.height() >= 3)
    for (const CanvasBox& b : view_->boxes())
      if (bandImage.intersects(b.rect) && !ids.contains(b.id)) ids << b.id;
  view_->setSelection(ids);
}

bool SelectTool::move(QMouseEvent* e) {
  if (banding_) {
    updateBand(e->position());
    return true;
  }
  BoxItem* item = view_->boxItem(dragId_);
  if (!item) return false;
  const QPointF d = view_->viewToImage(e->position()) - startImage_;
  if (!groupStart_.isEmpty()) {  // move the group by one delta that keeps every box inside the image
    const QRectF bounds(QPointF(0, 0), QSizeF(view_->imageSize()));
    double dx = d.x(), dy = d.y();
    for (const QRectF& r : std::as_const(groupStart_)) {
      dx = std::clamp(dx, bounds.left() - r.left(), std::max(bounds.left() - r.left(), bounds.right() - r.right()));
      dy = std::clamp(dy, bounds.top() - r.top(), std::max(bounds.top() - r.top(), bounds.bottom() - r.bottom()));
    }
    for (auto it = groupStart_.cbegin(); it != groupStart_.cend(); ++it)
      if (BoxItem* b = view_->boxItem(it.key())) b->setImageRect(it.value().translated(dx, dy));
    moved_ = moved_ || dx != 0 || dy != 0;
    return true;
  }
  QRectF r = dragRect(startRect_, handle_, d);
  r = handle_ == Inside ? view_->moveIntoImage(r) : view_->clampToImage(r);  // a move keeps the size
  if (r.width() < kMinSize || r.height() < kMinSize) return true;
  moved_ = moved_ || r != startRect_;
  item->setImageRect(r);
  return true;
}

bool SelectTool::release(QMouseEvent* e) {
  if (e->button() != Qt::LeftButton) return false;
  if (banding_) {
    updateBand(e->position());
    banding_ = false;
    if (band_) band_->hide();
    return true;
  }
  if (dragId_ == 0) return false;
  BoxItem* item = view_->boxItem(dragId_);
  const quint64 id = dragId_;
  dragId_ = 0;
  if (!groupStart_.isEmpty()) {
    QHash<quint64, QRectF> to;
    for (auto it = groupStart_.cbegin(); it != groupStart_.cend(); ++it)
      if (BoxItem* b = view_->boxItem(it.key()); b && b->imageRect() != it.value()) to.insert(it.key(), b->imageRect());
    groupStart_.clear();
    if (moved_ && !to.isEmpty()) view_->emitBoxesMoved(to);
    moved_ = false;
    return true;
  }
  if (item && moved_ && item->imageRect() != startRect_) view_->emitGeometryChanged(id, startRect_, item->imageRect());
  moved_ = false;
  return true;
}

void SelectTool::cancel() {
  if (BoxItem* item = view_->boxItem(dragId_)) item->setImageRect(startRect_);
  for (auto it = groupStart_.cbegin(); it != groupStart_.cend(); ++it)
    if (BoxItem* b = view_->boxItem(it.key())) b->setImageRect(it.value());
  groupStart_.clear();
  dragId_ = 0;
  moved_ = false;
  banding_ = false;
  if (band_) band_->hide();
}

bool CreateBoxTool::press(QMouseEvent* e) {
  if (e->button() != Qt::LeftButton || !view_->hasImage()) return false;
  active_ = true;
  a_ = b_ = view_->clampToImage(view_->viewToImage(e->position()));
  if (!rubber_) {
    rubber_ = view_->scene()->addRect(QRectF());
    QPen pen(Qt::yellow, 2, Qt::DashLine);
    pen.setCosmetic(true);
    rubber_->setPen(pen);
    rubber_->setZValue(10);
  }
  rubber_->setRect(current());
  rubber_->show();
  return true;
}

bool CreateBoxTool::move(QMouseEvent* e) {
  if (!active_) return false;
  b_ = view_->clampToImage(view_->viewToImage(e->position()));
  if (rubber_) rubber_->setRect(current());
  return true;
}

bool CreateBoxTool::release(QMouseEvent* e) {
  if (e->button() != Qt::LeftButton || !active_) return false;
  b_ = view_->clampToImage(view_->viewToImage(e->position()));
  active_ = false;
  if (rubber_) rubber_->hide();
  const QRectF r = current();
  if (r.width() >= kMinSize && r.height() >= kMinSize) view_->emitBoxCreated(r);
  return true;
}

void CreateBoxTool::cancel() {
  active_ = false;
  if (rubber_) rubber_->hide();
}

}  // namespace glip::studio
