// LabelColors — the colours the user picked for labels (Labels dock ▸ Colour…), owned by the Project and saved in
// the project file ("labelColors": {"person": "#ff0000"}). A label without an entry keeps its automatic colour
// (labelColor(), ui/studio/canvas_box.h: a hue from a hash of the name). Plain per-project state, no global: the
// canvas gets the resolved colour through CanvasBox::color, filled by the main window from this registry.
#pragma once
#include <QColor>
#include <QMap>
#include <QObject>
#include <QString>

namespace glip::studio {

class LabelColors : public QObject {
  Q_OBJECT

 public:
  explicit LabelColors(QObject* parent = nullptr) : QObject(parent) {}

  // The chosen colour (opaque), or an invalid QColor when the label has none.
  QColor color(const QString& label) const { return colors_.value(label); }
  bool contains(const QString& label) const { return colors_.contains(label); }
  QMap<QString, QColor> all() const { return colors_; }

  // A user edit (the project becomes modified): an invalid colour removes the label's entry. Alpha is dropped.
  void setColor(const QString& label, const QColor& color);
  // Replaces every entry (loading a project): not an edit, emits only changed().
  void setAll(const QMap<QString, QColor>& colors);

 signals:
  void colorChanged(const QString& label);  // setColor() changed something
  void changed();                           // any change (setColor or setAll): views repaint

 private:
  QMap<QString, QColor> colors_;
};

}  // namespace glip::studio
