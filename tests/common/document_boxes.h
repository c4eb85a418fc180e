// Building blocks of the ui/document tests (header-only: for tests that link glip_ui_document).
#pragma once
#include <QByteArray>
#include <QFile>
#include <QRectF>
#include <QString>

#include <tuple>

#include "ui/document/box.h"

namespace glip::test {

// A box of `label` at `r` (image pixels, x1 y1 x2 y2 as a QRectF).
inline studio::Box makeBox(const QString& label, QRectF r, studio::Provenance p = studio::Provenance::Manual,
                           float score = 0, int candidate = -1) {
  studio::Box b;
  std::tie(b.label, b.rect, b.provenance, b.score, b.candidate) = std::tie(label, r, p, score, candidate);
  return b;
}

// The bytes of a file; empty when it cannot be read.
inline QByteArray readAll(const QString& path) {
  QFile f(path);
  return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

}  // namespace glip::test
