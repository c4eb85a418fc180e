// The inspector in the studio's window (demo model): closing the dock (its close button, View > Inspector) takes
// its overlay off the canvas, also for the images shown later, and reopening puts it back; the window can be
// 1024 x 700 with the inspector open; in zh_CN the heatmap legend and the charts' axes are Chinese.
#include <QGraphicsScene>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/common/paths.h"
#include "tests/common/studio_window.h"
#include "ui/inspect/inspector_dock.h"
#include "ui/inspect/overlay_items.h"
#include "ui/inspect/plots.h"
#include "ui/studio/canvas_view.h"
#include "ui/studio/main_window.h"
#include "ui/studio/prompt_panel.h"
#include "ui/studio/studio_settings.h"
#include "ui/studio/translations.h"

using namespace glip::studio;
using glip::inspect::InspectorDock;
using glip::inspect::OverlayLayer;
using glip::test::demoWindow;

namespace {
QString golden(const char* name) { return QString::fromStdString(glip::test::tiny_path(name)); }

// Every item of the canvas's scene that belongs to an inspector overlay (a child of an OverlayLayer).
QList<QGraphicsItem*> inspectorItems(CanvasView* canvas) {
  QList<QGraphicsItem*> out;
  for (QGraphicsItem* it : canvas->scene()->items())
    for (QGraphicsItem* p = it->parentItem(); p; p = p->parentItem())
      if (qobject_cast<OverlayLayer*>(p->toGraphicsObject())) {
        out << it;
        break;
      }
  return out;
}

bool hasHeatmap(CanvasView* canvas) {
  for (QGraphicsItem* it : inspectorItems(canvas))
    if (it->data(0).toString() == QLatin1String("heatmap") && it->isVisible()) return true;
  return false;
}

// The Latin words left in a translated text, once the user's text in quotes, layer names and the allowed terms
// (GLIP's module names and formula words, as in the studio's translation test) are removed.
QStringList englishWords(QString text) {
  static const QRegularExpression quoted(QStringLiteral("'[^']*'|“[^”]*”|‘[^’]*’"));
  static const QRegularExpression dotted(QStringLiteral("[A-Za-z0-9_]+(\\.[A-Za-z0-9_]+)+"));  // fpn.p3, dyhead.0
  text.remove(quoted);
  text.remove(dotted);
  static const QStringList allowed{"sigmoid", "logit", "FPN", "P3-P7", "P3", "P4", "P5", "P6", "P7", "dyhead",
                                   "swin", "fpn", "bert", "vlfuse", "bertlayer", "dyconv"};
  QStringList bad;
  static const QRegularExpression word(QStringLiteral("[A-Za-z][A-Za-z0-9]*(-[A-Za-z0-9]+)*"));
  for (auto it = word.globalMatch(text); it.hasNext();) {
    const QString w = it.next().captured(0);
    if (!allowed.contains(w)) bad << w;
  }
  return bad;
}
}  // namespace

class TestInspectWindow : public glip::test::StudioWindowTest {
  Q_OBJECT

 private slots:
  void initTestCase() {
    QVERIFY(openDemoWindow());
    w->openPaths({golden("astronaut.png"), golden("coffee.png")});
    QVERIFY(w->showImage(0));
    w->showInspector();
    w->inspector()->setView(InspectorDock::View::Heatmap);
    w->runCurrent();
    QVERIFY(w->waitForIdle(120000));
    QTRY_VERIFY_WITH_TIMEOUT(w->inspector()->snapshot() != nullptr, 60000);
    QVERIFY(w->waitForIdle(60000));
  }

  void closingTakesTheOverlayOffTheCanvas() {
    InspectorDock* dock = w->inspector();
    CanvasView* canvas = w->canvas();
    QVERIFY(hasHeatmap(canvas));
    // The dock's close button.
    dock->close();
    QApplication::processEvents();
    QVERIFY(!dock->isVisible());
    QVERIFY(inspectorItems(canvas).isEmpty());
    // Another image: still nothing of the inspector on it.
    QVERIFY(w->showImage(1));
    w->runCurrent();
    QVERIFY(w->waitForIdle(120000));
    QApplication::processEvents();
    QVERIFY(inspectorItems(canvas).isEmpty());
    // A plain click on the canvas is the canvas's again, in the Anchors view too: the closed dock picks no point.
    dock->setView(InspectorDock::View::Anchors);
    const QPointF before = dock->point();
    QTest::mouseClick(canvas->viewport(), Qt::LeftButton, {}, canvas->imageToView(QPointF(100, 100)).toPoint());
    QCOMPARE(dock->point(), before);
    QVERIFY(inspectorItems(canvas).isEmpty());
    dock->setView(InspectorDock::View::Heatmap);
    QVERIFY(inspectorItems(canvas).isEmpty());

    // Reopened (View > Inspector): at once no overlay of the astronaut over the coffee, then this image's heatmap.
    const auto astronaut = dock->snapshot();
    QAction* toggle = dock->toggleViewAction();
    QVERIFY(!toggle->isChecked());
    QSignalSpy shown(dock, &QDockWidget::visibilityChanged);
    toggle->trigger();
    QVERIFY(!shown.isEmpty() && shown.last().at(0).toBool());  // on top of its tab group, not behind "Boxes"
    QVERIFY(dock->isVisible());
    QVERIFY(!dock->snapshot());
    QVERIFY(inspectorItems(canvas).isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(dock->snapshot() && dock->snapshot() != astronaut, 60000);
    QVERIFY(w->waitForIdle(60000));
    QApplication::processEvents();
    QVERIFY(hasHeatmap(canvas));
    const auto coffee = dock->snapshot();

    // Closed from the View menu, then images switched: nothing; reopened: back again.
    toggle->trigger();
    QApplication::processEvents();
    QVERIFY(!dock->isVisible());
    QVERIFY(inspectorItems(canvas).isEmpty());
    QVERIFY(w->showImage(0));
    QApplication::processEvents();
    QVERIFY(inspectorItems(canvas).isEmpty());
    shown.clear();
    toggle->trigger();
    QVERIFY(!shown.isEmpty() && shown.last().at(0).toBool());
    QVERIFY(!dock->snapshot() && inspectorItems(canvas).isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(dock->snapshot() && dock->snapshot() != coffee && hasHeatmap(canvas), 60000);
    QCOMPARE(dock->snapshot()->result.image_width, 512);
    QVERIFY(w->waitForIdle(60000));
  }

  void windowFits1024x700WithTheInspectorOpen() {
    // Shrunk with the inspector open.
    w->showInspector();
    QApplication::processEvents();
    QVERIFY(w->inspector()->isVisible());
    for (int v = 0; v < 8; ++v) {
      w->inspector()->setView(InspectorDock::View(v));
      QApplication::processEvents();
      const QSize min = w->minimumSizeHint();
      QVERIFY2(min.width() <= 1024 && min.height() <= 700,
               qPrintable(QStringLiteral("%1: minimum %2 x %3").arg(w->inspector()->viewName()).arg(min.width()).arg(min.height())));
    }
    w->resize(1024, 700);
    QApplication::processEvents();
    QTRY_COMPARE(w->size(), QSize(1024, 700));
    QVERIFY(w->inspector()->isVisible());
    QVERIFY(w->inspector()->height() > 100);  // still there: its tabs, the pages scroll
    // Opened at that size: it gets the right column's height but what the Prompt dock above it needs.
    w->inspector()->close();
    QApplication::processEvents();
    w->showInspector();
    QApplication::processEvents();
    QCOMPARE(w->size(), QSize(1024, 700));
    auto* promptDock = w->findChild<QDockWidget*>(QStringLiteral("promptDock"));
    QVERIFY(promptDock);
    QVERIFY2(w->inspector()->height() >= 250 && promptDock->height() <= promptDock->minimumSizeHint().height() + 8,
             qPrintable(QStringLiteral("inspector %1 px, prompt %2 px (minimum %3)").arg(w->inspector()->height())
                            .arg(promptDock->height()).arg(promptDock->minimumSizeHint().height())));
    if (const QString dir = qEnvironmentVariable("GLIP_INSPECT_SCREENSHOTS"); !dir.isEmpty())
      w->grab().save(dir + QStringLiteral("/window-1024x700.png"));
    w->resize(1300, 850);
    QApplication::processEvents();
  }

  void legendAndAxesAreTranslated() {
    w.reset();
    QCOMPARE(installTranslations(qApp, QStringLiteral("zh_CN")), QStringLiteral("zh_CN"));
    QTemporaryDir dir;
    StudioSettings zhSettings(dir.filePath("s.ini"));
    zhSettings.setAutosaveSeconds(0);
    std::unique_ptr<MainWindow> zh = demoWindow(&zhSettings);
    QVERIFY(zh);
    zh->openPaths({golden("astronaut.png")});
    zh->showInspector();
    InspectorDock* dock = zh->inspector();
    dock->setView(InspectorDock::View::Heatmap);
    zh->runCurrent();
    QVERIFY(zh->waitForIdle(120000));
    QTRY_VERIFY_WITH_TIMEOUT(dock->snapshot() != nullptr, 60000);
    QVERIFY(zh->waitForIdle(60000));
    QStringList texts;
    // The heatmap legend: phrase and token scores, fused and per level; centerness, features, attention titles.
    dock->setHeatmapLabel(1);
    dock->setHeatmapLevel(-1);
    QVERIFY(!dock->currentField().empty());
    texts << dock->currentField().title;
    QVERIFY2(dock->currentField().title.contains(QString::fromUtf8("融合")), qPrintable(dock->currentField().title));
    dock->setHeatmapToken(2);
    texts << dock->currentField().title;
    dock->setHeatmapLevel(1);
    texts << dock->currentField().title;
    dock->setView(InspectorDock::View::Centerness);
    texts << dock->currentField().title;
    dock->setView(InspectorDock::View::Features);
    dock->setFeatureMode(InspectorDock::FeatureMode::Mean);
    texts << dock->currentField().title;
    dock->setFeatureMode(InspectorDock::FeatureMode::Max);
    texts << dock->currentField().title;
    dock->setFeatureMode(InspectorDock::FeatureMode::Channel, 1);
    texts << dock->currentField().title;
    // The charts' axes.
    dock->setView(InspectorDock::View::Box);
    dock->setSelectedDetection(0);
    texts << dock->tokenPlot()->yAxis->label();
    dock->setView(InspectorDock::View::Scores);
    texts << dock->histogram()->xAxis->label() << dock->histogram()->yAxis->label() << dock->latencyPlot()->xAxis->label();
    static const QRegularExpression cjk(QStringLiteral("[\\x{4e00}-\\x{9fff}]"));
    QStringList failures;
    for (const QString& t : texts) {
      QVERIFY(!t.isEmpty());
      if (const QStringList bad = englishWords(t); !bad.isEmpty() || !t.contains(cjk))
        failures << QStringLiteral("“%1” (%2)").arg(t, bad.join(", "));
    }
    // The stage names: the engine's module names stay, the other stages are translated.
    for (const QString& t : dock->latencyPlot()->rows())
      if (const QStringList bad = englishWords(t); !bad.isEmpty()) failures << QStringLiteral("“%1” (%2)").arg(t, bad.join(", "));
    QVERIFY2(failures.isEmpty(), qPrintable(failures.join("\n")));
    QCOMPARE(dock->latencyPlot()->xAxis->label(), QString::fromUtf8("毫秒"));
    zh.reset();
    removeTranslations(qApp);
    // The same texts in English without the translator (so the check above can fail).
    QCOMPARE(englishWords(QStringLiteral("label score 'a flag' (mean of 1 tokens), fused P3-P7")),
             QStringList({"label", "score", "mean", "of", "tokens", "fused"}));
  }
};

QTEST_MAIN(TestInspectWindow)
#include "test_inspect_window.moc"
