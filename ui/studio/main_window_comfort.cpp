// MainWindow: what a person labelling many images reaches for — the image list's search and status filter,
// New / Close / Recent projects, copy and paste of boxes (also onto another image), show or hide boxes and labels,
// the image counter and "next unreviewed".
#include <QAction>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QListView>
#include <QFileInfo>
#include <QLabel>
#include <QMenu>
#include <QStatusBar>
#include <QUndoStack>
#include <QVBoxLayout>

#include "ui/document/project.h"
#include "ui/studio/canvas_view.h"
#include "ui/studio/image_list_model.h"
#include "ui/studio/main_window.h"
#include "ui/studio/studio_settings.h"

namespace glip::studio {

QWidget* MainWindow::buildImagesPanel() {
  auto* panel = new QWidget(this);
  auto* lay = new QVBoxLayout(panel);
  lay->setContentsMargins(2, 2, 2, 2);
  auto* row = new QHBoxLayout;
  auto* search = new QLineEdit(panel);
  search->setObjectName(QStringLiteral("imageSearch"));
  search->setPlaceholderText(tr("Search file names"));
  search->setClearButtonEnabled(true);
  auto* show = new QComboBox(panel);
  show->setObjectName(QStringLiteral("imageFilter"));
  show->addItem(tr("All"), int(ImageFilterModel::Show::All));
  show->addItem(tr("Unlabeled"), int(ImageFilterModel::Show::Unlabeled));
  show->addItem(tr("Predicted"), int(ImageFilterModel::Show::Predicted));
  show->addItem(tr("Edited"), int(ImageFilterModel::Show::Edited));
  show->addItem(tr("Reviewed"), int(ImageFilterModel::Show::Reviewed));
  show->addItem(tr("Cannot be read"), int(ImageFilterModel::Show::Unreadable));
  show->setToolTip(tr("Show only the images with this status"));
  row->addWidget(search, 1);
  row->addWidget(show);
  lay->addLayout(row);
  listModel_ = new ImageListModel(project_, this);
  imageFilter_ = new ImageFilterModel(this);
  imageFilter_->setDynamicSortFilter(false);
  imageFilter_->setSourceModel(listModel_);
  imageList_ = new QListView(panel);
  imageList_->setObjectName(QStringLiteral("imageList"));
  imageList_->setModel(imageFilter_);
  imageList_->setUniformItemSizes(true);
  lay->addWidget(imageList_, 1);
  // showImage() sets current_ before it moves the list's current row, so this only reacts to the user's choice, not
  // to rows coming and going when the filter changes (the view then moves its current row by itself). The filter is
  // applied when it is changed, not on every status change (dynamicSortFilter off): rows never vanish under the user.
  connect(imageList_->selectionModel(), &QItemSelectionModel::currentChanged, this, [this](const QModelIndex& i) {
    const int r = imageFilter_->mapToSource(i).row();
    if (!listChanging_ && i.isValid() && r != current_) showImage(r);
  });
  auto refilter = [this] {
    const QModelIndex row = imageFilter_->mapFromSource(listModel_->index(current_));
    if (imageList_->currentIndex() != row) imageList_->setCurrentIndex(row);
    refreshActions();
  };
  connect(search, &QLineEdit::textChanged, this, [this, refilter](const QString& t) {
    listChanging_ = true;
    imageFilter_->setSearch(t);
    listChanging_ = false;
    refilter();
  });
  connect(show, &QComboBox::currentIndexChanged, this, [this, show, refilter] {
    listChanging_ = true;
    imageFilter_->setShow(static_cast<ImageFilterModel::Show>(show->currentData().toInt()));
    listChanging_ = false;
    refilter();
  });
  return panel;
}

int MainWindow::neighbourImage(int step) const {
  if (!imageFilter_) return -1;
  const auto source = [this](int row) { return imageFilter_->mapToSource(imageFilter_->index(row, 0)).row(); };
  if (const QModelIndex here = imageFilter_->mapFromSource(listModel_->index(current_)); here.isValid()) {
    const int row = here.row() + step;
    return row >= 0 && row < imageFilter_->rowCount() ? source(row) : -1;
  }
  // The current image is not listed (the rows keep the project's order): the first listed image after it, or the
  // last one before it.
  int before = -1;
  for (int r = 0; r < imageFilter_->rowCount(); ++r) {
    const int src = source(r);
    if (step > 0 && src > current_) return src;
    if (step < 0 && src < current_) before = src;
  }
  return step < 0 ? before : -1;
}

void MainWindow::buildComfortActions() {
  connect(addAction_("new_project", tr("&New project"), {QKeySequence::New}), &QAction::triggered, this, &MainWindow::closeProject);
  connect(addAction_("close_project", tr("&Close project"), {QKeySequence(QStringLiteral("Ctrl+W"))}), &QAction::triggered, this,
          &MainWindow::closeProject);
  connect(addAction_("copy_boxes", tr("&Copy boxes"), {QKeySequence::Copy}), &QAction::triggered, this, &MainWindow::copyBoxes);
  connect(addAction_("paste_boxes", tr("&Paste boxes"), {QKeySequence::Paste}), &QAction::triggered, this, &MainWindow::pasteBoxes);
  QAction* boxes = addAction_("show_boxes", tr("Show &boxes"), {QKeySequence(QStringLiteral("H"))});
  boxes->setCheckable(true);
  boxes->setChecked(true);
  connect(boxes, &QAction::toggled, canvas_, &CanvasView::setBoxesVisible);
  QAction* labels = addAction_("show_labels", tr("Show &labels"), {QKeySequence(QStringLiteral("L"))});
  labels->setCheckable(true);
  labels->setChecked(true);
  connect(labels, &QAction::toggled, canvas_, &CanvasView::setCaptionsVisible);
  connect(addAction_("next_unreviewed", tr("Next &unreviewed image"), {QKeySequence(QStringLiteral("Shift+D"))}),
          &QAction::triggered, this, &MainWindow::nextUnreviewed);
}

QMenu* MainWindow::buildRecentMenu() {
  auto* menu = new QMenu(tr("&Recent projects"), this);
  menu->setObjectName(QStringLiteral("recentMenu"));
  connect(menu, &QMenu::aboutToShow, this, [this, menu] {
    menu->clear();
    const QStringList recent = settings_->recentProjects();
    for (const QString& path : recent) {
      QAction* a = menu->addAction(QFileInfo(path).fileName());
      a->setToolTip(path);
      a->setEnabled(QFileInfo::exists(path));
      connect(a, &QAction::triggered, this, [this, path] { openPaths({path}); });
    }
    if (recent.isEmpty()) menu->addAction(tr("(none yet)"))->setEnabled(false);
  });
  return menu;
}

void MainWindow::closeProject() {
  if (batchRunning() || !maybeSave()) return;
  project_->reset();  // an empty untitled, unmodified project; the prompt panel keeps what the user wrote
  refreshActions();
}

void MainWindow::copyBoxes() {
  ImageDocument* doc = currentDocument();
  if (!doc) return;
  boxClipboard_.clear();
  for (quint64 id : canvas_->selectedIds())
    if (const Box* b = doc->box(id)) boxClipboard_ << *b;
  statusBar()->showMessage(tr("%n box(es) copied", nullptr, int(boxClipboard_.size())), 3000);
  refreshActions();
}

void MainWindow::pasteBoxes() {
  ImageDocument* doc = currentDocument();
  if (!doc || !canvas_->hasImage() || boxClipboard_.isEmpty()) return;
  const QRectF image(QPointF(0, 0), QSizeF(canvas_->imageSize()));
  QList<quint64> pasted;
  doc->undoStack()->beginMacro(tr("Paste %n box(es)", nullptr, int(boxClipboard_.size())));
  for (Box b : std::as_const(boxClipboard_)) {
    const QRectF r = b.rect & image;  // onto a smaller image: what falls inside it
    if (r.width() < 1 || r.height() < 1) continue;
    b.rect = r;
    b.provenance = Provenance::Manual;  // placed by hand here
    b.score = 0;
    pasted << doc->addBox(b);
    project_->addLabel(b.label);
  }
  doc->undoStack()->endMacro();
  canvas_->setSelection(pasted);
}

void MainWindow::nextUnreviewed() {
  const int n = project_->imageCount();
  for (int k = 1; k <= n; ++k) {
    const int i = (current_ + k) % n;
    ImageDocument* d = project_->image(i);
    if (d->status() != ReviewStatus::Reviewed && d->readError().isEmpty()) {
      showImage(i);
      return;
    }
  }
  statusBar()->showMessage(tr("Every image is reviewed"), 4000);
}

void MainWindow::refreshImageCounter() {
  if (!imageCounter_) return;  // refreshActions() may run before the status bar exists
  const int n = project_->imageCount();
  int reviewed = 0;
  for (ImageDocument* d : project_->images()) reviewed += d->status() == ReviewStatus::Reviewed;
  imageCounter_->setText(n == 0 ? QString() : tr("Image %1 / %2 · %3 reviewed").arg(current_ + 1).arg(n).arg(reviewed));
}

}  // namespace glip::studio
