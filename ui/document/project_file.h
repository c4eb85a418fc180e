// ProjectState (everything a project saves) and ProjectFile, its JSON file format (version 1):
//
// {
//   "format": "glip-studio-project",        // required
//   "version": 1,                           // required; files from a newer version are refused
//   "prompts": {
//     "active": "categories" | "caption",
//     "categories": ["person", "traffic light"],                       // verbatim
//     "caption": {"caption": "a man on a bike", "detection": false,    // a PromptSpec (prompt_spec.h)
//                 "labels": [{"name": "a man", "spans": [[0, 5]]}]}
//   },
//   "labels": ["person", "traffic light"],  // the label set offered for boxes, ordered, verbatim
//   "labelColors": {"person": "#ff0000"},   // optional: colours picked by the user (label -> "#rrggbb");
//                                           // written only when there are some; invalid entries are ignored
//   "images": [{
//     "path": "images/a.jpg",               // relative to the project file's folder when inside it, else absolute
//     "width": 640, "height": 480,          // 0 when unknown
//     "status": "unlabeled" | "predicted" | "edited" | "reviewed",
//     "prompt": {PromptSpec},               // the prompt of the last prediction (optional)
//     "boxes":       [{"rect": [x1, y1, x2, y2], "label": "person", "provenance": "model" | "manual" | "edited",
//                      "score": 0.87 (model/edited only), "candidate": 12 (optional)}],
//     "predictions": [same as boxes: the raw model output]
//   }]
// }
// Unknown keys are ignored. Coordinates are image pixels; corners are float32 values written with shortest
// round-trip formatting, so save -> load is exact.
#pragma once
#include <QByteArray>
#include <QColor>
#include <QCoreApplication>
#include <QMap>
#include <QString>
#include <QStringList>
#include <QVector>

#include "ui/document/image_state.h"
#include "ui/document/prompt_spec.h"

namespace glip::studio {

enum class PromptMode { Categories, Caption };

struct ProjectState {
  QStringList categories;
  PromptSpec caption;
  PromptMode activePrompt = PromptMode::Categories;
  QStringList labels;
  QMap<QString, QColor> labelColors;  // label -> the colour the user picked (labels without one are absent)
  QVector<ImageState> images;

  bool sameContent(const ProjectState& o) const;  // box ids not compared
};

class ProjectFile {
  Q_DECLARE_TR_FUNCTIONS(glip::studio::ProjectFile)

 public:
  static constexpr int kVersion = 1;
  static constexpr const char* kFormat = "glip-studio-project";

  // baseDir: the project file's folder ("" writes absolute paths).
  static QByteArray toJson(const ProjectState& state, const QString& baseDir);
  // Relative image paths are resolved against baseDir. On failure returns false and sets *error.
  static bool fromJson(const QByteArray& data, const QString& baseDir, ProjectState* out, QString* error);

  // Writes through QSaveFile (temp file + rename): a failed write leaves the old file untouched.
  static bool writeAtomic(const QString& path, const QByteArray& data, QString* error);
  static bool read(const QString& path, ProjectState* out, QString* error);  // baseDir = the file's folder
};

}  // namespace glip::studio
