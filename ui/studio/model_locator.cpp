#include "ui/studio/model_locator.h"

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QFileInfo>

#ifndef GLIP_STUDIO_SOURCE_DIR
#define GLIP_STUDIO_SOURCE_DIR ""
#endif

namespace glip::studio {

namespace {
QString findUp(const QString& name, const QString& probe) {
  QStringList starts;
  if (QCoreApplication::instance()) starts << QCoreApplication::applicationDirPath();
  starts << QDir::currentPath();
  for (const QString& s : starts) {
    QDir d(s);
    for (int i = 0; i < 6; ++i) {
      if (QFileInfo::exists(d.filePath(name + QLatin1Char('/') + probe))) return QDir(d.filePath(name)).absolutePath();
      if (!d.cdUp()) break;
    }
  }
  const QString src = QStringLiteral(GLIP_STUDIO_SOURCE_DIR);
  if (!src.isEmpty() && QFileInfo::exists(src + QLatin1Char('/') + name + QLatin1Char('/') + probe))
    return QDir(src + QLatin1Char('/') + name).absolutePath();
  return {};
}
}  // namespace

QString findModelsDir() {
  const QString env = qEnvironmentVariable("GLIP_MODELS_DIR");
  if (!env.isEmpty() && QFileInfo(env).isDir()) return QDir(env).absolutePath();
  return findUp(QStringLiteral("models"), QStringLiteral("demo/glip_demo_tiny.yaml"));
}

QString demoConfigPath() {
  const QString dir = findModelsDir();
  if (dir.isEmpty()) return {};
  const QString p = QDir(dir).filePath(QStringLiteral("demo/glip_demo_tiny.yaml"));
  return QFileInfo::exists(p) ? p : QString();
}

bool isDemoConfig(const QString& configPath) {
  const QString demo = demoConfigPath();
  return !demo.isEmpty() && QFileInfo(configPath).canonicalFilePath() == QFileInfo(demo).canonicalFilePath();
}

QString findResourcesDir() { return findUp(QStringLiteral("resources"), QStringLiteral("demo/astronaut.png")); }

QStringList scanConfigs(const QString& dir) {
  QStringList out;
  if (dir.isEmpty()) return out;
  QDirIterator it(dir, {QStringLiteral("*.yaml"), QStringLiteral("*.yml")}, QDir::Files, QDirIterator::Subdirectories);
  while (it.hasNext()) out << QFileInfo(it.next()).absoluteFilePath();
  out.sort();
  return out;
}

QString modelKey(const QString& config, const QString& weights, const QString& device, const QString& precision) {
  const auto canon = [](const QString& p) {
    const QString c = QFileInfo(p).canonicalFilePath();
    return c.isEmpty() ? p : c;
  };
  return canon(config) + QLatin1Char('|') + (weights.isEmpty() ? QString() : canon(weights)) + QLatin1Char('|') + device +
         (precision.isEmpty() || precision == QLatin1String("fp32") ? QString() : QLatin1Char('|') + precision);
}

}  // namespace glip::studio
