#include "ui/inspect/inspect_cli.h"

#include <QCommandLineParser>

namespace glip::inspect {

void addViewOptions(QCommandLineParser& cli) {
  cli.addOptions({
      {"view", "Show an inspector view: heatmap, centerness, features, attention, box, anchors, nms, scores.", "name"},
      {"token", "Token index for --view heatmap / attention.", "n"},
      {"label", "Label (1-based) for --view heatmap.", "n"},
      {"level", "FPN level 3..7 (P3..P7) for heatmap / centerness / attention; default: fused.", "p"},
      {"layer", "Feature layer (fpn.p3, swin.stage2, ...) for --view features; fusion layer (0-based) for attention.", "layer"},
      {"head", "Attention head for --view attention; default: mean of the heads.", "h"},
      {"channel", "Feature channel for --view features; default: mean over channels.", "k"},
      {"detection", "Detection index for --view box / nms.", "n"},
      {"at", "Image point X,Y for --view anchors / attention / heatmap.", "x,y"},
  });
}

bool parseViewOptions(const QCommandLineParser& cli, ViewRequest* r, QString* error) {
  *r = ViewRequest();
  if (!cli.isSet(QStringLiteral("view"))) return true;
  r->set = true;
  if (!InspectorDock::viewFromName(cli.value(QStringLiteral("view")), &r->view)) {
    *error = QStringLiteral("--view: unknown view '%1' (heatmap, centerness, features, attention, box, anchors, nms, scores)")
                 .arg(cli.value(QStringLiteral("view")));
    return false;
  }
  auto intOpt = [&](const char* name, int* out, int lo, int hi) {
    if (!cli.isSet(QLatin1String(name))) return true;
    bool ok = false;
    const int v = cli.value(QLatin1String(name)).toInt(&ok);
    if (!ok || v < lo || v > hi) {
      *error = QStringLiteral("--%1: expected an integer in %2..%3, got '%4'").arg(QLatin1String(name)).arg(lo).arg(hi)
                   .arg(cli.value(QLatin1String(name)));
      return false;
    }
    *out = v;
    return true;
  };
  if (!intOpt("token", &r->token, 0, 100000) || !intOpt("label", &r->label, 1, 100000) ||
      !intOpt("head", &r->head, -1, 1000) || !intOpt("channel", &r->channel, 0, 100000) ||
      !intOpt("detection", &r->detection, 0, 100000))
    return false;
  if (cli.isSet(QStringLiteral("level"))) {
    QString v = cli.value(QStringLiteral("level")).toLower();
    if (v.startsWith(QLatin1Char('p'))) v.remove(0, 1);
    bool ok = false;
    const int p = v.toInt(&ok);
    if (!ok || p < 3 || p > 7) {
      *error = QStringLiteral("--level: expected 3..7 (P3..P7), got '%1'").arg(cli.value(QStringLiteral("level")));
      return false;
    }
    r->level = p - 3;
  }
  if (cli.isSet(QStringLiteral("layer"))) {
    r->layer = cli.value(QStringLiteral("layer"));
    if (r->view == InspectorDock::View::Attention && !intOpt("layer", &r->fusionLayer, 0, 100)) return false;
  }
  if (cli.isSet(QStringLiteral("at"))) {
    const QStringList xy = cli.value(QStringLiteral("at")).split(QLatin1Char(','));
    bool okx = false, oky = false;
    if (xy.size() == 2) r->at = QPointF(xy[0].toDouble(&okx), xy[1].toDouble(&oky));
    if (!okx || !oky) {
      *error = QStringLiteral("--at: expected X,Y in image pixels, got '%1'").arg(cli.value(QStringLiteral("at")));
      return false;
    }
  }
  if (r->view == InspectorDock::View::Anchors && r->at.x() < 0) {
    *error = QStringLiteral("--view anchors needs --at X,Y");
    return false;
  }
  return true;
}

void applyView(InspectorDock* dock, const ViewRequest& r) {
  if (!r.set) return;
  using V = InspectorDock::View;
  dock->setView(r.view);
  switch (r.view) {
    case V::Heatmap:
      if (r.token >= 0) dock->setHeatmapToken(r.token);
      else dock->setHeatmapLabel(r.label > 0 ? r.label : 1);
      dock->setHeatmapLevel(r.level);
      break;
    case V::Centerness: dock->setCenternessLevel(r.level); break;
    case V::Features:
      if (!r.layer.isEmpty()) dock->setFeatureLayer(r.layer);
      if (r.channel >= 0) dock->setFeatureMode(InspectorDock::FeatureMode::Channel, r.channel);
      else dock->setFeatureMode(InspectorDock::FeatureMode::Mean);
      break;
    case V::Attention: dock->setAttention(r.fusionLayer, r.head, r.token >= 0 ? r.token : 1, r.level); break;
    case V::Box:
    case V::Nms: dock->setSelectedDetection(r.detection); break;
    case V::Anchors:
    case V::Scores: break;
  }
  if (r.at.x() >= 0) dock->setPoint(r.at);
}

}  // namespace glip::inspect
