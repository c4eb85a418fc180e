#include "ui/studio/box_item.h"

#include <QCoreApplication>
#include <QFontMetricsF>
#include <QGraphicsScene>
#include <QPainter>
#include <QtGlobal>

#include "ui/document/label_colors.h"

namespace glip::studio {

QColor labelColor(const QString& label) {
  const uint h = qHash(label.toLower(), 0x5eed);
  return QColor::fromHsv(static_cast<int>(h % 360), 200, 255);
}

QColor labelColor(const QString& label, const LabelColors* custom) {
  const QColor c = custom ? custom->color(label) : QColor();
  return c.isValid() ? c : labelColor(label);
}

BoxItem::BoxItem(const CanvasBox& box) : box_(box) {
  setZValue(1);
  updateCaptionSize();
}

void BoxItem::setImageRect(const QRectF& r) {
  prepareGeometryChange();
  box_.rect = r.normalized();
  placed_ = false;  // a live drag: the caption follows the box
}

void BoxItem::setBox(const CanvasBox& box) {
  prepareGeometryChange();
  box_ = box;
  updateCaptionSize();
  update();
}

void BoxItem::setHighlighted(bool on) {
  highlighted_ = on;
  setZValue(on ? 2 : 1);
  update();
}

void BoxItem::setViewScale(double sceneUnitsPerPixel) {
  if (sceneUnitsPerPixel <= 0 || sceneUnitsPerPixel == unit_) return;
  prepareGeometryChange();
  unit_ = sceneUnitsPerPixel;
  updateCaptionSize();
}

QString BoxItem::captionText() const {
  QString origin;
  switch (box_.origin) {
    case BoxOrigin::Model: origin = QCoreApplication::translate("BoxItem", "model"); break;
    case BoxOrigin::Manual: origin = QCoreApplication::translate("BoxItem", "manual"); break;
    case BoxOrigin::Edited: origin = QCoreApplication::translate("BoxItem", "edited"); break;
  }
  QString s = box_.label;
  if (box_.score >= 0) s += QStringLiteral(" %1").arg(box_.score, 0, 'f', 2);
  return s + QStringLiteral(" · ") + origin;
}

void BoxItem::setCaptionVisible(bool on) {
  if (on == caption_) return;
  prepareGeometryChange();
  caption_ = on;
  update();
}

void BoxItem::setCaptionTopLeft(const QPointF& p) {
  if (placed_ && p == captionAt_) return;
  prepareGeometryChange();
  placed_ = true;
  captionAt_ = p;
}

void BoxItem::setCaptionCrowded(bool crowded) {
  if (crowded == crowded_) return;
  prepareGeometryChange();
  crowded_ = crowded;
  update();
}

void BoxItem::clearCaptionPlacement() {
  if (!placed_) return;
  prepareGeometryChange();
  placed_ = false;
}

QRectF BoxItem::captionRect() const {
  const QRectF d = defaultCaptionRect();
  return placed_ ? QRectF(captionAt_, d.size()) : d;
}

void BoxItem::updateCaptionSize() {
  QFont f;
  f.setPixelSize(13);
  const QFontMetricsF fm(f);
  captionSize_ = QSizeF((fm.horizontalAdvance(captionText()) + 8) * unit_, (fm.height() + 4) * unit_);
}

QRectF BoxItem::defaultCaptionRect() const {
  const double w = captionSize_.width(), h = captionSize_.height();
  const QRectF image = scene() ? scene()->sceneRect() : QRectF();
  QPointF at(box_.rect.left(), box_.rect.top() - h);
  if (!image.isEmpty()) {
    if (at.y() < image.top()) at.setY(box_.rect.top());                               // inside, under the top edge
    if (at.x() + w > image.right()) at.setX(std::max(image.left(), image.right() - w));  // not past the right edge
  }
  return QRectF(at, QSizeF(w, h));
}

QRectF BoxItem::boundingRect() const {
  // Handles stick out by half their size; the caption is wherever captionRect() puts it.
  const double m = (kHandlePixels + 4) * unit_;
  QRectF r = box_.rect.adjusted(-m, -m, m, m);
  if (captionDrawn()) r |= captionRect().adjusted(-m, -m, m, m);
  return r;
}

void BoxItem::paint(QPainter* p, const QStyleOptionGraphicsItem*, QWidget*) {
  const QColor c = box_.color.isValid() ? box_.color : labelColor(box_.label);
  QPen pen(c, highlighted_ ? 3.0 : 2.0);
  pen.setCosmetic(true);
  if (box_.origin == BoxOrigin::Manual) pen.setStyle(Qt::DashLine);
  if (box_.origin == BoxOrigin::Edited) pen.setStyle(Qt::DashDotLine);
  p->setPen(pen);
  p->setBrush(highlighted_ ? QBrush(QColor(c.red(), c.green(), c.blue(), 40)) : QBrush(Qt::NoBrush));
  p->drawRect(box_.rect);

  // Caption in view pixels (13 px text whatever the zoom), placed by captionRect() in image coordinates.
  if (captionDrawn()) {
    const QRectF cr = captionRect();
    p->save();
    p->translate(cr.topLeft());
    p->scale(unit_, unit_);
    QFont f = p->font();
    f.setPixelSize(13);
    p->setFont(f);
    const QRectF tr(0, 0, cr.width() / unit_, cr.height() / unit_);
    p->setPen(Qt::NoPen);
    p->setBrush(QColor(c.red(), c.green(), c.blue(), 210));
    p->drawRect(tr);
    p->setPen(Qt::black);
    p->drawText(tr.adjusted(4, 2, -4, -2), Qt::AlignLeft | Qt::AlignVCenter, captionText());
    p->restore();
  }

  if (highlighted_) {
    const double s = kHandlePixels * unit_;
    p->setPen(QPen(Qt::black, 0));
    p->setBrush(Qt::white);
    const QRectF r = box_.rect;
    const QPointF pts[8] = {r.topLeft(),    QPointF(r.center().x(), r.top()),    r.topRight(),
                            QPointF(r.right(), r.center().y()), r.bottomRight(),
                            QPointF(r.center().x(), r.bottom()), r.bottomLeft(), QPointF(r.left(), r.center().y())};
    for (const QPointF& pt : pts) p->drawRect(QRectF(pt.x() - s / 2, pt.y() - s / 2, s, s));
  }
}

}  // namespace glip::studio
