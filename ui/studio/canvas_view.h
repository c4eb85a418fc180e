// The image canvas (Gwenview/qimgv style): a QGraphicsView whose scene coordinates ARE image pixels, so the view
// transform is the one image<->view mapping (viewToImage / imageToView). Ctrl+wheel zooms under the cursor, Ctrl+F
// fits, Space+drag and the middle button pan. zoom() is in physical pixels per image pixel (high-DPI aware: 1.0
// shows each image pixel on one device pixel).
//
// Editing goes through tool objects (canvas_tools.h): the select tool moves/resizes with handles and nudges with
// the arrow keys, the box tool (R) creates by dragging. The canvas never edits a document: it emits the finished
// edit (boxCreated / boxGeometryChanged) and the owner turns it into an undo command, then calls setBoxes().
#pragma once
#include <QGraphicsView>
#include <QHash>
#include <QImage>
#include <memory>

#include "ui/studio/canvas_box.h"

class QGraphicsPixmapItem;

namespace glip::studio {

class BoxItem;
class CanvasTool;

class CanvasView : public QGraphicsView {
  Q_OBJECT
 public:
  enum class Tool { Select, CreateBox };

  explicit CanvasView(QWidget* parent = nullptr);
  ~CanvasView() override;

  void setImage(const QImage& image);  // resets the boxes and fits
  void clearImage();
  bool hasImage() const { return !image_.isNull(); }
  // A text shown centred on the canvas instead of an image (why an image cannot be shown, or a hint while empty).
  // setImage() clears it; clearImage() keeps it.
  void setMessage(const QString& text);
  QString message() const { return message_; }
  QSize imageSize() const { return image_.size(); }

  void setBoxes(const QVector<CanvasBox>& boxes);  // keeps the selection when the id still exists
  QVector<CanvasBox> boxes() const;
  BoxItem* boxItem(quint64 id) const { return items_.value(id, nullptr); }
  quint64 selectedId() const { return selected_; }  // the primary selection (handles, Boxes row); 0: none
  QList<quint64> selectedIds() const;               // every selected box, the primary last; empty: none
  void selectBox(quint64 id);                       // exactly this box; 0 clears
  void setSelection(const QList<quint64>& ids);     // these boxes (unknown ids dropped), the last one primary
  void toggleSelected(quint64 id);                  // Ctrl+click
  void selectAll();                                 // Ctrl+A

  // View ▸ Show boxes / Show labels: what is drawn (hidden boxes cannot be picked; the selection is kept).
  void setBoxesVisible(bool on);
  bool boxesVisible() const { return boxesVisible_; }
  void setCaptionsVisible(bool on);
  bool captionsVisible() const { return captionsVisible_; }

  void setTool(Tool tool);
  Tool tool() const { return tool_; }

  // The one image<->view mapping.
  QPointF viewToImage(const QPointF& viewPos) const;
  QPointF imageToView(const QPointF& imagePos) const;
  QRectF imageToView(const QRectF& imageRect) const;
  QPointF clampToImage(const QPointF& p) const;
  QRectF clampToImage(const QRectF& r) const;
  QRectF moveIntoImage(const QRectF& r) const;  // r moved (size kept) so that it lies inside the image

  double zoom() const;  // physical pixels per image pixel
  void setZoom(double zoom, const QPointF& viewAnchor);
  void setZoom(double zoom);  // anchored at the viewport centre
  bool fitMode() const { return fit_; }

  // Used by the tools.
  void emitBoxCreated(const QRectF& r) { emit boxCreated(r); }
  void emitGeometryChanged(quint64 id, const QRectF& from, const QRectF& to) { emit boxGeometryChanged(id, from, to, false); }
  void emitBoxesMoved(const QHash<quint64, QRectF>& to) { emit boxesMoved(to); }
  void panBy(const QPointF& viewDelta);
  bool spaceHeld() const { return space_; }

 public slots:
  void fitToWindow();
  void zoomIn();
  void zoomOut();
  void actualSize();
  void nudgeSelected(const QPointF& imageDelta);

 signals:
  void boxCreated(const QRectF& imageRect);
  // nudge: an arrow-key step (the owner may merge consecutive nudges into one undo step)
  void boxGeometryChanged(quint64 id, const QRectF& from, const QRectF& to, bool nudge);
  // Several selected boxes moved together (one drag or one arrow-key step): their new rects.
  void boxesMoved(const QHash<quint64, QRectF>& to);
  void selectionChanged(quint64 id);  // the primary id; selectedIds() has the whole selection
  void zoomChanged(double zoom);
  void cursorMoved(const QPointF& imagePos);
  void filesDropped(const QStringList& paths);

 protected:
  void wheelEvent(QWheelEvent* e) override;
  void mousePressEvent(QMouseEvent* e) override;
  void mouseMoveEvent(QMouseEvent* e) override;
  void mouseReleaseEvent(QMouseEvent* e) override;
  void keyPressEvent(QKeyEvent* e) override;
  void keyReleaseEvent(QKeyEvent* e) override;
  void resizeEvent(QResizeEvent* e) override;
  void dragEnterEvent(QDragEnterEvent* e) override;
  void dragMoveEvent(QDragMoveEvent* e) override;
  void dropEvent(QDropEvent* e) override;
  void drawBackground(QPainter* painter, const QRectF& rect) override;
  void drawForeground(QPainter* painter, const QRectF& rect) override;

 private:
  void applyScale(double viewScale);  // view pixels (logical) per image pixel
  void updateItemScales();
  void layoutCaptions();  // captions placed so that they do not cover each other (first come, first placed)
  void updateCursor();
  CanvasTool* activeTool() const;

  QImage image_;
  QString message_;
  bool boxesVisible_ = true;
  bool captionsVisible_ = true;
  QGraphicsPixmapItem* pixmap_ = nullptr;
  QHash<quint64, BoxItem*> items_;
  quint64 selected_ = 0;
  QList<quint64> extra_;  // the other selected boxes (multi-selection), in selection order
  void applySelection(const QList<quint64>& ids);
  Tool tool_ = Tool::Select;
  std::unique_ptr<CanvasTool> selectTool_, createTool_;
  bool fit_ = true;
  bool space_ = false;
  bool panning_ = false;  // middle button or Space+left
  QPointF lastPan_;
};

}  // namespace glip::studio
