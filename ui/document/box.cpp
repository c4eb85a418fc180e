#include "ui/document/box.h"

#include <QCoreApplication>

#include "core/engine/engine.h"

namespace glip::studio {

QString provenanceKey(Provenance p) {
  switch (p) {
    case Provenance::Model: return QStringLiteral("model");
    case Provenance::Manual: return QStringLiteral("manual");
    case Provenance::Edited: return QStringLiteral("edited");
  }
  return QStringLiteral("manual");
}

std::optional<Provenance> provenanceFromKey(const QString& key) {
  if (key == QLatin1String("model")) return Provenance::Model;
  if (key == QLatin1String("manual")) return Provenance::Manual;
  if (key == QLatin1String("edited")) return Provenance::Edited;
  return std::nullopt;
}

QString provenanceDisplayName(Provenance p) {
  switch (p) {
    case Provenance::Model: return QCoreApplication::translate("glip::studio::Box", "Model");
    case Provenance::Manual: return QCoreApplication::translate("glip::studio::Box", "Manual");
    case Provenance::Edited: return QCoreApplication::translate("glip::studio::Box", "Edited");
  }
  return {};
}

bool Box::equals(const Box& o, bool ignoreId) const {
  // Exact comparison (QRectF's operator== is fuzzy).
  const bool sameRect = rect.x() == o.rect.x() && rect.y() == o.rect.y() && rect.width() == o.rect.width() &&
                        rect.height() == o.rect.height();
  return (ignoreId || id == o.id) && sameRect && label == o.label && score == o.score &&
         provenance == o.provenance && candidate == o.candidate;
}

namespace {
// Rounds to the nearest float32. Through a volatile: with GCC 12 -O3 the plain double->float->double casts in
// snapRect were folded away (observed: no cvtsd2ss emitted, the value came back unrounded).
double toFloat32(double v) {
  volatile float f = static_cast<float>(v);
  return f;
}
}  // namespace

QRectF Box::snapRect(const QRectF& r) {
  const QRectF n = r.normalized();
  const double x1 = toFloat32(n.left()), y1 = toFloat32(n.top());
  const double x2 = toFloat32(n.left() + n.width()), y2 = toFloat32(n.top() + n.height());
  // x2 - x1 of two floats is exact in double, so right() = x1 + w gives x2 back exactly.
  return QRectF(x1, y1, x2 - x1, y2 - y1);
}

Box Box::fromDetection(const glip::Detection& d) {
  Box b;
  b.rect = snapRect(QRectF(QPointF(d.box[0], d.box[1]), QPointF(d.box[2], d.box[3])));
  b.label = QString::fromStdString(d.phrase);
  b.score = d.score;
  b.provenance = Provenance::Model;
  b.candidate = d.candidate;
  return b;
}

}  // namespace glip::studio
