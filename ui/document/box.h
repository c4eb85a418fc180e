// Box — one annotation box of an image, a value type. Coordinates are image pixels, continuous (x2 = x1 + w), with
// the corners kept at float32 precision (as the engine's detections), so that COCO export -> import is exact.
#pragma once
#include <QRectF>
#include <QString>
#include <QVector>
#include <optional>

namespace glip {
struct Detection;
}

namespace glip::studio {

// Where a box comes from. A model box that is moved, resized or relabelled becomes Edited and keeps its score.
enum class Provenance { Model, Manual, Edited };
QString provenanceKey(Provenance p);                              // "model", "manual", "edited" (file format)
std::optional<Provenance> provenanceFromKey(const QString& key);  // nullopt for anything else
QString provenanceDisplayName(Provenance p);                      // translated, for the UI

struct Box {
  quint64 id = 0;        // stable within an ImageDocument (assigned by it when 0); not saved
  QRectF rect;           // normalized, corners at float32 precision (see snapRect)
  QString label;         // verbatim (spaces kept)
  float score = 0;       // model score; meaningful for Model and Edited boxes
  Provenance provenance = Provenance::Manual;
  int candidate = -1;    // index into the DetectResult's candidates, -1 when none

  bool hasScore() const { return provenance != Provenance::Manual; }
  // Same content; `id` is compared too unless ignoreId.
  bool equals(const Box& o, bool ignoreId = false) const;
  bool operator==(const Box& o) const { return equals(o); }
  bool operator!=(const Box& o) const { return !equals(o); }

  // Normalized rect with each corner rounded to the nearest float32 (w and h recomputed from the corners).
  static QRectF snapRect(const QRectF& r);
  // A Model box from an engine detection (box = x1 y1 x2 y2 in original-image pixels).
  static Box fromDetection(const glip::Detection& d);
};

using BoxList = QVector<Box>;

}  // namespace glip::studio
