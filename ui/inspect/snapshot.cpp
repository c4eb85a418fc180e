#include "ui/inspect/snapshot.h"

#include <algorithm>
#include <cmath>

#include "core/config/config.h"
#include "core/text/prompt.h"

namespace glip::inspect {

std::string level_name(int level) { return "p" + std::to_string(level + 3); }

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

Location Snapshot::location_at(int level, double px, double py) const {
  Location loc;
  if (level < 0 || level >= int(levels.size()) || result.image_width <= 0 || result.image_height <= 0) return loc;
  if (px < 0 || py < 0 || px >= result.image_width || py >= result.image_height) return loc;
  const LevelGeometry& g = levels[size_t(level)];
  const double rx = (std::floor(px) + 0.5) / scale_x(), ry = (std::floor(py) + 0.5) / scale_y();
  loc.level = level;
  loc.x = std::clamp<int64_t>(int64_t(std::floor(rx / double(g.stride))), 0, g.w - 1);
  loc.y = std::clamp<int64_t>(int64_t(std::floor(ry / double(g.stride))), 0, g.h - 1);
  loc.index = loc.y * g.w + loc.x;
  return loc;
}

Location Snapshot::location_of(int level, int64_t anchor) const {
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

std::array<double, 4> Snapshot::cell_rect(int level, int64_t x, int64_t y) const {
  const double s = double(levels.at(size_t(level)).stride);
  return {x * s * scale_x(), y * s * scale_y(), (x + 1) * s * scale_x(), (y + 1) * s * scale_y()};
}

int Snapshot::num_fusion_layers() const {
  int n = 0;
  while (has("dyhead." + std::to_string(3 * n) + ".vlfuse.attn_v2l")) ++n;
  return n;
}

std::string Snapshot::label_name(int label) const {
  return label >= 1 && label <= int(label_names.size()) ? label_names[size_t(label - 1)] : std::to_string(label);
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

Snapshot take_snapshot(const Session& session, const DetectResult& result, const Prompt& prompt,
                       const SnapshotOptions& options) {
  const std::vector<std::string> names = session.probe_names();
  if (names.empty()) throw Error("no probe to inspect: run detect() with DetectParams::probe set");
  Snapshot s;
  s.result = result;
  for (const std::string& n : names)
    if (wanted(n, options)) s.probes[n] = session.probe(n);
  const TensorView input = session.probe("image.tensor");
  if (input.shape.size() == 4) {
    s.padded_height = input.shape[2];
    s.padded_width = input.shape[3];
  }

  const Config& cfg = session.model()->config();
  std::vector<int64_t> strides = {8, 16, 32, 64, 128};
  if (cfg.has("MODEL.RPN.ANCHOR_STRIDE")) strides = cfg.get_int_list("MODEL.RPN.ANCHOR_STRIDE");
  if (cfg.has("MODEL.ATSS.INFERENCE_TH")) s.candidate_threshold = float(cfg.get_float("MODEL.ATSS.INFERENCE_TH"));
  if (cfg.has("MODEL.ATSS.NMS_TH")) s.nms_threshold = float(cfg.get_float("MODEL.ATSS.NMS_TH"));
  if (cfg.has("MODEL.DYHEAD.SCORE_AGG")) s.score_agg_max = cfg.get_str("MODEL.DYHEAD.SCORE_AGG") == "MAX";
  int64_t offset = 0;
  for (int l = 0;; ++l) {
    auto it = s.probes.find("head.centerness." + level_name(l));
    if (it == s.probes.end() || it->second.shape.size() != 4) break;
    LevelGeometry g;
    g.h = it->second.shape[2];
    g.w = it->second.shape[3];
    g.stride = size_t(l) < strides.size() ? strides[size_t(l)] : (int64_t(8) << l);
    g.offset = offset;
    offset += g.h * g.w;
    s.levels.push_back(g);
  }
  if (s.levels.empty()) throw Error("the probe has no head outputs (head.centerness.p3): nothing to inspect");

  // Tokens and positive map of chunk 0, built as the engine builds them.
  for (const auto& l : prompt.labels) s.label_names.push_back(l.name);
  const text::Prompt tp = session.model()->tokenize(prompt).front();
  s.tokens = tp.encoding.tokens;
  for (const auto& [label, toks] : tp.positive_map) s.label_tokens[int(label)] = toks;
  return s;
}

}  // namespace glip::inspect
