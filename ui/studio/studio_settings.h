// GLIP Studio's settings: one typed class over QSettings (organisation "GLIP", application "GLIP Studio").
//
//   glip::studio::StudioSettings s;             // the user's settings
//   glip::studio::StudioSettings t(iniPath);    // a given INI file (tests, portable installs)
//   s.setScoreThreshold(0.4);  double t = s.scoreThreshold();
//
// Every key is written here once, with its default; nothing else in the studio touches QSettings directly.
#pragma once
#include <QKeySequence>
#include <QSettings>
#include <QString>
#include <QStringList>
#include <memory>

namespace glip::studio {

class StudioSettings {
 public:
  StudioSettings();                                // QSettings("GLIP", "GLIP Studio")
  explicit StudioSettings(const QString& iniFile);  // an INI file
  ~StudioSettings();
  StudioSettings(const StudioSettings&) = delete;
  StudioSettings& operator=(const StudioSettings&) = delete;

  // Model
  QString modelConfig() const;  // "" -> the bundled demo model
  void setModelConfig(const QString& path);
  QString modelWeights() const;  // "" -> MODEL.WEIGHT relative to the config
  void setModelWeights(const QString& path);
  QString device() const;  // "cpu" (default) or "cuda"
  void setDevice(const QString& device);
  QString precision() const;  // "fp32" (default), "bf16", "tf32" or "fp16" (glip::ModelParams::precision)
  void setPrecision(const QString& precision);
  // Where downloaded models live: "" (the default) = glip::default_models_dir() (XDG data dir).
  QString modelsDir() const;  // the setting, or the default when unset
  void setModelsDir(const QString& dir);
  // The first-run question (demo model or download GLIP-T) was answered.
  bool firstRunDone() const;  // default false
  void setFirstRunDone(bool done);

  // Prompt and run
  enum class PromptMode { Categories, Caption };
  PromptMode promptMode() const;  // default Caption
  void setPromptMode(PromptMode mode);
  QString categoriesText() const;  // one label per line
  void setCategoriesText(const QString& text);
  QString captionText() const;
  void setCaptionText(const QString& text);
  double scoreThreshold() const;  // default 0.5, clamped to [0, 1]
  void setScoreThreshold(double t);
  bool batchReplacesBoxes() const;  // default false: keep existing boxes of edited/reviewed images
  void setBatchReplacesBoxes(bool replace);
  // Preview size: the shorter side single-image runs resize to (glip::DetectParams::min_size), for faster
  // interactive exploration; batches always run at the model's size. 0 = off (the default, the model's size);
  // otherwise glip::kMinPreviewSize..kMaxPreviewSize, 32..4096 (values outside are clamped, negative ones are off).
  int previewSize() const;
  void setPreviewSize(int shorterSide);
  static int validPreviewSize(int shorterSide);  // the clamping rule above

  // Files
  QString lastDirectory() const;
  void setLastDirectory(const QString& dir);
  QStringList recentProjects() const;  // most recent first, at most 8
  void addRecentProject(const QString& path);
  // Autosave delay after a change: Project's default (2 s), at most its bound on the work a crash can take (5 s); 0:
  // off.
  static constexpr int kMaxAutosaveSeconds = 5;
  int autosaveSeconds() const;
  void setAutosaveSeconds(int seconds);

  // Interface
  QString language() const;  // "" = system locale, "en", "zh_CN"
  void setLanguage(const QString& language);
  // Shortcuts of an action by its id (objectName); `fallback` when the user has not rebound it. An empty list
  // (rebound to nothing) is kept as such.
  QList<QKeySequence> shortcuts(const QString& actionId, const QList<QKeySequence>& fallback) const;
  void setShortcuts(const QString& actionId, const QList<QKeySequence>& keys);
  QKeySequence shortcut(const QString& actionId, const QKeySequence& fallback) const;
  void setShortcut(const QString& actionId, const QKeySequence& keys) { setShortcuts(actionId, {keys}); }
  void resetShortcuts();
  QByteArray windowState() const;
  void setWindowState(const QByteArray& state);
  QByteArray windowGeometry() const;
  void setWindowGeometry(const QByteArray& geometry);

  void sync();
  QString fileName() const;

 private:
  std::unique_ptr<QSettings> s_;
};

}  // namespace glip::studio
