// Project — a GLIP Studio project: its images (one ImageDocument each, with its own undo stack), the prompts
// (category list and caption with spans), the label set; the JSON project file (ui/document/project_file.h, saved
// atomically with QSaveFile) and AUTOSAVE with crash recovery.
//
// Autosave: any change (an edit, undo/redo, a prompt or label change) starts a single-shot timer (autosaveInterval,
// default 2 s, at most 5 s; it is not restarted by further edits, so continuous editing still autosaves) that
// writes the whole project to autosavePath(): "<project file>.autosave", or for an untitled project a per-user
// recovery file "<AppLocalDataLocation>/recovery/untitled-<uuid>.glipstudio.autosave". So at most
// autosaveInterval + one write of work is lost when the process dies. save() removes the autosave file.
//
// Recovery: after load(), hasRecovery() says whether an autosave newer than the project file exists; recover()
// loads it (paths resolve as in the project file; the project is then modified and not yet saved) and
// discardRecovery() deletes it. Untitled projects: untitledRecoveryFiles() + openRecovery().
//
// An untitled project's recovery file belongs to the process writing it: the project holds "<file>.lock"
// (QLockFile) from before its first write until the file is removed (save under a name, load, reset, discard) or
// the project is destroyed. untitledRecoveryFiles() lists only files that no running process holds — those of a
// studio that crashed or was killed (its lock is stale: the process is gone) or that ended without deciding — so a
// second studio never offers, opens or deletes the live work of another.
#pragma once
#include <QHash>
#include <QList>
#include <QObject>
#include <QSize>
#include <QString>
#include <QStringList>
#include <memory>

#include "ui/document/image_document.h"
#include "ui/document/label_colors.h"
#include "ui/document/project_file.h"

class QLockFile;
class QTimer;

namespace glip::studio {

class Project : public QObject {
  Q_OBJECT

 public:
  static constexpr int kDefaultAutosaveIntervalMs = 2000;
  static constexpr int kMaxAutosaveIntervalMs = 5000;

  explicit Project(QObject* parent = nullptr);
  ~Project() override;

  // ----- file -----
  QString filePath() const { return path_; }  // "" while untitled
  bool isUntitled() const { return path_.isEmpty(); }
  bool isModified() const { return changeCount_ != savedCount_; }
  // Replaces the whole project with the file's content (undo stacks start empty). On failure nothing changes.
  bool load(const QString& path, QString* error = nullptr);
  bool save(QString* error = nullptr);  // to filePath(); fails while untitled
  bool saveAs(const QString& path, QString* error = nullptr);
  // An empty untitled project again (its recovery file is removed).
  void reset();
  // The current content is the unmodified baseline (a new project's starting prompt is not an edit to save).
  void setUnmodified() { setSavedNow(); }

  // ----- autosave and recovery -----
  QString autosavePath() const;
  void setAutosaveInterval(int ms);  // clamped to [0, kMaxAutosaveIntervalMs]; 0: no autosave
  int autosaveInterval() const { return autosaveMs_; }
  bool autosaveNow(QString* error = nullptr);  // writes if changed since the last autosave/save
  bool hasRecovery() const;
  bool recover(QString* error = nullptr);
  void discardRecovery();
  static QString recoveryDirectory();
  // Untitled recovery files that no running process holds, newest first.
  static QStringList untitledRecoveryFiles();
  // Opens an untitled project's recovery file as a modified untitled project (that keeps the file as autosave
  // and holds its lock). Fails, changing nothing, when the file cannot be read or another process holds it.
  bool openRecovery(const QString& recoveryFile, QString* error = nullptr);
  // Deletes a recovery file that untitledRecoveryFiles() listed; false (nothing deleted) while a process holds it.
  static bool discardRecoveryFile(const QString& recoveryFile);

  // ----- images -----
  int imageCount() const { return static_cast<int>(images_.size()); }
  ImageDocument* image(int index) const { return images_.value(index); }
  const QList<ImageDocument*>& images() const { return images_; }
  int indexOfPath(const QString& path) const;  // by absolute, cleaned path; -1 when absent
  // Adds an image (path made absolute); returns the existing document when the path is already there.
  ImageDocument* addImage(const QString& path, const QSize& size = QSize());
  void removeImage(int index);

  // ----- prompts and labels -----
  QStringList categories() const { return categories_; }
  void setCategories(const QStringList& categories);
  PromptSpec captionPrompt() const { return caption_; }
  void setCaptionPrompt(const PromptSpec& prompt);
  PromptMode activePrompt() const { return activePrompt_; }
  void setActivePrompt(PromptMode mode);
  QStringList labels() const { return labels_; }
  void setLabels(const QStringList& labels);
  void addLabel(const QString& label);  // appended when new (verbatim)
  // Colours the user picked for labels (saved in the project file); changing one marks the project modified.
  LabelColors* labelColors() const { return colors_; }
  // How many boxes (not raw predictions) of all images carry each label.
  QHash<QString, int> boxCountByLabel() const;
  // Renames a label everywhere (Labels dock): every box labelled `from` in every image gets `to` through
  // ImageDocument::relabel, i.e. one undo step on each affected image's own stack. When `to` is already a label
  // the two merge. The label list: `to` takes `from`'s place (or `from` is dropped when `to` is already listed);
  // `to` inherits `from`'s colour when it has none, and `from`'s colour is forgotten. The list and colours are not
  // part of the image undo steps (an undo brings the old label back on its boxes; the Labels dock shows it again).
  // Returns the number of images changed; an empty `to` or `to == from` does nothing.
  int renameLabel(const QString& from, const QString& to);

  // ----- whole state -----
  ProjectState state() const;
  void restoreState(const ProjectState& state);  // replaces everything; clears undo stacks; marks modified

 signals:
  void imageAdded(int index);
  void imageAboutToBeRemoved(int index);
  void imageRemoved(int index);
  void imagesReset();  // load, recover, restoreState, reset
  void promptsChanged();
  void labelsChanged();
  void modifiedChanged(bool modified);
  void filePathChanged(const QString& path);
  void autosaved(const QString& autosavePath);
  void autosaveFailed(const QString& error);

 private:
  void attach(ImageDocument* doc);
  void markChanged();
  void setSavedNow();
  void setPath(const QString& path);
  bool writeTo(const QString& path, QString* error) const;
  void applyState(const ProjectState& state);
  void onAutosaveTimer();
  bool holdRecoveryLock(QString* error);
  void removeUntitledRecovery();  // the untitled recovery file and its lock

  QString path_;
  QString untitledId_;  // names the recovery file of an untitled project
  QList<ImageDocument*> images_;
  QStringList categories_;
  PromptSpec caption_;
  PromptMode activePrompt_ = PromptMode::Categories;
  QStringList labels_;
  LabelColors* colors_ = nullptr;
  quint64 changeCount_ = 0;
  quint64 savedCount_ = 0;
  quint64 autosavedCount_ = 0;
  int autosaveMs_ = kDefaultAutosaveIntervalMs;
  QTimer* autosaveTimer_ = nullptr;
  std::unique_ptr<QLockFile> recoveryLock_;  // held while this untitled project's recovery file exists
};

}  // namespace glip::studio
