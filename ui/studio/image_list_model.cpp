#include "ui/studio/image_list_model.h"

#include <QColor>
#include <QFileInfo>
#include <QPainter>
#include <QPixmap>

#include "ui/document/project.h"

namespace glip::studio {

namespace {
QColor statusColor(ReviewStatus s) {
  switch (s) {
    case ReviewStatus::Unlabeled: return QColor(150, 150, 150);
    case ReviewStatus::Predicted: return QColor(40, 120, 230);
    case ReviewStatus::Edited: return QColor(235, 150, 20);
    case ReviewStatus::Reviewed: return QColor(40, 170, 60);
  }
  return Qt::gray;
}
QPixmap statusDot(ReviewStatus s) {
  QPixmap pm(12, 12);
  pm.fill(Qt::transparent);
  QPainter p(&pm);
  p.setRenderHint(QPainter::Antialiasing);
  p.setPen(Qt::NoPen);
  p.setBrush(statusColor(s));
  p.drawEllipse(1, 1, 10, 10);
  return pm;
}
QPixmap errorMark() {
  QPixmap pm(12, 12);
  pm.fill(Qt::transparent);
  QPainter p(&pm);
  p.setRenderHint(QPainter::Antialiasing);
  p.setPen(QPen(QColor(200, 40, 40), 2));
  p.drawLine(2, 2, 10, 10);
  p.drawLine(10, 2, 2, 10);
  return pm;
}
}  // namespace

ImageListModel::ImageListModel(Project* project, QObject* parent) : QAbstractListModel(parent), project_(project) {
  connect(project_, &Project::imagesReset, this, [this] {
    beginResetModel();
    endResetModel();
    for (int i = 0; i < project_->imageCount(); ++i) connectDocument(i);
  });
  connect(project_, &Project::imageAdded, this, [this](int i) {
    beginInsertRows({}, i, i);
    endInsertRows();
    connectDocument(i);
  });
  connect(project_, &Project::imageAboutToBeRemoved, this, [this](int i) { beginRemoveRows({}, i, i); });
  connect(project_, &Project::imageRemoved, this, [this](int) { endRemoveRows(); });
  for (int i = 0; i < project_->imageCount(); ++i) connectDocument(i);
}

void ImageListModel::connectDocument(int row) {
  ImageDocument* doc = project_->image(row);
  if (!doc || connected_.contains(doc)) return;
  connected_.insert(doc);
  connect(doc, &QObject::destroyed, this, [this, doc] { connected_.remove(doc); });
  auto update = [this, doc] {
    const int r = project_->images().indexOf(doc);
    if (r >= 0) emit dataChanged(index(r), index(r));
  };
  connect(doc, &ImageDocument::changed, this, update);
  connect(doc, &ImageDocument::fileStateChanged, this, update);
}

int ImageListModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : project_->imageCount(); }

QVariant ImageListModel::data(const QModelIndex& index, int role) const {
  ImageDocument* doc = project_->image(index.row());
  if (!doc) return {};
  const bool unreadable = !doc->readError().isEmpty();
  switch (role) {
    case Qt::DisplayRole:
      if (unreadable) return tr("%1 — cannot be read").arg(QFileInfo(doc->imagePath()).fileName());
      return tr("%1 — %2, %n box(es)", nullptr, int(doc->boxes().size()))
          .arg(QFileInfo(doc->imagePath()).fileName(), reviewStatusDisplayName(doc->status()));
    case Qt::DecorationRole: return unreadable ? errorMark() : statusDot(doc->status());
    case Qt::ForegroundRole: return unreadable ? QVariant(QColor(200, 40, 40)) : QVariant();
    case Qt::ToolTipRole: return unreadable ? QStringLiteral("%1\n%2").arg(doc->imagePath(), doc->readError()) : doc->imagePath();
    case PathRole: return doc->imagePath();
    case StatusRole: return static_cast<int>(doc->status());
    case UnreadableRole: return unreadable;
    default: return {};
  }
}

void ImageFilterModel::setSearch(const QString& text) {
  search_ = text.trimmed();
  invalidateFilter();
}

void ImageFilterModel::setShow(Show show) {
  show_ = show;
  invalidateFilter();
}

bool ImageFilterModel::filterAcceptsRow(int row, const QModelIndex& parent) const {
  const QModelIndex i = sourceModel()->index(row, 0, parent);
  if (!search_.isEmpty() &&
      !QFileInfo(i.data(ImageListModel::PathRole).toString()).fileName().contains(search_, Qt::CaseInsensitive))
    return false;
  const bool unreadable = i.data(ImageListModel::UnreadableRole).toBool();
  const auto status = static_cast<ReviewStatus>(i.data(ImageListModel::StatusRole).toInt());
  switch (show_) {
    case Show::All: return true;
    case Show::Unlabeled: return !unreadable && status == ReviewStatus::Unlabeled;
    case Show::Predicted: return !unreadable && status == ReviewStatus::Predicted;
    case Show::Edited: return !unreadable && status == ReviewStatus::Edited;
    case Show::Reviewed: return !unreadable && status == ReviewStatus::Reviewed;
    case Show::Unreadable: return unreadable;
  }
  return true;
}

}  // namespace glip::studio
