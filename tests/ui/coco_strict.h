// A strict check of a COCO dataset file, for the tests that export one (journeys, glip-studio --export-coco).
#pragma once
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QImageReader>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QStringList>
#include <algorithm>
#include <cmath>

namespace coco_strict {

// A strict COCO dataset check (the published format plus what an annotator expects of an export): ids >= 1 and
// unique; every image's width/height > 0 and equal to the file's real size; file_name relative and resolving to a
// file; every box of positive size inside its image; category ids exist; categories = the labels used. Returns the
// problems ("" = valid).
inline QString validate(const QString& jsonPath) {
  QFile f(jsonPath);
  if (!f.open(QIODevice::ReadOnly)) return QStringLiteral("cannot open ") + jsonPath;
  QJsonParseError pe;
  const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &pe);
  if (pe.error != QJsonParseError::NoError || !doc.isObject()) return QStringLiteral("not a JSON object: ") + pe.errorString();
  const QJsonObject root = doc.object();
  QStringList problems;
  const QDir base = QFileInfo(jsonPath).absoluteDir();
  QHash<qint64, QSize> sizes;
  for (const QJsonValue& v : root.value(QStringLiteral("images")).toArray()) {
    const QJsonObject im = v.toObject();
    const qint64 id = im.value(QStringLiteral("id")).toInteger(-1);
    if (id < 1 || sizes.contains(id)) problems << QStringLiteral("image id %1 not >= 1 or not unique").arg(id);
    const QString name = im.value(QStringLiteral("file_name")).toString();
    if (name.isEmpty() || QFileInfo(name).isAbsolute()) problems << QStringLiteral("file_name \"%1\" is not relative").arg(name);
    const QString file = base.filePath(name);
    const QSize real = QImageReader(file).size();
    const QSize said(im.value(QStringLiteral("width")).toInt(), im.value(QStringLiteral("height")).toInt());
    if (!real.isValid()) problems << QStringLiteral("%1: not a readable image").arg(name);
    if (said.width() <= 0 || said.height() <= 0 || said != real)
      problems << QStringLiteral("%1: size %2x%3, the file is %4x%5").arg(name).arg(said.width()).arg(said.height()).arg(real.width()).arg(real.height());
    sizes.insert(id, said);
  }
  QHash<qint64, QString> cats;
  for (const QJsonValue& v : root.value(QStringLiteral("categories")).toArray()) {
    const QJsonObject c = v.toObject();
    const qint64 id = c.value(QStringLiteral("id")).toInteger(-1);
    if (id < 1 || cats.contains(id)) problems << QStringLiteral("category id %1 not >= 1 or not unique").arg(id);
    cats.insert(id, c.value(QStringLiteral("name")).toString());
  }
  QSet<qint64> annIds, usedCats;
  for (const QJsonValue& v : root.value(QStringLiteral("annotations")).toArray()) {
    const QJsonObject a = v.toObject();
    const qint64 id = a.value(QStringLiteral("id")).toInteger(-1);
    if (id < 1 || annIds.contains(id)) problems << QStringLiteral("annotation id %1 not >= 1 or not unique").arg(id);
    annIds.insert(id);
    const qint64 image = a.value(QStringLiteral("image_id")).toInteger(-1);
    const qint64 cat = a.value(QStringLiteral("category_id")).toInteger(-1);
    if (!sizes.contains(image)) problems << QStringLiteral("annotation %1: unknown image %2").arg(id).arg(image);
    if (!cats.contains(cat)) problems << QStringLiteral("annotation %1: unknown category %2").arg(id).arg(cat);
    usedCats.insert(cat);
    const QJsonArray bb = a.value(QStringLiteral("bbox")).toArray();
    if (bb.size() != 4) {
      problems << QStringLiteral("annotation %1: bbox has %2 numbers").arg(id).arg(bb.size());
      continue;
    }
    const double x = bb[0].toDouble(), y = bb[1].toDouble(), w = bb[2].toDouble(), h = bb[3].toDouble();
    const QSize s = sizes.value(image);
    if (!(w > 0 && h > 0 && x >= 0 && y >= 0 && x + w <= s.width() + 1e-6 && y + h <= s.height() + 1e-6))
      problems << QStringLiteral("annotation %1: box %2,%3,%4,%5 not inside %6x%7").arg(id).arg(x).arg(y).arg(w).arg(h).arg(s.width()).arg(s.height());
    if (std::abs(a.value(QStringLiteral("area")).toDouble() - w * h) > 1e-6 * std::max(1.0, w * h))
      problems << QStringLiteral("annotation %1: area is not w*h").arg(id);
  }
  for (auto it = cats.cbegin(); it != cats.cend(); ++it)
    if (!usedCats.contains(it.key())) problems << QStringLiteral("category \"%1\" is used by no box").arg(it.value());
  return problems.join(QLatin1Char('\n'));
}

}  // namespace coco_strict
