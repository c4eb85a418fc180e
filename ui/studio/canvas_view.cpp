#include "ui/studio/canvas_view.h"

#include <QDragEnterEvent>
#include <QFileInfo>
#include <QGraphicsPixmapItem>
#include <QGraphicsScene>
#include <QKeyEvent>
#include <QMimeData>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>
#include <QWheelEvent>
#include <cmath>

#include "ui/studio/box_item.h"
#include "ui/studio/canvas_tools.h"

namespace glip::studio {

namespace {
constexpr double kMinZoom = 0.02, kMaxZoom = 64.0, kStep = 1.25;
}

CanvasView::CanvasView(QWidget* parent) : QGraphicsView(parent) {
  setObjectName(QStringLiteral("canvas"));
  setScene(new QGraphicsScene(this));
  setRenderHints(QPainter::Antialiasing | QPainter::SmoothPixmapTransform | QPainter::TextAntialiasing);
  setTransformationAnchor(QGraphicsView::NoAnchor);
  setResizeAnchor(QGraphicsView::NoAnchor);
  setDragMode(QGraphicsView::NoDrag);
  setViewportUpdateMode(QGraphicsView::FullViewportUpdate);
  setMouseTracking(true);
  setFocusPolicy(Qt::StrongFocus);
  setAcceptDrops(true);
  viewport()->setAcceptDrops(true);
  selectTool_ = std::make_unique<SelectTool>(this);
  createTool_ = std::make_unique<CreateBoxTool>(this);
}

CanvasView::~CanvasView() = default;

void CanvasView::setImage(const QImage& image) {
  selectTool_->cancel();
  createTool_->cancel();
  setBoxes({});
  image_ = image;
  message_.clear();
  QPixmap pm = QPixmap::fromImage(image);
  if (!pixmap_) {
    pixmap_ = scene()->addPixmap(pm);
    pixmap_->setTransformationMode(Qt::SmoothTransformation);
    pixmap_->setZValue(0);
  } else {
    pixmap_->setPixmap(pm);
  }
  scene()->setSceneRect(QRectF(QPointF(0, 0), QSizeF(image.size())));
  fitToWindow();
}

void CanvasView::clearImage() {
  setBoxes({});
  image_ = QImage();
  if (pixmap_) pixmap_->setPixmap(QPixmap());
  scene()->setSceneRect(QRectF());
}

void CanvasView::setBoxesVisible(bool on) {
  boxesVisible_ = on;
  for (BoxItem* it : std::as_const(items_)) it->setVisible(on);
}

void CanvasView::setCaptionsVisible(bool on) {
  captionsVisible_ = on;
  for (BoxItem* it : std::as_const(items_)) it->setCaptionVisible(on);
  layoutCaptions();
}

void CanvasView::setMessage(const QString& text) {
  if (text == message_) return;
  message_ = text;
  viewport()->update();
}

void CanvasView::setBoxes(const QVector<CanvasBox>& boxes) {
  QHash<quint64, BoxItem*> keep;
  for (const CanvasBox& b : boxes) {
    BoxItem* item = items_.take(b.id);
    if (item) {
      item->setBox(b);
    } else {
      item = new BoxItem(b);
      scene()->addItem(item);
      item->setCaptionVisible(captionsVisible_);
      item->setVisible(boxesVisible_);
    }
    keep.insert(b.id, item);
  }
  for (BoxItem* gone : std::as_const(items_)) {
    scene()->removeItem(gone);
    delete gone;
  }
  items_ = keep;
  updateItemScales();  // also lays the captions out
  // Keep the selected boxes that still exist.
  QList<quint64> still;
  for (quint64 id : selectedIds())
    if (items_.contains(id)) still << id;
  if (still != selectedIds()) applySelection(still);
  for (quint64 id : std::as_const(still)) items_.value(id)->setHighlighted(true);
}

QVector<CanvasBox> CanvasView::boxes() const {
  QVector<CanvasBox> out;
  for (BoxItem* it : items_) out.push_back(it->box());
  std::sort(out.begin(), out.end(), [](const CanvasBox& a, const CanvasBox& b) { return a.id < b.id; });
  return out;
}

QList<quint64> CanvasView::selectedIds() const {
  QList<quint64> out = extra_;
  if (selected_) out << selected_;
  return out;
}

void CanvasView::applySelection(const QList<quint64>& ids) {
  QList<quint64> clean;
  for (quint64 id : ids)
    if (items_.contains(id) && !clean.contains(id)) clean << id;
  if (clean == selectedIds()) return;
  for (quint64 id : selectedIds())
    if (BoxItem* it = items_.value(id)) it->setHighlighted(false);
  selected_ = clean.isEmpty() ? 0 : clean.takeLast();
  extra_ = clean;
  for (quint64 id : selectedIds()) items_.value(id)->setHighlighted(true);
  layoutCaptions();  // the selected boxes' captions come first
  emit selectionChanged(selected_);
}

void CanvasView::selectBox(quint64 id) { applySelection(id ? QList<quint64>{id} : QList<quint64>{}); }
void CanvasView::setSelection(const QList<quint64>& ids) { applySelection(ids); }

void CanvasView::toggleSelected(quint64 id) {
  QList<quint64> ids = selectedIds();
  if (ids.contains(id)) ids.removeAll(id);
  else ids << id;
  applySelection(ids);
}

void CanvasView::selectAll() {
  QList<quint64> ids;
  for (const CanvasBox& b : boxes()) ids << b.id;
  applySelection(ids);
}

void CanvasView::setTool(Tool tool) {
  activeTool()->cancel();
  tool_ = tool;
  updateCursor();
}

CanvasTool* CanvasView::activeTool() const {
  return tool_ == Tool::CreateBox ? createTool_.get() : selectTool_.get();
}

// The one image<->view mapping: scene coordinates are image pixels; viewportTransform() = zoom + scroll.
QPointF CanvasView::viewToImage(const QPointF& v) const { return viewportTransform().inverted().map(v); }
QPointF CanvasView::imageToView(const QPointF& p) const { return viewportTransform().map(p); }
QRectF CanvasView::imageToView(const QRectF& r) const { return viewportTransform().mapRect(r); }

QPointF CanvasView::clampToImage(const QPointF& p) const {
  return {std::clamp(p.x(), 0.0, double(image_.width())), std::clamp(p.y(), 0.0, double(image_.height()))};
}
QRectF CanvasView::clampToImage(const QRectF& r) const {
  return QRectF(clampToImage(r.normalized().topLeft()), clampToImage(r.normalized().bottomRight()));
}
QRectF CanvasView::moveIntoImage(const QRectF& r) const {
  QRectF out = r;
  out.moveLeft(std::clamp(r.left(), 0.0, std::max(0.0, image_.width() - r.width())));
  out.moveTop(std::clamp(r.top(), 0.0, std::max(0.0, image_.height() - r.height())));
  return out;
}

double CanvasView::zoom() const { return transform().m11() * devicePixelRatioF(); }

void CanvasView::applyScale(double s) {
  setTransform(QTransform::fromScale(s, s));
  updateItemScales();
  emit zoomChanged(zoom());
}

void CanvasView::setZoom(double z, const QPointF& anchor) {
  if (!hasImage()) return;
  z = std::clamp(z, kMinZoom, kMaxZoom);
  const QPointF imageAt = viewToImage(anchor);
  fit_ = false;
  applyScale(z / devicePixelRatioF());
  // Keep the image point under the anchor where it was.
  const QPointF now = imageToView(imageAt);
  panBy(anchor - now);
}

void CanvasView::setZoom(double z) { setZoom(z, QPointF(viewport()->rect().center())); }

void CanvasView::fitToWindow() {
  fit_ = true;
  if (!hasImage()) return;
  const QSizeF vs = viewport()->size();
  const double s = std::max(1e-6, std::min(vs.width() / image_.width(), vs.height() / image_.height()));
  applyScale(s);
  centerOn(QRectF(QPointF(0, 0), QSizeF(image_.size())).center());
}

void CanvasView::zoomIn() { setZoom(zoom() * kStep); }
void CanvasView::zoomOut() { setZoom(zoom() / kStep); }
void CanvasView::actualSize() { setZoom(1.0); }

void CanvasView::panBy(const QPointF& d) {
  horizontalScrollBar()->setValue(horizontalScrollBar()->value() - qRound(d.x()));
  verticalScrollBar()->setValue(verticalScrollBar()->value() - qRound(d.y()));
}

void CanvasView::nudgeSelected(const QPointF& d) {
  if (!hasImage()) return;
  QHash<quint64, QRectF> to;
  for (quint64 id : selectedIds()) {
    const QRectF from = items_.value(id)->imageRect(), r = moveIntoImage(from.translated(d));
    if (r != from) to.insert(id, r);
  }
  if (to.isEmpty()) return;
  if (extra_.isEmpty()) {  // one box: consecutive nudges may merge into one undo step
    BoxItem* item = items_.value(selected_);
    const QRectF from = item->imageRect();
    item->setImageRect(to.value(selected_));
    emit boxGeometryChanged(selected_, from, to.value(selected_), true);
    return;
  }
  for (auto it = to.cbegin(); it != to.cend(); ++it) items_.value(it.key())->setImageRect(it.value());
  emit boxesMoved(to);  // several boxes: one step moves them all (one undo step)
}

void CanvasView::updateItemScales() {
  const double unit = 1.0 / std::max(1e-9, transform().m11());
  for (BoxItem* it : std::as_const(items_)) it->setViewScale(unit);
  layoutCaptions();  // caption sizes are in screen pixels: their image-space layout depends on the zoom
}

void CanvasView::layoutCaptions() {
  // The selected boxes first, then top to bottom, left to right; each caption takes the first of these places that
  // no earlier caption covers: above the box (or just inside when at the image's top), inside under the top edge,
  // lower inside the box, under its bottom edge — at the box's left, then at its right. With no free place the
  // caption is not drawn (unless its box is selected): crowded captions are never drawn over each other.
  QVector<BoxItem*> order;
  for (BoxItem* it : std::as_const(items_)) order << it;
  std::sort(order.begin(), order.end(), [](const BoxItem* a, const BoxItem* b) {
    if (a->highlighted() != b->highlighted()) return a->highlighted();
    const QRectF ra = a->imageRect(), rb = b->imageRect();
    return ra.top() != rb.top() ? ra.top() < rb.top() : ra.left() != rb.left() ? ra.left() < rb.left() : a->id() < b->id();
  });
  const QRectF image(QPointF(0, 0), QSizeF(image_.size()));
  QVector<QRectF> taken;
  for (BoxItem* it : order) {
    if (!captionsVisible_) {
      it->clearCaptionPlacement();
      continue;
    }
    const QRectF d = it->defaultCaptionRect(), box = it->imageRect();
    QVector<double> ys{d.top(), box.top()};
    for (int k = 1; k <= 4 && box.top() + (k + 1) * d.height() <= box.bottom(); ++k) ys << box.top() + k * d.height();
    ys << box.bottom();
    const double xs[2] = {d.left(), std::max(image.left(), std::min(box.right(), image.right()) - d.width())};
    bool found = false;
    QRectF chosen = d;
    for (int xi = 0; xi < 2 && !found; ++xi) {
      for (double y : ys) {
        const QRectF r(QPointF(xs[xi], y), d.size());
        if (!image.isEmpty() && (r.top() < image.top() || r.bottom() > image.bottom() || r.left() < image.left() ||
                                 r.right() > image.right() + 0.01))
          continue;
        bool free = true;
        for (const QRectF& t : std::as_const(taken)) free = free && !t.intersects(r.adjusted(0.01, 0.01, -0.01, -0.01));
        if (free) {
          chosen = r;
          found = true;
          break;
        }
      }
    }
    it->setCaptionTopLeft(chosen.topLeft());
    it->setCaptionCrowded(!found);
    if (found || it->highlighted()) taken << chosen;
  }
}

void CanvasView::updateCursor() {
  if (panning_) viewport()->setCursor(Qt::ClosedHandCursor);
  else if (space_) viewport()->setCursor(Qt::OpenHandCursor);
  else viewport()->setCursor(activeTool()->cursor());
}

void CanvasView::wheelEvent(QWheelEvent* e) {
  if (e->modifiers() & Qt::ControlModifier) {
    const double steps = e->angleDelta().y() / 120.0;
    if (steps != 0) setZoom(zoom() * std::pow(kStep, steps), e->position());
    e->accept();
    return;
  }
  QGraphicsView::wheelEvent(e);
}

void CanvasView::mousePressEvent(QMouseEvent* e) {
  setFocus(Qt::MouseFocusReason);
  if (e->button() == Qt::MiddleButton || (e->button() == Qt::LeftButton && space_)) {
    panning_ = true;
    lastPan_ = e->position();
    updateCursor();
    e->accept();
    return;
  }
  if (!activeTool()->press(e)) QGraphicsView::mousePressEvent(e);
}

void CanvasView::mouseMoveEvent(QMouseEvent* e) {
  if (hasImage()) emit cursorMoved(viewToImage(e->position()));
  if (panning_) {
    panBy(e->position() - lastPan_);
    lastPan_ = e->position();
    e->accept();
    return;
  }
  if (!activeTool()->move(e)) QGraphicsView::mouseMoveEvent(e);
}

void CanvasView::mouseReleaseEvent(QMouseEvent* e) {
  if (panning_ && (e->button() == Qt::MiddleButton || e->button() == Qt::LeftButton)) {
    panning_ = false;
    updateCursor();
    e->accept();
    return;
  }
  if (!activeTool()->release(e)) QGraphicsView::mouseReleaseEvent(e);
}

void CanvasView::keyPressEvent(QKeyEvent* e) {
  if (e->key() == Qt::Key_Space && !e->isAutoRepeat()) {
    space_ = true;
    updateCursor();
    e->accept();
    return;
  }
  if (e->key() == Qt::Key_Escape) {
    activeTool()->cancel();
    if (tool_ == Tool::CreateBox) setTool(Tool::Select);
    else selectBox(0);
    e->accept();
    return;
  }
  const double step = (e->modifiers() & Qt::ShiftModifier) ? 10.0 : 1.0;
  QPointF d;
  switch (e->key()) {
    case Qt::Key_Left: d = {-step, 0}; break;
    case Qt::Key_Right: d = {step, 0}; break;
    case Qt::Key_Up: d = {0, -step}; break;
    case Qt::Key_Down: d = {0, step}; break;
    default: QGraphicsView::keyPressEvent(e); return;
  }
  if (selected_ == 0) {
    QGraphicsView::keyPressEvent(e);
    return;
  }
  nudgeSelected(d);
  e->accept();
}

void CanvasView::keyReleaseEvent(QKeyEvent* e) {
  if (e->key() == Qt::Key_Space && !e->isAutoRepeat()) {
    space_ = false;
    updateCursor();
    e->accept();
    return;
  }
  QGraphicsView::keyReleaseEvent(e);
}

void CanvasView::resizeEvent(QResizeEvent* e) {
  QGraphicsView::resizeEvent(e);
  if (fit_) fitToWindow();
}

static QStringList localFiles(const QMimeData* md) {
  QStringList out;
  if (!md || !md->hasUrls()) return out;
  for (const QUrl& u : md->urls())
    if (u.isLocalFile()) out << u.toLocalFile();
  return out;
}

void CanvasView::dragEnterEvent(QDragEnterEvent* e) {
  if (!localFiles(e->mimeData()).isEmpty()) e->acceptProposedAction();
}
void CanvasView::dragMoveEvent(QDragMoveEvent* e) {
  if (!localFiles(e->mimeData()).isEmpty()) e->acceptProposedAction();
}
void CanvasView::dropEvent(QDropEvent* e) {
  const QStringList files = localFiles(e->mimeData());
  if (files.isEmpty()) return;
  e->acceptProposedAction();
  emit filesDropped(files);
}

void CanvasView::drawBackground(QPainter* p, const QRectF& rect) {
  p->fillRect(rect, palette().color(QPalette::Dark));
}

void CanvasView::drawForeground(QPainter* p, const QRectF&) {
  if (message_.isEmpty() || hasImage()) return;
  p->save();
  p->resetTransform();  // viewport coordinates
  const QRect area = viewport()->rect().adjusted(24, 24, -24, -24);
  QFont f = font();
  f.setPointSizeF(f.pointSizeF() * 1.2);
  p->setFont(f);
  p->setPen(palette().color(QPalette::BrightText));
  p->drawText(area, Qt::AlignCenter | Qt::TextWordWrap, message_);
  p->restore();
}

}  // namespace glip::studio
