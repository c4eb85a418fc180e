// ReviewStatus and ImageState: the saved state of one image of a project, as value types.
#pragma once
#include <QSize>
#include <QString>
#include <optional>

#include "ui/document/box.h"
#include "ui/document/prompt_spec.h"

namespace glip::studio {

// Unlabeled: nothing yet. Predicted: model boxes, not looked at. Edited: changed by hand since. Reviewed: accepted.
enum class ReviewStatus { Unlabeled, Predicted, Edited, Reviewed };
QString reviewStatusKey(ReviewStatus s);                              // "unlabeled", "predicted", ... (file format)
std::optional<ReviewStatus> reviewStatusFromKey(const QString& key);  // nullopt for anything else
QString reviewStatusDisplayName(ReviewStatus s);                      // translated, for the UI

struct ImageState {
  QString path;                 // absolute in memory (relative to the project file on disk when possible)
  QSize size;                   // image size in pixels (invalid when unknown)
  ReviewStatus status = ReviewStatus::Unlabeled;
  PromptSpec prompt;            // the prompt of the last prediction
  BoxList boxes;                // the current annotation
  BoxList predictions;          // the last model output as predicted (raw, for the COCO results export)

  // Equal content; box ids are not compared (they are renumbered on load).
  bool sameContent(const ImageState& o) const;
};

}  // namespace glip::studio
