// Where the models are: the models/ folder (scanned for GLIP configs), the bundled demo model (CUDA availability: glip::cuda_available()).
#pragma once
#include <QString>
#include <QStringList>

namespace glip::studio {

// models/ of the installation: $GLIP_MODELS_DIR, else the first "models" folder found next to or above the
// executable, else the source tree's. "" if none exists.
QString findModelsDir();
// models/demo/glip_demo_tiny.yaml (with its model_final.pth), "" if absent.
QString demoConfigPath();
bool isDemoConfig(const QString& configPath);
// The folder holding resources/ (resources/demo/astronaut.png for --demo), "" if absent.
QString findResourcesDir();
// *.yaml files under `dir` (recursively), sorted, as absolute paths.
QStringList scanConfigs(const QString& dir);
// A stable key for result caches: canonical config + weights + device (+ "|bf16", "|fp16" or "|tf32" for a reduced
// precision: its results differ from fp32's).
QString modelKey(const QString& config, const QString& weights, const QString& device,
                 const QString& precision = QStringLiteral("fp32"));

}  // namespace glip::studio
