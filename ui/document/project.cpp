#include "ui/document/project.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLockFile>
#include <QStandardPaths>
#include <QTimer>
#include <QUndoStack>
#include <QUuid>
#include <algorithm>

namespace glip::studio {
namespace {

const QLatin1String kAutosaveSuffix(".autosave");
const QLatin1String kUntitledPrefix("untitled-");
const QLatin1String kUntitledSuffix(".glipstudio.autosave");

QString absoluteClean(const QString& path) { return QDir::cleanPath(QFileInfo(path).absoluteFilePath()); }

QString newUntitledId() { return QUuid::createUuid().toString(QUuid::WithoutBraces); }

// The lock of an untitled recovery file ("<file>.lock"), taken when no running process holds it; nullptr otherwise.
// It is never stale by age, only when the process that took it is gone (then it is taken over).
std::unique_ptr<QLockFile> tryLockRecovery(const QString& recoveryFile) {
  auto lock = std::make_unique<QLockFile>(recoveryFile + QStringLiteral(".lock"));
  lock->setStaleLockTime(0);
  if (!lock->tryLock(0)) return nullptr;
  return lock;
}

}  // namespace

Project::Project(QObject* parent)
    : QObject(parent), untitledId_(newUntitledId()), colors_(new LabelColors(this)), autosaveTimer_(new QTimer(this)) {
  connect(colors_, &LabelColors::colorChanged, this, &Project::markChanged);
  autosaveTimer_->setSingleShot(true);
  connect(autosaveTimer_, &QTimer::timeout, this, &Project::onAutosaveTimer);
}

Project::~Project() = default;

// ----- change tracking -----

void Project::markChanged() {
  const bool was = isModified();
  ++changeCount_;
  if (!was) emit modifiedChanged(true);
  if (autosaveMs_ > 0 && !autosaveTimer_->isActive()) autosaveTimer_->start(autosaveMs_);  // not restarted: bounded delay
}

void Project::setSavedNow() {
  const bool was = isModified();
  savedCount_ = autosavedCount_ = changeCount_;
  autosaveTimer_->stop();
  for (ImageDocument* d : images_) d->undoStack()->setClean();
  if (was) emit modifiedChanged(false);
}

void Project::setPath(const QString& path) {
  if (path == path_) return;
  path_ = path;
  emit filePathChanged(path_);
}

void Project::attach(ImageDocument* doc) {
  doc->setParent(this);
  connect(doc, &ImageDocument::changed, this, &Project::markChanged);
}

// ----- images -----

int Project::indexOfPath(const QString& path) const {
  const QString p = absoluteClean(path);
  for (int i = 0; i < images_.size(); ++i)
    if (images_[i]->imagePath() == p) return i;
  return -1;
}

ImageDocument* Project::addImage(const QString& path, const QSize& size) {
  const int existing = indexOfPath(path);
  if (existing >= 0) return images_[existing];
  auto* doc = new ImageDocument(absoluteClean(path), size, this);
  attach(doc);
  images_.append(doc);
  emit imageAdded(static_cast<int>(images_.size()) - 1);
  markChanged();
  return doc;
}

void Project::removeImage(int index) {
  if (index < 0 || index >= images_.size()) return;
  emit imageAboutToBeRemoved(index);
  ImageDocument* doc = images_.takeAt(index);
  doc->disconnect(this);
  delete doc;
  emit imageRemoved(index);
  markChanged();
}

// ----- prompts and labels -----

void Project::setCategories(const QStringList& categories) {
  if (categories == categories_) return;
  categories_ = categories;
  emit promptsChanged();
  markChanged();
}

void Project::setCaptionPrompt(const PromptSpec& prompt) {
  if (prompt == caption_) return;
  caption_ = prompt;
  emit promptsChanged();
  markChanged();
}

void Project::setActivePrompt(PromptMode mode) {
  if (mode == activePrompt_) return;
  activePrompt_ = mode;
  emit promptsChanged();
  markChanged();
}

void Project::setLabels(const QStringList& labels) {
  if (labels == labels_) return;
  labels_ = labels;
  emit labelsChanged();
  markChanged();
}

void Project::addLabel(const QString& label) {
  if (label.isEmpty() || labels_.contains(label)) return;
  labels_.append(label);
  emit labelsChanged();
  markChanged();
}

QHash<QString, int> Project::boxCountByLabel() const {
  QHash<QString, int> counts;
  for (const ImageDocument* d : images_)
    for (const Box& b : d->boxes()) ++counts[b.label];
  return counts;
}

int Project::renameLabel(const QString& from, const QString& to) {
  if (to.isEmpty() || to == from) return 0;
  int changed = 0;
  for (ImageDocument* d : images_) {
    QList<quint64> ids;
    for (const Box& b : d->boxes())
      if (b.label == from) ids << b.id;
    if (!ids.isEmpty() && d->relabel(ids, to)) ++changed;  // one undo step on this image's stack
  }
  QStringList labels = labels_;
  const int at = labels.indexOf(from);
  if (labels.contains(to)) labels.removeAll(from);
  else if (at >= 0) labels[at] = to;
  else labels.append(to);
  if (!colors_->contains(to) && colors_->contains(from)) colors_->setColor(to, colors_->color(from));
  colors_->setColor(from, QColor());
  setLabels(labels);
  return changed;
}

// ----- state -----

ProjectState Project::state() const {
  ProjectState s;
  s.categories = categories_;
  s.caption = caption_;
  s.activePrompt = activePrompt_;
  s.labels = labels_;
  s.labelColors = colors_->all();
  for (const ImageDocument* d : images_) s.images.append(d->state());
  return s;
}

void Project::applyState(const ProjectState& s) {
  for (ImageDocument* d : images_) {
    d->disconnect(this);
    delete d;
  }
  images_.clear();
  categories_ = s.categories;
  caption_ = s.caption;
  activePrompt_ = s.activePrompt;
  labels_ = s.labels;
  colors_->setAll(s.labelColors);  // not an edit: the callers set the modified state
  for (const ImageState& im : s.images) {
    auto* doc = new ImageDocument(im.path, im.size, this);
    doc->restoreState(im);
    attach(doc);
    images_.append(doc);
  }
  emit imagesReset();
  emit promptsChanged();
  emit labelsChanged();
}

void Project::restoreState(const ProjectState& state) {
  applyState(state);
  markChanged();
}

// ----- file -----

bool Project::writeTo(const QString& path, QString* error) const {
  const QString base = path_.isEmpty() && path == autosavePath() ? QString() : QFileInfo(path).absolutePath();
  return ProjectFile::writeAtomic(path, ProjectFile::toJson(state(), base), error);
}

bool Project::load(const QString& path, QString* error) {
  ProjectState s;
  if (!ProjectFile::read(path, &s, error)) return false;
  if (isUntitled()) removeUntitledRecovery();  // the untitled project is being replaced
  applyState(s);
  setPath(absoluteClean(path));
  ++changeCount_;  // content changed: force the modifiedChanged bookkeeping below
  setSavedNow();
  return true;
}

bool Project::save(QString* error) {
  if (isUntitled()) {
    if (error) *error = tr("the project has no file name yet");
    return false;
  }
  return saveAs(path_, error);
}

bool Project::saveAs(const QString& path, QString* error) {
  const QString target = absoluteClean(path);
  const QString oldAutosave = autosavePath();
  const ProjectState s = state();
  if (!ProjectFile::writeAtomic(target, ProjectFile::toJson(s, QFileInfo(target).absolutePath()), error))
    return false;
  setPath(target);
  setSavedNow();
  QFile::remove(oldAutosave);
  QFile::remove(autosavePath());
  recoveryLock_.reset();  // the untitled recovery file, if any, was oldAutosave
  return true;
}

void Project::reset() {
  if (isUntitled()) removeUntitledRecovery();
  applyState(ProjectState());
  setPath(QString());
  untitledId_ = newUntitledId();
  ++changeCount_;
  setSavedNow();
}

// ----- autosave and recovery -----

QString Project::recoveryDirectory() {
  return QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) + QStringLiteral("/recovery");
}

QString Project::autosavePath() const {
  if (!path_.isEmpty()) return path_ + kAutosaveSuffix;
  return recoveryDirectory() + QLatin1Char('/') + kUntitledPrefix + untitledId_ + kUntitledSuffix;
}

void Project::setAutosaveInterval(int ms) {
  autosaveMs_ = std::clamp(ms, 0, kMaxAutosaveIntervalMs);
  if (autosaveMs_ == 0) autosaveTimer_->stop();
}

bool Project::autosaveNow(QString* error) {
  autosaveTimer_->stop();
  if (changeCount_ == autosavedCount_ || !isModified()) return true;
  const QString target = autosavePath();
  if (isUntitled() && !QDir().mkpath(recoveryDirectory())) {
    if (error) *error = tr("cannot create the recovery folder '%1'").arg(recoveryDirectory());
    return false;
  }
  if (isUntitled() && !holdRecoveryLock(error)) return false;
  const quint64 count = changeCount_;
  if (!writeTo(target, error)) return false;
  autosavedCount_ = count;
  emit autosaved(target);
  return true;
}

void Project::onAutosaveTimer() {
  QString error;
  if (!autosaveNow(&error)) emit autosaveFailed(error);
}

bool Project::hasRecovery() const {
  const QFileInfo autosave(autosavePath());
  if (!autosave.exists()) return false;
  if (isUntitled()) return true;
  const QFileInfo project(path_);
  // save() deletes the autosave, so one that exists and is not older than the project holds unsaved work.
  return !project.exists() || autosave.lastModified() >= project.lastModified();
}

bool Project::recover(QString* error) {
  if (!hasRecovery()) {
    if (error) *error = tr("there is no autosave to recover");
    return false;
  }
  ProjectState s;
  if (!ProjectFile::read(autosavePath(), &s, error)) return false;
  applyState(s);
  markChanged();
  autosavedCount_ = changeCount_;  // the autosave file holds exactly this state
  autosaveTimer_->stop();
  return true;
}

void Project::discardRecovery() {
  if (isUntitled()) removeUntitledRecovery();
  else QFile::remove(autosavePath());
}

bool Project::holdRecoveryLock(QString* error) {
  if (recoveryLock_) return true;
  recoveryLock_ = tryLockRecovery(autosavePath());
  if (!recoveryLock_ && error)
    *error = tr("the recovery file '%1' is in use by another running GLIP Studio").arg(autosavePath());
  return recoveryLock_ != nullptr;
}

void Project::removeUntitledRecovery() {
  QFile::remove(autosavePath());
  recoveryLock_.reset();  // unlocking removes the lock file
}

QStringList Project::untitledRecoveryFiles() {
  QDir dir(recoveryDirectory());
  const QFileInfoList files = dir.entryInfoList({kUntitledPrefix + QStringLiteral("*") + kUntitledSuffix},
                                                QDir::Files, QDir::Time);
  QStringList out;
  for (const QFileInfo& f : files)
    if (tryLockRecovery(f.absoluteFilePath())) out.append(f.absoluteFilePath());  // free: unlocked again at once
  return out;
}

bool Project::discardRecoveryFile(const QString& recoveryFile) {
  const std::unique_ptr<QLockFile> lock = tryLockRecovery(recoveryFile);
  if (!lock) return false;
  return QFile::remove(recoveryFile) || !QFile::exists(recoveryFile);
}

bool Project::openRecovery(const QString& recoveryFile, QString* error) {
  const QString name = QFileInfo(recoveryFile).fileName();
  if (!name.startsWith(kUntitledPrefix) || !name.endsWith(kUntitledSuffix)) {
    if (error) *error = tr("'%1' is not a recovery file of an untitled project").arg(recoveryFile);
    return false;
  }
  if (QFileInfo(recoveryFile).absoluteFilePath() == QFileInfo(autosavePath()).absoluteFilePath()) {
    if (error) *error = tr("'%1' is this project's own recovery file").arg(recoveryFile);
    return false;
  }
  std::unique_ptr<QLockFile> lock = tryLockRecovery(recoveryFile);
  if (!lock) {
    if (error) *error = tr("the recovery file '%1' is in use by another running GLIP Studio").arg(recoveryFile);
    return false;
  }
  ProjectState s;
  if (!ProjectFile::read(recoveryFile, &s, error)) return false;
  if (isUntitled()) removeUntitledRecovery();
  applyState(s);
  setPath(QString());
  untitledId_ = name.mid(kUntitledPrefix.size(), name.size() - kUntitledPrefix.size() - kUntitledSuffix.size());
  recoveryLock_ = std::move(lock);
  markChanged();
  return true;
}

}  // namespace glip::studio
