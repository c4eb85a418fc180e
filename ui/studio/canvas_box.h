// What the canvas draws for one box: plain values, filled from the document by the main window.
#pragma once
#include <QColor>
#include <QMetaType>
#include <QRectF>
#include <QString>
#include <QVector>

namespace glip::studio {

class LabelColors;

enum class BoxOrigin { Model, Manual, Edited };  // provenance: predicted, drawn by hand, predicted then edited

struct CanvasBox {
  quint64 id = 0;
  QRectF rect;         // x1, y1, x2, y2 in image pixels (scene coordinates)
  QString label;
  double score = -1;   // < 0: no score (manual boxes)
  BoxOrigin origin = BoxOrigin::Manual;
  QColor color;        // the outline/caption colour; invalid: labelColor(label)
};

// A stable colour per label (hue from a hash of the text), readable on photos.
QColor labelColor(const QString& label);
// The colour the user picked for the label in the project (Labels dock), else labelColor(label). `custom` may be null.
QColor labelColor(const QString& label, const LabelColors* custom);

}  // namespace glip::studio

Q_DECLARE_METATYPE(glip::studio::CanvasBox)
