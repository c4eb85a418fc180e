// The image list: one row per image of the project, with its file name, review status (coloured marker and
// text) and number of boxes.
#pragma once
#include <QAbstractListModel>
#include <QSet>

namespace glip::studio {

class ImageDocument;
class Project;

class ImageListModel : public QAbstractListModel {
  Q_OBJECT
 public:
  enum Role { PathRole = Qt::UserRole + 1, StatusRole };
  explicit ImageListModel(Project* project, QObject* parent = nullptr);
  int rowCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;

 private:
  void connectDocument(int row);
  Project* project_;
  QSet<const ImageDocument*> connected_;
};

}  // namespace glip::studio
