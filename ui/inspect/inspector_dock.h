// InspectorDock — "see why": a dock with one tab per view of a detect() snapshot. Its only input is a Snapshot
// (DetectResult + probe tensors, copied out of the Session by the inference worker), so switching views, levels,
// tokens or layers never runs inference and never touches the Session.
//
//   views      Heatmap (token or phrase score, per level or fused), Centerness, Features (Swin/FPN: channel, mean,
//              max, top-k grid), Attention (text->image heatmap, image->text bars), Box (per-detection
//              explanation), Anchors (the anchors of every level at a clicked point, "why was nothing found
//              here?"), NMS (candidate cloud, what a box suppressed), Scores (histogram + threshold, latency)
//   overlays   QGraphicsItems under overlayLayer(), which the canvas adds to its scene (attachView does it and
//              routes clicks in the Anchors/Attention/Box views to setPoint)
//   export     exportPng() writes the current view: the image with its overlay beside the tab's panel
//
// Probes cost memory and time, so the worker records them only when the inspector is open, and never in batch runs.
// While the dock is closed its overlay is off the canvas (the canvas shows other images meanwhile).
#pragma once
#include <QDockWidget>
#include <QImage>
#include <QPointF>
#include <QPointer>
#include <memory>

#include "ui/inspect/explain.h"
#include "ui/inspect/overlay_items.h"
#include "ui/inspect/overlays.h"
#include "ui/inspect/snapshot.h"

class QCheckBox;
class QComboBox;
class QGraphicsItem;
class QGraphicsView;
class QLabel;
class QScrollArea;
class QSlider;
class QSpinBox;
class QTabWidget;
class QTextBrowser;
class QTreeWidget;

namespace glip::inspect {

class LatencyPlot;
class ScoreHistogramPlot;
class TokenScorePlot;

class InspectorDock : public QDockWidget {
  Q_OBJECT
 public:
  enum class View { Heatmap, Centerness, Features, Attention, Box, Anchors, Nms, Scores };
  enum class FeatureMode { Channel, Mean, Max, TopK };

  explicit InspectorDock(QWidget* parent = nullptr);
  ~InspectorDock() override;

  // The snapshot and the original image it was computed on (same size as result.image_width x height).
  void setSnapshot(std::shared_ptr<const Snapshot> snapshot, const QImage& image);
  void clearSnapshot();
  const std::shared_ptr<const Snapshot>& snapshot() const { return snap_; }

  OverlayLayer* overlayLayer() const { return layer_; }  // recreated if its scene deleted it
  // Adds the overlay layer to the view's scene and picks points: a click in the Anchors / Attention views,
  // Ctrl+click in the Heatmap / Centerness / Features views (the value under it is shown).
  void attachView(QGraphicsView* view);

  // ----- view state (the same paths the controls use; scripting, tests and `glip-studio --view`) -----
  void setView(View v);
  View view() const;
  void setHeatmapToken(int token);  // token mode
  void setHeatmapLabel(int label);  // phrase mode (1-based label)
  void setHeatmapLevel(int level);  // -1 fused
  void setCenternessLevel(int level);
  void setFeatureLayer(const QString& layer);
  void setFeatureMode(FeatureMode mode, int channelOrK = 0);
  void setAttention(int layer, int head, int token, int level);  // head -1: mean; level -1: fused
  void setPoint(const QPointF& imagePixel);
  QPointF point() const { return point_; }
  void setSelectedDetection(int index);
  int selectedDetection() const;
  void setThreshold(double t);
  double threshold() const { return threshold_; }
  void setOpacity(int alpha);  // 0..255
  // Whether the next probed runs should also record the fusion attention maps (large); the owner asks the worker.
  void setRecordAttention(bool on);
  bool recordAttention() const;

  // The current view's field (empty for views without one), and its overlay items (owned by the layer).
  const ScalarField& currentField() const { return field_; }
  QList<QGraphicsItem*> overlayItems() const;
  QString viewName() const;  // "heatmap", "centerness", ...
  static bool viewFromName(const QString& name, View* v);

  QImage renderView(int maxImageSide = 900);  // the current view: image + overlay | panel
  bool exportPng(const QString& path);

  // Widgets (tests). Each tab is a scroll area around its page, so the dock (and the window) can be made small.
  QTabWidget* tabs() const { return tabs_; }
  QWidget* page(View v) const;
  TokenScorePlot* tokenPlot() const { return boxPlot_; }
  ScoreHistogramPlot* histogram() const { return hist_; }
  LatencyPlot* latencyPlot() const { return latency_; }
  QTextBrowser* explanation() const { return boxText_; }
  QTreeWidget* anchorTable() const { return anchorTree_; }

 signals:
  void thresholdChanged(double t);  // from the histogram's threshold line
  void viewChanged();
  void recordAttentionChanged(bool on);

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  // inspector_dock.cpp: construction and state
  QWidget* buildHeatmapTab();
  QWidget* buildCenternessTab();
  QWidget* buildFeaturesTab();
  QWidget* buildAttentionTab();
  QWidget* buildBoxTab();
  QWidget* buildAnchorsTab();
  QWidget* buildNmsTab();
  QWidget* buildScoresTab();
  void fillChoices();  // combos that depend on the snapshot
  // inspector_views.cpp: per-view refresh (pure reads of the snapshot)
  void refresh();
  QList<QGraphicsItem*> buildOverlay();  // throws glip::Error; deletes its items first
  void refreshHeatmap(QList<QGraphicsItem*>& items);
  void refreshCenterness(QList<QGraphicsItem*>& items);
  void refreshFeatures(QList<QGraphicsItem*>& items);
  void refreshAttention(QList<QGraphicsItem*>& items);
  void refreshBox(QList<QGraphicsItem*>& items);
  void refreshAnchors(QList<QGraphicsItem*>& items);
  void refreshNms(QList<QGraphicsItem*>& items);
  void refreshScores();
  void updateScoresInfo();  // the counts at the current threshold (also while the line is dragged)
  void showField(QList<QGraphicsItem*>& items, QLabel* legend);
  void setMessage(QLabel* label, const QString& text);
  static QString verdictText(const Snapshot& s, const WhyNothing::Entry& e, double threshold);

  std::shared_ptr<const Snapshot> snap_;
  QImage image_;
  QPointer<OverlayLayer> layer_;
  QPointer<QGraphicsView> view_;
  ScalarField field_;
  QPointF point_{-1, -1};
  double threshold_ = 0.5;
  int alpha_ = 150;
  bool refreshing_ = false;
  // The dock is closed (or hidden behind another tab): its overlay is taken off the canvas and clicks on the
  // canvas are left alone until it is shown again (the canvas moves on to other images meanwhile).
  bool closed_ = false;

  QTabWidget* tabs_ = nullptr;
  QSlider* opacity_ = nullptr;
  // heatmap
  QComboBox *heatMode_ = nullptr, *heatWhat_ = nullptr, *heatLevel_ = nullptr;
  QLabel *heatLegend_ = nullptr, *heatInfo_ = nullptr;
  // centerness
  QComboBox* ctrLevel_ = nullptr;
  QLabel *ctrLegend_ = nullptr, *ctrInfo_ = nullptr;
  // features
  QComboBox *featLayer_ = nullptr, *featMode_ = nullptr;
  QSpinBox* featChannel_ = nullptr;
  QLabel *featLegend_ = nullptr, *featGrid_ = nullptr, *featInfo_ = nullptr;
  QScrollArea* featScroll_ = nullptr;  // the top-k grid; shown in top-k mode only
  // attention
  QComboBox *attLayer_ = nullptr, *attHead_ = nullptr, *attToken_ = nullptr, *attLevel_ = nullptr;
  QLabel *attLegend_ = nullptr, *attInfo_ = nullptr;
  QCheckBox* attRecord_ = nullptr;
  TokenScorePlot* attPlot_ = nullptr;
  // box
  QComboBox* boxDet_ = nullptr;
  QTextBrowser* boxText_ = nullptr;
  TokenScorePlot* boxPlot_ = nullptr;
  // anchors
  QTreeWidget* anchorTree_ = nullptr;
  QLabel* anchorInfo_ = nullptr;
  QCheckBox* pick_ = nullptr;
  // nms
  QComboBox* nmsDet_ = nullptr;
  QTreeWidget* nmsTree_ = nullptr;
  QLabel* nmsInfo_ = nullptr;
  // scores
  ScoreHistogramPlot* hist_ = nullptr;
  LatencyPlot* latency_ = nullptr;
  QLabel* scoresInfo_ = nullptr;
};

}  // namespace glip::inspect
