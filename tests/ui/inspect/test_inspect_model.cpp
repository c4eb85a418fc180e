// The inspector against the core's own tensors: the demo model on the astronaut photo with the probe on. Overlays
// at sample pixels equal sigmoid(logit) / sigmoid(centerness) of the location the pixel maps to (read straight from
// Session::probe); the phrase map and the per-box explanation equal the core's Candidate (label score, centerness,
// decoded box, final score); the anchors drawn equal anchors.pL rows; switching every view and option runs no
// inference; every view exports a PNG.
#include <QGraphicsRectItem>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>

#include "model_fixture.h"
#include "tests/common/paths.h"
#include "ui/inspect/explain.h"
#include "ui/inspect/inspector_dock.h"
#include "ui/inspect/overlay_items.h"
#include "ui/inspect/overlays.h"
#include "ui/inspect/plots.h"

using namespace glip;
using namespace glip::inspect;
using namespace glip::inspect::testing;

namespace {
float sig(float x) { return 1.0f / (1.0f + std::exp(-x)); }
// IoU in GLIP's "+1" convention, as NMS computes it.
double iou(const std::array<float, 4>& a, const std::array<float, 4>& b) {
  const double area_a = (a[2] - a[0] + 1.0) * (a[3] - a[1] + 1.0), area_b = (b[2] - b[0] + 1.0) * (b[3] - b[1] + 1.0);
  const double w = std::max(0.0, std::min<double>(a[2], b[2]) - std::max<double>(a[0], b[0]) + 1);
  const double h = std::max(0.0, std::min<double>(a[3], b[3]) - std::max<double>(a[1], b[1]) + 1);
  return w * h / (area_a + area_b - w * h);
}
int64_t cellOf(double p, double resized, double original, int64_t stride, int64_t cells) {
  return std::clamp<int64_t>(int64_t(std::floor((p + 0.5) * resized / original / double(stride))), 0, cells - 1);
}
}  // namespace

class TestInspectModel : public QObject {
  Q_OBJECT
  std::unique_ptr<Session> session_;
  DetectResult result_;
  std::shared_ptr<const Snapshot> snap_;
  QImage image_;

  TensorView core(const std::string& name) const { return session_->probe(name); }

 private slots:
  void initTestCase() {
    session_ = std::make_unique<Session>(demoModel());
    const RgbImage img = image::load_image(astronautPath());
    DetectParams p;
    p.probe = true;
    p.probe_attention = true;
    result_ = session_->detect(img, astronautPrompt(), p);
    snap_ = std::make_shared<const Snapshot>(takeSnapshot(*session_, result_, astronautPrompt()));
    image_ = QImage(QString::fromStdString(astronautPath()));
    QCOMPARE(result_.image_width, 512);
    QCOMPARE(result_.resized_width, 304);
    QVERIFY(!result_.detections.empty());
    QVERIFY(result_.candidates.size() > result_.detections.size());
    QCOMPARE(snap_->levels.size(), size_t(5));
    QCOMPARE(snap_->levels[0].h, int64_t(40));  // 304 padded to 320, stride 8
    QCOMPARE(snap_->fusionLayerCount(), 2);
    qInfo("snapshot: %zu detections, %zu candidates, %zu tokens, %.1f MB of probes", result_.detections.size(),
          result_.candidates.size(), snap_->chunk.tokens.size(), snap_->bytes() / 1e6);
  }

  void tokenHeatmapEqualsCoreLogits() {
    const int64_t t = int64_t(snap_->chunk.tokens.size());
    for (int level = 0; level < 5; ++level) {
      const TensorView logits = core("head.dot_product_logits." + snap_->levelName(level));
      QCOMPARE(logits.shape[2], t);
      const LevelGeometry& g = snap_->levels[size_t(level)];
      for (int64_t tok : {int64_t(1), int64_t(2), t - 2}) {
        const ScalarField f = tokenHeatmap(*snap_, int(tok), level);
        for (int py = 3; py < 512; py += 37)
          for (int px = 5; px < 512; px += 41) {
            const int64_t a = cellOf(py, 304, 512, g.stride, g.h) * g.w + cellOf(px, 304, 512, g.stride, g.w);
            QCOMPARE(f.atImagePixel(px, py), sig(logits.data[a * t + tok]));
          }
      }
    }
    // Fused = max over the levels.
    const ScalarField fused = tokenHeatmap(*snap_, 2, -1);
    for (int p = 0; p < 512; p += 29) {
      float best = -1;
      for (int level = 0; level < 5; ++level) best = std::max(best, tokenHeatmap(*snap_, 2, level).atImagePixel(p, 511 - p));
      QCOMPARE(fused.atImagePixel(p, 511 - p), best);
    }
  }

  void centernessEqualsCore() {
    for (int level = 0; level < 5; ++level) {
      const TensorView c = core("head.centerness." + snap_->levelName(level));
      const LevelGeometry& g = snap_->levels[size_t(level)];
      const ScalarField f = centernessMap(*snap_, level);
      for (int py = 0; py < 512; py += 31)
        for (int px = 0; px < 512; px += 47)
          QCOMPARE(f.atImagePixel(px, py), sig(c.data[cellOf(py, 304, 512, g.stride, g.h) * g.w + cellOf(px, 304, 512, g.stride, g.w)]));
    }
  }

  void phraseMapAndCenternessAtCandidatesEqualCoreCandidates() {
    int checked = 0;
    for (const Candidate& c : result_.candidates) {
      const auto r = snap_->cellRect(c.level, c.anchor % snap_->levels[size_t(c.level)].w, c.anchor / snap_->levels[size_t(c.level)].w);
      const double px = (r[0] + r[2]) / 2, py = (r[1] + r[3]) / 2;
      if (px >= 512 || py >= 512) continue;
      QCOMPARE(snap_->locationAt(c.level, px, py).index, c.anchor);
      const float ls = labelHeatmap(*snap_, c.label, c.level).atImagePixel(px, py);
      QVERIFY2(std::abs(ls - c.label_score) < 1e-6, qPrintable(QStringLiteral("%1 vs %2").arg(ls).arg(c.label_score)));
      QVERIFY(std::abs(centernessMap(*snap_, c.level).atImagePixel(px, py) - c.centerness) < 1e-6);
      if (++checked == 40) break;
    }
    QVERIFY(checked > 0);
  }

  void perBoxExplanationEqualsCore() {
    double maxBox = 0;
    for (int i = 0; i < int(result_.detections.size()); ++i) {
      const Detection& d = result_.detections[size_t(i)];
      const Candidate& c = result_.candidates[size_t(d.candidate)];
      const BoxExplanation e = explainDetection(*snap_, i);
      const TensorView logits = core("head.dot_product_logits." + snap_->levelName(c.level));
      const int64_t t = logits.shape[2];
      QCOMPARE(int64_t(e.at.tokenScores.size()), t);
      for (int64_t k = 0; k < t; ++k) {
        QCOMPARE(e.at.tokenLogits[size_t(k)], logits.data[c.anchor * t + k]);
        QCOMPARE(e.at.tokenScores[size_t(k)], sig(logits.data[c.anchor * t + k]));
      }
      const auto own = std::find_if(e.at.labels.begin(), e.at.labels.end(), [&](const LabelScore& l) { return l.label == d.label; });
      QVERIFY(own != e.at.labels.end());
      QVERIFY(std::abs(own->score - c.label_score) < 1e-6);
      QVERIFY(std::abs(e.at.centerness - c.centerness) < 1e-6);
      QVERIFY(std::abs(own->finalScore - d.score) < 1e-6);
      QCOMPARE(e.runnersUp.size() + 1, e.at.labels.size());
      for (int k = 0; k < 4; ++k) maxBox = std::max(maxBox, std::abs(e.at.decoded[size_t(k)] - double(c.box[size_t(k)])));
      for (const SuppressedCandidate& s : e.suppressed) {
        const Candidate& o = result_.candidates[size_t(s.candidate)];
        QCOMPARE(o.suppressed_by, d.candidate);
        QCOMPARE(o.label, d.label);  // class-aware NMS
        const double j = iou(c.box, o.box);
        QVERIFY(j > snap_->model.nms_threshold - 0.02);  // IoU in resized pixels is what NMS saw; original is close
      }
    }
    qInfo("max |decoded box - Candidate::box| over %zu detections: %.3g px", result_.detections.size(), maxBox);
    QVERIFY(maxBox < 1e-3);
  }

  void anchorsDrawnEqualCoreAnchors() {
    InspectorDock dock;
    dock.setSnapshot(snap_, image_);
    dock.setView(InspectorDock::View::Anchors);
    const QPointF p(250.3, 140.7);
    dock.setPoint(p);
    int found = 0;
    for (QGraphicsItem* it : dock.overlayItems()) {
      const QString tag = it->data(0).toString();
      if (!tag.startsWith(QLatin1String("anchor:"))) continue;
      const int level = tag.mid(7).toInt();
      const LevelGeometry& g = snap_->levels[size_t(level)];
      const int64_t a = cellOf(p.y(), 304, 512, g.stride, g.h) * g.w + cellOf(p.x(), 304, 512, g.stride, g.w);
      const TensorView anchors = core("anchors." + snap_->levelName(level));
      const QRectF r = static_cast<QGraphicsRectItem*>(it)->rect();
      const float s = float(512.0 / 304.0);
      QVERIFY(std::abs(r.left() - anchors.data[a * 4 + 0] * s) < 1e-3);
      QVERIFY(std::abs(r.top() - anchors.data[a * 4 + 1] * s) < 1e-3);
      QVERIFY(std::abs(r.right() - anchors.data[a * 4 + 2] * s) < 1e-3);
      QVERIFY(std::abs(r.bottom() - anchors.data[a * 4 + 3] * s) < 1e-3);
      ++found;
    }
    QCOMPARE(found, 5);
    QCOMPARE(dock.anchorTable()->topLevelItemCount(), 5);
  }

  void attentionSlicesTheCoreMaps() {
    const TensorView v2l = core("dyhead.3.vlfuse.attn_v2l"), l2v = core("dyhead.3.vlfuse.attn_l2v");
    const int64_t h = v2l.shape[1], n = v2l.shape[2], t = v2l.shape[3];
    QCOMPARE(n, snap_->levels.back().offset + snap_->levels.back().h * snap_->levels.back().w);
    const std::vector<float> bars = attentionToText(*snap_, 1, 3, 1, 17);
    const int64_t row = snap_->levels[1].offset + 17;
    double sum = 0;
    for (int64_t k = 0; k < t; ++k) {
      QCOMPARE(bars[size_t(k)], v2l.data[(3 * n + row) * t + k]);
      sum += bars[size_t(k)];
    }
    QVERIFY(std::abs(sum - 1.0) < 1e-4);  // softmax over the tokens
    const ScalarField f = attentionToImage(*snap_, 1, 5, 2, 2);
    const LevelGeometry& g = snap_->levels[2];
    const int64_t a = cellOf(300, 304, 512, g.stride, g.h) * g.w + cellOf(100, 304, 512, g.stride, g.w);
    QCOMPARE(f.atImagePixel(100, 300), l2v.data[(5 * t + 2) * n + g.offset + a]);
    (void)h;
  }

  void switchingViewsRunsNoInference() {
    const int64_t before = session_->inference_count();
    InspectorDock dock;
    dock.setSnapshot(snap_, image_);
    QTemporaryDir dir;
    const QString shots = qEnvironmentVariable("GLIP_INSPECT_SCREENSHOTS");
    for (int v = 0; v < 8; ++v) {
      dock.setView(InspectorDock::View(v));
      dock.setPoint(QPointF(260, 180));
      dock.setSelectedDetection(0);
      for (int level = -1; level < 5; ++level) {
        dock.setHeatmapLevel(level);
        dock.setCenternessLevel(level);
      }
      dock.setHeatmapToken(3);
      dock.setHeatmapLabel(2);
      for (const std::string& l : featureLayers(*snap_)) dock.setFeatureLayer(QString::fromStdString(l));
      dock.setFeatureMode(InspectorDock::FeatureMode::TopK, 9);
      dock.setFeatureMode(InspectorDock::FeatureMode::Mean);
      dock.setAttention(1, -1, 2, -1);
      dock.setAttention(0, 4, 1, 0);
      dock.setThreshold(0.3);
      const QString path = dir.filePath(dock.viewName() + QStringLiteral(".png"));
      QVERIFY(dock.exportPng(path));
      const QImage back(path);
      QVERIFY2(!back.isNull() && back.width() > 300 && back.height() > 300, qPrintable(path));
      if (!shots.isEmpty()) QVERIFY(dock.exportPng(shots + QStringLiteral("/inspect-") + dock.viewName() + QStringLiteral(".png")));
    }
    // A representative state per view for the screenshots, then the count.
    QCOMPARE(session_->inference_count(), before);
  }

  void histogramDragEmitsThreshold() {
    InspectorDock dock;
    dock.setSnapshot(snap_, image_);
    dock.setView(InspectorDock::View::Scores);
    ScoreHistogramPlot* h = dock.histogram();
    h->resize(400, 240);
    h->replot();
    int total = 0;
    for (int b = 0; b < h->binCount(); ++b) total += h->count(b);
    QCOMPARE(total, int(result_.candidates.size()));
    QSignalSpy spy(&dock, &InspectorDock::thresholdChanged);
    QTest::mousePress(h, Qt::LeftButton, {}, h->pointForThreshold(0.5));
    QTest::mouseMove(h, h->pointForThreshold(0.25));
    QTest::mouseRelease(h, Qt::LeftButton, {}, h->pointForThreshold(0.25));
    QVERIFY(spy.count() >= 1);
    QVERIFY(std::abs(spy.last().at(0).toDouble() - 0.25) < 0.01);
    QVERIFY(std::abs(dock.threshold() - 0.25) < 0.01);
    // Every stage of the result, in pipeline order.
    const QStringList stages = dock.latencyPlot()->stages();
    QCOMPARE(stages.size(), int(result_.timings.seconds.size()));
    QCOMPARE(stages.first(), QStringLiteral("preprocess"));
    QVERIFY(stages.indexOf(QStringLiteral("swin")) < stages.indexOf(QStringLiteral("bert")));
    QVERIFY(stages.indexOf(QStringLiteral("dyhead.0.vlfuse")) < stages.indexOf(QStringLiteral("dyhead.5.dyconv")));
    QCOMPARE(stages.last(), QStringLiteral("post"));
  }

  void snapshotSurvivesLaterRuns() {
    // The snapshot shares the probe storage; later runs on the same Session (cached image features, a new caption,
    // probe on or off, another image) must not change a single value of it.
    std::map<std::string, std::vector<float>> copy;
    for (const auto& [name, v] : snap_->probes) copy[name].assign(v.data, v.data + v.numel());
    DetectParams p;
    p.probe = true;
    p.probe_attention = true;
    const RgbImage img = image::load_image(astronautPath());
    session_->detect(img, Prompt::categories({"person", "rocket", "flag"}), p);
    session_->detect(img, Prompt::grounding("a helmet"), DetectParams());
    session_->detect(image::load_image(glip::test::tiny_path("coffee.png")), astronautPrompt(), p);
    for (const auto& [name, v] : snap_->probes)
      QVERIFY2(std::equal(copy[name].begin(), copy[name].end(), v.data), name.c_str());
    // Re-create the session state the other tests rely on.
    result_ = session_->detect(img, astronautPrompt(), p);
  }

  void errorsAreSpecific() {
    Session fresh(demoModel());
    QVERIFY_THROWS_EXCEPTION(glip::Error, takeSnapshot(fresh, result_, astronautPrompt()));
    SnapshotOptions o;
    o.attention = false;
    o.features = false;
    const Snapshot small = takeSnapshot(*session_, result_, astronautPrompt(), o);
    QVERIFY(small.bytes() < snap_->bytes());
    try {
      attentionToText(small, 0, 0, 0, 0);
      QFAIL("expected glip::Error");
    } catch (const glip::Error& e) {
      QVERIFY2(std::string(e.what()).find("attention probes on") != std::string::npos, e.what());
    }
  }
};

QTEST_MAIN(TestInspectModel)
#include "test_inspect_model.moc"
