// Pure overlay computation for the inspector (no widgets): probe tensors of a Snapshot -> scalar fields over the
// ORIGINAL image and their colour images. Every field is sampled per original-image pixel (or per `pixel` x
// `pixel` block of them when the image is larger than kMaxFieldSide) with the mapping documented in snapshot.h:
// the value at image pixel (px, py) is the value of the feature location that covers the pixel's centre —
// nearest-neighbour ("block") upsampling, so what is drawn is exactly the tensor value, never an interpolation.
//
//   token heatmap   sigmoid(head.dot_product_logits.pL[0, a, t])                    per level, or fused = max
//   label heatmap   the label's score as core/post aggregates it (glip::label_score_map: mean of those sigmoids
//                   over the label's tokens, or max, per SCORE_AGG) = Candidate::label_score at a candidate
//   centerness      sigmoid(head.centerness.pL[0, 0, y, x])
//   feature map     swin.stage2..5 (stride 4..32) / fpn.p3..p7 (stride 8..128): channel k, mean or max over C
//   attention       image->text: dyhead.{3i}.vlfuse.attn_v2l[0, head, n, :] of one location (a bar over tokens);
//                   text->image: attn_l2v[0, head, t, n] over the locations n of a level (or max over levels);
//                   head = -1 averages the 8 heads. n = level offset + anchor (levels concatenated P3..P7).
#pragma once
#include <QImage>
#include <QString>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "ui/inspect/snapshot.h"

namespace glip::inspect {

constexpr int kMaxFieldSide = 2048;  // larger images are sampled in square blocks of `pixel` image pixels

struct ScalarField {
  int width = 0, height = 0;  // samples
  int pixel = 1;              // image pixels per sample side
  std::vector<float> values;  // row-major; NaN = no data
  float vmin = 0, vmax = 0;   // range of the finite values
  QString title;              // e.g. "sigmoid(logit) token 3 'astronaut', fused P3-P7"

  bool empty() const { return values.empty(); }
  float at(int sx, int sy) const { return values[size_t(sy) * size_t(width) + size_t(sx)]; }
  // The sample covering original-image pixel (px, py); NaN outside.
  float atImagePixel(double px, double py) const;
};

// The fused view: level = -1 takes the max over the levels at every pixel.
ScalarField tokenHeatmap(const Snapshot& s, int token, int level);
ScalarField labelHeatmap(const Snapshot& s, int label, int level);
ScalarField centernessMap(const Snapshot& s, int level);

enum class Reduce { Channel, Mean, Max };
// Feature layers the snapshot holds ("swin.stage2".."swin.stage5", "fpn.p3".."fpn.p7").
std::vector<std::string> featureLayers(const Snapshot& s);
int64_t featureStride(const std::string& layer);  // 4..32 for swin.stageK, 8..128 for fpn.pL; 0 if unknown
int64_t featureChannels(const Snapshot& s, const std::string& layer);
ScalarField featureMap(const Snapshot& s, const std::string& layer, Reduce reduce, int channel = 0);

// The k channels of highest energy (sum of squares over the locations) as a grid of tiles in feature-map pixels,
// each tile normalised to its own min..max and scaled up by `zoom`.
struct FeatureGrid {
  QImage image;
  std::vector<int> channels;   // best first
  std::vector<double> energy;  // of those channels
  int columns = 0, tileWidth = 0, tileHeight = 0;
};
FeatureGrid topChannels(const Snapshot& s, const std::string& layer, int k, int zoom = 4);

// Fusion attention of fusion layer `layer` (0-based: dyhead.{3*layer}); head -1 = mean over heads.
int attentionHeads(const Snapshot& s, int layer);
std::vector<float> attentionToText(const Snapshot& s, int layer, int head, int level, int64_t anchor);
ScalarField attentionToImage(const Snapshot& s, int layer, int head, int token, int level);

// Colour: viridis (piecewise linear through its published key colours), t in [0, 1].
QRgb viridis(double t);
// ARGB image of the field's samples; NaN transparent, the rest with `alpha` (0..255). vmin == vmax maps to 0.5.
QImage colorize(const ScalarField& f, double vmin, double vmax, int alpha = 160);
// A horizontal colour bar with the value labels vmin, (vmin+vmax)/2, vmax and a title.
QImage legendImage(double vmin, double vmax, const QString& title, int width = 320, int height = 44);

}  // namespace glip::inspect
