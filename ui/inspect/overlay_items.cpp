#include "ui/inspect/overlay_items.h"

#include <QBrush>
#include <QFont>
#include <QPainter>
#include <QPen>
#include <QStyleOptionGraphicsItem>

namespace glip::inspect {

QColor levelColor(int level) {
  static const QColor kColors[5] = {QColor(230, 25, 75), QColor(245, 130, 48), QColor(255, 225, 25),
                                    QColor(60, 180, 75), QColor(0, 130, 200)};
  return level >= 0 && level < 5 ? kColors[level] : QColor(Qt::white);
}

HeatmapItem::HeatmapItem(const ScalarField& field, double vmin, double vmax, int alpha, QGraphicsItem* parent)
    : QGraphicsPixmapItem(QPixmap::fromImage(colorize(field, vmin, vmax, alpha)), parent) {
  setScale(field.pixel);
  setShapeMode(QGraphicsPixmapItem::BoundingRectShape);
  setTransformationMode(Qt::FastTransformation);  // blocks stay blocks: what is drawn is the tensor value
  setAcceptedMouseButtons(Qt::NoButton);
}

BoxOverlayItem::BoxOverlayItem(const BoxXyxy& box, const QColor& color, const QString& caption, Qt::PenStyle style,
                               QGraphicsItem* parent)
    : QGraphicsRectItem(QRectF(QPointF(box[0], box[1]), QPointF(box[2], box[3])), parent), box_(box) {
  QPen pen(color, 2, style);
  pen.setCosmetic(true);
  setPen(pen);
  setBrush(Qt::NoBrush);
  setAcceptedMouseButtons(Qt::NoButton);
  if (!caption.isEmpty()) {
    auto* text = new QGraphicsSimpleTextItem(caption, this);
    text->setBrush(color);
    text->setFlag(QGraphicsItem::ItemIgnoresTransformations);
    text->setPos(box[0], box[1]);
    QFont f = text->font();
    f.setPointSizeF(9);
    text->setFont(f);
  }
}

CandidateCloudItem::CandidateCloudItem(const std::vector<Candidate>& candidates, int highlightKept, QGraphicsItem* parent)
    : QGraphicsItem(parent), candidates_(candidates), highlight_(highlightKept) {
  for (const Candidate& c : candidates_)
    bounds_ = bounds_.united(QRectF(QPointF(c.box[0], c.box[1]), QPointF(c.box[2], c.box[3])));
  bounds_.adjust(-2, -2, 2, 2);
  setAcceptedMouseButtons(Qt::NoButton);
}

void CandidateCloudItem::paint(QPainter* p, const QStyleOptionGraphicsItem*, QWidget*) {
  auto draw = [&](const Candidate& c, const QColor& color, double width) {
    QPen pen(color, width);
    pen.setCosmetic(true);
    p->setPen(pen);
    p->drawRect(QRectF(QPointF(c.box[0], c.box[1]), QPointF(c.box[2], c.box[3])));
  };
  p->setBrush(Qt::NoBrush);
  for (const Candidate& c : candidates_)
    if (!c.kept && c.suppressed_by < 0) draw(c, QColor(160, 160, 160, 90), 1);
  for (const Candidate& c : candidates_)
    if (c.suppressed_by >= 0 && c.suppressed_by != highlight_) draw(c, QColor(230, 60, 60, 110), 1);
  for (const Candidate& c : candidates_)
    if (c.kept) draw(c, QColor(40, 200, 80, 230), highlight_ >= 0 ? 1 : 2);
  if (highlight_ >= 0 && highlight_ < int(candidates_.size())) {
    for (const Candidate& c : candidates_)
      if (c.suppressed_by == highlight_) draw(c, QColor(255, 80, 40, 230), 2);
    draw(candidates_[size_t(highlight_)], QColor(40, 255, 90), 3);
  }
}

OverlayLayer::OverlayLayer(QGraphicsItem* parent) : QGraphicsObject(parent) {
  setZValue(0.5);  // above the image (z 0), below the canvas's boxes (z 1, 2)
  setFlag(QGraphicsItem::ItemHasNoContents);
  setAcceptedMouseButtons(Qt::NoButton);
}

void OverlayLayer::setItems(const QList<QGraphicsItem*>& items) {
  for (QGraphicsItem* c : childItems()) delete c;
  for (QGraphicsItem* c : items) c->setParentItem(this);
}

}  // namespace glip::inspect
