// The QGraphicsItem of one box: outline (solid = model, dashed = manual, dash-dot = edited), a caption with
// label, score and provenance, and resize handles when selected. Its geometry is in scene = image pixels; sizes
// that must stay constant on screen (pen, text, handles) are drawn in view pixels.
#pragma once
#include <QGraphicsItem>

#include "ui/studio/canvas_box.h"

namespace glip::studio {

class BoxItem : public QGraphicsItem {
 public:
  explicit BoxItem(const CanvasBox& box);

  const CanvasBox& box() const { return box_; }
  quint64 id() const { return box_.id; }
  QRectF imageRect() const { return box_.rect; }
  void setImageRect(const QRectF& r);  // live preview while dragging
  void setBox(const CanvasBox& box);
  void setHighlighted(bool on);  // selected: thicker outline + handles
  bool highlighted() const { return highlighted_; }
  // Scene units per view pixel (1 / zoom), so that handles and text keep their screen size.
  void setViewScale(double sceneUnitsPerPixel);

  void setCaptionVisible(bool on);  // the label caption (View ▸ Show labels)
  bool captionVisible() const { return caption_; }
  QString captionText() const;  // "person 0.87 · model"
  // Where the caption is drawn, in scene (image) coordinates: where the canvas placed it (setCaptionTopLeft), else
  // defaultCaptionRect(): above the box, or inside its top edge when there is no room above it in the image, and
  // shifted left so that it never runs past the image's right edge.
  QRectF captionRect() const;
  QRectF defaultCaptionRect() const;
  void setCaptionTopLeft(const QPointF& p);  // the canvas's layout, so that captions do not cover each other
  void clearCaptionPlacement();
  // No free place for the caption among the others: it is not drawn unless the box is selected (its row in the
  // Boxes list still names it).
  void setCaptionCrowded(bool crowded);
  bool captionDrawn() const { return caption_ && (!crowded_ || highlighted_); }
  QRectF boundingRect() const override;
  void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

  static constexpr double kHandlePixels = 8.0;

 private:
  CanvasBox box_;
  bool highlighted_ = false;
  bool caption_ = true;
  QSizeF captionSize_;  // in scene units, from captionText() and the zoom (updateCaptionSize)
  void updateCaptionSize();
  bool placed_ = false;
  bool crowded_ = false;
  QPointF captionAt_;
  double unit_ = 1.0;
};

}  // namespace glip::studio
