#include "ui/document/image_state.h"

#include <QCoreApplication>

namespace glip::studio {

QString reviewStatusKey(ReviewStatus s) {
  switch (s) {
    case ReviewStatus::Unlabeled: return QStringLiteral("unlabeled");
    case ReviewStatus::Predicted: return QStringLiteral("predicted");
    case ReviewStatus::Edited: return QStringLiteral("edited");
    case ReviewStatus::Reviewed: return QStringLiteral("reviewed");
  }
  return QStringLiteral("unlabeled");
}

std::optional<ReviewStatus> reviewStatusFromKey(const QString& key) {
  for (ReviewStatus s : {ReviewStatus::Unlabeled, ReviewStatus::Predicted, ReviewStatus::Edited, ReviewStatus::Reviewed})
    if (key == reviewStatusKey(s)) return s;
  return std::nullopt;
}

QString reviewStatusDisplayName(ReviewStatus s) {
  switch (s) {
    case ReviewStatus::Unlabeled: return QCoreApplication::translate("glip::studio::ImageState", "Unlabeled");
    case ReviewStatus::Predicted: return QCoreApplication::translate("glip::studio::ImageState", "Predicted");
    case ReviewStatus::Edited: return QCoreApplication::translate("glip::studio::ImageState", "Edited");
    case ReviewStatus::Reviewed: return QCoreApplication::translate("glip::studio::ImageState", "Reviewed");
  }
  return {};
}

namespace {
bool sameBoxes(const BoxList& a, const BoxList& b) {
  if (a.size() != b.size()) return false;
  for (int i = 0; i < a.size(); ++i)
    if (!a[i].equals(b[i], /*ignoreId=*/true)) return false;
  return true;
}
}  // namespace

bool ImageState::sameContent(const ImageState& o) const {
  return path == o.path && size == o.size && status == o.status && prompt == o.prompt && sameBoxes(boxes, o.boxes) &&
         sameBoxes(predictions, o.predictions);
}

}  // namespace glip::studio
