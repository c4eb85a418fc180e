// InspectorDock: the per-view refresh. Everything here reads the Snapshot only; nothing runs the model.
#include <QComboBox>
#include <QFormLayout>
#include <QGraphicsEllipseItem>
#include <QGraphicsScene>
#include <QGraphicsView>
#include <QLabel>
#include <QPen>
#include <QScrollArea>
#include <QSpinBox>
#include <QTabWidget>
#include <QTextBrowser>
#include <QTreeWidget>
#include <cmath>

#include "ui/inspect/explain.h"
#include "ui/inspect/inspector_dock.h"
#include "ui/inspect/overlay_items.h"
#include "ui/inspect/plots.h"

namespace glip::inspect {

namespace {

QString boxText(const BoxXyxy& b) {
  return QStringLiteral("(%1, %2, %3, %4)").arg(b[0], 0, 'f', 1).arg(b[1], 0, 'f', 1).arg(b[2], 0, 'f', 1).arg(b[3], 0, 'f', 1);
}

QStringList tokenTexts(const Snapshot& s, size_t n) {
  QStringList out;
  for (size_t i = 0; i < n; ++i) out << (i < s.chunk.tokens.size() ? QString::fromStdString(s.chunk.tokens[i]) : QString::number(i));
  return out;
}

QGraphicsItem* pointMarker(const QPointF& p) {
  auto* m = new QGraphicsEllipseItem(-6, -6, 12, 12);
  m->setPos(p);
  m->setFlag(QGraphicsItem::ItemIgnoresTransformations);
  QPen pen(Qt::white, 2);
  pen.setCosmetic(true);
  m->setPen(pen);
  m->setBrush(QColor(255, 0, 128, 160));
  m->setData(0, QStringLiteral("point"));
  return m;
}

QString valueAt(const ScalarField& f, const QPointF& p) {
  if (f.empty() || p.x() < 0) return {};
  const float v = f.atImagePixel(p.x(), p.y());
  return std::isnan(v) ? QString() : InspectorDock::tr("Value at (%1, %2): %3").arg(int(p.x())).arg(int(p.y())).arg(v, 0, 'g', 5);
}

}  // namespace

QString InspectorDock::verdictText(const Snapshot& s, const WhyNothing::Entry& e, double threshold) {
  const QString head = QStringLiteral("P%1: '%2' ").arg(e.at.loc.level + 3).arg(QString::fromStdString(e.best.name));
  const Candidate* c = e.candidate >= 0 ? &s.result.candidates[size_t(e.candidate)] : nullptr;
  switch (e.verdict) {
    case WhyNothing::Verdict::NoTokens: return tr("P%1: no label has tokens in the probed prompt").arg(e.at.loc.level + 3);
    case WhyNothing::Verdict::BelowCandidateThreshold:
      return head + tr("%1, not above the candidate threshold %2").arg(e.best.score, 0, 'f', 3).arg(s.model.candidate_threshold, 0, 'f', 3);
    case WhyNothing::Verdict::NotInTopCandidates:
      return head + tr("%1, not among the level's top candidates").arg(e.best.score, 0, 'f', 3);
    case WhyNothing::Verdict::Suppressed:
      return head + tr("(score %1) suppressed by candidate #%2 (score %3, IoU %4 > %5)")
                        .arg(c->score, 0, 'f', 3).arg(c->suppressed_by)
                        .arg(s.result.candidates[size_t(c->suppressed_by)].score, 0, 'f', 3)
                        .arg(c->suppression_iou, 0, 'f', 2).arg(s.model.nms_threshold, 0, 'f', 2);
    case WhyNothing::Verdict::CutByTopK: return head + tr("(score %1) cut by the per-image top-k").arg(c->score, 0, 'f', 3);
    case WhyNothing::Verdict::BelowDisplayThreshold:
      return head + tr("detected, score %1 below the display threshold %2").arg(c->score, 0, 'f', 3).arg(threshold, 0, 'f', 2);
    case WhyNothing::Verdict::Detected: return head + tr("is a detection (score %1)").arg(c->score, 0, 'f', 3);
  }
  return {};
}

void InspectorDock::setMessage(QLabel* label, const QString& text) { label->setText(text); }

void InspectorDock::showField(QList<QGraphicsItem*>& items, QLabel* legend) {
  if (field_.empty()) {
    legend->clear();
    return;
  }
  auto* heat = new HeatmapItem(field_, field_.vmin, field_.vmax, alpha_);
  heat->setData(0, QStringLiteral("heatmap"));
  items << heat;
  legend->setPixmap(QPixmap::fromImage(legendImage(field_.vmin, field_.vmax, field_.title, 400, 48)));
}

void InspectorDock::refresh() {
  if (refreshing_) return;
  refreshing_ = true;
  QList<QGraphicsItem*> items;
  try {
    items = buildOverlay();
  } catch (const std::exception& e) {
    QLabel* info[] = {heatInfo_, ctrInfo_, featInfo_, attInfo_, nullptr, anchorInfo_, nmsInfo_, scoresInfo_};
    if (QLabel* l = info[tabs_->currentIndex()]) setMessage(l, QString::fromUtf8(e.what()));
    else boxText_->setPlainText(QString::fromUtf8(e.what()));
  }
  if (closed_) {  // the panel is up to date; the canvas shows no overlay while the dock is closed
    qDeleteAll(items);
    items.clear();
  }
  if (!layer_) {  // the scene it was in deleted it
    layer_ = new OverlayLayer;
    if (view_ && view_->scene()) view_->scene()->addItem(layer_);
  }
  layer_->setItems(items);
  refreshing_ = false;
}

// Builds the current view's overlay items and updates its panel.
QList<QGraphicsItem*> InspectorDock::buildOverlay() {
  QList<QGraphicsItem*> items;
  field_ = ScalarField();
  if (!snap_) {
    for (QLabel* l : {heatInfo_, ctrInfo_, featInfo_, attInfo_, anchorInfo_, nmsInfo_, scoresInfo_})
      l->setText(tr("No inspection data: run a detection with the inspector open."));
    return items;
  }
  try {
    switch (view()) {
      case View::Heatmap: refreshHeatmap(items); break;
      case View::Centerness: refreshCenterness(items); break;
      case View::Features: refreshFeatures(items); break;
      case View::Attention: refreshAttention(items); break;
      case View::Box: refreshBox(items); break;
      case View::Anchors: refreshAnchors(items); break;
      case View::Nms: refreshNms(items); break;
      case View::Scores: refreshScores(); break;
    }
  } catch (...) {
    qDeleteAll(items);
    field_ = ScalarField();
    throw;
  }
  if (point_.x() >= 0 && view() != View::Box && view() != View::Nms && view() != View::Scores)
    items << pointMarker(point_);
  return items;
}

void InspectorDock::refreshHeatmap(QList<QGraphicsItem*>& items) {
  if (heatWhat_->count() == 0) {
    setMessage(heatInfo_, tr("The probed prompt chunk has no tokens."));
    return;
  }
  const int what = heatWhat_->currentData().toInt(), level = heatLevel_->currentData().toInt();
  field_ = heatMode_->currentData().toInt() == 1 ? labelHeatmap(*snap_, what, level) : tokenHeatmap(*snap_, what, level);
  showField(items, heatLegend_);
  setMessage(heatInfo_, tr("Each FPN location paints the image pixels it covers (stride 8-128 in the resized "
                           "image, scaled to the original). %1").arg(valueAt(field_, point_)));
}

void InspectorDock::refreshCenterness(QList<QGraphicsItem*>& items) {
  field_ = centernessMap(*snap_, ctrLevel_->currentData().toInt());
  showField(items, ctrLegend_);
  setMessage(ctrInfo_, valueAt(field_, point_));
}

void InspectorDock::refreshFeatures(QList<QGraphicsItem*>& items) {
  featGrid_->clear();
  featGrid_->resize(0, 0);
  // The grid panel only in top-k mode: the other modes paint the map on the image, and an empty panel there is a
  // large grey box.
  const bool topK = FeatureMode(featMode_->currentData().toInt()) == FeatureMode::TopK;
  if (auto* form = qobject_cast<QFormLayout*>(featScroll_->parentWidget()->layout()))
    form->setRowVisible(featScroll_, topK && featLayer_->count() > 0);
  if (featLayer_->count() == 0) {
    setMessage(featInfo_, tr("The snapshot has no feature maps."));
    return;
  }
  const std::string layer = featLayer_->currentData().toString().toStdString();
  const int channels = int(featureChannels(*snap_, layer));
  const auto mode = FeatureMode(featMode_->currentData().toInt());
  QString info = tr("%1: %2 channels, stride %3").arg(QString::fromStdString(layer)).arg(channels).arg(featureStride(layer));
  if (mode == FeatureMode::TopK) {
    const FeatureGrid g = topChannels(*snap_, layer, std::max(1, featChannel_->value()), 3);
    featGrid_->setPixmap(QPixmap::fromImage(g.image));
    featGrid_->resize(g.image.size());
    QStringList ch;
    for (size_t i = 0; i < g.channels.size(); ++i) ch << QStringLiteral("%1 (%2)").arg(g.channels[i]).arg(g.energy[i], 0, 'g', 3);
    info += QLatin1String("\n") + tr("Channels by energy (sum of squares): %1").arg(ch.join(QStringLiteral(", ")));
    featLegend_->setPixmap(QPixmap::fromImage(legendImage(0, 1, tr("each tile: its own min..max"), 400, 48)));
  } else {
    const Reduce r = mode == FeatureMode::Mean ? Reduce::Mean : mode == FeatureMode::Max ? Reduce::Max : Reduce::Channel;
    field_ = featureMap(*snap_, layer, r, std::min(featChannel_->value(), channels - 1));
    showField(items, featLegend_);
    info += QLatin1String("\n") + valueAt(field_, point_);
  }
  setMessage(featInfo_, info);
}

void InspectorDock::refreshAttention(QList<QGraphicsItem*>& items) {
  if (snap_ && snap_->model.fusion_layers == 0 && snap_->fusionLayerCount() == 0) {
    attLegend_->clear();
    attPlot_->setScores({}, {});
    setMessage(attInfo_, tr("This model has no fusion layers (like GLIP-T (A)): text and image meet only in the "
                            "final dot product, so there is no fusion attention to show."));
    return;
  }
  if (attLayer_->count() == 0) {
    attLegend_->clear();
    attPlot_->setScores({}, {});
    setMessage(attInfo_, tr("The fusion attention was not recorded: tick the box above and run again."));
    return;
  }
  const int layer = attLayer_->currentData().toInt(), head = attHead_->currentData().toInt();
  const int token = attToken_->currentData().toInt(), level = attLevel_->currentData().toInt();
  field_ = attentionToImage(*snap_, layer, head, token, level);
  showField(items, attLegend_);
  QString info = tr("Text to image: how much token %1 attends to each location.").arg(token);
  if (point_.x() >= 0) {
    const int l = level < 0 ? 0 : level;
    const Location loc = snap_->locationAt(l, point_.x(), point_.y());
    if (loc.level >= 0) {
      const std::vector<float> a = attentionToText(*snap_, layer, head, l, loc.index);
      attPlot_->setScores(tokenTexts(*snap_, a.size()), a, {}, tr("attention"));
      info += QLatin1String("\n") + tr("Bars: image to text attention of P%1 location (%2, %3).").arg(l + 3).arg(loc.x).arg(loc.y);
      const auto r = snap_->cellRect(l, loc.x, loc.y);
      items << new BoxOverlayItem({r[0], r[1], r[2], r[3]}, levelColor(l));
    }
  } else {
    attPlot_->setScores({}, {});
    info += QLatin1String("\n") + tr("Click the image for the image to text attention of a location.");
  }
  setMessage(attInfo_, info);
}

void InspectorDock::refreshBox(QList<QGraphicsItem*>& items) {
  const int det = selectedDetection();
  if (det < 0) {
    boxText_->setPlainText(tr("No detection to explain."));
    boxPlot_->setScores({}, {});
    return;
  }
  const BoxExplanation e = explainDetection(*snap_, det);
  const Candidate& c = snap_->result.candidates[size_t(e.candidate)];
  QString html = tr("<b>%1</b> — score %2 = sqrt(label score %3 × centerness %4)<br>")
                     .arg(QString::fromStdString(e.phrase).toHtmlEscaped())
                     .arg(e.score, 0, 'f', 4)
                     .arg(e.labelScore, 0, 'f', 4)
                     .arg(e.at.centerness, 0, 'f', 4);
  html += tr("FPN level P%1, location (%2, %3) = anchor %4<br>").arg(c.level + 3).arg(e.at.loc.x).arg(e.at.loc.y).arg(c.anchor);
  html += tr("Anchor box %1, decoded box %2<br>").arg(boxText(e.at.anchor), boxText(e.at.decoded));
  QStringList ru;
  for (size_t i = 0; i < e.runnersUp.size() && i < 5; ++i)
    ru << QStringLiteral("%1 %2").arg(QString::fromStdString(e.runnersUp[i].name).toHtmlEscaped()).arg(e.runnersUp[i].score, 0, 'f', 3);
  html += tr("Runner-up labels: %1<br>").arg(ru.isEmpty() ? tr("none") : ru.join(QStringLiteral(", ")));
  html += tr("Suppressed %1 candidates in NMS").arg(e.suppressed.size());
  if (!e.suppressed.empty()) html += tr(" (highest IoU %1)").arg(e.suppressed.front().iou, 0, 'f', 3);
  boxText_->setHtml(html);
  std::vector<int> own;
  if (auto it = snap_->chunk.label_tokens.find(e.label); it != snap_->chunk.label_tokens.end())
    for (int64_t t : it->second) own.push_back(int(t));
  boxPlot_->setScores(tokenTexts(*snap_, e.at.tokenScores.size()), e.at.tokenScores, own, tr("sigmoid(logit)"));
  boxPlot_->setThreshold(snap_->model.candidate_threshold);
  const auto cell = snap_->cellRect(c.level, e.at.loc.x, e.at.loc.y);
  auto* cellItem = new BoxOverlayItem({cell[0], cell[1], cell[2], cell[3]}, levelColor(c.level));
  cellItem->setBrush(QColor(255, 255, 255, 90));
  cellItem->setData(0, QStringLiteral("cell"));
  auto* anchor = new BoxOverlayItem(e.at.anchor, levelColor(c.level), tr("anchor P%1").arg(c.level + 3), Qt::DashLine);
  anchor->setData(0, QStringLiteral("anchor"));
  auto* decoded = new BoxOverlayItem(e.at.decoded, QColor(40, 220, 90), QStringLiteral("%1 %2")
                                         .arg(QString::fromStdString(e.phrase)).arg(e.score, 0, 'f', 2));
  decoded->setData(0, QStringLiteral("decoded"));
  items << cellItem << anchor << decoded;
}

void InspectorDock::refreshAnchors(QList<QGraphicsItem*>& items) {
  anchorTree_->clear();
  if (point_.x() < 0) {
    setMessage(anchorInfo_, tr("Click a spot on the image: the anchors of every level centred there, their decoded "
                               "boxes and per-label scores, and why nothing was found there."));
    return;
  }
  const WhyNothing why = whyNothing(*snap_, point_.x(), point_.y(), threshold_);
  QStringList reasons;
  for (const WhyNothing::Entry& e : why.levels) {
    const int l = e.at.loc.level;
    QStringList best;
    for (size_t i = 0; i < e.at.labels.size() && i < 3; ++i)
      best << QStringLiteral("%1 %2 (%3)").arg(QString::fromStdString(e.at.labels[i].name)).arg(e.at.labels[i].score, 0, 'f', 3)
                  .arg(e.at.labels[i].finalScore, 0, 'f', 3);
    auto* row = new QTreeWidgetItem(anchorTree_, {QStringLiteral("P%1").arg(l + 3),
                                                  QStringLiteral("(%1, %2) #%3").arg(e.at.loc.x).arg(e.at.loc.y).arg(e.at.loc.index),
                                                  boxText(e.at.anchor), boxText(e.at.decoded),
                                                  QString::number(e.at.centerness, 'f', 3), best.join(QStringLiteral("; "))});
    row->setForeground(0, levelColor(l).darker(130));
    auto* anchor = new BoxOverlayItem(e.at.anchor, levelColor(l), QStringLiteral("P%1").arg(l + 3), Qt::DashLine);
    anchor->setData(0, QStringLiteral("anchor:%1").arg(l));
    auto* decoded = new BoxOverlayItem(e.at.decoded, levelColor(l));
    decoded->setData(0, QStringLiteral("decoded:%1").arg(l));
    items << anchor << decoded;
    reasons << verdictText(*snap_, e, threshold_);
  }
  QString summary = tr("Nothing was scored here.");
  for (const WhyNothing::Entry& e : why.levels)
    if (e.best.finalScore == why.bestScore && why.bestScore >= 0) {
      summary = tr("Closest: '%1' on P%2, score %3 (threshold %4).")
                    .arg(QString::fromStdString(e.best.name)).arg(e.at.loc.level + 3)
                    .arg(why.bestScore, 0, 'f', 3).arg(threshold_, 0, 'f', 2);
      break;
    }
  setMessage(anchorInfo_, tr("Why was nothing found here?") + QLatin1Char('\n') + reasons.join(QLatin1Char('\n')) +
                              QLatin1Char('\n') + summary);
}

void InspectorDock::refreshNms(QList<QGraphicsItem*>& items) {
  nmsTree_->clear();
  const auto& cands = snap_->result.candidates;
  int kept = 0, suppressed = 0;
  for (const Candidate& c : cands) {
    kept += c.kept;
    suppressed += c.suppressed_by >= 0;
  }
  const int det = nmsDet_->currentData().isValid() ? nmsDet_->currentData().toInt() : -1;
  const int cand = det >= 0 ? snap_->result.detections[size_t(det)].candidate : -1;
  auto* cloud = new CandidateCloudItem(cands, cand);
  cloud->setData(0, QStringLiteral("cloud"));
  items << cloud;
  QString info = tr("%1 candidates: %2 kept (green), %3 suppressed by NMS at IoU > %4 (red), %5 cut by the top-k (grey).")
                     .arg(cands.size()).arg(kept).arg(suppressed).arg(snap_->model.nms_threshold, 0, 'f', 2)
                     .arg(int(cands.size()) - kept - suppressed);
  if (cand >= 0) {
    const auto sup = suppressedBy(*snap_, cand);
    for (const SuppressedCandidate& s : sup)
      new QTreeWidgetItem(nmsTree_, {QString::number(s.candidate), QString::fromStdString(snap_->labelName(s.label)),
                                     QString::number(s.score, 'f', 3), QString::number(s.iou, 'f', 3)});
    info += QLatin1String("\n") + tr("Detection #%1 suppressed %2 candidates.").arg(det).arg(sup.size());
  }
  setMessage(nmsInfo_, info);
}

void InspectorDock::refreshScores() {
  std::vector<float> scores;
  for (const Candidate& c : snap_->result.candidates) scores.push_back(c.score);
  hist_->setScores(scores);
  hist_->setThreshold(threshold_);
  latency_->setTimings(snap_->result.timings.seconds);
  updateScoresInfo();
}

void InspectorDock::updateScoresInfo() {
  if (!snap_) return;  // buildOverlay shows "no inspection data"
  int above = 0;
  for (const Detection& d : snap_->result.detections) above += d.score >= threshold_;
  setMessage(scoresInfo_, tr("%1 candidates, %2 detections, %3 at or above the threshold %4; total %5 ms.")
                              .arg(snap_->result.candidates.size()).arg(snap_->result.detections.size()).arg(above)
                              .arg(threshold_, 0, 'f', 2).arg(snap_->result.timings.total() * 1000.0, 0, 'f', 1));
}

}  // namespace glip::inspect
