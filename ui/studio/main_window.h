// GLIP Studio's main window: image list | canvas | prompt panel, box list and undo history; menus, toolbar and a
// status bar with timings. Owns the Project (ui/document), the InferenceWorker (one thread with the Session) and
// the per-image result cache. Every box edit goes through the current ImageDocument's QUndoStack.
//
// Files: main_window.cpp (layout, actions, canvas <-> document), main_window_run.cpp (model, run, threshold,
// batch), main_window_files.cpp (open images/folders, project file, COCO).
#pragma once
#include <QHash>
#include <QMainWindow>
#include <QPointer>
#include <QSet>
#include <memory>

#include "ui/document/box.h"
#include "ui/studio/canvas_box.h"
#include "ui/studio/inference_worker.h"
#include "ui/studio/prompt_input.h"
#include "ui/studio/result_cache.h"

class QAction;
class QDoubleSpinBox;
class QLabel;
class QListView;
class QProgressBar;
class QSlider;
class QToolButton;
class QTreeWidget;
class QUndoGroup;
class QUndoView;
class QComboBox;
class QMenu;
class QTimer;

namespace glip::inspect {
class InspectorDock;
}

namespace glip::studio {

class BatchDialog;
class CanvasView;
class ImageDocument;
class ImageFilterModel;
class ImageListModel;
class Project;
class PromptPanel;
class StudioSettings;
struct ModelChoice;
class DownloadDialog;
class ReleasedModelsMenu;

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  // `settings` must outlive the window.
  explicit MainWindow(StudioSettings* settings, QWidget* parent = nullptr);
  ~MainWindow() override;

  // ----- scripting / tests (the same paths the menus use) -----
  void openPaths(const QStringList& paths);  // files and folders
  bool showImage(int index);
  int currentIndex() const { return current_; }
  ImageDocument* currentDocument() const;
  void loadModel(const ModelChoice& choice);  // falls back to the demo model when it cannot be loaded
  void loadDemoModel();
  // Downloads (or resumes) a released model of models/catalog.yaml in a modeless dialog and loads it once it is
  // installed; the open dialog if one is running already; null with a status-bar message if it cannot start.
  DownloadDialog* downloadModel(const QString& name);
  ReleasedModelsMenu* releasedModelsMenu() const { return releasedModels_; }
  void setThreshold(double t);
  double threshold() const { return threshold_; }
  void runCurrent();  // run the prompt on the current image (cache first) at the preview size, if one is set
  void runFullSize();  // the same at the model's size (Model ▸ Run at full size): replaces a preview result
  // The preview size of the current image's result (DetectReply::minSize); 0 = the model's size or no result.
  int shownPreviewSize() const;
  // The current image's result (every GLIP output, threshold 0); null when it has none.
  std::shared_ptr<const glip::DetectResult> shownResult() const;
  bool waitForIdle(int timeoutMs);  // processes events until the worker is idle and its results are applied
  bool isDemoModel() const { return demo_; }
  bool modelReady() const { return modelReady_; }
  // Why the chosen model could not be loaded (plain text; "" when it loaded). The demo model replaces it.
  QString modelError() const { return modelError_; }
  QString modelKey() const { return modelKey_; }

  // Batch (Ctrl+B): run the prompt over the project's images from `start`. False with *error when it cannot start
  // (no model, no images, an empty or invalid prompt).
  bool startBatch(int start, bool replaceBoxes, QString* error = nullptr);
  void cancelBatch();
  bool batchRunning() const { return batchId_ != 0; }
  int batchNextIndex() const { return batchNext_; }
  // Export COCO (the menu's action without the file dialog). Images that cannot be read are left out and listed in
  // *skipped; their sizes are read from the files where unknown. False with *error when nothing was written.
  bool exportCocoTo(const QString& path, QStringList* skipped, QString* error);
  // Work a studio left unsaved: the untitled projects' recovery files that no running studio holds (it crashed,
  // was killed, or its session ended), newest first. For each, a question: Recover opens it in this window (after
  // this window's own unsaved changes are dealt with), Discard deletes it and asks about the next, Later keeps them
  // all. glip-studio asks at an interactive start that opens nothing; File ▸ Recover unsaved work asks at any time
  // (askedFor: also says when there is nothing to recover). Returns whether a file was recovered.
  bool offerRecovery(bool askedFor = false);

  QAction* action(const QString& id) const;  // by objectName
  QList<QAction*> rebindableActions() const { return rebindable_; }
  Project* project() const { return project_; }
  CanvasView* canvas() const { return canvas_; }
  PromptPanel* promptPanel() const { return prompt_; }
  InferenceWorker* worker() const { return worker_; }
  const ResultCache& resultCache() const { return cache_; }
  QTreeWidget* boxList() const { return boxList_; }
  QString defaultLabel() const;
  void setDefaultLabel(const QString& label);
  QList<QDialog*> createDialogs();  // every dialog of the studio, for the translation test

  // The inspector ("see why", ui/inspect): while its dock is open, single-image runs record probes (never batches).
  glip::inspect::InspectorDock* inspector() const { return inspector_; }
  void showInspector(bool attention = false);  // opens the dock; attention: also record the fusion attention maps

 signals:
  void resultApplied(const QString& imagePath);
  void batchStopped(int nextIndex, bool cancelled);
  void batchProgress(int done, int total, const QString& imagePath, const QString& error);

 protected:
  bool eventFilter(QObject* watched, QEvent* e) override;  // mouse press/release: threshold drags
  void closeEvent(QCloseEvent* e) override;
  void dragEnterEvent(QDragEnterEvent* e) override;
  void dropEvent(QDropEvent* e) override;

 private:
  // main_window.cpp
  void buildActions();
  void buildMenus();
  void buildDocks();
  void buildStatusBar();
  QAction* addAction_(const QString& id, const QString& text, const QList<QKeySequence>& keys, bool rebindable = true);
  void setCurrentDocument(ImageDocument* doc);
  void refreshBoxes();
  void refreshTitle();
  void refreshActions();
  void onBoxCreated(const QRectF& r);
  void onGeometryChanged(quint64 id, const QRectF& from, const QRectF& to, bool nudge);
  void deleteSelected();
  void relabelSelected();
  void markReviewed();
  void nextImage(int step);
  void showSettings();
  void showAbout();
  void showModelHelp();
  QString emptyCanvasHint() const;
  QString demoBannerText() const;

  // main_window_comfort.cpp
  QWidget* buildImagesPanel();  // search + status filter + the list
  int neighbourImage(int step) const;  // the image `step` rows away in the (filtered) list; -1: none
  void buildComfortActions();
  QMenu* buildRecentMenu();
  void closeProject();  // New / Close: an empty untitled project (after asking to save)
  void copyBoxes();
  void pasteBoxes();
  void nextUnreviewed();
  void refreshImageCounter();

  // main_window_inspect.cpp
  void buildInspector();
  void syncInspector();  // shows the current image's snapshot, or asks for a probed run while the dock is open
  void onInspectReply(const DetectReply& reply);
  QStringList knownLabels() const;

  // main_window_run.cpp
  void chooseModel();
  void onModelLoaded(const QString& key, const QString& description);
  void onModelFailed(const QString& error);
  void onDetectFinished(const DetectReply& reply);
  void onBatchItem(quint64 batchId, int index, int total, const DetectReply& reply);
  void onBatchFinished(quint64 batchId, int nextIndex, int total, bool cancelled);
  void applyResult(ImageDocument* doc, const glip::DetectResult& result, const PromptInput& input, bool replace);
  void applyThreshold(quint64 gesture = 0);
  quint64 thresholdGesture();  // the undo-merge key of this threshold change (one drag = one undo step)
  void onPromptChanged();
  void runCurrentAt(int minSize);  // minSize: a preview size (DetectRequest::minSize), 0 = the model's size
  void refreshPreviewLabel();      // "Preview 480 px" in the status bar while the current result is a preview
  void cancelRun();
  void showBatchDialog();
  void updateTimings(const DetectReply& reply);
  void showStageCount(qint64 stages);
  bool buildPrompt(const PromptInput& input, glip::Prompt* prompt, QString* error) const;

  // main_window_files.cpp
  void openImagesDialog();
  void openFolderDialog();
  void openProjectDialog();
  bool saveProject();
  bool saveProjectAs();
  void importCoco();
  void exportCoco();
  bool maybeSave();
  void syncPromptToProject();
  void syncPromptFromProject();

  StudioSettings* settings_;
  Project* project_ = nullptr;
  InferenceWorker* worker_ = nullptr;
  ResultCache cache_;
  ImageListModel* listModel_ = nullptr;
  ImageFilterModel* imageFilter_ = nullptr;
  bool listChanging_ = false;  // the filtered list is adding/removing rows (not the user's choice)
  int current_ = -1;
  QPointer<ImageDocument> doc_;
  QMetaObject::Connection docConn_[3];

  // widgets
  CanvasView* canvas_ = nullptr;
  PromptPanel* prompt_ = nullptr;
  QListView* imageList_ = nullptr;
  QTreeWidget* boxList_ = nullptr;
  QUndoGroup* undoGroup_ = nullptr;
  QUndoView* undoView_ = nullptr;
  QWidget* banner_ = nullptr;
  QLabel* bannerText_ = nullptr;
  QSlider* thresholdSlider_ = nullptr;
  QDoubleSpinBox* thresholdSpin_ = nullptr;
  QComboBox* labelCombo_ = nullptr;
  QLabel* modelLabel_ = nullptr;
  QLabel* timingLabel_ = nullptr;
  QLabel* countLabel_ = nullptr;
  QLabel* zoomLabel_ = nullptr;
  QLabel* posLabel_ = nullptr;
  QLabel* imageCounter_ = nullptr;
  QLabel* previewLabel_ = nullptr;
  QLabel* autosaveWarning_ = nullptr;  // shown while autosaves fail
  QProgressBar* progress_ = nullptr;
  QToolButton* cancelButton_ = nullptr;
  QTimer* promptTimer_ = nullptr;
  QPointer<BatchDialog> batchDialog_;
  glip::inspect::InspectorDock* inspector_ = nullptr;
  QString inspectKey_;        // result cache key of the inspector's snapshot
  QString inspectRequested_;  // key of the last probed run asked for (asked once per key)

  QList<Box> boxClipboard_;  // Copy boxes / Paste boxes (any image of the project)
  QHash<QString, QAction*> actions_;
  QList<QAction*> rebindable_;

  // run state
  QString modelKey_;
  bool demo_ = false;
  bool modelReady_ = false;
  double threshold_ = 0.5;
  quint64 gesture_ = 0;       // threshold gestures so far
  bool mouseDown_ = false;    // a mouse button is held (a drag of the slider or the histogram's line)
  bool gestureOpen_ = false;  // the current gesture continues until the button is released
  QString fallbackReason_;
  ReleasedModelsMenu* releasedModels_ = nullptr;
  QPointer<DownloadDialog> download_;  // the running download, if any
  QString modelError_;    // why the chosen model was replaced by the demo model ("" = it was not)
  quint64 lastDetectId_ = 0;
  bool pendingRun_ = false;  // run once the model is loaded
  QHash<QString, QString> resultKeyOf_;  // image path -> cache key of the result its predictions came from
  QHash<QString, int> resultSizeOf_;     // image path -> that result's preview size (0 = the model's size)
  QHash<QString, PromptInput> resultInputOf_;
  QHash<quint64, PromptInput> requestInput_;  // detect request id -> the prompt as the user wrote it
  qint64 batchStartMs_ = 0;
  int batchDoneThisRun_ = 0;
  int batchFirst_ = 0;
  quint64 batchId_ = 0;
  int batchNext_ = 0;
  bool batchReplace_ = false;
  QStringList batchImages_;
  QSet<QString> batchFailed_;  // images the batches could not process (the reason: ImageDocument::readError)
  PromptInput batchInput_;
};

}  // namespace glip::studio
