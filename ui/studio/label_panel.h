// LabelPanel — the "Labels" dock (labelme / X-AnyLabeling style): every label of the project with its colour swatch
// and the number of boxes carrying it over all images. The counts follow every change of any image (edits, batch
// runs, undo/redo, COCO import, loading), refreshed once per event-loop turn.
//
// The user can
//   - rename a label (double-click, F2 or "Rename…"): Project::renameLabel — one undo step per affected image, and
//     renaming onto an existing label merges the two;
//   - pick its colour ("Colour…"): kept in the project's LabelColors (saved in the project file) and drawn by the
//     canvas; "Automatic colour" forgets it;
//   - click it (or press Enter): labelClicked() — the main window selects that label's boxes on the current image.
//
// Shown labels: the project's label list in its order, then labels used by boxes but not listed (e.g. brought back
// by an undo after a rename), in the order they are first met.
#pragma once
#include <QHash>
#include <QList>
#include <QPointer>
#include <QWidget>

class QListWidget;
class QPushButton;
class QTimer;

namespace glip::studio {

class ImageDocument;
class Project;

class LabelPanel : public QWidget {
  Q_OBJECT

 public:
  explicit LabelPanel(Project* project, QWidget* parent = nullptr);

  QListWidget* list() const { return list_; }
  QStringList labels() const;                 // as shown
  int boxCount(const QString& label) const;   // as shown; -1 when the label is not shown
  QString currentLabel() const;               // "" when none
  void setCurrentLabel(const QString& label);

  // The ids of the boxes of `doc` labelled `label` (doc may be null).
  static QList<quint64> boxIds(const ImageDocument* doc, const QString& label);

 public slots:
  void refresh();              // rebuild the list now
  void renameCurrent();        // asks for the new name (QInputDialog "renameLabelDialog")
  void chooseColorForCurrent();  // QColorDialog "labelColorDialog"

 signals:
  void labelClicked(const QString& label);

 protected:
  bool eventFilter(QObject* watched, QEvent* e) override;  // F2 on the list

 private:
  void watch(ImageDocument* doc);
  void scheduleRefresh();
  void updateButtons();

  QPointer<Project> project_;  // owned by the main window, which deletes it before its docks
  QListWidget* list_ = nullptr;
  QPushButton* rename_ = nullptr;
  QPushButton* color_ = nullptr;
  QPushButton* autoColor_ = nullptr;
  QTimer* refreshTimer_ = nullptr;
};

}  // namespace glip::studio
