#include "ui/inspect/snapshot.h"

#include <algorithm>
#include <cmath>

namespace glip::inspect {

const std::string& Snapshot::levelName(int level) const {
  if (level < 0 || level >= int(model.level_names.size()))
    throw Error("FPN level P" + std::to_string(level + 3) + " does not exist");
  return model.level_names[size_t(level)];
}

bool Snapshot::has(const std::string& name) const { return probes.count(name) != 0; }

const TensorView& Snapshot::probe(const std::string& name) const {
  auto it = probes.find(name);
  if (it == probes.end() || it->second.empty())
    throw Error("the inspector snapshot has no '" + name + "' tensor (run detect() with the probe on" +
                (name.find(".attn_") != std::string::npos ? std::string(" and attention probes on)") : ")"));
  return it->second;
}

int64_t Snapshot::bytes() const {
  int64_t n = 0;
  for (const auto& [k, v] : probes) n += v.numel() * int64_t(sizeof(float));
  return n;
}

Location Snapshot::locationAt(int level, double px, double py) const {
  Location loc;
  if (level < 0 || level >= int(levels.size()) || result.image_width <= 0 || result.image_height <= 0) return loc;
  if (px < 0 || py < 0 || px >= result.image_width || py >= result.image_height) return loc;
  const LevelGeometry& g = levels[size_t(level)];
  const double rx = (std::floor(px) + 0.5) / scaleX(), ry = (std::floor(py) + 0.5) / scaleY();
  loc.level = level;
  loc.x = std::clamp<int64_t>(int64_t(std::floor(rx / double(g.stride))), 0, g.w - 1);
  loc.y = std::clamp<int64_t>(int64_t(std::floor(ry / double(g.stride))), 0, g.h - 1);
  loc.index = loc.y * g.w + loc.x;
  return loc;
}

Location Snapshot::locationOf(int level, int64_t anchor) const {
  Location loc;
  if (level < 0 || level >= int(levels.size())) return loc;
  const LevelGeometry& g = levels[size_t(level)];
  if (anchor < 0 || anchor >= g.h * g.w) return loc;
  loc.level = level;
  loc.index = anchor;
  loc.y = anchor / g.w;
  loc.x = anchor % g.w;
  return loc;
}

std::array<double, 4> Snapshot::cellRect(int level, int64_t x, int64_t y) const {
  const double s = double(levels.at(size_t(level)).stride);
  return {x * s * scaleX(), y * s * scaleY(), (x + 1) * s * scaleX(), (y + 1) * s * scaleY()};
}

int Snapshot::fusionLayerCount() const {
  int n = 0;
  while (has("dyhead." + std::to_string(3 * n) + ".vlfuse.attn_v2l")) ++n;
  return n;
}

std::string Snapshot::labelName(int label) const {
  return label >= 1 && label <= int(labelNames.size()) ? labelNames[size_t(label - 1)] : std::to_string(label);
}

namespace {

bool wanted(const std::string& n, const SnapshotOptions& o) {
  auto starts = [&](const char* p) { return n.rfind(p, 0) == 0; };
  if (starts("anchors.") || starts("head.dot_product_logits.") || starts("head.centerness.") ||
      starts("head.box_regression."))
    return true;
  if (o.features && (starts("swin.stage") || starts("fpn.p"))) return true;
  if (o.attention && starts("dyhead.") && n.find(".vlfuse.attn_") != std::string::npos) return true;
  return false;
}

}  // namespace

Snapshot takeSnapshot(const Session& session, const DetectResult& result, const Prompt& prompt,
                       const SnapshotOptions& options) {
  const std::vector<std::string> names = session.probe_names();
  if (names.empty()) throw Error("no probe to inspect: run detect() with DetectParams::probe set");
  Snapshot s;
  s.result = result;
  for (const std::string& n : names)
    if (wanted(n, options)) s.probes[n] = session.probe(n);
  const TensorView input = session.probe("image.tensor");
  if (input.shape.size() == 4) {
    s.paddedHeight = input.shape[2];
    s.paddedWidth = input.shape[3];
  }

  s.model = session.model()->info();
  int64_t offset = 0;
  for (size_t l = 0; l < s.model.level_names.size(); ++l) {
    auto it = s.probes.find("head.centerness." + s.model.level_names[l]);
    if (it == s.probes.end() || it->second.shape.size() != 4) break;
    LevelGeometry g;
    g.h = it->second.shape[2];
    g.w = it->second.shape[3];
    g.stride = s.model.anchor_strides[l];
    g.offset = offset;
    offset += g.h * g.w;
    s.levels.push_back(g);
  }
  if (s.levels.empty()) throw Error("the probe has no head outputs (head.centerness.p3): nothing to inspect");

  // Tokens and positive map of chunk 0, built as the engine builds them.
  for (const auto& l : prompt.labels) s.labelNames.push_back(l.name);
  s.chunk = session.model()->prompt_chunks(prompt).front();
  return s;
}

}  // namespace glip::inspect
