// MainWindow: opening images and folders, the project file, COCO export/import.
#include <QAction>
#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFileDialog>
#include <QFileInfo>
#include <QImageReader>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QStatusBar>
#include <QTimer>

#include "ui/document/coco_exchange.h"
#include "ui/document/project.h"
#include "ui/studio/main_window.h"
#include "ui/studio/prompt_panel.h"
#include "ui/studio/studio_settings.h"

namespace glip::studio {

namespace {
// The formats GLIP's decoder reads (core/image/image.h).
const QStringList kImagePatterns{QStringLiteral("*.png"),  QStringLiteral("*.jpg"), QStringLiteral("*.jpeg"),
                                 QStringLiteral("*.bmp"),  QStringLiteral("*.tif"), QStringLiteral("*.tiff"),
                                 QStringLiteral("*.webp")};
// An image's size from its file (the header; the whole file when the header does not say), or why it cannot be
// read. Used when images are opened and, for sizes still unknown, before an export.
void readImageFacts(ImageDocument* d) {
  QImageReader reader(d->imagePath());
  QSize size = reader.size();
  if (!size.isValid() || size.isEmpty()) size = reader.read().size();
  if (size.isValid() && !size.isEmpty()) {
    if (d->imageSize() != size) d->setImageSize(size);
  } else {
    d->setReadError(reader.errorString());
  }
}

bool isImageFile(const QString& path) {
  const QString suffix = QStringLiteral("*.") + QFileInfo(path).suffix().toLower();
  return kImagePatterns.contains(suffix);
}
}  // namespace

void MainWindow::openPaths(const QStringList& paths) {
  QStringList files;
  for (const QString& p : paths) {
    const QFileInfo fi(p);
    if (fi.isDir()) {
      QStringList inDir;
      QDirIterator it(fi.absoluteFilePath(), kImagePatterns, QDir::Files);
      while (it.hasNext()) inDir << it.next();
      inDir.sort();
      files << inDir;
    } else if (fi.suffix() == QLatin1String("glipstudio") || fi.suffix() == QLatin1String("json")) {
      QString error;
      if (fi.suffix() == QLatin1String("json")) {
        CocoImportResult r;
        if (!CocoExchange::importDataset(*project_, fi.absoluteFilePath(), &r, &error))
          statusBar()->showMessage(tr("Cannot import %1: %2").arg(fi.fileName(), error), 10000);
      } else if (maybeSave() && !project_->load(fi.absoluteFilePath(), &error)) {
        QMessageBox::warning(this, tr("Open project"), error);
      }
    } else if (fi.isFile() && isImageFile(p)) {
      files << fi.absoluteFilePath();
    }
  }
  if (files.isEmpty()) return;
  settings_->setLastDirectory(QFileInfo(files.first()).absolutePath());
  int first = -1;
  for (const QString& f : files) {
    ImageDocument* doc = project_->addImage(f);
    const int idx = project_->images().indexOf(doc);
    if (first < 0) first = idx;
    readImageFacts(doc);  // the size is known for every image, shown or not; an unreadable file says why
  }
  statusBar()->showMessage(tr("%n image(s) opened", nullptr, int(files.size())), 4000);
  refreshActions();
  if (first >= 0 && first != current_) showImage(first);
}

void MainWindow::openImagesDialog() {
  const QStringList files = QFileDialog::getOpenFileNames(
      this, tr("Open images"), settings_->lastDirectory(),
      tr("Images (%1)").arg(kImagePatterns.join(QLatin1Char(' '))));
  openPaths(files);
}

void MainWindow::openFolderDialog() {
  const QString dir = QFileDialog::getExistingDirectory(this, tr("Open folder"), settings_->lastDirectory());
  if (!dir.isEmpty()) openPaths({dir});
}

void MainWindow::openProjectDialog() {
  if (!maybeSave()) return;
  const QString f = QFileDialog::getOpenFileName(this, tr("Open project"), settings_->lastDirectory(),
                                                 tr("GLIP Studio project (*.glipstudio)"));
  if (f.isEmpty()) return;
  QString error;
  if (!project_->load(f, &error)) {
    QMessageBox::warning(this, tr("Open project"), error);
    return;
  }
  settings_->addRecentProject(f);
  if (project_->hasRecovery() &&
      QMessageBox::question(this, tr("Recover"), tr("An autosave newer than the project exists. Recover it?")) ==
          QMessageBox::Yes) {
    if (!project_->recover(&error)) QMessageBox::warning(this, tr("Recover"), error);
  }
}

bool MainWindow::offerRecovery(bool askedFor) {
  const QStringList files = Project::untitledRecoveryFiles();
  if (files.isEmpty()) {
    if (askedFor)
      QMessageBox::information(this, tr("Recover unsaved work"), tr("There is no unsaved work to recover."));
    return false;
  }
  for (int i = 0; i < files.size(); ++i) {
    const QString& file = files[i];
    ProjectState state;
    QString error;
    const bool readable = ProjectFile::read(file, &state, &error);
    int boxes = 0;
    for (const ImageState& im : state.images) boxes += static_cast<int>(im.boxes.size());
    const QString when = QLocale().toString(QFileInfo(file).lastModified(), QLocale::ShortFormat);
    QMessageBox box(this);
    box.setObjectName(QStringLiteral("recoveryQuestion"));
    box.setIcon(readable ? QMessageBox::Question : QMessageBox::Warning);
    box.setWindowTitle(files.size() > 1 ? tr("Recover unsaved work (%1 of %2)").arg(i + 1).arg(files.size())
                                        : tr("Recover unsaved work"));
    box.setText(readable ? tr("GLIP Studio closed without saving this work (autosaved %1): %2, %3.")
                               .arg(when, tr("%n image(s)", nullptr, int(state.images.size())),
                                    tr("%n box(es)", nullptr, boxes))
                         : tr("An autosave from %1 cannot be read: %2").arg(when, error));
    box.setInformativeText(readable ? tr("Recover it?") : tr("Discard it?"));
    QPushButton* recover = readable ? box.addButton(tr("Recover"), QMessageBox::AcceptRole) : nullptr;
    QPushButton* discard = box.addButton(tr("Discard"), QMessageBox::DestructiveRole);
    QPushButton* later = box.addButton(tr("Later"), QMessageBox::RejectRole);
    box.setDefaultButton(recover ? recover : later);
    box.setEscapeButton(later);
    box.exec();
    if (box.clickedButton() == discard) {
      if (!Project::discardRecoveryFile(file))
        statusBar()->showMessage(tr("%1 is in use by another GLIP Studio").arg(QFileInfo(file).fileName()), 6000);
      continue;
    }
    if (box.clickedButton() != recover || !maybeSave()) return false;  // Later (or Escape), or the window's own work
    if (!project_->openRecovery(file, &error)) {
      QMessageBox::warning(this, tr("Recover unsaved work"), error);
      return false;
    }
    refreshActions();
    statusBar()->showMessage(tr("Recovered %n image(s); save the project to keep them", nullptr,
                                project_->imageCount()), 8000);
    return true;
  }
  return false;
}

bool MainWindow::saveProject() {
  if (project_->isUntitled()) return saveProjectAs();
  syncPromptToProject();
  QString error;
  if (!project_->save(&error)) {
    QMessageBox::warning(this, tr("Save project"), error);
    return false;
  }
  statusBar()->showMessage(tr("Saved %1").arg(project_->filePath()), 4000);
  return true;
}

bool MainWindow::saveProjectAs() {
  QString f = QFileDialog::getSaveFileName(this, tr("Save project"), settings_->lastDirectory(),
                                           tr("GLIP Studio project (*.glipstudio)"));
  if (f.isEmpty()) return false;
  if (QFileInfo(f).suffix().isEmpty()) f += QStringLiteral(".glipstudio");
  syncPromptToProject();
  QString error;
  if (!project_->saveAs(f, &error)) {
    QMessageBox::warning(this, tr("Save project"), error);
    return false;
  }
  settings_->addRecentProject(f);
  return true;
}

bool MainWindow::maybeSave() {
  if (!project_->isModified() || project_->imageCount() == 0) return true;
  const auto answer = QMessageBox::question(this, tr("Unsaved changes"),
                                            tr("The project has unsaved changes. Save them?"),
                                            QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel);
  if (answer == QMessageBox::Save) return saveProject();
  return answer == QMessageBox::Discard;
}

void MainWindow::importCoco() {
  const QString f = QFileDialog::getOpenFileName(this, tr("Import COCO annotations"), settings_->lastDirectory(),
                                                 tr("COCO JSON (*.json)"));
  if (f.isEmpty()) return;
  CocoImportResult r;
  QString error;
  if (!CocoExchange::importDataset(*project_, f, &r, &error)) {
    QMessageBox::warning(this, tr("Import COCO annotations"), error);
    return;
  }
  statusBar()->showMessage(tr("Imported %1 boxes on %2 images").arg(r.boxes).arg(r.images), 6000);
  if (!r.warnings.isEmpty())
    QMessageBox::information(this, tr("Import COCO annotations"), r.warnings.join(QLatin1Char('\n')));
  if (current_ < 0 && project_->imageCount() > 0) showImage(0);
  else refreshBoxes();
}

void MainWindow::exportCoco() {
  const QString f = QFileDialog::getSaveFileName(this, tr("Export COCO annotations"), settings_->lastDirectory(),
                                                 tr("COCO JSON (*.json)"));
  if (f.isEmpty()) return;
  QStringList skipped;
  QString error;
  if (!exportCocoTo(f, &skipped, &error)) {
    QMessageBox::warning(this, tr("Export COCO annotations"), error);
    return;
  }
  statusBar()->showMessage(tr("Exported %1").arg(f), 6000);
  if (!skipped.isEmpty())
    QMessageBox::information(this, tr("Export COCO annotations"),
                             tr("%n image(s) could not be read and were left out:", nullptr, int(skipped.size())) +
                                 QStringLiteral("\n") + skipped.join(QLatin1Char('\n')));
}

bool MainWindow::exportCocoTo(const QString& path, QStringList* skipped, QString* error) {
  CocoExportOptions options;
  for (ImageDocument* d : project_->images()) {
    // A project saved before sizes were kept, or imported: the size from the file.
    if (d->readError().isEmpty() && (!d->imageSize().isValid() || d->imageSize().isEmpty())) readImageFacts(d);
    if (!d->readError().isEmpty()) {
      options.skipImages << d->imagePath();
      if (skipped) *skipped << QStringLiteral("%1: %2").arg(d->imagePath(), d->readError());
    }
  }
  if (options.skipImages.size() == project_->imageCount()) {
    if (error) *error = project_->imageCount() ? tr("none of the images can be read") : tr("the project has no images");
    return false;
  }
  return CocoExchange::exportDataset(*project_, path, options, error);
}

// The prompt panel and the project's prompts (saved in the project file) are kept equal.
void MainWindow::syncPromptToProject() {
  const PromptInput in = prompt_->spec();
  settings_->setPromptMode(in.mode == PromptInput::Mode::Categories ? StudioSettings::PromptMode::Categories
                                                                     : StudioSettings::PromptMode::Caption);
  settings_->setCaptionText(in.caption);
  settings_->setCategoriesText(in.categories.join(QLatin1Char('\n')));
  PromptSpec cap;
  cap.caption = in.caption;
  for (const CaptionPhrase& p : in.phrases) cap.labels.push_back({p.text, {{p.start, p.end}}});
  if (project_->categories() != in.categories) project_->setCategories(in.categories);
  if (project_->captionPrompt() != cap) project_->setCaptionPrompt(cap);
  const PromptMode mode = in.mode == PromptInput::Mode::Categories ? PromptMode::Categories : PromptMode::Caption;
  if (project_->activePrompt() != mode) project_->setActivePrompt(mode);
}

void MainWindow::syncPromptFromProject() {
  PromptInput in;
  in.mode = project_->activePrompt() == PromptMode::Categories ? PromptInput::Mode::Categories
                                                              : PromptInput::Mode::Caption;
  in.categories = project_->categories();
  const PromptSpec cap = project_->captionPrompt();
  in.caption = cap.caption;
  for (const PromptLabel& l : cap.labels)
    for (const auto& s : l.spans) in.phrases.push_back({int(s[0]), int(s[1]), l.name});
  if (in.categories.isEmpty() && in.caption.isEmpty()) return;  // keep what the user had typed
  prompt_->setSpec(in);
  // The project's own prompt, not an edit: "Run automatically" leaves its predicted images' boxes as they were
  // saved (unlabeled images still run when shown).
  promptTimer_->stop();
}

}  // namespace glip::studio
