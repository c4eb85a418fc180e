// The inspector's plots: QCustomPlot subclasses with a domain API. This is the ONLY header of the project that
// includes <qcustomplot.h>; everything else forward-declares these classes.
#pragma once
#include <qcustomplot.h>

#include <QString>
#include <QStringList>
#include <map>
#include <string>
#include <vector>

namespace glip::inspect {

// One bar per token (sigmoid score or attention weight), the tokens as tick labels; highlighted tokens (e.g. the
// label's own) in a second colour, an optional horizontal threshold line.
class TokenScorePlot : public QCustomPlot {
  Q_OBJECT
 public:
  explicit TokenScorePlot(QWidget* parent = nullptr);
  void setScores(const QStringList& tokens, const std::vector<float>& values, const std::vector<int>& highlighted = {},
                 const QString& valueLabel = QString());
  void setThreshold(double t);  // < 0 hides the line
  int barCount() const { return int(values_.size()); }
  double value(int i) const { return values_.at(size_t(i)); }

 private:
  QCPBars* bars_ = nullptr;
  QCPBars* marked_ = nullptr;
  QCPItemStraightLine* line_ = nullptr;
  std::vector<double> values_;
};

// Histogram of candidate scores with a vertical threshold line; dragging the line (or clicking in the plot) moves
// it and emits thresholdChanged(t), t in [0, 1].
class ScoreHistogramPlot : public QCustomPlot {
  Q_OBJECT
 public:
  explicit ScoreHistogramPlot(QWidget* parent = nullptr);
  void setScores(const std::vector<float>& scores, int bins = 40);
  void setThreshold(double t);  // no signal
  double threshold() const { return threshold_; }
  int count(int bin) const { return counts_.at(size_t(bin)); }
  int binCount() const { return int(counts_.size()); }
  // The widget position of threshold t (tests drag from here).
  QPoint pointForThreshold(double t) const;

 signals:
  void thresholdChanged(double t);

 protected:
  void mousePressEvent(QMouseEvent* e) override;
  void mouseMoveEvent(QMouseEvent* e) override;
  void mouseReleaseEvent(QMouseEvent* e) override;

 private:
  void moveLineTo(double x);
  QCPBars* bars_ = nullptr;
  QCPItemStraightLine* line_ = nullptr;
  std::vector<int> counts_;
  double threshold_ = 0.5;
  bool dragging_ = false;
};

// Latency per stage (horizontal bars, milliseconds), from StageTimings::seconds. The stage names are the tick
// labels of the left axis, one row each, except the dyhead slots: the three slots of a fusion layer
// (dyhead.{3k}.vlfuse, .{3k+1}.bertlayer, .{3k+2}.dyconv) share one row "dyhead.{3k}-{3k+2}" as stacked bars
// (GLIP-T has 18 slots). The minimum height leaves every row a text line, so the labels never overlap.
class LatencyPlot : public QCustomPlot {
  Q_OBJECT
 public:
  explicit LatencyPlot(QWidget* parent = nullptr);
  void setTimings(const std::map<std::string, double>& seconds);
  QStringList stages() const { return stages_; }  // every stage, pipeline order
  QStringList rows() const { return rows_; }      // the rows drawn, top to bottom (tick labels)
  double rowMilliseconds(int row) const { return rowMs_.at(size_t(row)); }

 private:
  QCPBars* bars_ = nullptr;     // single-stage rows
  QCPBars* parts_[3] = {};      // fusion-layer rows: vlfuse, bertlayer, dyconv (stacked)
  QStringList stages_, rows_;
  std::vector<double> rowMs_;
};

}  // namespace glip::inspect
