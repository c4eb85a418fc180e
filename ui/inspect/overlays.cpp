#include "ui/inspect/overlays.h"

#include <QCoreApplication>
#include <QFont>
#include <QPainter>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace glip::inspect {

// The translation context of the field titles (the legend's text), "Overlays" in the .ts file.
class Overlays {
  Q_DECLARE_TR_FUNCTIONS(Overlays)
};

namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// An empty field covering the original image, with its sampling step.
ScalarField blankField(const Snapshot& s) {
  ScalarField f;
  const int w = s.result.image_width, h = s.result.image_height;
  if (w <= 0 || h <= 0) throw Error("the snapshot has no image size");
  f.pixel = std::max(1, (std::max(w, h) + kMaxFieldSide - 1) / kMaxFieldSide);
  f.width = (w + f.pixel - 1) / f.pixel;
  f.height = (h + f.pixel - 1) / f.pixel;
  f.values.assign(size_t(f.width) * size_t(f.height), kNaN);
  return f;
}

// Grid index (along one axis) of every sample: sample i is evaluated at image pixel i*pixel + pixel/2, whose centre
// maps to resized coordinate (p + 0.5) / scale and to grid cell floor(r / stride), clamped.
std::vector<int64_t> axisIndex(int samples, int pixel, double scale, int64_t stride, int64_t cells) {
  std::vector<int64_t> idx(static_cast<size_t>(samples));
  for (int i = 0; i < samples; ++i) {
    const double p = double(int64_t(i) * pixel + pixel / 2);
    const double r = (p + 0.5) / scale;
    idx[size_t(i)] = std::clamp<int64_t>(int64_t(std::floor(r / double(stride))), 0, cells - 1);
  }
  return idx;
}

// Writes grid values (gh x gw, row-major) into the field; `fuse` keeps the max with what is there.
void paintGrid(const Snapshot& s, ScalarField& f, const std::vector<float>& grid, int64_t gh, int64_t gw,
               int64_t stride, bool fuse) {
  const auto xs = axisIndex(f.width, f.pixel, s.scaleX(), stride, gw);
  const auto ys = axisIndex(f.height, f.pixel, s.scaleY(), stride, gh);
  for (int y = 0; y < f.height; ++y) {
    const float* row = grid.data() + ys[size_t(y)] * gw;
    float* out = f.values.data() + size_t(y) * size_t(f.width);
    for (int x = 0; x < f.width; ++x) {
      const float v = row[xs[size_t(x)]];
      out[x] = fuse && !std::isnan(out[x]) ? std::max(out[x], v) : v;
    }
  }
}

void finish(ScalarField& f) {
  float lo = std::numeric_limits<float>::infinity(), hi = -lo;
  for (float v : f.values)
    if (std::isfinite(v)) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  if (lo > hi) lo = hi = 0;
  f.vmin = lo;
  f.vmax = hi;
}

std::vector<int> levelList(const Snapshot& s, int level) {
  if (level >= int(s.levels.size())) throw Error("FPN level P" + std::to_string(level + 3) + " does not exist");
  if (level >= 0) return {level};
  std::vector<int> all(s.levels.size());
  std::iota(all.begin(), all.end(), 0);
  return all;
}

QString levelText(int level) { return level < 0 ? Overlays::tr("fused P3-P7") : QStringLiteral("P%1").arg(level + 3); }

// head.dot_product_logits.pL as (h*w) x T.
const TensorView& logitsOf(const Snapshot& s, int level, int64_t* tokens) {
  const std::string name = "head.dot_product_logits." + s.levelName(level);
  const TensorView& v = s.probe(name);
  const LevelGeometry& g = s.levels[size_t(level)];
  if (v.shape.size() != 3 || v.shape[1] != g.h * g.w) throw Error(name + " does not have the level's h*w locations");
  *tokens = v.shape[2];
  return v;
}

template <class F>
ScalarField perLevel(const Snapshot& s, int level, F&& gridOf) {
  ScalarField f = blankField(s);
  for (int l : levelList(s, level)) {
    const LevelGeometry& g = s.levels[size_t(l)];
    paintGrid(s, f, gridOf(l, g), g.h, g.w, g.stride, level < 0);
  }
  finish(f);
  return f;
}

QString tokenText(const Snapshot& s, int token) {
  const std::vector<std::string>& tokens = s.chunk.tokens;
  return token >= 0 && token < int(tokens.size()) ? QString::fromStdString(tokens[size_t(token)]) : QString();
}

}  // namespace

float ScalarField::atImagePixel(double px, double py) const {
  if (px < 0 || py < 0) return kNaN;
  const int sx = int(std::floor(px)) / pixel, sy = int(std::floor(py)) / pixel;
  if (sx >= width || sy >= height) return kNaN;
  return at(sx, sy);
}

ScalarField tokenHeatmap(const Snapshot& s, int token, int level) {
  ScalarField f = perLevel(s, level, [&](int l, const LevelGeometry& g) {
    int64_t t = 0;
    const TensorView& v = logitsOf(s, l, &t);
    if (token < 0 || token >= t)
      throw Error("token " + std::to_string(token) + " is outside the " + std::to_string(t) + " scored tokens");
    const std::vector<float> p = probabilities(v);  // sigmoid, (h*w) x T
    std::vector<float> grid(static_cast<size_t>(g.h * g.w));
    for (int64_t a = 0; a < g.h * g.w; ++a) grid[size_t(a)] = p[size_t(a * t + token)];
    return grid;
  });
  f.title = Overlays::tr("sigmoid(logit), token %1 '%2', %3").arg(token).arg(tokenText(s, token), levelText(level));
  return f;
}

ScalarField labelHeatmap(const Snapshot& s, int label, int level) {
  auto it = s.chunk.label_tokens.find(label);
  if (it == s.chunk.label_tokens.end() || it->second.empty())
    throw Error("label " + std::to_string(label) + " has no tokens in the probed prompt chunk");
  ScalarField f = perLevel(s, level, [&](int l, const LevelGeometry&) {
    int64_t t = 0;
    return label_score_map(logitsOf(s, l, &t), s.chunk, label, s.model);
  });
  const bool max = s.model.score_aggregation == ScoreAggregation::Max;
  f.title = (max ? Overlays::tr("label score '%1' (max of %2 tokens), %3")
                 : Overlays::tr("label score '%1' (mean of %2 tokens), %3"))
                .arg(QString::fromStdString(s.labelName(label)))
                .arg(it->second.size())
                .arg(levelText(level));
  return f;
}

ScalarField centernessMap(const Snapshot& s, int level) {
  ScalarField f = perLevel(s, level, [&](int l, const LevelGeometry& g) {
    const TensorView& v = s.probe("head.centerness." + s.levelName(l));
    if (v.numel() != g.h * g.w) throw Error("head.centerness." + s.levelName(l) + " does not have the level's h*w locations");
    return probabilities(v);
  });
  f.title = Overlays::tr("sigmoid(centerness), %1").arg(levelText(level));
  return f;
}

std::vector<std::string> featureLayers(const Snapshot& s) {
  std::vector<std::string> out;
  for (int k = 2; k <= 5; ++k)
    if (s.has("swin.stage" + std::to_string(k))) out.push_back("swin.stage" + std::to_string(k));
  for (int l = 3; l <= 7; ++l)
    if (s.has("fpn.p" + std::to_string(l))) out.push_back("fpn.p" + std::to_string(l));
  return out;
}

int64_t featureStride(const std::string& layer) {
  auto num = [&](size_t from) { return layer.size() == from + 1 && std::isdigit(uint8_t(layer[from])) ? layer[from] - '0' : -1; };
  if (layer.rfind("swin.stage", 0) == 0 && num(10) >= 2 && num(10) <= 5) return int64_t(1) << num(10);
  if (layer.rfind("fpn.p", 0) == 0 && num(5) >= 3 && num(5) <= 7) return int64_t(1) << num(5);
  return 0;
}

namespace {
const TensorView& featureOf(const Snapshot& s, const std::string& layer) {
  if (featureStride(layer) == 0) throw Error("'" + layer + "' is not a feature layer (swin.stage2..5, fpn.p3..p7)");
  const TensorView& v = s.probe(layer);
  if (v.shape.size() != 4 || v.shape[0] < 1) throw Error("'" + layer + "' is not a 1 x C x H x W feature map");
  return v;
}
}  // namespace

int64_t featureChannels(const Snapshot& s, const std::string& layer) { return featureOf(s, layer).shape[1]; }

ScalarField featureMap(const Snapshot& s, const std::string& layer, Reduce reduce, int channel) {
  const TensorView& v = featureOf(s, layer);
  const int64_t c = v.shape[1], h = v.shape[2], w = v.shape[3], hw = h * w;
  if (reduce == Reduce::Channel && (channel < 0 || channel >= c))
    throw Error("channel " + std::to_string(channel) + " is outside " + layer + "'s " + std::to_string(c) + " channels");
  std::vector<float> grid(static_cast<size_t>(hw));
  if (reduce == Reduce::Channel) {
    std::copy(v.data + channel * hw, v.data + (channel + 1) * hw, grid.begin());
  } else {
    std::fill(grid.begin(), grid.end(), reduce == Reduce::Max ? -std::numeric_limits<float>::infinity() : 0.0f);
    for (int64_t k = 0; k < c; ++k)
      for (int64_t a = 0; a < hw; ++a) {
        const float x = v.data[k * hw + a];
        grid[size_t(a)] = reduce == Reduce::Max ? std::max(grid[size_t(a)], x) : grid[size_t(a)] + x;
      }
    if (reduce == Reduce::Mean)
      for (float& g : grid) g /= float(c);
  }
  ScalarField f = blankField(s);
  paintGrid(s, f, grid, h, w, featureStride(layer), false);
  finish(f);
  const QString name = QString::fromStdString(layer);
  f.title = reduce == Reduce::Channel ? Overlays::tr("%1 channel %2").arg(name).arg(channel)
            : reduce == Reduce::Max   ? Overlays::tr("%1 max over %2 channels").arg(name).arg(c)
                                      : Overlays::tr("%1 mean over %2 channels").arg(name).arg(c);
  return f;
}

FeatureGrid topChannels(const Snapshot& s, const std::string& layer, int k, int zoom) {
  const TensorView& v = featureOf(s, layer);
  const int64_t c = v.shape[1], h = v.shape[2], w = v.shape[3], hw = h * w;
  if (k < 1) throw Error("top-k channels: k must be >= 1");
  zoom = std::max(1, zoom);
  std::vector<double> energy(static_cast<size_t>(c), 0.0);
  for (int64_t ch = 0; ch < c; ++ch)
    for (int64_t a = 0; a < hw; ++a) energy[size_t(ch)] += double(v.data[ch * hw + a]) * double(v.data[ch * hw + a]);
  std::vector<int> order(static_cast<size_t>(c));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return energy[size_t(a)] > energy[size_t(b)]; });
  FeatureGrid g;
  const int n = int(std::min<int64_t>(k, c));
  g.columns = int(std::ceil(std::sqrt(double(n))));
  const int rows = (n + g.columns - 1) / g.columns;
  g.tileWidth = int(w) * zoom;
  g.tileHeight = int(h) * zoom;
  const int gap = 2;
  g.image = QImage(g.columns * (g.tileWidth + gap) - gap, rows * (g.tileHeight + gap) - gap, QImage::Format_ARGB32);
  g.image.fill(Qt::transparent);
  for (int i = 0; i < n; ++i) {
    const int ch = order[size_t(i)];
    g.channels.push_back(ch);
    g.energy.push_back(energy[size_t(ch)]);
    const float* d = v.data + int64_t(ch) * hw;
    const auto [lo, hi] = std::minmax_element(d, d + hw);
    const double span = double(*hi) - double(*lo);
    const int ox = (i % g.columns) * (g.tileWidth + gap), oy = (i / g.columns) * (g.tileHeight + gap);
    for (int y = 0; y < g.tileHeight; ++y) {
      QRgb* line = reinterpret_cast<QRgb*>(g.image.scanLine(oy + y)) + ox;
      for (int x = 0; x < g.tileWidth; ++x) {
        const float val = d[(y / zoom) * w + x / zoom];
        line[x] = viridis(span > 0 ? (double(val) - double(*lo)) / span : 0.5);
      }
    }
  }
  return g;
}

int attentionHeads(const Snapshot& s, int layer) {
  const TensorView& v = s.probe("dyhead." + std::to_string(3 * layer) + ".vlfuse.attn_v2l");
  return v.shape.size() == 4 ? int(v.shape[1]) : 0;
}

namespace {
const TensorView& attentionOf(const Snapshot& s, int layer, const char* which, int head) {
  if (layer < 0) throw Error("fusion layer " + std::to_string(layer) + " does not exist");
  const TensorView& v = s.probe("dyhead." + std::to_string(3 * layer) + ".vlfuse." + which);
  if (v.shape.size() != 4) throw Error(std::string("attention map ") + which + " is not B x heads x rows x cols");
  if (head < -1 || head >= v.shape[1])
    throw Error("attention head " + std::to_string(head) + " is outside 0.." + std::to_string(v.shape[1] - 1));
  return v;
}
}  // namespace

std::vector<float> attentionToText(const Snapshot& s, int layer, int head, int level, int64_t anchor) {
  const TensorView& v = attentionOf(s, layer, "attn_v2l", head);  // 1 x H x N x T
  const Location loc = s.locationOf(level, anchor);
  if (loc.level < 0) throw Error("no location " + std::to_string(anchor) + " on level P" + std::to_string(level + 3));
  const int64_t heads = v.shape[1], n = v.shape[2], t = v.shape[3];
  const int64_t row = s.levels[size_t(level)].offset + anchor;
  if (row >= n) throw Error("the attention map has fewer locations than the FPN levels");
  std::vector<float> out(static_cast<size_t>(t), 0.0f);
  for (int64_t hd = (head < 0 ? 0 : head); hd < (head < 0 ? heads : head + 1); ++hd)
    for (int64_t k = 0; k < t; ++k) out[size_t(k)] += v.data[(hd * n + row) * t + k];
  if (head < 0)
    for (float& x : out) x /= float(heads);
  return out;
}

ScalarField attentionToImage(const Snapshot& s, int layer, int head, int token, int level) {
  const TensorView& v = attentionOf(s, layer, "attn_l2v", head);  // 1 x H x T x N
  const int64_t heads = v.shape[1], t = v.shape[2], n = v.shape[3];
  if (token < 0 || token >= t) throw Error("token " + std::to_string(token) + " is outside the attention map");
  ScalarField f = perLevel(s, level, [&](int, const LevelGeometry& g) {
    if (g.offset + g.h * g.w > n) throw Error("the attention map has fewer locations than the FPN levels");
    std::vector<float> grid(static_cast<size_t>(g.h * g.w), 0.0f);
    for (int64_t hd = (head < 0 ? 0 : head); hd < (head < 0 ? heads : head + 1); ++hd) {
      const float* row = v.data + (hd * t + token) * n + g.offset;
      for (int64_t a = 0; a < g.h * g.w; ++a) grid[size_t(a)] += row[a];
    }
    if (head < 0)
      for (float& x : grid) x /= float(heads);
    return grid;
  });
  f.title = Overlays::tr("text->image attention, layer %1, %2, token %3 '%4', %5")
                .arg(layer)
                .arg(head < 0 ? Overlays::tr("mean of heads") : Overlays::tr("head %1").arg(head))
                .arg(token)
                .arg(tokenText(s, token), levelText(level));
  return f;
}

QRgb viridis(double t) {
  // viridis at t = 0, 1/8, ..., 1 (matplotlib's key colours).
  static const int kKeys[9][3] = {{68, 1, 84},    {71, 44, 122},  {59, 81, 139},   {44, 113, 142}, {33, 144, 141},
                                  {39, 173, 129}, {92, 200, 99},  {170, 220, 50},  {253, 231, 37}};
  if (!std::isfinite(t)) t = 0;
  t = std::clamp(t, 0.0, 1.0) * 8.0;
  const int i = std::min(7, int(t));
  const double u = t - i;
  auto mix = [&](int c) { return int(std::lround(kKeys[i][c] + u * (kKeys[i + 1][c] - kKeys[i][c]))); };
  return qRgb(mix(0), mix(1), mix(2));
}

QImage colorize(const ScalarField& f, double vmin, double vmax, int alpha) {
  QImage img(f.width, f.height, QImage::Format_ARGB32);
  const double span = vmax - vmin;
  for (int y = 0; y < f.height; ++y) {
    QRgb* line = reinterpret_cast<QRgb*>(img.scanLine(y));
    for (int x = 0; x < f.width; ++x) {
      const float v = f.at(x, y);
      if (std::isnan(v)) {
        line[x] = qRgba(0, 0, 0, 0);
        continue;
      }
      const QRgb c = viridis(span > 0 ? (double(v) - vmin) / span : 0.5);
      line[x] = qRgba(qRed(c), qGreen(c), qBlue(c), alpha);
    }
  }
  return img;
}

QImage legendImage(double vmin, double vmax, const QString& title, int width, int height) {
  QImage img(width, height, QImage::Format_ARGB32);
  img.fill(QColor(255, 255, 255, 230));
  QPainter p(&img);
  QFont font = p.font();
  font.setPixelSize(std::max(9, height / 4));
  p.setFont(font);
  const int margin = 6, barTop = height / 2 - 4, barHeight = height / 4;
  for (int x = margin; x < width - margin; ++x) {
    p.setPen(QColor(viridis(double(x - margin) / double(std::max(1, width - 2 * margin - 1)))));
    p.drawLine(x, barTop, x, barTop + barHeight);
  }
  p.setPen(Qt::black);
  p.drawText(QRect(margin, 0, width - 2 * margin, barTop), Qt::AlignLeft | Qt::AlignVCenter, title);
  const QRect labels(margin, barTop + barHeight, width - 2 * margin, height - barTop - barHeight);
  p.drawText(labels, Qt::AlignLeft | Qt::AlignVCenter, QString::number(vmin, 'g', 3));
  p.drawText(labels, Qt::AlignHCenter | Qt::AlignVCenter, QString::number((vmin + vmax) / 2, 'g', 3));
  p.drawText(labels, Qt::AlignRight | Qt::AlignVCenter, QString::number(vmax, 'g', 3));
  return img;
}

}  // namespace glip::inspect
