// The image list: one row per image of the project, with its file name, review status (coloured marker and
// text) and number of boxes; ImageFilterModel narrows it by name and status.
#pragma once
#include <QAbstractListModel>
#include <QSet>
#include <QSortFilterProxyModel>

namespace glip::studio {

class ImageDocument;
class Project;

class ImageListModel : public QAbstractListModel {
  Q_OBJECT
 public:
  enum Role { PathRole = Qt::UserRole + 1, StatusRole, UnreadableRole };
  explicit ImageListModel(Project* project, QObject* parent = nullptr);
  int rowCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;

 private:
  void connectDocument(int row);
  Project* project_;
  QSet<const ImageDocument*> connected_;
};

// The Images dock's view of the list: a file-name search and a status filter. Rows keep the project's order.
class ImageFilterModel : public QSortFilterProxyModel {
  Q_OBJECT
 public:
  enum class Show { All, Unlabeled, Predicted, Edited, Reviewed, Unreadable };
  using QSortFilterProxyModel::QSortFilterProxyModel;
  void setSearch(const QString& text);
  void setShow(Show show);
  bool filtering() const { return !search_.isEmpty() || show_ != Show::All; }

 protected:
  bool filterAcceptsRow(int row, const QModelIndex& parent) const override;

 private:
  QString search_;
  Show show_ = Show::All;
};

}  // namespace glip::studio
