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
  xAxis->setLabel(QStringLiteral("score"));
  yAxis->setLabel(QStringLiteral("candidates"));
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
  xAxis->setLabel(QStringLiteral("ms"));
  yAxis->setRangeReversed(true);
}

void LatencyPlot::setTimings(const std::map<std::string, double>& seconds) {
  // Pipeline order: preprocess, swin, fpn, bert, dyhead.0.., heads, post, anything else.
  auto rank = [](const std::string& k) -> std::pair<int, int> {
    if (k == "preprocess") return {0, 0};
    if (k == "swin" || k == "swin_fpn") return {1, 0};
    if (k == "fpn") return {1, 1};
    if (k == "bert") return {2, 0};
    if (k.rfind("dyhead.", 0) == 0) return {3, std::atoi(k.c_str() + 7)};
    if (k == "heads") return {4, 0};
    if (k == "post") return {5, 0};
    return {6, 0};
  };
  std::vector<std::pair<std::string, double>> rows(seconds.begin(), seconds.end());
  std::stable_sort(rows.begin(), rows.end(), [&](const auto& a, const auto& b) { return rank(a.first) < rank(b.first); });
  stages_.clear();
  QVector<double> keys, vals;
  QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
  double hi = 0;
  for (int i = 0; i < int(rows.size()); ++i) {
    stages_ << QString::fromStdString(rows[size_t(i)].first);
    keys << i;
    vals << rows[size_t(i)].second * 1000.0;
    hi = std::max(hi, rows[size_t(i)].second * 1000.0);
    ticker->addTick(i, stages_.back());
  }
  bars_->setData(keys, vals);
  yAxis->setTicker(ticker);
  yAxis->setRange(-0.6, std::max<double>(1, double(rows.size())) - 0.4);
  xAxis->setRange(0, hi > 0 ? hi * 1.1 : 1);
  replot();
}

}  // namespace glip::inspect
