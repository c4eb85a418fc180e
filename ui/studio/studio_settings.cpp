#include "ui/studio/studio_settings.h"

#include "core/engine/models.h"

#include <algorithm>

#include "core/engine/engine.h"
#include "ui/document/project.h"

namespace glip::studio {

namespace {
constexpr const char* kModelConfig = "model/config";
constexpr const char* kModelWeights = "model/weights";
constexpr const char* kDevice = "model/device";
constexpr const char* kPromptMode = "prompt/mode";
constexpr const char* kCategories = "prompt/categories";
constexpr const char* kCaption = "prompt/caption";
constexpr const char* kThreshold = "run/threshold";
constexpr const char* kBatchReplace = "run/batch_replace";
constexpr const char* kPreviewSize = "run/preview_size";
constexpr const char* kPrecision = "model/precision";
constexpr const char* kModelsDir = "model/models_dir";
constexpr const char* kFirstRunDone = "model/first_run_done";
constexpr const char* kLastDir = "files/last_directory";
constexpr const char* kRecent = "files/recent_projects";
constexpr const char* kAutosave = "files/autosave_seconds";
constexpr const char* kLanguage = "ui/language";
constexpr const char* kShortcuts = "shortcuts";
constexpr const char* kWindowState = "ui/window_state";
constexpr const char* kWindowGeometry = "ui/window_geometry";
constexpr int kMaxRecent = 8;
}  // namespace

StudioSettings::StudioSettings() : s_(std::make_unique<QSettings>(QStringLiteral("GLIP"), QStringLiteral("GLIP Studio"))) {}
StudioSettings::StudioSettings(const QString& iniFile)
    : s_(std::make_unique<QSettings>(iniFile, QSettings::IniFormat)) {}
StudioSettings::~StudioSettings() = default;

QString StudioSettings::modelConfig() const { return s_->value(kModelConfig).toString(); }
void StudioSettings::setModelConfig(const QString& path) { s_->setValue(kModelConfig, path); }
QString StudioSettings::modelsDir() const {
  const QString d = s_->value(kModelsDir).toString();
  return d.isEmpty() ? QString::fromStdString(glip::default_models_dir()) : d;
}
void StudioSettings::setModelsDir(const QString& dir) { s_->setValue(kModelsDir, dir); }
bool StudioSettings::firstRunDone() const { return s_->value(kFirstRunDone, false).toBool(); }
void StudioSettings::setFirstRunDone(bool done) { s_->setValue(kFirstRunDone, done); }
QString StudioSettings::modelWeights() const { return s_->value(kModelWeights).toString(); }
void StudioSettings::setModelWeights(const QString& path) { s_->setValue(kModelWeights, path); }
QString StudioSettings::device() const {
  const QString d = s_->value(kDevice, QStringLiteral("cpu")).toString();
  return d == QLatin1String("cuda") ? d : QStringLiteral("cpu");
}
void StudioSettings::setDevice(const QString& device) { s_->setValue(kDevice, device); }
QString StudioSettings::precision() const {
  glip::Precision p = glip::Precision::fp32;  // what the INI says, if the engine knows it; else fp32
  glip::parse_precision(s_->value(kPrecision).toString().toStdString(), &p);
  return QString::fromLatin1(glip::precision_name(p));
}
void StudioSettings::setPrecision(const QString& precision) { s_->setValue(kPrecision, precision); }

StudioSettings::PromptMode StudioSettings::promptMode() const {
  return s_->value(kPromptMode).toString() == QLatin1String("categories") ? PromptMode::Categories
                                                                          : PromptMode::Caption;
}
void StudioSettings::setPromptMode(PromptMode mode) {
  s_->setValue(kPromptMode, mode == PromptMode::Categories ? QStringLiteral("categories") : QStringLiteral("caption"));
}
QString StudioSettings::categoriesText() const { return s_->value(kCategories).toString(); }
void StudioSettings::setCategoriesText(const QString& text) { s_->setValue(kCategories, text); }
QString StudioSettings::captionText() const { return s_->value(kCaption).toString(); }
void StudioSettings::setCaptionText(const QString& text) { s_->setValue(kCaption, text); }
double StudioSettings::scoreThreshold() const {
  bool ok = false;
  const double t = s_->value(kThreshold, 0.5).toDouble(&ok);
  return ok ? std::clamp(t, 0.0, 1.0) : 0.5;
}
void StudioSettings::setScoreThreshold(double t) { s_->setValue(kThreshold, std::clamp(t, 0.0, 1.0)); }
bool StudioSettings::batchReplacesBoxes() const { return s_->value(kBatchReplace, false).toBool(); }
void StudioSettings::setBatchReplacesBoxes(bool replace) { s_->setValue(kBatchReplace, replace); }
int StudioSettings::validPreviewSize(int shorterSide) {
  return shorterSide <= 0 ? 0
                          : std::clamp(shorterSide, static_cast<int>(glip::kMinPreviewSize),
                                       static_cast<int>(glip::kMaxPreviewSize));
}
int StudioSettings::previewSize() const {
  bool ok = false;
  const int v = s_->value(kPreviewSize, 0).toInt(&ok);
  return ok ? validPreviewSize(v) : 0;
}
void StudioSettings::setPreviewSize(int shorterSide) { s_->setValue(kPreviewSize, validPreviewSize(shorterSide)); }

QString StudioSettings::lastDirectory() const { return s_->value(kLastDir).toString(); }
void StudioSettings::setLastDirectory(const QString& dir) { s_->setValue(kLastDir, dir); }
QStringList StudioSettings::recentProjects() const { return s_->value(kRecent).toStringList(); }
void StudioSettings::addRecentProject(const QString& path) {
  QStringList list = recentProjects();
  list.removeAll(path);
  list.prepend(path);
  while (list.size() > kMaxRecent) list.removeLast();
  s_->setValue(kRecent, list);
}
static_assert(StudioSettings::kMaxAutosaveSeconds * 1000 == Project::kMaxAutosaveIntervalMs,
              "the setting's bound is Project's");
int StudioSettings::autosaveSeconds() const {
  constexpr int kDefault = Project::kDefaultAutosaveIntervalMs / 1000;
  return std::clamp(s_->value(kAutosave, kDefault).toInt(), 0, kMaxAutosaveSeconds);  // older files: up to 3600
}
void StudioSettings::setAutosaveSeconds(int seconds) {
  s_->setValue(kAutosave, std::clamp(seconds, 0, kMaxAutosaveSeconds));
}

QString StudioSettings::language() const { return s_->value(kLanguage).toString(); }
void StudioSettings::setLanguage(const QString& language) { s_->setValue(kLanguage, language); }

QList<QKeySequence> StudioSettings::shortcuts(const QString& actionId, const QList<QKeySequence>& fallback) const {
  const QString key = QStringLiteral("%1/%2").arg(QLatin1String(kShortcuts), actionId);
  if (!s_->contains(key)) return fallback;
  // "" is "no shortcut" (listFromString would give one empty sequence).
  QList<QKeySequence> keys = QKeySequence::listFromString(s_->value(key).toString(), QKeySequence::PortableText);
  keys.removeAll(QKeySequence());
  return keys;
}
void StudioSettings::setShortcuts(const QString& actionId, const QList<QKeySequence>& keys) {
  s_->setValue(QStringLiteral("%1/%2").arg(QLatin1String(kShortcuts), actionId),
               QKeySequence::listToString(keys, QKeySequence::PortableText));
}
QKeySequence StudioSettings::shortcut(const QString& actionId, const QKeySequence& fallback) const {
  const QList<QKeySequence> l = shortcuts(actionId, {fallback});
  return l.isEmpty() ? QKeySequence() : l.first();
}
void StudioSettings::resetShortcuts() { s_->remove(QLatin1String(kShortcuts)); }
QByteArray StudioSettings::windowState() const { return s_->value(kWindowState).toByteArray(); }
void StudioSettings::setWindowState(const QByteArray& state) { s_->setValue(kWindowState, state); }
QByteArray StudioSettings::windowGeometry() const { return s_->value(kWindowGeometry).toByteArray(); }
void StudioSettings::setWindowGeometry(const QByteArray& geometry) { s_->setValue(kWindowGeometry, geometry); }

void StudioSettings::sync() { s_->sync(); }
QString StudioSettings::fileName() const { return s_->fileName(); }

}  // namespace glip::studio
