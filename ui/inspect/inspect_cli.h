// Command-line view selection for the inspector (glip-studio --screenshot):
//   --view heatmap [--token N | --label L] [--level P]     token N's sigmoid(logit), or label L's score (default 1)
//   --view centerness [--level P]
//   --view features [--layer fpn.p3|swin.stage2..] [--channel K]   mean over channels, or channel K
//   --view attention [--layer I] [--head H] [--token N] [--at X,Y]   fusion layer I (0-based); records the maps
//   --view box [--detection N]      --view nms [--detection N]      --view anchors --at X,Y      --view scores
// --level P is the FPN level number 3..7 (P3..P7); without it the heatmaps fuse the levels (max).
#pragma once
#include <QPointF>
#include <QString>

#include "ui/inspect/inspector_dock.h"

class QCommandLineParser;

namespace glip::inspect {

struct ViewRequest {
  bool set = false;  // --view was given
  InspectorDock::View view = InspectorDock::View::Heatmap;
  int token = -1, label = -1, level = -1, head = -1, channel = -1, detection = 0, fusionLayer = 0;
  QString layer;
  QPointF at{-1, -1};
  bool attention() const { return set && view == InspectorDock::View::Attention; }
};

void addViewOptions(QCommandLineParser& cli);
// false with a user-facing message on a bad value.
bool parseViewOptions(const QCommandLineParser& cli, ViewRequest* out, QString* error);
// Shows the requested view in the dock (which must hold the run's snapshot).
void applyView(InspectorDock* dock, const ViewRequest& r);

}  // namespace glip::inspect
