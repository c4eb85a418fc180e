#include "ui/studio/batch_dialog.h"

#include <QDialogButtonBox>
#include <QGroupBox>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QVBoxLayout>
#include <cmath>

namespace glip::studio {

BatchDialog::BatchDialog(QWidget* parent) : QDialog(parent) {
  setObjectName(QStringLiteral("batchDialog"));
  setWindowTitle(tr("Batch"));
  setMinimumWidth(460);
  auto* lay = new QVBoxLayout(this);
  auto* intro = new QLabel(tr("Run the current prompt over every image of the project."), this);
  intro->setWordWrap(true);
  lay->addWidget(intro);
  auto* group = new QGroupBox(tr("Images that were edited or reviewed"), this);
  auto* gl = new QVBoxLayout(group);
  keep_ = new QRadioButton(tr("Keep their boxes (skip them)"), group);
  replace_ = new QRadioButton(tr("Replace their boxes with the model's"), group);
  keep_->setObjectName(QStringLiteral("batchKeep"));
  replace_->setObjectName(QStringLiteral("batchReplace"));
  keep_->setChecked(true);
  gl->addWidget(keep_);
  gl->addWidget(replace_);
  lay->addWidget(group);
  bar_ = new QProgressBar(this);
  bar_->setObjectName(QStringLiteral("batchProgress"));
  lay->addWidget(bar_);
  status_ = new QLabel(this);
  status_->setObjectName(QStringLiteral("batchStatus"));
  status_->setWordWrap(true);
  lay->addWidget(status_);
  eta_ = new QLabel(this);
  eta_->setObjectName(QStringLiteral("batchEta"));
  lay->addWidget(eta_);
  auto* buttons = new QDialogButtonBox(this);
  start_ = buttons->addButton(tr("Start"), QDialogButtonBox::ActionRole);
  resume_ = buttons->addButton(tr("Resume"), QDialogButtonBox::ActionRole);
  cancel_ = buttons->addButton(tr("Cancel batch"), QDialogButtonBox::ActionRole);
  close_ = buttons->addButton(QDialogButtonBox::Close);
  start_->setObjectName(QStringLiteral("batchStart"));
  resume_->setObjectName(QStringLiteral("batchResume"));
  cancel_->setObjectName(QStringLiteral("batchCancel"));
  lay->addWidget(buttons);
  connect(start_, &QPushButton::clicked, this, [this] { emit startRequested(replaceBoxes()); });
  connect(resume_, &QPushButton::clicked, this, [this] { emit resumeRequested(replaceBoxes()); });
  connect(cancel_, &QPushButton::clicked, this, &BatchDialog::cancelRequested);
  connect(close_, &QPushButton::clicked, this, &QDialog::reject);
  setImageCount(0, 0);
  setRunning(false);
}

bool BatchDialog::replaceBoxes() const { return replace_->isChecked(); }
void BatchDialog::setReplaceBoxes(bool r) { (r ? replace_ : keep_)->setChecked(true); }

void BatchDialog::setImageCount(int total, int resumeFrom) {
  bar_->setRange(0, std::max(1, total));
  bar_->setValue(std::clamp(resumeFrom, 0, total));
  resume_->setEnabled(resumeFrom > 0 && resumeFrom < total);
  resume_->setToolTip(resumeFrom > 0 ? tr("Continue with image %1 of %2").arg(resumeFrom + 1).arg(total) : QString());
  status_->setText(tr("%n image(s) in the project.", nullptr, total));
  eta_->clear();
}

void BatchDialog::setRunning(bool running) {
  start_->setEnabled(!running);
  if (running) resume_->setEnabled(false);
  cancel_->setEnabled(running);
  keep_->setEnabled(!running);
  replace_->setEnabled(!running);
}

QString BatchDialog::formatEta(double s) {
  if (!std::isfinite(s) || s < 0) return QString();
  const int t = static_cast<int>(std::lround(s));
  if (t >= 3600) return tr("%1 h %2 min").arg(t / 3600).arg((t % 3600) / 60);
  if (t >= 60) return tr("%1 min %2 s").arg(t / 60).arg(t % 60);
  return tr("%1 s").arg(t);
}

void BatchDialog::setProgress(int done, int total, double etaSeconds, const QString& lastImage) {
  bar_->setRange(0, std::max(1, total));
  bar_->setValue(done);
  status_->setText(tr("%1 of %2 images: %3").arg(done).arg(total).arg(lastImage));
  eta_->setText(done < total ? tr("Time left: about %1").arg(formatEta(etaSeconds)) : QString());
}

void BatchDialog::setStopped(int next, int total, bool cancelled, int failed) {
  setRunning(false);
  bar_->setValue(next);
  eta_->clear();
  const QString failedText =
      failed > 0 ? QStringLiteral(" ") + tr("%n image(s) could not be processed (marked in the image list).", nullptr, failed)
                 : QString();
  if (cancelled) {
    status_->setText(tr("Cancelled after %1 of %2 images. Resume continues with image %3.").arg(next).arg(total).arg(next + 1) +
                     failedText);
    resume_->setEnabled(next < total);
  } else {
    status_->setText(tr("Done: %n image(s).", nullptr, total - failed) + failedText);
    resume_->setEnabled(false);
  }
}

QString BatchDialog::statusText() const { return status_->text(); }

}  // namespace glip::studio
