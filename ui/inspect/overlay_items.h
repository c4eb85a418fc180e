// The inspector's overlays as QGraphicsItems in IMAGE-pixel scene coordinates (the canvas's scene is the image):
// the canvas adds one OverlayLayer and the InspectorDock replaces its children when the view changes.
#pragma once
#include <QColor>
#include <QGraphicsObject>
#include <QGraphicsPixmapItem>
#include <QGraphicsRectItem>
#include <vector>

#include "ui/inspect/explain.h"
#include "ui/inspect/overlays.h"

namespace glip::inspect {

// A colorised ScalarField, scaled by its sample size so that sample (sx, sy) covers image pixels
// [sx*pixel, (sx+1)*pixel) x [sy*pixel, (sy+1)*pixel).
class HeatmapItem : public QGraphicsPixmapItem {
 public:
  HeatmapItem(const ScalarField& field, double vmin, double vmax, int alpha = 160, QGraphicsItem* parent = nullptr);
};

// A box (xyxy, image pixels, "+1" convention drawn as [x1, x2] inclusive edges) with a cosmetic pen and a caption.
class BoxOverlayItem : public QGraphicsRectItem {
 public:
  BoxOverlayItem(const BoxXyxy& box, const QColor& color, const QString& caption = {}, Qt::PenStyle style = Qt::SolidLine,
                 QGraphicsItem* parent = nullptr);
  BoxXyxy box() const { return box_; }

 private:
  BoxXyxy box_;
};

// Every pre-NMS candidate box, coloured by fate: kept (green), suppressed (red), the rest (grey); the ones a chosen
// kept candidate suppressed are drawn thicker. One item, painted in one pass (thousands of boxes).
class CandidateCloudItem : public QGraphicsItem {
 public:
  CandidateCloudItem(const std::vector<Candidate>& candidates, int highlightKept = -1, QGraphicsItem* parent = nullptr);
  QRectF boundingRect() const override { return bounds_; }
  void paint(QPainter* p, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

 private:
  std::vector<Candidate> candidates_;
  int highlight_;
  QRectF bounds_;
};

// The root the canvas adds once; setItems() replaces the children (the old ones are deleted).
class OverlayLayer : public QGraphicsObject {
  Q_OBJECT
 public:
  explicit OverlayLayer(QGraphicsItem* parent = nullptr);
  QRectF boundingRect() const override { return {}; }
  void paint(QPainter*, const QStyleOptionGraphicsItem*, QWidget*) override {}
  void setItems(const QList<QGraphicsItem*>& items);  // takes ownership
  void clear() { setItems({}); }
  QList<QGraphicsItem*> items() const { return childItems(); }
};

QColor levelColor(int level);  // P3..P7

}  // namespace glip::inspect
