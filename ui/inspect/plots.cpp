#include "ui/inspect/plots.h"

#include <algorithm>
#include <cmath>

namespace glip::inspect {

namespace {
void styleAxes(QCustomPlot* p) {
  p->setBackground(QBrush(QColor(255, 255, 255)));
  p->axisRect()->setBackground(QBrush(QColor(250, 250, 250)));
  p->xAxis->grid()->setVisible(false);
  p->setMinimumSize(200, 140);
}
}  // namespace

// ----- TokenScorePlot -----

TokenScorePlot::TokenScorePlot(QWidget* parent) : QCustomPlot(parent) {
  styleAxes(this);
  bars_ = new QCPBars(xAxis, yAxis);
  bars_->setBrush(QColor(59, 81, 139));
  bars_->setPen(Qt::NoPen);
  bars_->setWidth(0.8);
  marked_ = new QCPBars(xAxis, yAxis);
  marked_->setBrush(QColor(253, 180, 37));
  marked_->setPen(Qt::NoPen);
  marked_->setWidth(0.8);
  line_ = new QCPItemStraightLine(this);
  line_->setPen(QPen(QColor(200, 30, 30), 1.5, Qt::DashLine));
  line_->setVisible(false);
  xAxis->setTickLabelRotation(60);
}

void TokenScorePlot::setScores(const QStringList& tokens, const std::vector<float>& values,
                               const std::vector<int>& highlighted, const QString& valueLabel) {
  values_.assign(values.begin(), values.end());
  QVector<double> keys, vals, mkeys, mvals;
  QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
  for (int i = 0; i < int(values.size()); ++i) {
    const bool mark = std::find(highlighted.begin(), highlighted.end(), i) != highlighted.end();
    (mark ? mkeys : keys) << i;
    (mark ? mvals : vals) << values[size_t(i)];
    ticker->addTick(i, i < tokens.size() ? tokens[i] : QString::number(i));
  }
  bars_->setData(keys, vals);
  marked_->setData(mkeys, mvals);
  xAxis->setTicker(ticker);
  xAxis->setRange(-0.6, std::max<double>(1, double(values.size())) - 0.4);
  double hi = 0;
  for (float v : values) hi = std::max(hi, double(v));
  yAxis->setRange(0, hi > 0 ? hi * 1.08 : 1);
  yAxis->setLabel(valueLabel);
  replot();
}

void TokenScorePlot::setThreshold(double t) {
  line_->setVisible(t >= 0);
  line_->point1->setCoords(0, t);
  line_->point2->setCoords(1, t);
  if (t >= 0 && yAxis->range().upper < t) yAxis->setRangeUpper(t * 1.08);
  replot();
}

// ----- ScoreHistogramPlot -----

ScoreHistogramPlot::ScoreHistogramPlot(QWidget* parent) : QCustomPlot(parent) {
  styleAxes(this);
  bars_ = new QCPBars(xAxis, yAxis);
  bars_->setBrush(QColor(33, 144, 141));
  bars_->setPen(Qt::NoPen);
  line_ = new QCPItemStraightLine(this);
  line_->setPen(QPen(QColor(200, 30, 30), 2));
  xAxis->setRange(0, 1);
  xAxis->setLabel(tr("score"));
  yAxis->setLabel(tr("candidates"));
  setThreshold(threshold_);
}

void ScoreHistogramPlot::setScores(const std::vector<float>& scores, int bins) {
  bins = std::max(1, bins);
  counts_.assign(size_t(bins), 0);
  for (float s : scores)
    if (std::isfinite(s)) ++counts_[size_t(std::clamp(int(std::floor(double(s) * bins)), 0, bins - 1))];
  QVector<double> keys, vals;
  int hi = 0;
  for (int i = 0; i < bins; ++i) {
    keys << (i + 0.5) / bins;
    vals << counts_[size_t(i)];
    hi = std::max(hi, counts_[size_t(i)]);
  }
  bars_->setWidth(1.0 / bins);
  bars_->setData(keys, vals);
  yAxis->setRange(0, std::max(1.0, hi * 1.1));
  replot();
}

void ScoreHistogramPlot::setThreshold(double t) {
  threshold_ = std::clamp(t, 0.0, 1.0);
  line_->point1->setCoords(threshold_, 0);
  line_->point2->setCoords(threshold_, 1);
  replot();
}

QPoint ScoreHistogramPlot::pointForThreshold(double t) const {
  return QPoint(int(std::lround(xAxis->coordToPixel(t))), axisRect()->center().y());
}

void ScoreHistogramPlot::moveLineTo(double x) {
  const double t = std::clamp(xAxis->pixelToCoord(x), 0.0, 1.0);
  if (t == threshold_) return;
  setThreshold(t);
  emit thresholdChanged(threshold_);
}

void ScoreHistogramPlot::mousePressEvent(QMouseEvent* e) {
  if (e->button() == Qt::LeftButton && axisRect()->rect().contains(e->pos())) {
    dragging_ = true;
    moveLineTo(e->position().x());
    e->accept();
    return;
  }
  QCustomPlot::mousePressEvent(e);
}

void ScoreHistogramPlot::mouseMoveEvent(QMouseEvent* e) {
  if (dragging_) {
    moveLineTo(e->position().x());
    e->accept();
    return;
  }
  const double lx = xAxis->coordToPixel(threshold_);
  setCursor(std::abs(e->position().x() - lx) < 5 ? Qt::SizeHorCursor : Qt::ArrowCursor);
  QCustomPlot::mouseMoveEvent(e);
}

void ScoreHistogramPlot::mouseReleaseEvent(QMouseEvent* e) {
  if (dragging_) {
    dragging_ = false;
    e->accept();
    return;
  }
  QCustomPlot::mouseReleaseEvent(e);
}

// ----- LatencyPlot -----

LatencyPlot::LatencyPlot(QWidget* parent) : QCustomPlot(parent) {
  styleAxes(this);
  bars_ = new QCPBars(yAxis, xAxis);  // horizontal: key axis = y
  bars_->setBrush(QColor(92, 200, 99));
  bars_->setPen(Qt::NoPen);
  bars_->setWidth(0.7);
  static const QColor kPartColors[3] = {QColor(59, 81, 139), QColor(33, 144, 141), QColor(253, 180, 37)};
  // The slot names are the engine's module names (kept as in GLIP): language-vision fusion, BERT layer, DyConv.
  static const char* kPartNames[3] = {"vlfuse", "bertlayer", "dyconv"};
  for (int k = 0; k < 3; ++k) {
    parts_[k] = new QCPBars(yAxis, xAxis);
    parts_[k]->setBrush(kPartColors[k]);
    parts_[k]->setPen(Qt::NoPen);
    parts_[k]->setWidth(0.7);
    parts_[k]->setName(QString::fromLatin1(kPartNames[k]));
    if (k > 0) parts_[k]->moveAbove(parts_[k - 1]);
  }
  bars_->removeFromLegend();
  // The legend (the three slots of a fusion layer) in a row of its own under the axis rect, never over the bars.
  auto* below = new QCPLayoutGrid;
  plotLayout()->addElement(1, 0, below);
  below->setMargins(QMargins(5, 0, 5, 5));
  below->addElement(0, 0, legend);
  legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
  legend->setBorderPen(Qt::NoPen);
  legend->setBrush(Qt::NoBrush);
  plotLayout()->setRowStretchFactor(1, 0.001);
  legend->setVisible(false);
  xAxis->setLabel(tr("ms"));
  yAxis->setRangeReversed(true);
}

void LatencyPlot::setTimings(const std::map<std::string, double>& seconds) {
  // Pipeline order: preprocess, swin, fpn, bert, dyhead.0.., heads, post, anything else.
  auto dyheadSlot = [](const std::string& k) { return k.rfind("dyhead.", 0) == 0 ? std::atoi(k.c_str() + 7) : -1; };
  auto rank = [&](const std::string& k) -> std::pair<int, int> {
    if (k == "preprocess") return {0, 0};
    if (k == "swin" || k == "swin_fpn") return {1, 0};
    if (k == "fpn") return {1, 1};
    if (k == "bert") return {2, 0};
    if (k.rfind("dyhead.", 0) == 0) return {3, dyheadSlot(k)};
    if (k == "heads") return {4, 0};
    if (k == "post") return {5, 0};
    return {6, 0};
  };
  auto display = [](const std::string& k) {
    if (k == "preprocess") return tr("preprocess");
    if (k == "heads") return tr("heads");
    if (k == "post") return tr("post");
    return QString::fromStdString(k);
  };
  std::vector<std::pair<std::string, double>> stages(seconds.begin(), seconds.end());
  std::stable_sort(stages.begin(), stages.end(), [&](const auto& a, const auto& b) { return rank(a.first) < rank(b.first); });
  stages_.clear();
  rows_.clear();
  rowMs_.clear();
  QVector<double> keys, vals, partKeys[3], partVals[3];
  QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
  // A fusion layer is three tower slots (VLFuse, BERT layer, DyConv); a tower without early fusion (GLIP-T (A)) is
  // DyConv only: one slot per layer.
  bool fused = false;
  for (const auto& [name, s] : stages) fused = fused || (dyheadSlot(name) >= 0 && name.find(".vlfuse") != std::string::npos);
  const int perLayer = fused ? 3 : 1;
  int layerRow = -1, rowLayer = -1;  // the row of the current fusion layer, and that layer
  for (const auto& [name, s] : stages) {
    stages_ << QString::fromStdString(name);
    const double ms = s * 1000.0;
    const int slot = dyheadSlot(name);
    if (slot >= 0) {
      const int layer = slot / perLayer;
      if (layer != rowLayer) {
        rowLayer = layer;
        layerRow = int(rows_.size());
        rows_ << (perLayer == 3 ? QStringLiteral("dyhead.%1-%2").arg(3 * layer).arg(3 * layer + 2)
                                : QStringLiteral("dyhead.%1").arg(slot));
        rowMs_.push_back(0.0);
        for (auto& k : partKeys) k << layerRow;
        for (auto& v : partVals) v << 0.0;
      }
      const size_t dot = name.find('.', 7);
      const std::string kind = dot == std::string::npos ? std::string() : name.substr(dot + 1);
      const int part = kind == "vlfuse" ? 0 : kind == "bertlayer" ? 1 : kind == "dyconv" ? 2 : slot % perLayer;
      partVals[part].back() += ms;
      rowMs_.back() += ms;
      continue;
    }
    rowLayer = -1;
    keys << rows_.size();
    vals << ms;
    rows_ << display(name);
    rowMs_.push_back(ms);
  }
  double hi = 0;
  for (int r = 0; r < int(rows_.size()); ++r) {
    ticker->addTick(r, rows_[r]);
    hi = std::max(hi, rowMs_[size_t(r)]);
  }
  bars_->setData(keys, vals);
  for (int k = 0; k < 3; ++k) parts_[k]->setData(partKeys[k], partVals[k]);
  legend->setVisible(!partKeys[0].isEmpty());
  yAxis->setTicker(ticker);
  yAxis->setRange(-0.6, std::max<double>(1, double(rows_.size())) - 0.4);
  xAxis->setRange(0, hi > 0 ? hi * 1.1 : 1);
  // One text line plus a gap per row (the range spans rows + 0.2), and room for the top margin, the value axis'
  // tick labels and label, and the legend: the stage names never overlap.
  const int line = QFontMetrics(yAxis->tickLabelFont()).height();
  const int rows = std::max(1, int(rows_.size()));
  setMinimumHeight(std::max(140, int(std::ceil((rows + 0.2) * (line + 4))) + 4 * line + 40));
  replot();
}

}  // namespace glip::inspect
