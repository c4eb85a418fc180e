#include "ui/document/coco_exchange.h"

#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <cmath>

#include "core/common/error.h"
#include "ui/document/project.h"

namespace glip::studio {
namespace {

QString rootFor(const CocoExchange::ExportOptions& o, const QString& exportDir) {
  return o.imageRoot.isEmpty() ? exportDir : o.imageRoot;
}

std::string fileNameFor(const QString& absolute, const QString& root) {
  const QString rel = QDir(root).relativeFilePath(absolute);
  if (root.isEmpty() || rel.startsWith(QLatin1String("../")) || rel == QLatin1String("..") || QDir::isAbsolutePath(rel))
    return absolute.toStdString();
  return rel.toStdString();
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
  for (const QString& l : project.labels()) b.category(l.toStdString());
  for (const ImageDocument* d : project.images()) {
    if (!exported(d, options)) continue;
    for (const Box& box : d->boxes()) b.category(box.label.toStdString());
    for (const Box& box : d->predictions()) b.category(box.label.toStdString());
  }
  for (const ImageDocument* d : project.images()) {
    if (!exported(d, options)) continue;
    const QSize size = d->imageSize().isValid() ? d->imageSize() : QSize(0, 0);
    const int64_t image = b.add_image(fileNameFor(d->imagePath(), root), size.width(), size.height());
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
      const glip::coco::Category* c = ds.find_category(box.label.toStdString());
      out.push_back(glip::coco::make_result(im.id, c ? c->id : 0, corners(box.rect), box.score,
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
    glip::coco::write_results(QFile::encodeName(path).toStdString(), toResults(project, options, ds), &ds);
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

}  // namespace glip::studio
