// The inspector's panels laid out on screen (hand-made snapshot, no model): the latency chart's stage names are
// readable (their tick label rectangles are disjoint and inside the plot, GLIP-T's 18 dyhead slots included), the
// Scores text follows the threshold line while it is dragged, and the Features view shows no large empty panel.
#include <QFormLayout>
#include <QLabel>
#include <QScrollArea>
#include <QSignalSpy>
#include <QtTest>

#include "synthetic_snapshot.h"
#include "ui/inspect/inspector_dock.h"
#include "ui/inspect/plots.h"

using namespace glip;
using namespace glip::inspect;
using namespace glip::inspect::testing;

namespace {

// GLIP-T's stages: preprocess, swin, fpn, bert, 6 fusion layers x (vlfuse, bertlayer, dyconv), heads, post.
std::map<std::string, double> glipTTimings() {
  std::map<std::string, double> t{{"preprocess", 0.012}, {"swin", 0.41}, {"fpn", 0.05}, {"bert", 0.09},
                                  {"heads", 0.03}, {"post", 0.004}};
  static const char* kinds[3] = {"vlfuse", "bertlayer", "dyconv"};
  for (int i = 0; i < 18; ++i) t["dyhead." + std::to_string(i) + "." + kinds[i % 3]] = 0.01 + 0.002 * i;
  return t;
}

// The synthetic snapshot with a result: candidates of scores 0.05..0.95 and five detections.
std::shared_ptr<const Snapshot> snapshotWithResult() {
  auto s = std::make_shared<Snapshot>(syntheticSnapshot());
  for (int i = 0; i < 19; ++i) {
    Candidate c;
    c.label = 1 + i % 2;
    c.score = 0.05f + 0.05f * float(i);
    c.box = {10.0f, 10.0f, 40.0f, 30.0f};
    c.kept = i >= 14;
    s->result.candidates.push_back(c);
  }
  for (int i = 18; i >= 14; --i) {  // scores 0.95, 0.90, 0.85, 0.80, 0.75
    Detection d;
    d.box = {10.0f, 10.0f, 40.0f, 30.0f};
    d.score = s->result.candidates[size_t(i)].score;
    d.label = s->result.candidates[size_t(i)].label;
    d.phrase = s->labelName(d.label);
    d.candidate = i;
    s->result.detections.push_back(d);
  }
  s->result.timings.seconds = glipTTimings();
  return s;
}

// GLIP_INSPECT_SCREENSHOTS=<dir>: also save the dock as laid out (to look at).
void saveShot(QWidget* w, const QString& name) {
  const QString dir = qEnvironmentVariable("GLIP_INSPECT_SCREENSHOTS");
  if (!dir.isEmpty()) w->grab().save(dir + QStringLiteral("/panels-") + name + QStringLiteral(".png"));
}

QImage blankImage() {
  QImage img(100, 60, QImage::Format_RGB32);
  img.fill(Qt::darkGray);
  return img;
}

// The rectangles QCustomPlot draws the left axis' tick labels in (widget coordinates): the text's bounding box,
// right-aligned before the axis rect, vertically centred on its tick.
QList<QRect> leftTickLabelRects(QCustomPlot* p) {
  QList<QRect> out;
  QCPAxis* axis = p->yAxis;
  const QFontMetrics fm(axis->tickLabelFont());
  const QVector<double> ticks = axis->tickVector();
  const QVector<QString> labels = axis->tickVectorLabels();
  const int right = p->axisRect()->left() - axis->tickLabelPadding() - axis->tickLengthOut();
  for (int i = 0; i < ticks.size(); ++i) {
    QRect r = fm.boundingRect(QRect(), Qt::TextDontClip | Qt::AlignHCenter, labels[i]);
    r.moveRight(right);
    r.moveTop(int(std::lround(axis->coordToPixel(ticks[i]) - r.height() / 2.0)));
    out << r;
  }
  return out;
}

// A widget that takes room and shows nothing: an empty label, or a scroll area / frame whose content is one.
bool showsNothing(QWidget* w) {
  if (auto* s = qobject_cast<QScrollArea*>(w)) return !s->widget() || showsNothing(s->widget());
  if (auto* l = qobject_cast<QLabel*>(w)) return l->text().isEmpty() && l->pixmap().isNull();
  return false;
}

}  // namespace

class TestInspectPanels : public QObject {
  Q_OBJECT
 private slots:
  // GLIP-T (A): a tower of DyConv only; each slot is its own row (not three DyConv grouped as one fusion layer).
  void latencyRowsOfATowerWithoutFusion() {
    LatencyPlot plot;
    std::map<std::string, double> t{{"preprocess", 0.01}, {"swin", 0.4}, {"fpn", 0.05}, {"bert", 0.1},
                                    {"heads", 0.02},      {"post", 0.01}};
    for (int i = 0; i < 6; ++i) t["dyhead." + std::to_string(i) + ".dyconv"] = 0.01 * (i + 1);
    plot.setTimings(t);
    QCOMPARE(plot.rows(), QStringList({"preprocess", "swin", "fpn", "bert", "dyhead.0", "dyhead.1", "dyhead.2",
                                       "dyhead.3", "dyhead.4", "dyhead.5", "heads", "post"}));
    QVERIFY(std::abs(plot.rowMilliseconds(5) - 20) < 1e-9);  // dyhead.1: 20 ms
  }

  void latencyStageNamesDoNotOverlap() {
    InspectorDock dock;
    dock.setSnapshot(snapshotWithResult(), blankImage());
    dock.setView(InspectorDock::View::Scores);
    dock.resize(460, 560);  // a dock beside the canvas
    dock.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dock));
    QApplication::processEvents();
    LatencyPlot* plot = dock.latencyPlot();
    plot->replot();
    saveShot(&dock, QStringLiteral("scores"));
    // Every stage is accounted for; a fusion layer's three slots share a row.
    QCOMPARE(plot->stages().size(), 24);
    const QStringList rows = plot->rows();
    QCOMPARE(rows, QStringList({"preprocess", "swin", "fpn", "bert", "dyhead.0-2", "dyhead.3-5", "dyhead.6-8",
                                "dyhead.9-11", "dyhead.12-14", "dyhead.15-17", "heads", "post"}));
    QVERIFY(std::abs(plot->rowMilliseconds(4) - (10 + 12 + 14)) < 1e-9);  // dyhead.0..2: 10, 12, 14 ms
    QVERIFY(std::abs(plot->rowMilliseconds(1) - 410) < 1e-9);
    // At the size the plot has on screen, every row is labelled and no two labels overlap.
    const QList<QRect> rects = leftTickLabelRects(plot);
    QCOMPARE(rects.size(), rows.size());
    const QVector<QString> labels = plot->yAxis->tickVectorLabels();
    QCOMPARE(QStringList(labels.begin(), labels.end()), rows);
    for (int i = 0; i < rects.size(); ++i) {
      QVERIFY2(rects[i].top() >= 0 && rects[i].bottom() < plot->height() && rects[i].left() >= 0,
               qPrintable(QStringLiteral("label %1 outside the plot").arg(rows[i])));
      for (int j = i + 1; j < rects.size(); ++j)
        QVERIFY2(!rects[i].intersects(rects[j]),
                 qPrintable(QStringLiteral("'%1' and '%2' overlap (plot %3 px high)").arg(rows[i], rows[j]).arg(plot->height())));
    }
  }

  // The Attention view of a model without fusion layers (GLIP-T (A)) says so, instead of asking to record maps.
  void attentionOfAModelWithoutFusion() {
    InspectorDock dock;
    auto noMaps = [] {  // the synthetic snapshot without its fusion attention maps
      auto s = std::make_shared<Snapshot>(*snapshotWithResult());
      s->probes.erase("dyhead.0.vlfuse.attn_v2l");
      s->probes.erase("dyhead.0.vlfuse.attn_l2v");
      return s;
    };
    auto a = noMaps();
    a->model.fusion_layers = 0;  // GLIP-T (A)
    dock.setSnapshot(a, blankImage());
    dock.setView(InspectorDock::View::Attention);
    auto* info = dock.findChild<QLabel*>(QStringLiteral("attentionInfo"));
    QVERIFY(info);
    QVERIFY2(info->text().contains(QStringLiteral("no fusion layers")), qPrintable(info->text()));
    dock.setSnapshot(noMaps(), blankImage());  // GLIP-T (C): six fusion layers, maps not recorded
    dock.setView(InspectorDock::View::Attention);
    QVERIFY2(info->text().contains(QStringLiteral("not recorded")), qPrintable(info->text()));
    dock.setSnapshot(snapshotWithResult(), blankImage());  // recorded: the map's explanation
    dock.setView(InspectorDock::View::Attention);
    QVERIFY2(info->text().contains(QStringLiteral("Text to image")), qPrintable(info->text()));
  }

  void scoresTextFollowsTheDraggedThreshold() {
    InspectorDock dock;
    dock.setSnapshot(snapshotWithResult(), blankImage());
    dock.setThreshold(0.5);
    dock.setView(InspectorDock::View::Scores);
    dock.resize(460, 700);
    dock.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dock));
    QApplication::processEvents();
    auto* info = dock.page(InspectorDock::View::Scores)->findChild<QLabel*>(QStringLiteral("scoresInfo"));
    QVERIFY(info);
    QVERIFY2(info->text().contains(QStringLiteral("19 candidates, 5 detections, 5 at or above the threshold 0.50")),
             qPrintable(info->text()));
    ScoreHistogramPlot* h = dock.histogram();
    h->replot();
    QSignalSpy spy(&dock, &InspectorDock::thresholdChanged);
    QTest::mousePress(h, Qt::LeftButton, {}, h->pointForThreshold(0.5));
    QTest::mouseMove(h, h->pointForThreshold(0.875));
    QTest::mouseRelease(h, Qt::LeftButton, {}, h->pointForThreshold(0.875));
    QVERIFY(spy.count() >= 1);
    QVERIFY(std::abs(dock.threshold() - 0.875) < 0.01);
    // Detections at 0.95 and 0.90 are above the new line: the text says so without any refresh from outside.
    QVERIFY2(info->text().contains(QStringLiteral("2 at or above the threshold 0.8")), qPrintable(info->text()));
    // The threshold set from outside (the studio's slider) updates it too.
    dock.setThreshold(0.78);
    QVERIFY2(info->text().contains(QStringLiteral("4 at or above the threshold 0.78")), qPrintable(info->text()));
  }

  // Criterion: no visible widget of the Features page that shows nothing (an empty label, or a scroll area around
  // one: the grey panel) may be taller than 20 px; in top-k mode the grid panel is shown and its label is exactly
  // the grid image (the image fills the widget that shows it).
  void featuresPanelHasNoLargeEmptyChild() {
    InspectorDock dock;
    dock.setSnapshot(snapshotWithResult(), blankImage());
    dock.setView(InspectorDock::View::Features);
    dock.resize(460, 620);
    dock.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dock));
    QWidget* page = dock.page(InspectorDock::View::Features);
    QVERIFY(page);
    auto emptyPanels = [&] {
      QStringList out;
      for (QWidget* w : page->findChildren<QWidget*>())
        if (w->isVisible() && w->height() > 20 && showsNothing(w))
          out << QStringLiteral("%1 %2x%3").arg(w->metaObject()->className()).arg(w->width()).arg(w->height());
      return out;
    };
    for (auto mode : {InspectorDock::FeatureMode::Mean, InspectorDock::FeatureMode::Max, InspectorDock::FeatureMode::Channel}) {
      dock.setFeatureMode(mode, 1);
      QApplication::processEvents();
      QVERIFY(!dock.currentField().empty());  // the map is on the image, its legend in the panel
      saveShot(&dock, QStringLiteral("features-%1").arg(int(mode)));
      const QStringList empty = emptyPanels();
      QVERIFY2(empty.isEmpty(), qPrintable(empty.join(QStringLiteral(", "))));
    }
    dock.setFeatureMode(InspectorDock::FeatureMode::TopK, 3);
    QApplication::processEvents();
    saveShot(&dock, QStringLiteral("features-topk"));
    QVERIFY2(emptyPanels().isEmpty(), qPrintable(emptyPanels().join(QStringLiteral(", "))));
    QScrollArea* grid = nullptr;
    for (auto* s : page->findChildren<QScrollArea*>())
      if (s->isVisible()) grid = s;
    QVERIFY(grid);
    auto* tiles = qobject_cast<QLabel*>(grid->widget());
    QVERIFY(tiles && !tiles->pixmap().isNull());
    QCOMPARE(tiles->size(), tiles->pixmap().size());
    dock.setFeatureMode(InspectorDock::FeatureMode::Mean);
    QApplication::processEvents();
    QVERIFY(!grid->isVisible());
  }
};

QTEST_MAIN(TestInspectPanels)
#include "test_inspect_panels.moc"
