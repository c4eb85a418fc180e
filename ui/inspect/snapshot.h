// The inspector's input: a snapshot of one detect() — the DetectResult plus the probe tensors the views need —
// copied out of the Session on the inference worker's thread, so the GUI never touches the Session and no view
// ever triggers inference. TensorViews share (read-only) the probe storage: the Session replaces its probe map on
// the next detect() but never mutates a stored tensor, so a snapshot stays valid for as long as it is held.
//
//   glip::DetectParams p; p.probe = true; p.probe_attention = wantAttention;   // probe OFF by default in batches
//   glip::DetectResult r = session.detect(image, prompt, p);
//   auto snap = std::make_shared<const glip::inspect::Snapshot>(glip::inspect::takeSnapshot(session, r, prompt));
//
// Geometry (documented once here, used by every view). FPN level l (0..4 = P3..P7) has stride s_l
// (ModelInfo::anchor_strides, 8..128) and h_l x w_l locations; location (y, x) has the row-major index
// a = y * w_l + x (Candidate::anchor) and covers the RESIZED-image pixels [x*s, (x+1)*s) x [y*s, (y+1)*s).
// Resized and original pixels are related by BoxList.resize's ratios: x_orig = x_resized * W0 / w_r and
// y_orig = y_resized * H0 / h_r. An ORIGINAL image pixel (px, py) is sampled at its centre (px+0.5, py+0.5), so it
// belongs to location x = floor((px+0.5) * w_r / W0 / s), y = floor((py+0.5) * h_r / H0 / s), clamped to the grid.
// Locations that only cover batch padding (beyond the resized size) map outside the original image.
//
// Probes exist for prompt chunk 0 only (the engine records the first chunk): `chunk` is that chunk; labels of later chunks have candidates and detections but no token maps.
#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/engine/engine.h"

namespace glip::inspect {

struct SnapshotOptions {
  bool features = true;   // swin.stage2..5 and fpn.p3..p7 (the feature-map view)
  bool attention = true;  // dyhead.{i}.vlfuse.attn_v2l / attn_l2v when the detect() recorded them
};

struct LevelGeometry {
  int64_t h = 0, w = 0;   // locations
  int64_t stride = 0;     // resized-image pixels per location
  int64_t offset = 0;     // index of this level's first location in the concatenation P3..P7 (attention maps)
};

// The location grid position of a feature location.
struct Location {
  int level = -1;   // 0..4 = P3..P7; -1: none
  int64_t x = 0, y = 0;
  int64_t index = 0;  // y * w + x (Candidate::anchor)
};

struct Snapshot {
  DetectResult result;                       // every output (threshold 0)
  std::map<std::string, TensorView> probes;  // golden names
  PromptChunk chunk;                         // chunk 0 as the model ran it: tokens [CLS] ... [SEP], label -> tokens
  std::vector<std::string> labelNames;       // all labels, index label-1
  ModelInfo model;                           // thresholds, score aggregation, strides, level names
  std::vector<LevelGeometry> levels;         // P3..P7 (from head.centerness.pL and the model's anchor strides)
  int64_t paddedHeight = 0, paddedWidth = 0;  // model input (image.tensor)

  bool has(const std::string& name) const;
  // glip::Error naming the probe (and that the detect() must run with probe on) when missing.
  const TensorView& probe(const std::string& name) const;
  int64_t bytes() const;  // probe storage held

  // Resized-image <-> original-image scale factors (original = resized * scale).
  double scaleX() const { return double(result.image_width) / double(result.resized_width); }
  double scaleY() const { return double(result.image_height) / double(result.resized_height); }
  // The level location covering original-image pixel (px, py) (see the geometry above); level < 0 if outside.
  Location locationAt(int level, double px, double py) const;
  Location locationOf(int level, int64_t anchor) const;
  // The original-image rectangle (x1, y1, x2, y2; exclusive ends) a location covers.
  std::array<double, 4> cellRect(int level, int64_t x, int64_t y) const;
  int fusionLayerCount() const;  // how many dyhead.{3i}.vlfuse.attn_v2l probes the snapshot has
  std::string labelName(int label) const;
  // The model's name of level 0..4 ("p3".."p7", as in probe names); glip::Error for another level.
  const std::string& levelName(int level) const;
};

// Copies the DetectResult and the probes the inspector needs out of `session` (its last detect() with probe on).
// glip::Error if the session has no probe (detect() without DetectParams::probe).
Snapshot takeSnapshot(const Session& session, const DetectResult& result, const Prompt& prompt,
                       const SnapshotOptions& options = {});

}  // namespace glip::inspect
