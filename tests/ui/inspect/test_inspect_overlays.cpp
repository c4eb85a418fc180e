// Inspector overlay computation on a hand-made snapshot: the image-pixel <-> feature-location mapping (hand-derived
// cases and a full sweep), token / phrase / centerness / feature / attention fields, the per-box
// explanation and every "why was nothing found here?" branch, colours.
#include <QtTest>
#include <cmath>

#include "synthetic_snapshot.h"
#include "ui/inspect/explain.h"
#include "ui/inspect/overlays.h"

using namespace glip::inspect;
using namespace glip::inspect::testing;

namespace {
// The documented mapping, written out independently: original pixel centre -> resized -> floor(/stride), clamped.
int64_t cellOf(double p, double resized, double original, int64_t stride, int64_t cells) {
  const int64_t c = int64_t(std::floor((p + 0.5) * resized / original / double(stride)));
  return std::min<int64_t>(std::max<int64_t>(c, 0), cells - 1);
}
float logitAt(const Snapshot& s, int level, int64_t a, int64_t t) {
  return s.probes.at("head.dot_product_logits." + s.levelName(level)).data[a * kT + t];
}
float sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }
}  // namespace

class TestInspectOverlays : public QObject {
  Q_OBJECT
 private slots:
  void handDerivedLocations() {
    const Snapshot s = syntheticSnapshot();
    // Pixel (50, 30): centre (50.5 * 157/100, 30.5 * 94/60) = (79.285, 47.783) resized pixels.
    const int64_t expect[5][3] = {{9, 5, 109}, {4, 2, 24}, {2, 1, 7}, {1, 0, 1}, {0, 0, 0}};
    for (int l = 0; l < 5; ++l) {
      const Location loc = s.locationAt(l, 50, 30);
      QCOMPARE(loc.level, l);
      QCOMPARE(loc.x, expect[l][0]);
      QCOMPARE(loc.y, expect[l][1]);
      QCOMPARE(loc.index, expect[l][2]);
    }
    // Last pixel (99, 59): (156.2, 93.2) -> P3 (19, 11); outside the image: none.
    QCOMPARE(s.locationAt(0, 99, 59).index, 11 * 20 + 19);
    QCOMPARE(s.locationAt(0, 100, 0).level, -1);
    QCOMPARE(s.locationAt(0, -1, 0).level, -1);
    // The cell of P3 (9, 5) covers resized [72, 80) x [40, 48) = original [72, 80) * 100/157 x [40, 48) * 60/94.
    const auto r = s.cellRect(0, 9, 5);
    QVERIFY(std::abs(r[0] - 72 * 100.0 / 157) < 1e-12 && std::abs(r[2] - 80 * 100.0 / 157) < 1e-12);
    QVERIFY(std::abs(r[1] - 40 * 60.0 / 94) < 1e-12 && std::abs(r[3] - 48 * 60.0 / 94) < 1e-12);
    // Pixel 5's centre (5.5 -> 8.635 resized) is in P3 column 1, its left edge (5.0 -> 7.85) is not: centres count.
    QCOMPARE(s.locationAt(0, 5, 0).x, int64_t(1));
    QCOMPARE(s.locationAt(0, 4, 0).x, int64_t(0));
  }

  void tokenHeatmapEqualsSigmoidOfLogitEverywhere() {
    const Snapshot s = syntheticSnapshot();
    for (int t = 0; t < kT; ++t) {
      const ScalarField fused = tokenHeatmap(s, t, -1);
      QCOMPARE(fused.width, 100);
      QCOMPARE(fused.height, 60);
      QCOMPARE(fused.pixel, 1);
      std::vector<ScalarField> per;
      for (int l = 0; l < 5; ++l) per.push_back(tokenHeatmap(s, t, l));
      for (int py = 0; py < 60; ++py)
        for (int px = 0; px < 100; ++px) {
          float best = -1;
          for (int l = 0; l < 5; ++l) {
            const LevelGeometry& g = s.levels[size_t(l)];
            const int64_t a = cellOf(py, 94, 60, g.stride, g.h) * g.w + cellOf(px, 157, 100, g.stride, g.w);
            const float want = 1.0f / (1.0f + std::exp(-logitAt(s, l, a, t)));
            QCOMPARE(per[size_t(l)].atImagePixel(px, py), want);
            best = std::max(best, want);
          }
          QCOMPARE(fused.atImagePixel(px, py), best);
        }
    }
  }

  void labelHeatmapIsMeanOfTokenScores() {
    const Snapshot s = syntheticSnapshot();
    const ScalarField f = labelHeatmap(s, 1, 0);
    // At (50, 30) on P3 the row is hand-set: tokens 1, 2 have logit 3.
    QVERIFY(std::abs(f.atImagePixel(50, 30) - 1.0f / (1.0f + std::exp(-3.0f))) < 1e-7);
    for (int px = 0; px < 100; px += 7) {
      const int64_t a = cellOf(20, 94, 60, 8, 12) * 20 + cellOf(px, 157, 100, 8, 20);
      const float want = (sigmoid(logitAt(s, 0, a, 1)) + sigmoid(logitAt(s, 0, a, 2))) / 2;
      QCOMPARE(f.atImagePixel(px, 20), want);
    }
    QVERIFY_THROWS_EXCEPTION(glip::Error, labelHeatmap(s, 9, 0));
    QVERIFY_THROWS_EXCEPTION(glip::Error, tokenHeatmap(s, kT, 0));
    QVERIFY_THROWS_EXCEPTION(glip::Error, tokenHeatmap(s, 0, 5));
  }

  void centernessAndFeatures() {
    const Snapshot s = syntheticSnapshot();
    const ScalarField c = centernessMap(s, 1);
    QCOMPARE(c.atImagePixel(50, 30), sigmoid(std::cos(0.21f * 24 + 1)));
    // FPN channel 2 at P4 (4, 2) = 200 + 24; mean over (v, -(100 + v), 200 + v) = (100 + v) / 3.
    const ScalarField ch = featureMap(s, "fpn.p4", Reduce::Channel, 2);
    QCOMPARE(ch.atImagePixel(50, 30), 224.0f);
    QCOMPARE(featureMap(s, "fpn.p4", Reduce::Max, 0).atImagePixel(50, 30), 224.0f);
    QCOMPARE(featureMap(s, "fpn.p4", Reduce::Mean, 0).atImagePixel(50, 30), (24.0f - 124.0f + 224.0f) / 3.0f);
    QCOMPARE(featureStride("swin.stage2"), int64_t(4));
    QCOMPARE(featureStride("fpn.p7"), int64_t(128));
    QCOMPARE(featureStride("fpn.p8"), int64_t(0));
    QVERIFY_THROWS_EXCEPTION(glip::Error, featureMap(s, "fpn.p4", Reduce::Channel, 3));
    QVERIFY_THROWS_EXCEPTION(glip::Error, featureMap(s, "swin.stage3", Reduce::Mean));  // not in this snapshot
    // Top-k by energy: channel 2 (values 200..) > channel 1 (-100..) > channel 0.
    const FeatureGrid g = topChannels(s, "fpn.p3", 2, 2);
    QCOMPARE(g.channels, (std::vector<int>{2, 1}));
    QCOMPARE(g.columns, 2);
    QCOMPARE(g.image.width(), 2 * 40 + 2);
    QCOMPARE(g.image.height(), 24);
  }

  void attention() {
    const Snapshot s = syntheticSnapshot();
    QCOMPARE(s.fusionLayerCount(), 1);
    QCOMPARE(attentionHeads(s, 0), 2);
    const std::vector<float> bars = attentionToText(s, 0, 1, 0, 109);
    QCOMPARE(int(bars.size()), int(kT));
    double sum = 0;
    for (float b : bars) sum += b;
    QVERIFY(std::abs(sum - 1.0) < 1e-6);
    // Mean over heads of text->image for token 2 at P4 location 24: n = offset + 24.
    const ScalarField f = attentionToImage(s, 0, -1, 2, 1);
    const int64_t n = s.levels[1].offset + 24;
    const float want = (float(1 + (n + 2 + 0) % 5) / 1000.0f + float(1 + (n + 2 + 1) % 5) / 1000.0f) / 2.0f;
    QCOMPARE(f.atImagePixel(50, 30), want);
    QVERIFY_THROWS_EXCEPTION(glip::Error, attentionToText(s, 1, 0, 0, 0));
    QVERIFY_THROWS_EXCEPTION(glip::Error, attentionToText(s, 0, 2, 0, 0));
  }

  void largeImagesAreSampledInBlocks() {
    const Snapshot s = syntheticSnapshot(5000, 3000, 160, 96);
    const ScalarField f = tokenHeatmap(s, 1, 0);
    QCOMPARE(f.pixel, 3);  // ceil(5000 / 2048)
    QCOMPARE(f.width, 1667);
    // Sample (sx, sy) is evaluated at image pixel (3 sx + 1, 3 sy + 1).
    for (int px : {0, 1234, 4999}) {
      const int ex = px / 3 * 3 + 1, ey = 1500 / 3 * 3 + 1;
      const int64_t a = cellOf(ey, 96, 3000, 8, 12) * 20 + cellOf(ex, 160, 5000, 8, 20);
      QCOMPARE(f.atImagePixel(px, 1500), sigmoid(logitAt(s, 0, a, 1)));
    }
  }

  void explanationAndWhyNothing() {
    Snapshot s = syntheticSnapshot();
    glip::Candidate kept;
    kept.level = 0;
    kept.anchor = 109;
    kept.label = 1;
    kept.score = 0.7f;
    kept.kept = true;
    kept.box = {40, 20, 60, 40};
    glip::Candidate sup = kept;
    sup.level = 2;
    sup.anchor = 7;
    sup.score = 0.4f;
    sup.kept = false;
    sup.suppressed_by = 0;
    sup.suppression_iou = 0.8f;
    s.result.candidates = {kept, sup};
    glip::Detection d;
    d.label = 1;
    d.phrase = "a cat";
    d.score = 0.7f;
    d.candidate = 0;
    s.result.detections = {d};

    const BoxExplanation e = explainDetection(s, 0);
    QCOMPARE(e.at.loc.index, int64_t(109));
    QCOMPARE(int(e.at.tokenScores.size()), int(kT));
    for (int t = 0; t < kT; ++t) QCOMPARE(e.at.tokenScores[size_t(t)], sigmoid(logitAt(s, 0, 109, t)));
    QCOMPARE(e.runnersUp.size(), size_t(1));
    QCOMPARE(e.runnersUp[0].label, 2);
    QCOMPARE(e.runnersUp[0].score, sigmoid(-3.0f));
    QCOMPARE(e.suppressed.size(), size_t(1));
    QCOMPARE(e.suppressed[0].candidate, 1);
    QCOMPARE(e.suppressed[0].iou, 0.8f);
    // The anchor in original pixels = anchors.p3 row 109 x 100/157 (float, as BoxList.resize); P3 (9, 5): centre
    // (75.5, 43.5), size 64.
    QCOMPARE(e.at.anchorResized[0], 75.5 - 31.5);
    QCOMPARE(e.at.anchorResized[3], 43.5 + 31.5);
    QCOMPARE(e.at.anchor[0], double(44.0f * float(100.0 / 157.0)));
    QVERIFY_THROWS_EXCEPTION(glip::Error, explainDetection(s, 1));

    const WhyNothing w = whyNothing(s, 50, 30, 0.8);
    QCOMPARE(w.levels.size(), size_t(5));
    QVERIFY2(w.levels[0].reason.find("below the display threshold 0.800") != std::string::npos, w.levels[0].reason.c_str());
    QVERIFY2(w.levels[1].reason.find("not above the candidate threshold") != std::string::npos, w.levels[1].reason.c_str());
    QVERIFY2(w.levels[2].reason.find("suppressed by candidate #0") != std::string::npos, w.levels[2].reason.c_str());
    QVERIFY2(w.levels[3].reason.find("not among the level's top candidates") != std::string::npos, w.levels[3].reason.c_str());
    QCOMPARE(w.levels[3].best.label, 2);
    QCOMPARE(int(w.levels[0].verdict), int(WhyNothing::Verdict::BelowDisplayThreshold));
    QCOMPARE(int(w.levels[1].verdict), int(WhyNothing::Verdict::BelowCandidateThreshold));
    QCOMPARE(int(w.levels[2].verdict), int(WhyNothing::Verdict::Suppressed));
    QCOMPARE(int(w.levels[3].verdict), int(WhyNothing::Verdict::NotInTopCandidates));
    const WhyNothing w2 = whyNothing(s, 50, 30, 0.5);
    QVERIFY2(w2.levels[0].reason.find("is a detection") != std::string::npos, w2.levels[0].reason.c_str());
    QVERIFY(w2.summary.find("closest") != std::string::npos);
  }

  void colours() {
    QCOMPARE(viridis(0), qRgb(68, 1, 84));
    QCOMPARE(viridis(1), qRgb(253, 231, 37));
    QCOMPARE(viridis(-3), viridis(0));
    ScalarField f;
    f.width = 2;
    f.height = 1;
    f.values = {std::numeric_limits<float>::quiet_NaN(), 1.0f};
    const QImage img = colorize(f, 0, 1, 100);
    QCOMPARE(qAlpha(img.pixel(0, 0)), 0);
    QCOMPARE(img.pixel(1, 0), qRgba(253, 231, 37, 100));
    QVERIFY(!legendImage(0, 1, QStringLiteral("t")).isNull());
  }
};

QTEST_MAIN(TestInspectOverlays)
#include "test_inspect_overlays.moc"
