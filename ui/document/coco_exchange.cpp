#include "ui/document/coco_exchange.h"

#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <QImageReader>
#include <QSet>
#include <cmath>

#include "core/common/error.h"
#include "ui/document/project.h"

namespace glip::studio {
namespace {

QString rootFor(const CocoExchange::ExportOptions& o, const QString& exportDir) {
  return o.imageRoot.isEmpty() ? exportDir : o.imageRoot;
}

// Always relative to `root` ("../" where the image lies outside it). Only when no relative path exists (another
// drive on Windows) does the absolute path remain.
std::string fileNameFor(const QString& absolute, const QString& root) {
  const QString rel = QDir(root).relativeFilePath(absolute);
  return (QDir::isAbsolutePath(rel) ? QDir::cleanPath(absolute) : rel).toStdString();
}

bool exported(const ImageDocument* d, const CocoExchange::ExportOptions& o) {
  return (!o.reviewedOnly || d->status() == ReviewStatus::Reviewed) && !o.skipImages.contains(d->imagePath());
}

std::array<double, 4> corners(const QRectF& r) { return {r.left(), r.top(), r.left() + r.width(), r.top() + r.height()}; }

glip::coco::Source toSource(Provenance p) {
  switch (p) {
    case Provenance::Model: return glip::coco::Source::Model;
    case Provenance::Edited: return glip::coco::Source::Edited;
    case Provenance::Manual: return glip::coco::Source::Manual;
  }
  return glip::coco::Source::Manual;
}

Provenance fromSource(glip::coco::Source s) {
  switch (s) {
    case glip::coco::Source::Model: return Provenance::Model;
    case glip::coco::Source::Edited: return Provenance::Edited;
    case glip::coco::Source::Manual: return Provenance::Manual;
  }
  return Provenance::Manual;
}

}  // namespace

glip::coco::Dataset CocoExchange::toDataset(const Project& project, const ExportOptions& options,
                                            const QString& exportDir) {
  glip::coco::DatasetBuilder b("GLIP Studio export");
  const QString root = rootFor(options, exportDir);
  // Categories: the labels used by at least one exported box, in the project's label order, then the others in
  // order of first use.
  QSet<QString> used;
  for (const ImageDocument* d : project.images())
    if (exported(d, options))
      for (const Box& box : d->boxes()) used.insert(box.label);
  for (const QString& l : project.labels())
    if (used.contains(l)) b.category(l.toStdString());
  for (const ImageDocument* d : project.images()) {
    if (!exported(d, options)) continue;
    for (const Box& box : d->boxes()) b.category(box.label.toStdString());
  }
  for (const ImageDocument* d : project.images()) {
    if (!exported(d, options)) continue;
    const QSize size = d->imageSize().isValid() ? d->imageSize() : QSize(0, 0);
    std::optional<glip::coco::ImageAttributes> imageAttrs;
    if (options.includeAttributes) {
      glip::coco::ImageAttributes a;
      a.status = reviewStatusKey(d->status()).toStdString();
      imageAttrs = a;
    }
    const int64_t image = b.add_image(fileNameFor(d->imagePath(), root), size.width(), size.height(), imageAttrs);
    for (const Box& box : d->boxes()) {
      std::optional<glip::coco::Attributes> attrs;
      if (options.includeAttributes) {
        glip::coco::Attributes a;
        a.source = toSource(box.provenance);
        if (box.hasScore()) a.score = static_cast<double>(box.score);
        if (box.provenance != Provenance::Manual && !d->prompt().caption.isEmpty()) {
          a.caption = d->prompt().caption.toStdString();
          if (const PromptLabel* l = d->prompt().findLabel(box.label))
            for (const auto& s : l->spans) a.span.push_back({s[0], s[1]});
        }
        attrs = a;
      }
      b.add_box(image, box.label.toStdString(), corners(box.rect), attrs);
    }
  }
  return b.take();
}

std::vector<glip::coco::Result> CocoExchange::toResults(const Project& project, const ExportOptions& options,
                                                        const glip::coco::Dataset& ds) {
  std::vector<glip::coco::Result> out;
  glip::coco::ResultsOptions ro;
  ro.glip_plus_one = options.glipPlusOne;
  size_t next = 0;
  for (const ImageDocument* d : project.images()) {
    if (!exported(d, options)) continue;
    const glip::coco::Image& im = ds.images.at(next++);  // same order as toDataset
    for (const Box& box : d->predictions()) {
      // A label no exported box uses has no category: such predictions cannot be evaluated against the dataset.
      const glip::coco::Category* c = ds.find_category(box.label.toStdString());
      if (c == nullptr) continue;
      out.push_back(glip::coco::make_result(im.id, c->id, corners(box.rect), box.score,
                                            static_cast<double>(im.width), static_cast<double>(im.height), ro));
    }
  }
  return out;
}

bool CocoExchange::exportDataset(const Project& project, const QString& path, const ExportOptions& options,
                                 QString* error) {
  try {
    glip::coco::write_dataset(QFile::encodeName(path).toStdString(),
                              toDataset(project, options, QFileInfo(path).absolutePath()));
  } catch (const glip::Error& e) {
    if (error) *error = QString::fromStdString(e.what());
    return false;
  }
  return true;
}

bool CocoExchange::exportPredictions(const Project& project, const QString& path, const ExportOptions& options,
                                     QString* error) {
  try {
    const glip::coco::Dataset ds = toDataset(project, options, QFileInfo(path).absolutePath());
    const std::vector<glip::coco::Result> results = toResults(project, options, ds);
    glip::coco::validate_results(results, &ds);
    glip::coco::write_results(QFile::encodeName(path).toStdString(), results);
  } catch (const glip::Error& e) {
    if (error) *error = QString::fromStdString(e.what());
    return false;
  }
  return true;
}

bool CocoExchange::importDataset(Project& project, const QString& path, ImportResult* result, QString* error,
                                 const QString& imageRoot) {
  glip::coco::Dataset ds;
  try {
    ds = glip::coco::read_dataset(QFile::encodeName(path).toStdString());
  } catch (const glip::Error& e) {
    if (error) *error = QString::fromStdString(e.what());
    return false;
  }
  ImportResult r;
  const QDir root(imageRoot.isEmpty() ? QFileInfo(path).absolutePath() : imageRoot);
  QHash<qint64, QString> categories;
  for (const glip::coco::Category& c : ds.categories) categories.insert(c.id, QString::fromStdString(c.name));
  QHash<qint64, int> imageIndex;
  for (int i = 0; i < static_cast<int>(ds.images.size()); ++i) imageIndex.insert(ds.images[i].id, i);

  QVector<BoxList> boxes(static_cast<int>(ds.images.size()));
  QVector<PromptSpec> prompts(static_cast<int>(ds.images.size()));
  for (size_t k = 0; k < ds.annotations.size(); ++k) {
    const glip::coco::Annotation& a = ds.annotations[k];
    const QString where = tr("annotation %1").arg(a.id);
    auto im = imageIndex.constFind(a.image_id);
    auto cat = categories.constFind(a.category_id);
    const auto& bb = a.bbox;
    if (im == imageIndex.constEnd()) {
      r.warnings.append(tr("%1 skipped: image %2 does not exist").arg(where).arg(a.image_id));
      continue;
    }
    if (cat == categories.constEnd()) {
      r.warnings.append(tr("%1 skipped: category %2 does not exist").arg(where).arg(a.category_id));
      continue;
    }
    if (!std::isfinite(bb[0]) || !std::isfinite(bb[1]) || !std::isfinite(bb[2]) || !std::isfinite(bb[3]) ||
        bb[2] <= 0 || bb[3] <= 0) {
      r.warnings.append(tr("%1 skipped: empty or invalid box").arg(where));
      continue;
    }
    Box b;
    b.rect = Box::snapRect(QRectF(QPointF(bb[0], bb[1]), QPointF(bb[0] + bb[2], bb[1] + bb[3])));
    b.label = cat.value();
    b.provenance = Provenance::Manual;
    if (a.attributes) {
      if (a.attributes->source) b.provenance = fromSource(*a.attributes->source);
      if (a.attributes->score) b.score = static_cast<float>(*a.attributes->score);
      PromptSpec& p = prompts[im.value()];
      if (!a.attributes->caption.empty() && p.caption.isEmpty()) p.caption = QString::fromStdString(a.attributes->caption);
      if (!a.attributes->span.empty() && p.findLabel(b.label) == nullptr) {
        PromptLabel l;
        l.name = b.label;
        for (const auto& s : a.attributes->span) l.spans.append({s[0], s[1]});
        p.labels.append(l);
      }
    }
    boxes[im.value()].append(b);
    ++r.boxes;
  }

  for (const glip::coco::Category& c : ds.categories) project.addLabel(QString::fromStdString(c.name));
  for (int i = 0; i < static_cast<int>(ds.images.size()); ++i) {
    const glip::coco::Image& im = ds.images[static_cast<size_t>(i)];
    const QString file = QDir::cleanPath(root.absoluteFilePath(QFile::decodeName(im.file_name.c_str())));
    const QSize size = im.width > 0 && im.height > 0 ? QSize(static_cast<int>(im.width), static_cast<int>(im.height))
                                                     : QSize();
    ReviewStatus status = ReviewStatus::Unlabeled;
    if (!boxes[i].isEmpty()) {
      status = ReviewStatus::Predicted;
      for (const Box& b : boxes[i])
        if (b.provenance != Provenance::Model) status = ReviewStatus::Edited;
    }
    // The status GLIP Studio stored (images[i].attributes.status) wins over the inference.
    if (im.attributes && !im.attributes->status.empty()) {
      if (auto s = reviewStatusFromKey(QString::fromStdString(im.attributes->status))) status = *s;
      else r.warnings.append(tr("image %1: unknown status “%2” ignored").arg(im.id).arg(QString::fromStdString(im.attributes->status)));
    }
    const int existing = project.indexOfPath(file);
    ImageDocument* doc = project.addImage(file, size);
    if (size.isValid()) doc->setImageSize(size);
    if (existing >= 0) {
      doc->replaceContent(boxes[i], prompts[i], status, tr("Import COCO boxes"));
    } else {
      ImageState s;
      s.path = doc->imagePath();
      s.size = size;
      s.status = status;
      s.prompt = prompts[i];
      s.boxes = boxes[i];
      doc->restoreState(s);
    }
    ++r.images;
  }
  if (result) *result = r;
  return true;
}

QStringList CocoExchange::strictProblems(const glip::coco::Dataset& ds, const QString& imageRoot) {
  QStringList out;
  // The core checks: ids > 0 and unique, references exist, sizes > 0, boxes non-empty and inside their image.
  for (const std::string& p : glip::coco::find_problems(ds)) out.append(QString::fromStdString(p));
  const QDir root(imageRoot);
  QSet<QString> names;
  for (size_t i = 0; i < ds.images.size(); ++i) {
    const glip::coco::Image& im = ds.images[i];
    const QString w = QStringLiteral("images[%1] (id %2)").arg(i).arg(im.id);
    const QString name = QString::fromStdString(im.file_name);
    if (QDir::isAbsolutePath(name)) out.append(w + QStringLiteral(": file_name \"%1\" is absolute").arg(name));
    if (!name.isEmpty() && names.contains(name)) out.append(w + QStringLiteral(": duplicate file_name \"%1\"").arg(name));
    names.insert(name);
    if (im.attributes && !im.attributes->status.empty() &&
        !reviewStatusFromKey(QString::fromStdString(im.attributes->status)))
      out.append(w + QStringLiteral(": unknown status \"%1\"").arg(QString::fromStdString(im.attributes->status)));
    // The real size, when the file can be read.
    if (imageRoot.isEmpty() || name.isEmpty()) continue;
    QImageReader reader(QDir::cleanPath(root.absoluteFilePath(name)));
    const QSize real = reader.canRead() ? reader.size() : QSize();
    if (real.isValid() && (real.width() != im.width || real.height() != im.height))
      out.append(w + QStringLiteral(": size %1x%2 differs from the file's %3x%4")
                         .arg(im.width).arg(im.height).arg(real.width()).arg(real.height()));
  }
  // Categories are exactly the labels used: each one referenced by at least one annotation.
  QSet<qint64> referenced;
  for (const glip::coco::Annotation& a : ds.annotations) referenced.insert(a.category_id);
  for (size_t i = 0; i < ds.categories.size(); ++i) {
    const glip::coco::Category& c = ds.categories[i];
    if (!referenced.contains(c.id))
      out.append(QStringLiteral("categories[%1] (id %2): \"%3\" is used by no annotation")
                     .arg(i).arg(c.id).arg(QString::fromStdString(c.name)));
  }
  return out;
}

QStringList CocoExchange::strictProblems(const QString& path, const QString& imageRoot) {
  try {
    return strictProblems(glip::coco::read_dataset(QFile::encodeName(path).toStdString()),
                          imageRoot.isEmpty() ? QFileInfo(path).absolutePath() : imageRoot);
  } catch (const glip::Error& e) {
    return {QString::fromStdString(e.what())};
  }
}

}  // namespace glip::studio
