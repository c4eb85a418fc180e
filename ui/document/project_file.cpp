#include "ui/document/project_file.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

namespace glip::studio {
namespace {

QString storedPath(const QString& absolute, const QString& baseDir) {
  if (baseDir.isEmpty()) return absolute;
  const QString rel = QDir(baseDir).relativeFilePath(absolute);
  if (rel.startsWith(QLatin1String("../")) || rel == QLatin1String("..") || QDir::isAbsolutePath(rel))
    return absolute;
  return rel;
}

QString resolvedPath(const QString& stored, const QString& baseDir) {
  if (QDir::isAbsolutePath(stored) || baseDir.isEmpty()) return QDir::cleanPath(stored);
  return QDir::cleanPath(QDir(baseDir).absoluteFilePath(stored));
}

QJsonArray boxesToJson(const BoxList& boxes) {
  QJsonArray arr;
  for (const Box& b : boxes) {
    QJsonObject o;
    const QRectF& r = b.rect;
    o.insert(QStringLiteral("rect"), QJsonArray{r.left(), r.top(), r.left() + r.width(), r.top() + r.height()});
    o.insert(QStringLiteral("label"), b.label);
    o.insert(QStringLiteral("provenance"), provenanceKey(b.provenance));
    if (b.hasScore()) o.insert(QStringLiteral("score"), static_cast<double>(b.score));
    if (b.candidate >= 0) o.insert(QStringLiteral("candidate"), b.candidate);
    arr.append(o);
  }
  return arr;
}

bool boxesFromJson(const QJsonValue& v, const QString& where, BoxList* out, QString* error) {
  if (v.isUndefined() || v.isNull()) return true;
  if (!v.isArray()) {
    *error = where + ProjectFile::tr(": must be an array");
    return false;
  }
  const QJsonArray arr = v.toArray();
  for (int i = 0; i < arr.size(); ++i) {
    const QString w = QStringLiteral("%1[%2]").arg(where).arg(i);
    const QJsonObject o = arr[i].toObject();
    const QJsonArray r = o.value(QStringLiteral("rect")).toArray();
    if (!arr[i].isObject() || r.size() != 4 || !r[0].isDouble() || !r[1].isDouble() || !r[2].isDouble() ||
        !r[3].isDouble()) {
      *error = w + ProjectFile::tr(": 'rect' must be [x1, y1, x2, y2]");
      return false;
    }
    Box b;
    b.rect = Box::snapRect(QRectF(QPointF(r[0].toDouble(), r[1].toDouble()), QPointF(r[2].toDouble(), r[3].toDouble())));
    if (!o.value(QStringLiteral("label")).isString()) {
      *error = w + ProjectFile::tr(": 'label' must be a string");
      return false;
    }
    b.label = o.value(QStringLiteral("label")).toString();
    const auto prov = provenanceFromKey(o.value(QStringLiteral("provenance")).toString(QStringLiteral("manual")));
    if (!prov) {
      *error = w + ProjectFile::tr(": 'provenance' must be \"model\", \"manual\" or \"edited\"");
      return false;
    }
    b.provenance = *prov;
    b.score = static_cast<float>(o.value(QStringLiteral("score")).toDouble(0));
    b.candidate = o.value(QStringLiteral("candidate")).toInt(-1);
    out->append(b);
  }
  return true;
}

}  // namespace

bool ProjectState::sameContent(const ProjectState& o) const {
  if (categories != o.categories || caption != o.caption || activePrompt != o.activePrompt || labels != o.labels ||
      labelColors != o.labelColors || images.size() != o.images.size())
    return false;
  for (int i = 0; i < images.size(); ++i)
    if (!images[i].sameContent(o.images[i])) return false;
  return true;
}

QByteArray ProjectFile::toJson(const ProjectState& s, const QString& baseDir) {
  QJsonObject root;
  root.insert(QStringLiteral("format"), QString::fromLatin1(kFormat));
  root.insert(QStringLiteral("version"), kVersion);
  QJsonObject prompts;
  prompts.insert(QStringLiteral("active"),
                 s.activePrompt == PromptMode::Caption ? QStringLiteral("caption") : QStringLiteral("categories"));
  prompts.insert(QStringLiteral("categories"), QJsonArray::fromStringList(s.categories));
  prompts.insert(QStringLiteral("caption"), s.caption.toJson());
  root.insert(QStringLiteral("prompts"), prompts);
  root.insert(QStringLiteral("labels"), QJsonArray::fromStringList(s.labels));
  if (!s.labelColors.isEmpty()) {
    QJsonObject colors;
    for (auto it = s.labelColors.cbegin(); it != s.labelColors.cend(); ++it)
      colors.insert(it.key(), it.value().name(QColor::HexRgb));
    root.insert(QStringLiteral("labelColors"), colors);
  }
  QJsonArray images;
  for (const ImageState& im : s.images) {
    QJsonObject o;
    o.insert(QStringLiteral("path"), storedPath(im.path, baseDir));
    o.insert(QStringLiteral("width"), im.size.isValid() ? im.size.width() : 0);
    o.insert(QStringLiteral("height"), im.size.isValid() ? im.size.height() : 0);
    o.insert(QStringLiteral("status"), reviewStatusKey(im.status));
    if (!im.prompt.isEmpty()) o.insert(QStringLiteral("prompt"), im.prompt.toJson());
    o.insert(QStringLiteral("boxes"), boxesToJson(im.boxes));
    o.insert(QStringLiteral("predictions"), boxesToJson(im.predictions));
    images.append(o);
  }
  root.insert(QStringLiteral("images"), images);
  return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

bool ProjectFile::fromJson(const QByteArray& data, const QString& baseDir, ProjectState* out, QString* error) {
  QString dummy;
  if (error == nullptr) error = &dummy;
  QJsonParseError pe;
  const QJsonDocument doc = QJsonDocument::fromJson(data, &pe);
  if (pe.error != QJsonParseError::NoError) {
    *error = ProjectFile::tr("invalid JSON at byte %1: %2").arg(pe.offset).arg(pe.errorString());
    return false;
  }
  const QJsonObject root = doc.object();
  if (!doc.isObject() || root.value(QStringLiteral("format")).toString() != QLatin1String(kFormat)) {
    *error = ProjectFile::tr("not a GLIP Studio project (\"format\": \"glip-studio-project\" missing)");
    return false;
  }
  const QJsonValue version = root.value(QStringLiteral("version"));
  if (!version.isDouble() || version.toDouble() < 1) {
    *error = ProjectFile::tr("missing or invalid \"version\"");
    return false;
  }
  if (version.toInt() > kVersion) {
    *error = ProjectFile::tr("the project was written by a newer GLIP Studio (file format version %1, this one reads %2)")
                 .arg(version.toInt())
                 .arg(kVersion);
    return false;
  }
  ProjectState s;
  const QJsonObject prompts = root.value(QStringLiteral("prompts")).toObject();
  s.activePrompt = prompts.value(QStringLiteral("active")).toString() == QLatin1String("caption")
                       ? PromptMode::Caption
                       : PromptMode::Categories;
  for (const QJsonValue& c : prompts.value(QStringLiteral("categories")).toArray()) s.categories.append(c.toString());
  QString perr;
  if (!PromptSpec::fromJson(prompts.value(QStringLiteral("caption")).toObject(), &s.caption, &perr)) {
    *error = QStringLiteral("prompts.caption: ") + perr;
    return false;
  }
  for (const QJsonValue& l : root.value(QStringLiteral("labels")).toArray()) s.labels.append(l.toString());
  const QJsonObject colors = root.value(QStringLiteral("labelColors")).toObject();  // optional (absent before)
  for (auto it = colors.constBegin(); it != colors.constEnd(); ++it) {
    const QColor c = QColor::fromString(it.value().toString());
    if (!it.key().isEmpty() && c.isValid()) s.labelColors.insert(it.key(), QColor(c.rgb()));
  }
  const QJsonArray images = root.value(QStringLiteral("images")).toArray();
  for (int i = 0; i < images.size(); ++i) {
    const QString w = QStringLiteral("images[%1]").arg(i);
    const QJsonObject o = images[i].toObject();
    if (!images[i].isObject() || !o.value(QStringLiteral("path")).isString() ||
        o.value(QStringLiteral("path")).toString().isEmpty()) {
      *error = w + ProjectFile::tr(": needs a non-empty 'path'");
      return false;
    }
    ImageState im;
    im.path = resolvedPath(o.value(QStringLiteral("path")).toString(), baseDir);
    const int width = o.value(QStringLiteral("width")).toInt(0), height = o.value(QStringLiteral("height")).toInt(0);
    if (width > 0 && height > 0) im.size = QSize(width, height);
    const auto status = reviewStatusFromKey(o.value(QStringLiteral("status")).toString(QStringLiteral("unlabeled")));
    if (!status) {
      *error = w + ProjectFile::tr(": unknown 'status'");
      return false;
    }
    im.status = *status;
    if (o.contains(QStringLiteral("prompt")) &&
        !PromptSpec::fromJson(o.value(QStringLiteral("prompt")).toObject(), &im.prompt, &perr)) {
      *error = w + QStringLiteral(".prompt: ") + perr;
      return false;
    }
    if (!boxesFromJson(o.value(QStringLiteral("boxes")), w + QStringLiteral(".boxes"), &im.boxes, error) ||
        !boxesFromJson(o.value(QStringLiteral("predictions")), w + QStringLiteral(".predictions"), &im.predictions,
                       error))
      return false;
    s.images.append(im);
  }
  *out = s;
  return true;
}

bool ProjectFile::writeAtomic(const QString& path, const QByteArray& data, QString* error) {
  QSaveFile f(path);
  if (!f.open(QIODevice::WriteOnly)) {
    if (error) *error = ProjectFile::tr("cannot write '%1': %2").arg(path, f.errorString());
    return false;
  }
  if (f.write(data) != data.size()) {
    if (error) *error = ProjectFile::tr("cannot write '%1': %2").arg(path, f.errorString());
    f.cancelWriting();
    return false;
  }
  if (!f.commit()) {
    if (error) *error = ProjectFile::tr("cannot write '%1': %2").arg(path, f.errorString());
    return false;
  }
  return true;
}

bool ProjectFile::read(const QString& path, ProjectState* out, QString* error) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) {
    if (error) *error = ProjectFile::tr("cannot open '%1': %2").arg(path, f.errorString());
    return false;
  }
  QString err;
  if (!fromJson(f.readAll(), QFileInfo(path).absolutePath(), out, &err)) {
    if (error) *error = path + QStringLiteral(": ") + err;
    return false;
  }
  return true;
}

}  // namespace glip::studio
