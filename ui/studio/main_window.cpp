#include "ui/studio/main_window.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDesktopServices>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QImageReader>
#include <QLabel>
#include <QListView>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QSlider>
#include <QStatusBar>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QTreeWidget>
#include <QUndoGroup>
#include <QUndoStack>
#include <QUndoView>
#include <QUrl>
#include <QVBoxLayout>

#include "ui/document/project.h"
#include "ui/studio/batch_dialog.h"
#include "ui/studio/canvas_view.h"
#include "ui/studio/dialogs.h"
#include "ui/studio/image_list_model.h"
#include "ui/studio/label_panel.h"
#include "ui/studio/model_download.h"
#include "ui/studio/model_locator.h"
#include "ui/studio/prompt_panel.h"
#include "ui/studio/studio_settings.h"

namespace glip::studio {

MainWindow::MainWindow(StudioSettings* settings, QWidget* parent) : QMainWindow(parent), settings_(settings) {
  setObjectName(QStringLiteral("mainWindow"));
  setAcceptDrops(true);
  resize(1400, 900);
  project_ = new Project(this);
  project_->setAutosaveInterval(settings_->autosaveSeconds() * 1000);
  worker_ = new InferenceWorker(this);
  undoGroup_ = new QUndoGroup(this);
  promptTimer_ = new QTimer(this);
  promptTimer_->setSingleShot(true);
  promptTimer_->setInterval(600);
  threshold_ = settings_->scoreThreshold();
  qApp->installEventFilter(this);  // mouse press/release: a threshold drag is one undo step

  // Central widget: the demo banner above the canvas.
  auto* central = new QWidget(this);
  auto* cl = new QVBoxLayout(central);
  cl->setContentsMargins(0, 0, 0, 0);
  cl->setSpacing(0);
  banner_ = new QWidget(central);
  banner_->setObjectName(QStringLiteral("demoBanner"));
  banner_->setAutoFillBackground(true);
  QPalette bp = banner_->palette();
  bp.setColor(QPalette::Window, QColor(255, 236, 160));
  bp.setColor(QPalette::WindowText, Qt::black);
  banner_->setPalette(bp);
  auto* bl = new QHBoxLayout(banner_);
  bannerText_ = new QLabel(banner_);
  bannerText_->setWordWrap(true);
  bannerText_->setTextFormat(Qt::RichText);
  bannerText_->setText(demoBannerText());
  connect(bannerText_, &QLabel::linkActivated, this, &MainWindow::showModelHelp);
  bl->addWidget(bannerText_);
  banner_->hide();
  cl->addWidget(banner_);
  canvas_ = new CanvasView(central);
  cl->addWidget(canvas_, 1);
  setCentralWidget(central);

  buildActions();
  buildDocks();
  buildMenus();
  buildStatusBar();
  applyShortcuts(*settings_, rebindable_);

  connect(canvas_, &CanvasView::boxCreated, this, &MainWindow::onBoxCreated);
  connect(canvas_, &CanvasView::boxGeometryChanged, this, &MainWindow::onGeometryChanged);
  connect(canvas_, &CanvasView::filesDropped, this, &MainWindow::openPaths);
  connect(canvas_, &CanvasView::boxesMoved, this, [this](const QHash<quint64, QRectF>& to) {
    if (ImageDocument* doc = currentDocument()) doc->setRects(to);
  });
  connect(canvas_, &CanvasView::selectionChanged, this, [this](quint64 id) {
    const QList<quint64> ids = canvas_->selectedIds();
    const QSignalBlocker b(boxList_);
    for (int i = 0; i < boxList_->topLevelItemCount(); ++i) {
      QTreeWidgetItem* it = boxList_->topLevelItem(i);
      const quint64 itemId = it->data(0, Qt::UserRole).value<quint64>();
      if (itemId == id) boxList_->setCurrentItem(it, 0, QItemSelectionModel::NoUpdate);
      it->setSelected(ids.contains(itemId));
    }
    refreshActions();
  });
  connect(canvas_, &CanvasView::zoomChanged, this,
          [this](double z) { zoomLabel_->setText(tr("Zoom %1%").arg(qRound(z * 100))); });
  connect(canvas_, &CanvasView::cursorMoved, this, [this](const QPointF& p) {
    posLabel_->setText(QStringLiteral("%1, %2").arg(qRound(p.x())).arg(qRound(p.y())));
  });
  connect(worker_, &InferenceWorker::modelLoaded, this, &MainWindow::onModelLoaded);
  connect(worker_, &InferenceWorker::modelFailed, this, &MainWindow::onModelFailed);
  connect(worker_, &InferenceWorker::modelLoading, this, [this](double f, const QString& what) {
    progress_->setRange(0, 100);
    progress_->setValue(qRound(f * 100));
    progress_->show();
    statusBar()->showMessage(tr("Loading model: %1").arg(what));
  });
  connect(worker_, &InferenceWorker::detectFinished, this, &MainWindow::onDetectFinished);
  connect(worker_, &InferenceWorker::batchItemFinished, this, &MainWindow::onBatchItem);
  connect(worker_, &InferenceWorker::batchFinished, this, &MainWindow::onBatchFinished);
  connect(worker_, &InferenceWorker::busyChanged, this, [this](bool busy) {
    if (busy && progress_->isHidden()) {
      progress_->setRange(0, 0);  // indeterminate until a batch or a load reports progress
      progress_->show();
    }
    if (!busy) progress_->hide();
    cancelButton_->setEnabled(busy);
    refreshActions();
  });
  connect(prompt_, &PromptPanel::promptChanged, this, &MainWindow::onPromptChanged);
  connect(promptTimer_, &QTimer::timeout, this, [this] {
    ImageDocument* doc = currentDocument();
    if (doc && actions_.value("auto_run")->isChecked() &&
        (doc->status() == ReviewStatus::Unlabeled || doc->status() == ReviewStatus::Predicted))
      runCurrent();
  });
  connect(project_, &Project::modifiedChanged, this, &MainWindow::refreshTitle);
  connect(project_, &Project::filePathChanged, this, &MainWindow::refreshTitle);
  connect(project_, &Project::imagesReset, this, [this] {
    current_ = -1;
    setCurrentDocument(nullptr);
    syncPromptFromProject();
    if (project_->imageCount() > 0) showImage(0);
  });

  // The prompt as last used.
  PromptInput in;
  in.mode = settings_->promptMode() == StudioSettings::PromptMode::Categories ? PromptInput::Mode::Categories
                                                                               : PromptInput::Mode::Caption;
  in.caption = settings_->captionText();
  for (const QString& l : settings_->categoriesText().split(QLatin1Char('\n')))
    if (!l.trimmed().isEmpty()) in.categories << l.trimmed();
  prompt_->setSpec(in);
  syncPromptToProject();
  project_->setUnmodified();  // the prompt carried over from the settings is where a new project starts
  canvas_->setMessage(emptyCanvasHint());

  if (!settings_->windowGeometry().isEmpty()) restoreGeometry(settings_->windowGeometry());
  if (!settings_->windowState().isEmpty()) restoreState(settings_->windowState());
  refreshTitle();
  refreshActions();
}

bool MainWindow::eventFilter(QObject* watched, QEvent* e) {
  if (e->type() == QEvent::MouseButtonPress) mouseDown_ = true;
  else if (e->type() == QEvent::MouseButtonRelease) mouseDown_ = gestureOpen_ = false;
  return QMainWindow::eventFilter(watched, e);
}

MainWindow::~MainWindow() {
  // The worker thread stops first (it cancels and joins), before the documents go away.
  delete worker_;
  worker_ = nullptr;
  for (auto& c : docConn_) disconnect(c);
  doc_ = nullptr;
  delete project_;  // its documents go before the widgets that show them
  project_ = nullptr;
}

QAction* MainWindow::addAction_(const QString& id, const QString& text, const QList<QKeySequence>& keys, bool rebindable) {
  auto* a = new QAction(text, this);
  a->setObjectName(id);
  a->setProperty("defaultShortcuts", QVariant::fromValue(keys));
  a->setShortcuts(keys);
  a->setShortcutContext(Qt::WindowShortcut);
  addAction(a);  // shortcuts work even when the action is in no visible menu
  actions_.insert(id, a);
  if (rebindable) rebindable_ << a;
  return a;
}

QAction* MainWindow::action(const QString& id) const { return actions_.value(id, nullptr); }

void MainWindow::buildActions() {
  connect(addAction_("open_images", tr("&Open images…"), {QKeySequence::Open}), &QAction::triggered, this, &MainWindow::openImagesDialog);
  connect(addAction_("open_folder", tr("Open &folder…"), {QKeySequence(QStringLiteral("Ctrl+Shift+O"))}), &QAction::triggered, this, &MainWindow::openFolderDialog);
  connect(addAction_("open_project", tr("Open &project…"), {QKeySequence(QStringLiteral("Ctrl+Alt+O"))}), &QAction::triggered, this, &MainWindow::openProjectDialog);
  connect(addAction_("save_project", tr("&Save project"), {QKeySequence::Save}), &QAction::triggered, this, &MainWindow::saveProject);
  connect(addAction_("save_project_as", tr("Save project &as…"), {QKeySequence(QStringLiteral("Ctrl+Shift+S"))}), &QAction::triggered, this, &MainWindow::saveProjectAs);
  connect(addAction_("recover_work", tr("Recover &unsaved work…"), {}), &QAction::triggered, this, [this] { offerRecovery(true); });
  connect(addAction_("import_coco", tr("&Import COCO annotations…"), {}), &QAction::triggered, this, &MainWindow::importCoco);
  connect(addAction_("export_coco", tr("&Export COCO annotations…"), {QKeySequence(QStringLiteral("Ctrl+Shift+E"))}), &QAction::triggered, this, &MainWindow::exportCoco);
  connect(addAction_("quit", tr("&Quit"), {QKeySequence::Quit}), &QAction::triggered, this, &QWidget::close);

  QAction* undo = undoGroup_->createUndoAction(this, tr("Undo"));
  undo->setObjectName(QStringLiteral("undo"));
  undo->setProperty("defaultShortcuts", QVariant::fromValue(QList<QKeySequence>{QKeySequence(QStringLiteral("Ctrl+Z"))}));
  undo->setShortcuts({QKeySequence(QStringLiteral("Ctrl+Z"))});
  addAction(undo);
  actions_.insert("undo", undo);
  rebindable_ << undo;
  QAction* redo = undoGroup_->createRedoAction(this, tr("Redo"));
  redo->setObjectName(QStringLiteral("redo"));
  const QList<QKeySequence> redoKeys{QKeySequence(QStringLiteral("Ctrl+Shift+Z")), QKeySequence(QStringLiteral("Ctrl+Y"))};
  redo->setProperty("defaultShortcuts", QVariant::fromValue(redoKeys));
  redo->setShortcuts(redoKeys);
  addAction(redo);
  actions_.insert("redo", redo);
  rebindable_ << redo;

  connect(addAction_("delete_box", tr("&Delete box"), {QKeySequence(Qt::Key_Delete)}), &QAction::triggered, this, &MainWindow::deleteSelected);
  connect(addAction_("relabel", tr("&Relabel box…"), {QKeySequence(QStringLiteral("Ctrl+E"))}), &QAction::triggered, this, &MainWindow::relabelSelected);
  connect(addAction_("select_all", tr("Select &all boxes"), {QKeySequence::SelectAll}), &QAction::triggered, this, [this] {
    if (canvas_->hasImage()) canvas_->selectAll();
  });
  connect(addAction_("mark_reviewed", tr("Mark image as re&viewed"), {QKeySequence(QStringLiteral("Ctrl+R"))}), &QAction::triggered, this, &MainWindow::markReviewed);
  QAction* sel = addAction_("tool_select", tr("&Select tool"), {QKeySequence(QStringLiteral("V"))});
  QAction* box = addAction_("tool_box", tr("&Box tool"), {QKeySequence(QStringLiteral("R"))});
  sel->setCheckable(true);
  box->setCheckable(true);
  sel->setChecked(true);
  auto* tools = new QActionGroup(this);
  tools->addAction(sel);
  tools->addAction(box);
  connect(sel, &QAction::triggered, this, [this] { canvas_->setTool(CanvasView::Tool::Select); });
  connect(box, &QAction::triggered, this, [this] { canvas_->setTool(CanvasView::Tool::CreateBox); });
  connect(addAction_("settings", tr("Se&ttings…"), {QKeySequence(QStringLiteral("Ctrl+,"))}), &QAction::triggered, this, &MainWindow::showSettings);

  connect(addAction_("fit", tr("&Fit to window"), {QKeySequence(QStringLiteral("Ctrl+F"))}), &QAction::triggered, canvas_, &CanvasView::fitToWindow);
  connect(addAction_("zoom_in", tr("Zoom &in"), {QKeySequence::ZoomIn, QKeySequence(QStringLiteral("Ctrl+="))}), &QAction::triggered, canvas_, &CanvasView::zoomIn);
  connect(addAction_("zoom_out", tr("Zoom &out"), {QKeySequence::ZoomOut}), &QAction::triggered, canvas_, &CanvasView::zoomOut);
  connect(addAction_("actual_size", tr("&Actual size"), {QKeySequence(QStringLiteral("Ctrl+0"))}), &QAction::triggered, canvas_, &CanvasView::actualSize);
  connect(addAction_("next_image", tr("&Next image"), {QKeySequence(QStringLiteral("D"))}), &QAction::triggered, this, [this] { nextImage(1); });
  connect(addAction_("prev_image", tr("&Previous image"), {QKeySequence(QStringLiteral("A"))}), &QAction::triggered, this, [this] { nextImage(-1); });

  connect(addAction_("choose_model", tr("&Choose model…"), {QKeySequence(QStringLiteral("Ctrl+M"))}), &QAction::triggered, this, &MainWindow::chooseModel);
  connect(addAction_("run", tr("&Run on this image"), {QKeySequence(QStringLiteral("Ctrl+Return"))}), &QAction::triggered, this, &MainWindow::runCurrent);
  QAction* fullSize = addAction_("run_full_size", tr("Run at &full size"), {QKeySequence(QStringLiteral("Ctrl+Shift+Return"))});
  fullSize->setToolTip(tr("Run on this image at the model's own size, replacing a preview result (Settings ▸ "
                          "Preview size)"));
  connect(fullSize, &QAction::triggered, this, &MainWindow::runFullSize);
  connect(addAction_("cancel_run", tr("C&ancel"), {QKeySequence(QStringLiteral("Ctrl+."))}), &QAction::triggered, this, &MainWindow::cancelRun);
  connect(addAction_("batch", tr("&Batch over all images…"), {QKeySequence(QStringLiteral("Ctrl+B"))}), &QAction::triggered, this, &MainWindow::showBatchDialog);
  QAction* autoRun = addAction_("auto_run", tr("Run &automatically"), {});
  autoRun->setCheckable(true);
  autoRun->setChecked(true);
  autoRun->setToolTip(tr("Run the prompt when an unlabeled image is shown or the prompt changes"));

  connect(addAction_("model_help", tr("How to get &real weights"), {}), &QAction::triggered, this, &MainWindow::showModelHelp);
  connect(addAction_("shortcuts_help", tr("&Keyboard shortcuts"), {QKeySequence::HelpContents}), &QAction::triggered, this, [this] {
    KeyboardShortcutsDialog dlg(rebindable_, this);
    dlg.exec();
  });
  connect(addAction_("about", tr("&About GLIP Studio"), {}), &QAction::triggered, this, &MainWindow::showAbout);
  buildComfortActions();
}

void MainWindow::buildMenus() {
  auto add = [this](QMenu* m, const QStringList& ids) {
    for (const QString& id : ids) {
      if (id.isEmpty()) m->addSeparator();
      else m->addAction(actions_.value(id));
    }
  };
  QMenu* file = menuBar()->addMenu(tr("&File"));
  add(file, {"new_project", "open_images", "open_folder", "", "open_project"});
  file->addMenu(buildRecentMenu());
  add(file, {"recover_work", "", "save_project", "save_project_as", "close_project", "", "import_coco", "export_coco", "", "quit"});
  add(menuBar()->addMenu(tr("&Edit")), {"undo", "redo", "", "tool_select", "tool_box", "select_all", "copy_boxes",
                                        "paste_boxes", "delete_box", "relabel",
                                        "mark_reviewed", "", "settings"});
  QMenu* view = menuBar()->addMenu(tr("&View"));
  add(view, {"fit", "zoom_in", "zoom_out", "actual_size", "", "show_boxes", "show_labels", "", "next_image", "prev_image",
             "next_unreviewed", ""});
  for (QDockWidget* d : findChildren<QDockWidget*>()) view->addAction(d->toggleViewAction());
  QMenu* model = menuBar()->addMenu(tr("&Model"));
  add(model, {"choose_model"});
  releasedModels_ = new ReleasedModelsMenu(settings_, model);
  model->addMenu(releasedModels_);
  connect(releasedModels_, &ReleasedModelsMenu::useModel, this, &MainWindow::loadModel);
  connect(releasedModels_, &ReleasedModelsMenu::downloadModel, this, [this](const QString& name) { downloadModel(name); });
  add(model, {"", "run", "run_full_size", "cancel_run", "batch", "auto_run"});
  add(menuBar()->addMenu(tr("&Help")), {"shortcuts_help", "model_help", "about"});

  QToolBar* tb = addToolBar(tr("Main"));
  tb->setObjectName(QStringLiteral("mainToolBar"));
  for (const char* id : {"open_images", "open_folder", "", "run", "cancel_run", "batch", "", "tool_select", "tool_box", "", "fit"}) {
    if (!*id) tb->addSeparator();
    else tb->addAction(actions_.value(id));
  }
  tb->addSeparator();
  auto* thLabel = new QLabel(tr("Threshold:"), tb);
  tb->addWidget(thLabel);
  thresholdSlider_ = new QSlider(Qt::Horizontal, tb);
  thresholdSlider_->setObjectName(QStringLiteral("thresholdSlider"));
  thresholdSlider_->setRange(0, 100);
  thresholdSlider_->setFixedWidth(140);
  thresholdSlider_->setToolTip(tr("Minimum score of the boxes shown; changing it re-filters without running GLIP"));
  tb->addWidget(thresholdSlider_);
  thresholdSpin_ = new QDoubleSpinBox(tb);
  thresholdSpin_->setObjectName(QStringLiteral("thresholdSpin"));
  thresholdSpin_->setRange(0, 1);
  thresholdSpin_->setSingleStep(0.01);
  thresholdSpin_->setDecimals(2);
  thresholdSpin_->setKeyboardTracking(false);  // a typed value applies on Enter / focus out, not per keystroke
  tb->addWidget(thresholdSpin_);
  thresholdSlider_->setValue(qRound(threshold_ * 100));
  thresholdSpin_->setValue(threshold_);
  connect(thresholdSlider_, &QSlider::valueChanged, this, [this](int v) { setThreshold(v / 100.0); });
  connect(thresholdSpin_, &QDoubleSpinBox::valueChanged, this, [this](double v) { setThreshold(v); });
  tb->addSeparator();
  tb->addWidget(new QLabel(tr("New box label:"), tb));
  labelCombo_ = new QComboBox(tb);
  labelCombo_->setObjectName(QStringLiteral("labelCombo"));
  labelCombo_->setEditable(true);
  labelCombo_->setMinimumContentsLength(14);
  labelCombo_->setToolTip(tr("Label given to boxes drawn with the box tool"));
  tb->addWidget(labelCombo_);
}

void MainWindow::buildDocks() {
  auto dock = [this](const QString& id, const QString& title, QWidget* w, Qt::DockWidgetArea area) {
    auto* d = new QDockWidget(title, this);
    d->setObjectName(id);
    d->setWidget(w);
    addDockWidget(area, d);
    return d;
  };
  dock("imagesDock", tr("Images"), buildImagesPanel(), Qt::LeftDockWidgetArea);

  prompt_ = new PromptPanel(this);
  dock("promptDock", tr("Prompt"), prompt_, Qt::RightDockWidgetArea);

  boxList_ = new QTreeWidget(this);
  boxList_->setObjectName(QStringLiteral("boxList"));
  boxList_->setColumnCount(3);
  boxList_->setHeaderLabels({tr("Label"), tr("Score"), tr("Source")});
  boxList_->setRootIsDecorated(false);
  boxList_->header()->setSectionResizeMode(0, QHeaderView::Stretch);
  boxList_->setSelectionMode(QAbstractItemView::ExtendedSelection);  // Ctrl/Shift+click: several boxes
  connect(boxList_, &QTreeWidget::itemSelectionChanged, this, [this] {
    QList<quint64> ids;
    for (QTreeWidgetItem* it : boxList_->selectedItems()) ids << it->data(0, Qt::UserRole).value<quint64>();
    // The current row is the primary selection (last).
    if (QTreeWidgetItem* cur = boxList_->currentItem(); cur && cur->isSelected()) {
      const quint64 c = cur->data(0, Qt::UserRole).value<quint64>();
      ids.removeAll(c);
      ids << c;
    }
    canvas_->setSelection(ids);
  });
  connect(boxList_, &QTreeWidget::itemDoubleClicked, this, [this] { relabelSelected(); });
  dock("boxesDock", tr("Boxes"), boxList_, Qt::RightDockWidgetArea);
  auto* labels = new LabelPanel(project_, this);  // the Labels dock: counts, rename/merge, colours
  connect(labels, &LabelPanel::labelClicked, this,
          [this](const QString& l) { canvas_->setSelection(LabelPanel::boxIds(currentDocument(), l)); });
  connect(project_->labelColors(), &LabelColors::changed, this, &MainWindow::refreshBoxes);
  QDockWidget* labelsDock = dock("labelsDock", tr("Labels"), labels, Qt::LeftDockWidgetArea);

  undoView_ = new QUndoView(undoGroup_, this);
  undoView_->setObjectName(QStringLiteral("undoView"));
  undoView_->setEmptyLabel(tr("<original>"));
  // Left column: Images above History | Labels (tabs), so that the right column keeps its height for the Inspector.
  tabifyDockWidget(labelsDock, dock("historyDock", tr("History"), undoView_, Qt::LeftDockWidgetArea));
  buildInspector();
}

void MainWindow::buildStatusBar() {
  modelLabel_ = new QLabel(tr("No model"), this);
  modelLabel_->setObjectName(QStringLiteral("modelLabel"));
  timingLabel_ = new QLabel(this);
  timingLabel_->setObjectName(QStringLiteral("timingLabel"));
  countLabel_ = new QLabel(this);
  countLabel_->setObjectName(QStringLiteral("inferenceCount"));
  zoomLabel_ = new QLabel(this);
  posLabel_ = new QLabel(this);
  progress_ = new QProgressBar(this);
  progress_->setMaximumWidth(160);
  progress_->hide();
  cancelButton_ = new QToolButton(this);
  cancelButton_->setDefaultAction(actions_.value("cancel_run"));
  cancelButton_->setEnabled(false);
  imageCounter_ = new QLabel(this);
  imageCounter_->setObjectName(QStringLiteral("imageCounter"));
  previewLabel_ = new QLabel(this);
  previewLabel_->setObjectName(QStringLiteral("previewLabel"));
  previewLabel_->hide();
  // A failing autosave (full disk, a folder that cannot be written) leaves the work unprotected: say so until an
  // autosave or a save succeeds.
  autosaveWarning_ = new QLabel(this);
  autosaveWarning_->setObjectName(QStringLiteral("autosaveWarning"));
  autosaveWarning_->setStyleSheet(QStringLiteral("color: #b00000; font-weight: bold"));
  autosaveWarning_->hide();
  connect(project_, &Project::autosaveFailed, this, [this](const QString& error) {
    autosaveWarning_->setText(tr("Autosave failed"));
    autosaveWarning_->setToolTip(tr("%1\nUntil an autosave succeeds, a crash loses the changes made since the last "
                                    "save. Save the project (File ▸ Save project as…) where it can be written.")
                                     .arg(error));
    autosaveWarning_->show();
    statusBar()->showMessage(tr("Autosave failed: %1").arg(error), 15000);
  });
  connect(project_, &Project::autosaved, this, [this] {
    if (autosaveWarning_->isHidden()) return;
    autosaveWarning_->hide();
    statusBar()->showMessage(tr("Autosave works again"), 5000);  // replaces the failure's message
  });
  connect(project_, &Project::modifiedChanged, this, [this](bool modified) {
    if (!modified) autosaveWarning_->hide();
  });
  statusBar()->addPermanentWidget(autosaveWarning_);
  statusBar()->addPermanentWidget(previewLabel_);
  statusBar()->addPermanentWidget(imageCounter_);
  statusBar()->addPermanentWidget(posLabel_);
  statusBar()->addPermanentWidget(zoomLabel_);
  statusBar()->addPermanentWidget(timingLabel_);
  statusBar()->addPermanentWidget(countLabel_);
  statusBar()->addPermanentWidget(modelLabel_);
  statusBar()->addPermanentWidget(progress_);
  statusBar()->addPermanentWidget(cancelButton_);
}

// ----------------------------------------------------------------------------------------------------------------
// Current image and its boxes

ImageDocument* MainWindow::currentDocument() const { return doc_.data(); }

bool MainWindow::showImage(int index) {
  ImageDocument* doc = project_->image(index);
  if (!doc) return false;
  current_ = index;  // first: the list's currentChanged below sees row == current_ and does not re-enter
  const QModelIndex row = imageFilter_->mapFromSource(listModel_->index(index));  // invalid when filtered out
  imageList_->setCurrentIndex(row);
  if (row.isValid()) imageList_->scrollTo(row);
  QImageReader reader(doc->imagePath());
  const QImage img = reader.read();
  if (img.isNull()) {
    // The image cannot be shown: say why on the canvas; the document is current (title, Boxes) but not editable.
    doc->setReadError(reader.errorString());
    canvas_->clearImage();
    setCurrentDocument(doc);
    canvas_->setMessage(tr("Cannot read %1:\n%2").arg(QFileInfo(doc->imagePath()).fileName(), doc->readError()));
    statusBar()->showMessage(tr("Cannot read %1").arg(doc->imagePath()), 5000);
    return false;
  }
  if (!doc->readError().isEmpty() && !batchFailed_.contains(doc->imagePath())) doc->setReadError(QString());
  if (doc->imageSize() != img.size()) doc->setImageSize(img.size());
  canvas_->setImage(img);
  setCurrentDocument(doc);
  applyThreshold();  // a predicted image follows the current threshold (from its cached result)
  if (doc->status() == ReviewStatus::Unlabeled && actions_.value("auto_run")->isChecked()) runCurrent();
  return true;
}

void MainWindow::setCurrentDocument(ImageDocument* doc) {
  for (auto& c : docConn_) disconnect(c);
  doc_ = doc;
  if (doc) {
    if (!undoGroup_->stacks().contains(doc->undoStack())) undoGroup_->addStack(doc->undoStack());
    undoGroup_->setActiveStack(doc->undoStack());
    docConn_[0] = connect(doc, &ImageDocument::changed, this, &MainWindow::refreshBoxes);
    docConn_[1] = connect(doc, &ImageDocument::statusChanged, this, &MainWindow::refreshActions);
    docConn_[2] = connect(doc, &QObject::destroyed, this, [this] { setCurrentDocument(nullptr); });
  } else {
    undoGroup_->setActiveStack(nullptr);
    canvas_->clearImage();
    canvas_->setMessage(project_->imageCount() > 0 ? QString() : emptyCanvasHint());
  }
  refreshBoxes();
  refreshTitle();
}

void MainWindow::refreshBoxes() {
  QVector<CanvasBox> boxes;
  const quint64 sel = canvas_->selectedId();
  const QList<quint64> selected = canvas_->selectedIds();
  const QSignalBlocker b(boxList_);
  boxList_->clear();
  if (ImageDocument* doc = currentDocument()) {
    const bool shown = canvas_->hasImage();
    for (const Box& bx : doc->boxes()) {
      CanvasBox cb;
      cb.id = bx.id;
      cb.rect = bx.rect;
      cb.label = bx.label;
      cb.score = bx.hasScore() ? bx.score : -1;
      cb.origin = bx.provenance == Provenance::Model    ? BoxOrigin::Model
                  : bx.provenance == Provenance::Edited ? BoxOrigin::Edited
                                                        : BoxOrigin::Manual;
      cb.color = labelColor(bx.label, project_->labelColors());
      if (shown) boxes << cb;
      auto* it = new QTreeWidgetItem(boxList_, {bx.label, bx.hasScore() ? QString::number(bx.score, 'f', 3) : QString(),
                                                provenanceDisplayName(bx.provenance)});
      it->setData(0, Qt::UserRole, QVariant::fromValue(bx.id));
      it->setForeground(0, labelColor(bx.label, project_->labelColors()).darker(150));
      if (bx.id == sel) boxList_->setCurrentItem(it, 0, QItemSelectionModel::NoUpdate);
      it->setSelected(selected.contains(bx.id));
    }
  }
  canvas_->setBoxes(boxes);
  refreshActions();
}

void MainWindow::refreshTitle() {
  QString name = project_->isUntitled() ? tr("Untitled project") : QFileInfo(project_->filePath()).fileName();
  if (ImageDocument* doc = currentDocument()) name = QFileInfo(doc->imagePath()).fileName() + QStringLiteral(" — ") + name;
  setWindowTitle(tr("%1[*] — GLIP Studio").arg(name));
  setWindowModified(project_->isModified());
}

void MainWindow::refreshActions() {
  ImageDocument* doc = currentDocument();
  if (doc && !canvas_->hasImage()) doc = nullptr;  // an unreadable image is shown but cannot be edited
  const bool hasSel = doc && !canvas_->selectedIds().isEmpty();
  const bool busy = worker_ && worker_->busy();
  actions_.value("delete_box")->setEnabled(hasSel);
  actions_.value("relabel")->setEnabled(hasSel);
  actions_.value("mark_reviewed")->setEnabled(doc && doc->status() != ReviewStatus::Reviewed);
  actions_.value("run")->setEnabled(doc && modelReady_ && !batchRunning());
  actions_.value("run_full_size")->setEnabled(doc && modelReady_ && !batchRunning() && settings_->previewSize() > 0);
  actions_.value("export_coco")->setEnabled(project_->imageCount() > 0);
  actions_.value("batch")->setEnabled(project_->imageCount() > 0 && modelReady_);
  actions_.value("cancel_run")->setEnabled(busy);
  actions_.value("next_image")->setEnabled(neighbourImage(1) >= 0);
  actions_.value("prev_image")->setEnabled(neighbourImage(-1) >= 0);
  actions_.value("copy_boxes")->setEnabled(hasSel);
  actions_.value("paste_boxes")->setEnabled(doc && !boxClipboard_.isEmpty());
  actions_.value("next_unreviewed")->setEnabled(project_->imageCount() > 0);
  refreshImageCounter();
  refreshPreviewLabel();
}

QString MainWindow::demoBannerText() const {
  return tr("<b>Demo model:</b> its weights are random, so <b>its boxes are random</b>. For real "
            "results download the GLIP-T weights and choose them in Model ▸ Choose model (see "
            "<a href=\"models/README.md\">models/README.md</a>).");
}

QString MainWindow::emptyCanvasHint() const {
  return tr("Open images (%1) or a folder (%2), or drop image files and folders here.")
      .arg(actions_.value("open_images")->shortcut().toString(QKeySequence::NativeText),
           actions_.value("open_folder")->shortcut().toString(QKeySequence::NativeText));
}

QString MainWindow::defaultLabel() const {
  const QString l = labelCombo_->currentText().trimmed();
  if (!l.isEmpty()) return l;
  const QStringList known = knownLabels();
  return known.isEmpty() ? tr("object") : known.first();
}

void MainWindow::setDefaultLabel(const QString& label) { labelCombo_->setCurrentText(label); }

QStringList MainWindow::knownLabels() const {
  QStringList out = prompt_->analysis().labels;
  out << project_->labels();
  if (ImageDocument* doc = currentDocument())
    for (const Box& b : doc->boxes()) out << b.label;
  out.removeDuplicates();
  out.removeAll(QString());
  return out;
}

void MainWindow::onBoxCreated(const QRectF& r) {
  ImageDocument* doc = currentDocument();
  if (!doc) return;
  Box b;
  b.rect = r;
  b.label = defaultLabel();
  b.provenance = Provenance::Manual;
  const quint64 id = doc->addBox(b);
  project_->addLabel(b.label);
  canvas_->selectBox(id);
}

void MainWindow::onGeometryChanged(quint64 id, const QRectF&, const QRectF& to, bool nudge) {
  if (ImageDocument* doc = currentDocument()) doc->setRect(id, to, nudge);
}

void MainWindow::deleteSelected() {
  ImageDocument* doc = currentDocument();
  if (doc && !canvas_->selectedIds().isEmpty()) doc->deleteBoxes(canvas_->selectedIds());  // one undo step
}

void MainWindow::relabelSelected() {
  ImageDocument* doc = currentDocument();
  const Box* b = doc ? doc->box(canvas_->selectedId()) : nullptr;
  if (!b) return;
  const QList<quint64> ids = canvas_->selectedIds();
  LabelDialog dlg(knownLabels(), b->label, this);
  if (dlg.exec() != QDialog::Accepted || dlg.label().isEmpty()) return;
  doc->relabel(ids, dlg.label());  // one undo step for all of them
  project_->addLabel(dlg.label());
}

void MainWindow::markReviewed() {
  if (ImageDocument* doc = currentDocument()) doc->setStatus(ReviewStatus::Reviewed);
}

void MainWindow::nextImage(int step) {
  const int n = neighbourImage(step);
  if (n >= 0) showImage(n);
}

void MainWindow::showSettings() {
  SettingsDialog dlg(settings_, rebindable_, this);
  if (dlg.exec() != QDialog::Accepted) return;
  project_->setAutosaveInterval(settings_->autosaveSeconds() * 1000);
  refreshActions();  // Run at full size follows the preview size
}

void MainWindow::showAbout() {
  QMessageBox::about(this, tr("About GLIP Studio"),
                     tr("<h3>GLIP Studio</h3><p>Ground phrases in images with GLIP (Grounded Language-Image "
                        "Pre-training), correct the boxes and export COCO annotations.</p><p>GLIP runs in process "
                        "with libtorch.</p>"));
}

void MainWindow::showModelHelp() {
  const QString dir = findModelsDir();
  const QString readme = dir.isEmpty() ? QString() : dir + QStringLiteral("/README.md");
  QMessageBox box(this);
  box.setObjectName(QStringLiteral("modelHelp"));
  box.setWindowTitle(tr("How to get real weights"));
  box.setTextFormat(Qt::RichText);
  box.setText(tr("<p>The bundled demo model has random weights: its boxes mean nothing.</p><p>Download "
                 "<b>glip_tiny_model_o365_goldg.pth</b> (GLIP-T) from the GLIP authors' Hugging Face page, put it "
                 "next to <b>models/glip_Swin_T_O365_GoldG.yaml</b> and choose that configuration in Model ▸ "
                 "Choose model.</p><p>Details: %1</p>")
                  .arg(readme.isEmpty() ? QStringLiteral("models/README.md")
                                        : QStringLiteral("<a href=\"%1\">%2</a>")
                                              .arg(QUrl::fromLocalFile(readme).toString(), readme.toHtmlEscaped())));
  box.setTextInteractionFlags(Qt::TextBrowserInteraction);
  box.exec();
}

QList<QDialog*> MainWindow::createDialogs() {
  QList<QDialog*> out;
  out << new LabelDialog(knownLabels(), QString(), this);
  out << new ModelDialog(
      ModelChoice{settings_->modelConfig(), settings_->modelWeights(), settings_->device(), settings_->precision()},
      this);
  out << new SettingsDialog(settings_, rebindable_, this);
  out << new BatchDialog(this);
  out << new KeyboardShortcutsDialog(rebindable_, this);
  out << new FirstRunDialog(QStringLiteral("GLIP-T (C)"), this);
  if (std::optional<glip::Catalog> cat = loadStudioCatalog(); cat && !cat->models.empty()) {
    const std::string first = cat->models.front().name;
    out << new DownloadDialog(std::move(*cat), QString::fromStdString(first), settings_, this);
  }
  return out;
}

void MainWindow::closeEvent(QCloseEvent* e) {
  if (!maybeSave()) {
    e->ignore();
    return;
  }
  // Saved or discarded: the autosave holds no work the user still wants (a crash never gets here). A saved project
  // that was not changed keeps an autosave it has (one whose recovery the user declined when opening it).
  if (project_->isUntitled() || project_->isModified()) project_->discardRecovery();
  settings_->setWindowGeometry(saveGeometry());
  settings_->setWindowState(saveState());
  syncPromptToProject();
  settings_->sync();
  e->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* e) {
  if (e->mimeData()->hasUrls()) e->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* e) {
  QStringList files;
  for (const QUrl& u : e->mimeData()->urls())
    if (u.isLocalFile()) files << u.toLocalFile();
  if (!files.isEmpty()) openPaths(files);
}

}  // namespace glip::studio
