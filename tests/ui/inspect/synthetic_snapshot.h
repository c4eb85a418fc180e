// A hand-made inspector Snapshot (no model): original 100 x 60 image, resized 157 x 94 (cell edges fall inside
// original pixels), padded 160 x 96, five FPN levels (strides 8..128: 12x20, 6x10, 3x5, 2x3, 1x2), 6 tokens "[CLS] a cat . dog [SEP]", label 1 = tokens {1, 2},
// label 2 = token {4}. Logits are a fixed formula with a few locations set by hand for the explanation tests.
#pragma once
#include <cmath>
#include <memory>
#include <vector>

#include "ui/inspect/snapshot.h"

namespace glip::inspect::testing {

inline TensorView makeView(std::vector<int64_t> shape, std::vector<float> data) {
  return TensorView::of(std::move(shape), std::move(data));
}

constexpr int64_t kT = 6;
inline float formulaLogit(int level, int64_t a, int64_t t) { return 2.0f * std::sin(0.37f * a + 1.3f * t + level) - 2.5f; }

inline Snapshot syntheticSnapshot(int width = 100, int height = 60, int rw = 157, int rh = 94) {
  Snapshot s;
  s.model = glip::default_model_info();  // GLIP's defaults: INFERENCE_TH 0.05, NMS_TH 0.6, SCORE_AGG MEAN
  s.model.anchor_strides = {8, 16, 32, 64, 128};  // GLIP-T's five levels
  s.model.level_names = {"p3", "p4", "p5", "p6", "p7"};
  s.model.fusion_layers = 6;  // GLIP-T's (the defaults have no early fusion)
  s.result.image_width = width;
  s.result.image_height = height;
  s.result.resized_width = rw;
  s.result.resized_height = rh;
  s.paddedWidth = (rw + 31) / 32 * 32;
  s.paddedHeight = (rh + 31) / 32 * 32;
  s.chunk.tokens = {"[CLS]", "a", "cat", ".", "dog", "[SEP]"};
  s.chunk.label_tokens = {{1, {1, 2}}, {2, {4}}};
  s.labelNames = {"a cat", "dog"};
  int64_t offset = 0;
  for (int l = 0; l < 5; ++l) {
    const int64_t stride = int64_t(8) << l;
    LevelGeometry g;
    g.stride = stride;
    g.h = (s.paddedHeight + stride - 1) / stride;
    g.w = (s.paddedWidth + stride - 1) / stride;
    g.offset = offset;
    offset += g.h * g.w;
    s.levels.push_back(g);
    const int64_t n = g.h * g.w;
    std::vector<float> logits(static_cast<size_t>(n * kT)), ctr(static_cast<size_t>(n)), reg(static_cast<size_t>(4 * n)), anchors(static_cast<size_t>(4 * n));
    for (int64_t a = 0; a < n; ++a) {
      for (int64_t t = 0; t < kT; ++t) logits[size_t(a * kT + t)] = formulaLogit(l, a, t);
      ctr[size_t(a)] = std::cos(0.21f * a + l);
      for (int k = 0; k < 4; ++k) reg[size_t(k * n + a)] = 0.5f * std::sin(0.11f * a + k + l);
      const double size = 64.0 * (1 << l), cx = (a % g.w) * stride + (stride - 1) / 2.0, cy = (a / g.w) * stride + (stride - 1) / 2.0;
      anchors[size_t(4 * a + 0)] = float(cx - 0.5 * (size - 1));
      anchors[size_t(4 * a + 1)] = float(cy - 0.5 * (size - 1));
      anchors[size_t(4 * a + 2)] = float(cx + 0.5 * (size - 1));
      anchors[size_t(4 * a + 3)] = float(cy + 0.5 * (size - 1));
    }
    auto set = [&](int64_t a, std::vector<float> row) {
      for (int64_t t = 0; t < kT; ++t) logits[size_t(a * kT + t)] = row[size_t(t)];
    };
    // Hand-set rows under image pixel (50, 30): P3 #109, P4 #24, P5 #7, P6 #1.
    if (l == 0) set(109, {-5, 3, 3, -5, -3, -5});   // label 1 strong: a kept detection
    if (l == 1) set(24, {-5, -5, -5, -5, -5, -5});  // nothing above the candidate threshold
    if (l == 2) set(7, {-5, 2, 2, -5, -5, -5});     // label 1: suppressed candidate
    if (l == 3) set(1, {-5, -5, -5, -5, 3, -5});    // label 2 scores but has no candidate
    const std::string ln = s.levelName(l);
    s.probes["head.dot_product_logits." + ln] = makeView({1, n, kT}, logits);
    s.probes["head.centerness." + ln] = makeView({1, 1, g.h, g.w}, ctr);
    s.probes["head.box_regression." + ln] = makeView({1, 4, g.h, g.w}, reg);
    s.probes["anchors." + ln] = makeView({n, 4}, anchors);
    // A 3-channel FPN map: channel c at (y, x) = c * 100 + y * 10 + x.
    std::vector<float> fm(static_cast<size_t>(3 * n));
    for (int c = 0; c < 3; ++c)
      for (int64_t a = 0; a < n; ++a) fm[size_t(c * n + a)] = float(c * 100 + (a / g.w) * 10 + a % g.w) * (c == 1 ? -1.0f : 1.0f);
    s.probes["fpn.p" + std::to_string(l + 3)] = makeView({1, 3, g.h, g.w}, fm);
  }
  // Attention (1 fusion layer, 2 heads): v2l rows softmax-like over tokens, l2v rows over all N locations.
  const int64_t n = offset, heads = 2;
  std::vector<float> v2l(static_cast<size_t>(heads * n * kT)), l2v(static_cast<size_t>(heads * kT * n));
  for (int64_t h = 0; h < heads; ++h)
    for (int64_t i = 0; i < n; ++i)
      for (int64_t t = 0; t < kT; ++t) {
        v2l[size_t((h * n + i) * kT + t)] = float(1 + h + t + i % 3) / float(kT * (1 + h + i % 3) + kT * (kT - 1) / 2);
        l2v[size_t((h * kT + t) * n + i)] = float(1 + (i + t + h) % 5) / 1000.0f;
      }
  s.probes["dyhead.0.vlfuse.attn_v2l"] = makeView({1, heads, n, kT}, v2l);
  s.probes["dyhead.0.vlfuse.attn_l2v"] = makeView({1, heads, kT, n}, l2v);
  return s;
}

}  // namespace glip::inspect::testing
