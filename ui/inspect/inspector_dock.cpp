// InspectorDock: construction of the tabs and the view state. The per-view refresh is in inspector_views.cpp.
#include "ui/inspect/inspector_dock.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGraphicsScene>
#include <QGraphicsView>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QMouseEvent>
#include <QPainter>
#include <QPushButton>
#include <QScrollArea>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QTabWidget>
#include <QTextBrowser>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "ui/inspect/overlay_items.h"
#include "ui/inspect/plots.h"

namespace glip::inspect {

namespace {
QComboBox* levelCombo(bool fused) {
  auto* c = new QComboBox;
  if (fused) c->addItem(InspectorDock::tr("Fused (max over levels)"), -1);
  for (int l = 0; l < 5; ++l) c->addItem(QStringLiteral("P%1").arg(l + 3), l);
  return c;
}
QLabel* infoLabel() {
  auto* l = new QLabel;
  l->setWordWrap(true);
  l->setTextInteractionFlags(Qt::TextSelectableByMouse);
  return l;
}
void selectData(QComboBox* c, const QVariant& v) {
  const int i = c->findData(v);
  if (i >= 0) c->setCurrentIndex(i);
}
// A tab's page inside a frameless scroll area: a page's minimum size (plots, tables, legends) never becomes the
// dock's, so the main window can be made small with the inspector open.
QScrollArea* scrolled(QWidget* page) {
  auto* s = new QScrollArea;
  s->setWidget(page);
  s->setWidgetResizable(true);
  s->setFrameShape(QFrame::NoFrame);
  return s;
}
const char* kViewNames[] = {"heatmap", "centerness", "features", "attention", "box", "anchors", "nms", "scores"};
}  // namespace

InspectorDock::InspectorDock(QWidget* parent) : QDockWidget(tr("Inspector"), parent) {
  setObjectName(QStringLiteral("inspectorDock"));
  layer_ = new OverlayLayer;
  auto* root = new QWidget;
  auto* v = new QVBoxLayout(root);
  v->setContentsMargins(4, 4, 4, 4);
  tabs_ = new QTabWidget;
  tabs_->addTab(scrolled(buildHeatmapTab()), tr("Heatmap"));
  tabs_->addTab(scrolled(buildCenternessTab()), tr("Centerness"));
  tabs_->addTab(scrolled(buildFeaturesTab()), tr("Features"));
  tabs_->addTab(scrolled(buildAttentionTab()), tr("Attention"));
  tabs_->addTab(scrolled(buildBoxTab()), tr("Box"));
  tabs_->addTab(scrolled(buildAnchorsTab()), tr("Anchors"));
  tabs_->addTab(scrolled(buildNmsTab()), tr("NMS"));
  tabs_->addTab(scrolled(buildScoresTab()), tr("Scores"));
  tabs_->setUsesScrollButtons(true);
  v->addWidget(tabs_, 1);
  auto* op = new QHBoxLayout;
  op->addWidget(new QLabel(tr("Overlay opacity")));
  opacity_ = new QSlider(Qt::Horizontal);
  opacity_->setRange(0, 255);
  opacity_->setValue(alpha_);
  op->addWidget(opacity_, 1);
  auto* exportButton = new QPushButton(tr("Export PNG…"));
  exportButton->setToolTip(tr("Save the current view (image, overlay and panel) as a PNG file"));
  op->addWidget(exportButton);
  v->addLayout(op);
  connect(exportButton, &QPushButton::clicked, this, [this] {
    const QString path = QFileDialog::getSaveFileName(this, tr("Export view"), QStringLiteral("inspect-%1.png").arg(viewName()),
                                                      tr("PNG images (*.png)"));
    if (!path.isEmpty() && !exportPng(path))
      QMessageBox::warning(this, tr("Export view"), tr("Cannot write %1").arg(path));
  });
  setWidget(root);
  connect(tabs_, &QTabWidget::currentChanged, this, [this] {
    refresh();
    emit viewChanged();
  });
  connect(opacity_, &QSlider::valueChanged, this, [this](int a) { setOpacity(a); });
  // Closing the dock (its close button, View > Inspector) takes the overlay off the canvas; showing it puts the
  // current view's overlay back.
  connect(this, &QDockWidget::visibilityChanged, this, [this](bool visible) {
    closed_ = !visible;
    if (visible) refresh();
    else if (layer_) layer_->clear();
  });
}

InspectorDock::~InspectorDock() {
  if (layer_ && !layer_->scene()) delete layer_;  // otherwise the scene owns it
}

QWidget* InspectorDock::buildHeatmapTab() {
  auto* w = new QWidget;
  auto* f = new QFormLayout(w);
  heatMode_ = new QComboBox;
  heatMode_->addItem(tr("Phrase (label score)"), 1);
  heatMode_->addItem(tr("Token (sigmoid of its logit)"), 0);
  heatWhat_ = new QComboBox;
  heatLevel_ = levelCombo(true);
  heatLegend_ = new QLabel;
  heatInfo_ = infoLabel();
  f->addRow(tr("Score of"), heatMode_);
  f->addRow(tr("Phrase / token"), heatWhat_);
  f->addRow(tr("FPN level"), heatLevel_);
  f->addRow(heatLegend_);
  f->addRow(heatInfo_);
  connect(heatMode_, &QComboBox::currentIndexChanged, this, [this] {
    fillChoices();
    refresh();
  });
  for (QComboBox* c : {heatWhat_, heatLevel_}) connect(c, &QComboBox::currentIndexChanged, this, [this] { refresh(); });
  return w;
}

QWidget* InspectorDock::buildCenternessTab() {
  auto* w = new QWidget;
  auto* f = new QFormLayout(w);
  ctrLevel_ = levelCombo(true);
  ctrLegend_ = new QLabel;
  ctrInfo_ = infoLabel();
  f->addRow(tr("FPN level"), ctrLevel_);
  f->addRow(ctrLegend_);
  f->addRow(ctrInfo_);
  connect(ctrLevel_, &QComboBox::currentIndexChanged, this, [this] { refresh(); });
  return w;
}

QWidget* InspectorDock::buildFeaturesTab() {
  auto* w = new QWidget;
  auto* f = new QFormLayout(w);
  featLayer_ = new QComboBox;
  featMode_ = new QComboBox;
  featMode_->addItem(tr("Mean over channels"), int(FeatureMode::Mean));
  featMode_->addItem(tr("Max over channels"), int(FeatureMode::Max));
  featMode_->addItem(tr("One channel"), int(FeatureMode::Channel));
  featMode_->addItem(tr("Top-k channels by energy"), int(FeatureMode::TopK));
  featChannel_ = new QSpinBox;
  featChannel_->setRange(0, 4095);
  featLegend_ = new QLabel;
  featGrid_ = new QLabel;
  featScroll_ = new QScrollArea;
  featScroll_->setWidget(featGrid_);
  featScroll_->setWidgetResizable(false);
  featScroll_->setMinimumHeight(120);
  featInfo_ = infoLabel();
  f->addRow(tr("Layer"), featLayer_);
  f->addRow(tr("Show"), featMode_);
  f->addRow(tr("Channel / k"), featChannel_);
  f->addRow(featLegend_);
  f->addRow(featScroll_);
  f->addRow(featInfo_);
  f->setRowVisible(featScroll_, false);  // refreshFeatures shows it in top-k mode
  for (QComboBox* c : {featLayer_, featMode_}) connect(c, &QComboBox::currentIndexChanged, this, [this] { refresh(); });
  connect(featChannel_, &QSpinBox::valueChanged, this, [this] { refresh(); });
  return w;
}

QWidget* InspectorDock::buildAttentionTab() {
  auto* w = new QWidget;
  auto* f = new QFormLayout(w);
  attLayer_ = new QComboBox;
  attHead_ = new QComboBox;
  attToken_ = new QComboBox;
  attLevel_ = levelCombo(true);
  attLegend_ = new QLabel;
  attInfo_ = infoLabel();
  attInfo_->setObjectName(QStringLiteral("attentionInfo"));
  attPlot_ = new TokenScorePlot;
  attPlot_->setMinimumHeight(160);
  attRecord_ = new QCheckBox(tr("Record attention maps in the next runs (large)"));
  connect(attRecord_, &QCheckBox::toggled, this, &InspectorDock::recordAttentionChanged);
  f->addRow(attRecord_);
  f->addRow(tr("Fusion layer"), attLayer_);
  f->addRow(tr("Head"), attHead_);
  f->addRow(tr("Token (text to image)"), attToken_);
  f->addRow(tr("FPN level"), attLevel_);
  f->addRow(attLegend_);
  f->addRow(attInfo_);
  f->addRow(attPlot_);
  for (QComboBox* c : {attLayer_, attHead_, attToken_, attLevel_})
    connect(c, &QComboBox::currentIndexChanged, this, [this] { refresh(); });
  return w;
}

QWidget* InspectorDock::buildBoxTab() {
  auto* w = new QWidget;
  auto* v = new QVBoxLayout(w);
  boxDet_ = new QComboBox;
  boxText_ = new QTextBrowser;
  boxText_->setMinimumHeight(140);
  boxPlot_ = new TokenScorePlot;
  boxPlot_->setMinimumHeight(160);
  v->addWidget(boxDet_);
  v->addWidget(boxText_, 1);
  v->addWidget(boxPlot_, 1);
  connect(boxDet_, &QComboBox::currentIndexChanged, this, [this] {
    if (!refreshing_) {
      const QSignalBlocker b(nmsDet_);
      nmsDet_->setCurrentIndex(boxDet_->currentIndex());
    }
    refresh();
  });
  return w;
}

QWidget* InspectorDock::buildAnchorsTab() {
  auto* w = new QWidget;
  auto* v = new QVBoxLayout(w);
  pick_ = new QCheckBox(tr("Pick a point with a click on the image (Ctrl+click in the heatmap views)"));
  pick_->setChecked(true);
  anchorTree_ = new QTreeWidget;
  anchorTree_->setHeaderLabels({tr("Level"), tr("Location"), tr("Anchor box"), tr("Decoded box"), tr("Centerness"),
                                tr("Best labels")});
  anchorTree_->setRootIsDecorated(false);
  anchorTree_->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
  anchorTree_->setMinimumHeight(130);
  anchorInfo_ = infoLabel();
  v->addWidget(pick_);
  v->addWidget(anchorTree_, 1);
  v->addWidget(anchorInfo_);
  return w;
}

QWidget* InspectorDock::buildNmsTab() {
  auto* w = new QWidget;
  auto* v = new QVBoxLayout(w);
  nmsDet_ = new QComboBox;
  nmsTree_ = new QTreeWidget;
  nmsTree_->setHeaderLabels({tr("Candidate"), tr("Label"), tr("Score"), tr("IoU")});
  nmsTree_->setRootIsDecorated(false);
  nmsInfo_ = infoLabel();
  v->addWidget(nmsDet_);
  v->addWidget(nmsInfo_);
  v->addWidget(nmsTree_, 1);
  connect(nmsDet_, &QComboBox::currentIndexChanged, this, [this] {
    if (!refreshing_) {
      const QSignalBlocker b(boxDet_);
      boxDet_->setCurrentIndex(nmsDet_->currentIndex());
    }
    refresh();
  });
  return w;
}

QWidget* InspectorDock::buildScoresTab() {
  auto* w = new QWidget;
  auto* v = new QVBoxLayout(w);
  hist_ = new ScoreHistogramPlot;
  latency_ = new LatencyPlot;
  scoresInfo_ = infoLabel();
  scoresInfo_->setObjectName(QStringLiteral("scoresInfo"));
  v->addWidget(new QLabel(tr("Candidate scores (drag the red line to set the threshold)")));
  v->addWidget(hist_, 1);
  v->addWidget(scoresInfo_);
  v->addWidget(new QLabel(tr("Latency per stage")));
  v->addWidget(latency_, 1);
  connect(hist_, &ScoreHistogramPlot::thresholdChanged, this, [this](double t) {
    threshold_ = t;
    updateScoresInfo();
    emit thresholdChanged(t);
  });
  return w;
}

void InspectorDock::setSnapshot(std::shared_ptr<const Snapshot> snapshot, const QImage& image) {
  snap_ = std::move(snapshot);
  image_ = image;
  if (snap_ && !image_.isNull() &&
      (image_.width() != snap_->result.image_width || image_.height() != snap_->result.image_height))
    image_ = image_.scaled(snap_->result.image_width, snap_->result.image_height);
  fillChoices();
  refresh();
}

void InspectorDock::clearSnapshot() {
  snap_.reset();
  image_ = QImage();
  fillChoices();
  refresh();
}

void InspectorDock::fillChoices() {
  const bool was = refreshing_;
  refreshing_ = true;
  auto refill = [](QComboBox* c, const QList<QPair<QString, QVariant>>& items) {
    const QVariant keep = c->currentData();
    const QSignalBlocker b(c);
    c->clear();
    for (const auto& [text, data] : items) c->addItem(text, data);
    selectData(c, keep);
  };
  QList<QPair<QString, QVariant>> tokens, labels, layers, fusion, heads, dets;
  if (snap_) {
    for (int t = 0; t < int(snap_->chunk.tokens.size()); ++t)
      tokens.append({QStringLiteral("%1: %2").arg(t).arg(QString::fromStdString(snap_->chunk.tokens[size_t(t)])), t});
    for (const auto& [label, toks] : snap_->chunk.label_tokens)
      if (!toks.empty()) labels.append({QStringLiteral("%1: %2").arg(label).arg(QString::fromStdString(snap_->labelName(label))), label});
    for (const std::string& l : featureLayers(*snap_)) layers.append({QString::fromStdString(l), QString::fromStdString(l)});
    for (int i = 0; i < snap_->fusionLayerCount(); ++i)
      fusion.append({tr("Layer %1 (dyhead.%2)").arg(i).arg(3 * i), i});
    heads.append({tr("Mean of heads"), -1});
    const int nh = snap_->fusionLayerCount() > 0 ? attentionHeads(*snap_, 0) : 0;
    for (int h = 0; h < nh; ++h) heads.append({tr("Head %1").arg(h), h});
    for (int i = 0; i < int(snap_->result.detections.size()); ++i) {
      const Detection& d = snap_->result.detections[size_t(i)];
      dets.append({QStringLiteral("#%1 %2 %3").arg(i).arg(QString::fromStdString(d.phrase)).arg(d.score, 0, 'f', 3), i});
    }
  }
  refill(heatWhat_, heatMode_->currentData().toInt() == 1 ? labels : tokens);
  refill(featLayer_, layers);
  refill(attLayer_, fusion);
  refill(attHead_, heads);
  refill(attToken_, tokens);
  refill(boxDet_, dets);
  refill(nmsDet_, dets);
  if (featLayer_->currentIndex() < 0 && featLayer_->count() > 0) {
    const QSignalBlocker b(featLayer_);
    selectData(featLayer_, QStringLiteral("fpn.p3"));
  }
  refreshing_ = was;
}

InspectorDock::View InspectorDock::view() const { return View(tabs_->currentIndex()); }
void InspectorDock::setView(View v) { tabs_->setCurrentIndex(int(v)); }

QString InspectorDock::viewName() const { return QString::fromLatin1(kViewNames[tabs_->currentIndex()]); }

bool InspectorDock::viewFromName(const QString& name, View* v) {
  for (int i = 0; i < 8; ++i)
    if (name == QLatin1String(kViewNames[i])) {
      *v = View(i);
      return true;
    }
  return false;
}

void InspectorDock::setHeatmapToken(int token) {
  selectData(heatMode_, 0);
  selectData(heatWhat_, token);
}
void InspectorDock::setHeatmapLabel(int label) {
  selectData(heatMode_, 1);
  selectData(heatWhat_, label);
}
void InspectorDock::setHeatmapLevel(int level) { selectData(heatLevel_, level); }
void InspectorDock::setCenternessLevel(int level) { selectData(ctrLevel_, level); }
void InspectorDock::setFeatureLayer(const QString& layer) { selectData(featLayer_, layer); }
void InspectorDock::setFeatureMode(FeatureMode mode, int channelOrK) {
  selectData(featMode_, int(mode));
  featChannel_->setValue(channelOrK);
}
void InspectorDock::setAttention(int layer, int head, int token, int level) {
  const QSignalBlocker b1(attLayer_), b2(attHead_), b3(attToken_);
  selectData(attLayer_, layer);
  selectData(attHead_, head);
  selectData(attToken_, token);
  selectData(attLevel_, level);  // refreshes
  refresh();
}
void InspectorDock::setPoint(const QPointF& p) {
  point_ = p;
  refresh();
}
void InspectorDock::setSelectedDetection(int index) { selectData(boxDet_, index); }
int InspectorDock::selectedDetection() const { return boxDet_->currentData().isValid() ? boxDet_->currentData().toInt() : -1; }
void InspectorDock::setThreshold(double t) {
  threshold_ = t;
  hist_->setThreshold(t);
  updateScoresInfo();
  if (view() == View::Anchors || view() == View::Box) refresh();
}
void InspectorDock::setOpacity(int alpha) {
  alpha_ = std::clamp(alpha, 0, 255);
  if (opacity_->value() != alpha_) {
    const QSignalBlocker b(opacity_);
    opacity_->setValue(alpha_);
  }
  refresh();
}

void InspectorDock::setRecordAttention(bool on) { attRecord_->setChecked(on); }
bool InspectorDock::recordAttention() const { return attRecord_->isChecked(); }

QWidget* InspectorDock::page(View v) const {
  auto* s = qobject_cast<QScrollArea*>(tabs_->widget(int(v)));
  return s ? s->widget() : nullptr;
}

QList<QGraphicsItem*> InspectorDock::overlayItems() const { return layer_ ? layer_->items() : QList<QGraphicsItem*>(); }

void InspectorDock::attachView(QGraphicsView* view) {
  if (view_) view_->viewport()->removeEventFilter(this);
  view_ = view;
  if (!view) return;
  if (!layer_) layer_ = new OverlayLayer;
  if (layer_->scene() != view->scene()) {
    if (layer_->scene()) layer_->scene()->removeItem(layer_);
    view->scene()->addItem(layer_);
  }
  view->viewport()->installEventFilter(this);
}

bool InspectorDock::eventFilter(QObject* watched, QEvent* event) {
  if (view_ && watched == view_->viewport() && event->type() == QEvent::MouseButtonPress && snap_ && !closed_ &&
      pick_->isChecked()) {
    auto* me = static_cast<QMouseEvent*>(event);
    const View v = view();
    // Anchors / Attention: a plain click picks the point; the other image views: Ctrl+click (a plain click still
    // selects and edits boxes there).
    const bool pointView = v == View::Anchors || v == View::Attention;
    const bool fieldView = v == View::Heatmap || v == View::Centerness || v == View::Features;
    if (me->button() == Qt::LeftButton && ((pointView && me->modifiers() == Qt::NoModifier) ||
                                           ((pointView || fieldView) && me->modifiers() == Qt::ControlModifier))) {
      setPoint(view_->mapToScene(me->position().toPoint()));
      return true;
    }
  }
  return QDockWidget::eventFilter(watched, event);
}

QImage InspectorDock::renderView(int maxImageSide) {
  QWidget* panelPage = page(view());
  if (!isVisible()) {  // lay the panel out at a fixed size when the dock is not on screen (export, tests)
    widget()->resize(440, 620);
    widget()->ensurePolished();
    if (widget()->layout()) widget()->layout()->activate();
    panelPage->ensurePolished();
    if (panelPage->layout()) panelPage->layout()->activate();
    panelPage->resize(QSize(420, 560).expandedTo(panelPage->minimumSizeHint()));
    if (panelPage->layout()) panelPage->layout()->activate();
  }
  const QPixmap panel = panelPage->grab();
  QImage left;
  if (!image_.isNull() && view() != View::Scores) {
    QGraphicsScene scene;
    scene.addPixmap(QPixmap::fromImage(image_));
    try {
      for (QGraphicsItem* it : buildOverlay()) scene.addItem(it);
    } catch (const std::exception&) {
      // the panel shows the message; export the image without an overlay
    }
    const QRectF src(0, 0, image_.width(), image_.height());
    const double s = std::min(1.0, double(maxImageSide) / std::max(image_.width(), image_.height()));
    left = QImage(QSize(int(src.width() * s), int(src.height() * s)), QImage::Format_ARGB32);
    left.fill(Qt::black);
    QPainter p(&left);
    p.setRenderHint(QPainter::Antialiasing);
    scene.render(&p, QRectF(QPointF(0, 0), left.size()), src);
  }
  QImage out(left.width() + panel.width(), std::max(left.height(), panel.height()), QImage::Format_ARGB32);
  out.fill(QColor(240, 240, 240));
  QPainter p(&out);
  if (!left.isNull()) p.drawImage(0, 0, left);
  p.drawPixmap(left.width(), 0, panel);
  return out;
}

bool InspectorDock::exportPng(const QString& path) { return renderView().save(path, "PNG"); }

}  // namespace glip::inspect
