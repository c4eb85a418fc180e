#include "ui/studio/model_download.h"

#include <QCheckBox>
#include <QDesktopServices>
#include <QDialogButtonBox>
#include <QDir>
#include <QLabel>
#include <QNetworkProxyFactory>
#include <QProgressBar>
#include <QPushButton>
#include <QUrl>
#include <QVBoxLayout>

#include "ui/studio/model_locator.h"
#include "ui/studio/studio_settings.h"

namespace glip::studio {

namespace {
QString bytesText(qint64 b) { return QString::fromStdString(glip::format_bytes(b)); }
}  // namespace

std::optional<glip::Catalog> loadStudioCatalog(QString* error) {
  const QString dir = findModelsDir();
  const QString path = dir.isEmpty() ? QString() : QDir(dir).filePath(QStringLiteral("catalog.yaml"));
  if (path.isEmpty() || !QFileInfo::exists(path)) {
    if (error) *error = QObject::tr("models/catalog.yaml was not found");
    return std::nullopt;
  }
  try {
    return glip::load_catalog(QFile::encodeName(path).toStdString());
  } catch (const std::exception& e) {
    if (error) *error = QString::fromUtf8(e.what());
    return std::nullopt;
  }
}

QString catalogItemText(const glip::CatalogModel& m, const glip::ModelStatus& s) {
  const QString head = QObject::tr("%1 — %2 COCO zero-shot AP — %3")
                           .arg(QString::fromStdString(m.title))
                           .arg(m.coco_ap, 0, 'f', 1)
                           .arg(bytesText(m.size_bytes));
  switch (s.state) {
    case glip::InstallState::Installed: return head + QObject::tr(" — installed");
    case glip::InstallState::Partial:
      return head + QObject::tr(" — resume download (%1 so far)…").arg(bytesText(s.bytes));
    default: return head + QObject::tr(" — Download…");
  }
}

ModelChoice catalogModelChoice(const glip::Catalog& catalog, const glip::CatalogModel& model,
                               const glip::ModelStatus& status, const StudioSettings& settings) {
  const glip::ModelParams p = glip::catalog_model_params(catalog, model, status.load_path());
  return {QFile::decodeName(p.config_file.c_str()), QFile::decodeName(p.weight_file.c_str()), settings.device(),
          settings.precision()};
}

// ---------------------------------------------------------------------------------------------------------------

ReleasedModelsMenu::ReleasedModelsMenu(StudioSettings* settings, QWidget* parent)
    : QMenu(tr("&Released models"), parent), settings_(settings) {
  setObjectName(QStringLiteral("released_models"));
  connect(this, &QMenu::aboutToShow, this, &ReleasedModelsMenu::refresh);
  refresh();
}

void ReleasedModelsMenu::refresh() {
  clear();
  QString error;
  const std::optional<glip::Catalog> cat = loadStudioCatalog(&error);
  if (!cat) {
    addAction(tr("No model catalogue: %1").arg(error))->setEnabled(false);
    return;
  }
  const QString dir = settings_->modelsDir();
  for (const glip::CatalogModel& m : cat->models) {
    const glip::ModelStatus s = glip::model_status(m, QFile::encodeName(dir).toStdString());
    QAction* a = addAction(catalogItemText(m, s));
    a->setObjectName(QStringLiteral("released_model_") + QString::fromStdString(m.name));
    a->setToolTip(QString::fromStdString(m.url));
    const QString name = QString::fromStdString(m.name);
    if (s.state == glip::InstallState::Installed) {
      const ModelChoice c = catalogModelChoice(*cat, m, s, *settings_);
      connect(a, &QAction::triggered, this, [this, c] { emit useModel(c); });
    } else {
      connect(a, &QAction::triggered, this, [this, name] { emit downloadModel(name); });
    }
  }
  addSeparator();
  QAction* where = addAction(tr("Models folder: %1").arg(QDir::toNativeSeparators(dir)));
  where->setObjectName(QStringLiteral("models_folder"));
  connect(where, &QAction::triggered, this, [dir] {
    QDir().mkpath(dir);
    QDesktopServices::openUrl(QUrl::fromLocalFile(dir));
  });
}

// ---------------------------------------------------------------------------------------------------------------

DownloadDialog::DownloadDialog(glip::Catalog catalog, const QString& name, StudioSettings* settings, QWidget* parent)
    : QDialog(parent), catalog_(std::move(catalog)), settings_(settings), modelsDir_(settings->modelsDir()) {
  model_ = catalog_.at(name.toStdString());
  setObjectName(QStringLiteral("download_dialog"));
  setWindowTitle(tr("Download %1").arg(QString::fromStdString(model_.title)));
  auto* layout = new QVBoxLayout(this);
  auto* what = new QLabel(tr("<b>%1</b> (%2 COCO zero-shot AP, about %3)<br>from %4<br>into %5")
                              .arg(QString::fromStdString(model_.title).toHtmlEscaped())
                              .arg(model_.coco_ap, 0, 'f', 1)
                              .arg(bytesText(model_.size_bytes))
                              .arg(QString::fromStdString(model_.url).toHtmlEscaped())
                              .arg(QDir::toNativeSeparators(modelsDir_).toHtmlEscaped()),
                          this);
  what->setWordWrap(true);
  what->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(what);
  bar_ = new QProgressBar(this);
  bar_->setObjectName(QStringLiteral("download_progress"));
  bar_->setRange(0, 1000);
  bar_->setValue(0);
  layout->addWidget(bar_);
  status_ = new QLabel(tr("Ready."), this);
  status_->setObjectName(QStringLiteral("download_status"));
  status_->setWordWrap(true);
  layout->addWidget(status_);
  slim_ = new QCheckBox(tr("Also write a slim copy (model weights only: about a quarter of the size, loads faster, "
                           "the same detections) and use it"),
                        this);
  slim_->setObjectName(QStringLiteral("download_slim"));
  slim_->setChecked(true);
  layout->addWidget(slim_);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
  cancel_ = buttons->button(QDialogButtonBox::Cancel);
  connect(buttons, &QDialogButtonBox::rejected, this, &DownloadDialog::reject);
  layout->addWidget(buttons);
  resize(560, sizeHint().height());
}

DownloadDialog::~DownloadDialog() {
  cancel_requested_ = true;
  if (thread_.joinable()) thread_.join();
}

QString DownloadDialog::systemProxyFor(const QString& url) {
  const QList<QNetworkProxy> proxies = QNetworkProxyFactory::systemProxyForQuery(QNetworkProxyQuery(QUrl(url)));
  for (const QNetworkProxy& p : proxies) {
    if (p.type() == QNetworkProxy::HttpProxy)
      return QStringLiteral("http://%1:%2").arg(p.hostName()).arg(p.port());
    if (p.type() == QNetworkProxy::Socks5Proxy)
      return QStringLiteral("socks5h://%1:%2").arg(p.hostName()).arg(p.port());
  }
  return {};
}

void DownloadDialog::start() {
  if (running_) return;
  running_ = true;
  slim_->setEnabled(false);
  status_->setText(tr("Connecting…"));
  glip::DownloadOptions o;
  o.proxy = systemProxyFor(QString::fromStdString(model_.url)).toStdString();
  const bool slim = slim_->isChecked();
  const std::string dir = QFile::encodeName(modelsDir_).toStdString();
  thread_ = std::thread([this, o, slim, dir]() mutable {
    o.progress = [this](const glip::DownloadProgress& p) {
      QMetaObject::invokeMethod(
          this, [this, p] { onProgress(p.received, p.total, p.bytes_per_s, p.seconds_left); }, Qt::QueuedConnection);
      return !cancel_requested_.load();
    };
    bool ok = false;
    QString error;
    try {
      const glip::ModelStatus before = glip::model_status(model_, dir);
      if (before.state != glip::InstallState::Installed)
        QMetaObject::invokeMethod(this, [this] { onPhase(tr("Downloading…")); }, Qt::QueuedConnection);
      glip::install_model(catalog_, model_, dir, o);
      if (slim && !cancel_requested_) {
        QMetaObject::invokeMethod(this, [this] { onPhase(tr("Writing the slim copy…")); }, Qt::QueuedConnection);
        glip::slim_model(model_, dir);
      }
      ok = true;
    } catch (const glip::Cancelled&) {
      error = tr("Cancelled. What arrived is kept; download again to resume.");
    } catch (const std::exception& e) {
      error = QString::fromUtf8(e.what());
    }
    QMetaObject::invokeMethod(this, [this, ok, error] { onDone(ok, error); }, Qt::QueuedConnection);
  });
}

void DownloadDialog::onProgress(qint64 received, qint64 total, double bytesPerS, double secondsLeft) {
  if (total > 0 && received >= total) {
    bar_->setRange(0, 0);  // busy: verifying (a full strict load)
    status_->setText(tr("Downloaded %1. Verifying (loading every tensor)…").arg(bytesText(total)));
    return;
  }
  if (total > 0) bar_->setValue(static_cast<int>(1000.0 * received / total));
  QString text = total > 0 ? tr("%1 of %2").arg(bytesText(received), bytesText(total)) : bytesText(received);
  if (bytesPerS > 0) text += tr(", %1/s").arg(bytesText(static_cast<qint64>(bytesPerS)));
  if (secondsLeft >= 0) text += tr(", %1 left").arg(QString::fromStdString(glip::format_duration(secondsLeft)));
  status_->setText(text);
}

void DownloadDialog::onPhase(const QString& text) { status_->setText(text); }

void DownloadDialog::onDone(bool ok, const QString& error) {
  if (thread_.joinable()) thread_.join();
  running_ = false;
  if (ok) {
    const glip::ModelStatus s = glip::model_status(model_, QFile::encodeName(modelsDir_).toStdString());
    choice_ = catalogModelChoice(catalog_, model_, s, *settings_);
    status_->setText(tr("Installed."));
    accept();
    return;
  }
  error_ = error;
  status_->setText(error);
  bar_->setRange(0, 1000);
  QDialog::reject();
}

void DownloadDialog::reject() {
  if (running_) {  // the worker ends with Cancelled and onDone() closes the dialog
    cancel_requested_ = true;
    cancel_->setEnabled(false);
    status_->setText(tr("Cancelling…"));
    return;
  }
  QDialog::reject();
}

// ---------------------------------------------------------------------------------------------------------------

bool firstRunQuestionDue(const StudioSettings& settings, const std::optional<glip::Catalog>& catalog,
                         glip::CatalogModel* recommended) {
  if (settings.firstRunDone() || !settings.modelConfig().isEmpty() || !catalog || !catalog->recommended()) return false;
  const std::string dir = QFile::encodeName(settings.modelsDir()).toStdString();
  for (const glip::CatalogModel& m : catalog->models)
    if (glip::model_status(m, dir).state == glip::InstallState::Installed) return false;
  if (recommended) *recommended = *catalog->recommended();
  return true;
}

FirstRunDialog::FirstRunDialog(const QString& recommendedText, QWidget* parent) : QDialog(parent) {
  setObjectName(QStringLiteral("first_run_dialog"));
  setWindowTitle(tr("Welcome to GLIP Studio"));
  auto* layout = new QVBoxLayout(this);
  auto* text = new QLabel(tr("<p>No GLIP model is installed yet.</p>"
                             "<p><b>Demo model</b>: starts at once, but it is a tiny model with random weights: "
                             "<b>its boxes are random</b>. Good for trying the studio.</p>"
                             "<p><b>%1</b>: the released model, for real results. The download can be paused and "
                             "resumed; you can keep working with the demo model meanwhile.</p>")
                              .arg(recommendedText.toHtmlEscaped()),
                          this);
  text->setWordWrap(true);
  layout->addWidget(text);
  auto* buttons = new QDialogButtonBox(this);
  QPushButton* demo = buttons->addButton(tr("Use the demo model"), QDialogButtonBox::RejectRole);
  demo->setObjectName(QStringLiteral("first_run_demo"));
  QPushButton* download = buttons->addButton(tr("Download %1").arg(recommendedText), QDialogButtonBox::AcceptRole);
  download->setObjectName(QStringLiteral("first_run_download"));
  download->setDefault(true);
  connect(demo, &QPushButton::clicked, this, [this] {
    choice_ = Choice::Demo;
    reject();
  });
  connect(download, &QPushButton::clicked, this, [this] {
    choice_ = Choice::Download;
    accept();
  });
  layout->addWidget(buttons);
  resize(520, sizeHint().height());
}

}  // namespace glip::studio
