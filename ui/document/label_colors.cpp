#include "ui/document/label_colors.h"

namespace glip::studio {
namespace {
QMap<QString, QColor> opaque(const QMap<QString, QColor>& in) {
  QMap<QString, QColor> out;
  for (auto it = in.cbegin(); it != in.cend(); ++it)
    if (it.value().isValid() && !it.key().isEmpty()) out.insert(it.key(), QColor(it.value().rgb()));
  return out;
}
}  // namespace

void LabelColors::setColor(const QString& label, const QColor& color) {
  if (label.isEmpty()) return;
  if (!color.isValid()) {
    if (colors_.remove(label) == 0) return;
  } else {
    const QColor c(color.rgb());
    if (colors_.value(label) == c) return;
    colors_.insert(label, c);
  }
  emit colorChanged(label);
  emit changed();
}

void LabelColors::setAll(const QMap<QString, QColor>& colors) {
  const QMap<QString, QColor> next = opaque(colors);
  if (next == colors_) return;
  colors_ = next;
  emit changed();
}

}  // namespace glip::studio
