// Journey 3: a caption with a chosen phrase is run; a 300-word caption (pasted) warns about the phrase cut at the
// 256-token limit and still gives the boxes of the phrase that fits; the threshold changed by a slider drag, by a
// typed value and by a drag of the histogram's line is one undo step each (History).
#include <QClipboard>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSlider>
#include <QStyleOptionSlider>
#include <QTabBar>
#include <QTabWidget>
#include <QTreeWidget>
#include <QUndoView>
#include <cmath>

#include "journey.h"
#include "ui/inspect/inspector_dock.h"
#include "ui/inspect/plots.h"
#include "ui/studio/prompt_panel.h"

using namespace journey;

namespace {
int historyRows(MainWindow* w) { return w->findChild<QUndoView*>(QStringLiteral("undoView"))->model()->rowCount(); }
QTreeWidget* boxList(MainWindow* w) { return w->findChild<QTreeWidget*>(QStringLiteral("boxList")); }
QStringList boxLabels(MainWindow* w) {
  QStringList out;
  for (int i = 0; i < boxList(w)->topLevelItemCount(); ++i) out << boxList(w)->topLevelItem(i)->text(0);
  return out;
}
double minShownScore(MainWindow* w) {
  double m = 2;
  for (int i = 0; i < boxList(w)->topLevelItemCount(); ++i) m = std::min(m, boxList(w)->topLevelItem(i)->text(1).toDouble());
  return m;
}
// Selects characters [from, from+n) of the caption with the keyboard (Ctrl+Home, Right, Shift+Right).
void selectCaption(QPlainTextEdit* e, int from, int n) {
  QTest::keyClick(e, Qt::Key_Home, Qt::ControlModifier);
  for (int i = 0; i < from; ++i) QTest::keyClick(e, Qt::Key_Right);
  for (int i = 0; i < n; ++i) QTest::keyClick(e, Qt::Key_Right, Qt::ShiftModifier);
}
}  // namespace

class TestJourneyCaptionThreshold : public QObject {
  Q_OBJECT
  QTemporaryDir tmp;

 private slots:
  void captionPhraseLongCaptionAndThresholdSteps() {
    Studio s(tmp.path());
    MainWindow* w = s.window.get();
    QVERIFY(QTest::qWaitForWindowActive(w));
    auto* caption = w->findChild<QPlainTextEdit*>(QStringLiteral("captionEdit"));
    auto* addPhrase = w->findChild<QPushButton*>(QStringLiteral("addPhrase"));
    auto* autoPhrases = w->findChild<QPushButton*>(QStringLiteral("clearPhrases"));
    auto* spin = w->findChild<QDoubleSpinBox*>(QStringLiteral("thresholdSpin"));
    auto* slider = w->findChild<QSlider*>(QStringLiteral("thresholdSlider"));
    QVERIFY(caption && addPhrase && spin && slider);
    QVERIFY(caption->isVisible());  // fresh settings: Caption mode

    // Threshold 0 typed (every box), then the image.
    typeInto(spin, QStringLiteral("0"));
    QCOMPARE(spin->value(), 0.0);
    answerFileDialog(this, goldenImage("astronaut.png"));
    pressShortcut(w, w->action("open_images")->shortcut());
    QTRY_COMPARE_WITH_TIMEOUT(listRows(w).size(), 1, 20000);

    // Caption, one phrase chosen, run.
    QTest::mouseClick(caption->viewport(), Qt::LeftButton);
    const QString text = QStringLiteral("an astronaut holding a helmet next to a flag");
    QTest::keyClicks(caption, text);
    selectCaption(caption, int(text.indexOf(QStringLiteral("a flag"))), 6);
    QTest::mouseClick(addPhrase, Qt::LeftButton);
    pressShortcut(w, w->action("run")->shortcut());
    QVERIFY(s.waitIdle());
    QStringList labels = boxLabels(w);
    QVERIFY(labels.size() > 3);
    // The status bar's counter says what it counts: the three model stages of a first run.
    auto* stages = w->findChild<QLabel*>(QStringLiteral("inferenceCount"));
    QVERIFY(stages->text().startsWith(QStringLiteral("Model stages run:")));
    QVERIFY(stages->toolTip().contains(QStringLiteral("threshold change 0")));
    const QString stagesAfterRun = stages->text();
    labels.removeDuplicates();
    QCOMPARE(labels, QStringList{QStringLiteral("a flag")});

    // Threshold by a slider drag: one undo step.
    int rows = historyRows(w);
    const int shownAtZero = boxList(w)->topLevelItemCount();
    QStyleOptionSlider opt;
    opt.initFrom(slider);
    opt.orientation = slider->orientation();
    opt.minimum = slider->minimum();
    opt.maximum = slider->maximum();
    opt.sliderPosition = opt.sliderValue = slider->value();
    const QRect handle = slider->style()->subControlRect(QStyle::CC_Slider, &opt, QStyle::SC_SliderHandle, slider);
    QPoint p = handle.center();
    QTest::mousePress(slider, Qt::LeftButton, {}, p);
    for (int i = 0; i < 60 && boxList(w)->topLevelItemCount() >= shownAtZero; ++i) {  // until some boxes go
      p += QPoint(1, 0);
      QTest::mouseMove(slider, p);
    }
    QTest::mouseMove(slider, p += QPoint(1, 0));
    QTest::mouseRelease(slider, Qt::LeftButton, {}, p);
    QVERIFY(s.waitIdle());
    QVERIFY2(slider->value() > 0, qPrintable(QString::number(slider->value())));
    QCOMPARE(spin->value(), slider->value() / 100.0);
    QVERIFY(boxList(w)->topLevelItemCount() < shownAtZero);
    QVERIFY(boxList(w)->topLevelItemCount() > 0);
    QCOMPARE(historyRows(w), rows + 1);
    QCOMPARE(stages->text(), stagesAfterRun);  // a threshold change runs no model stage

    // A typed value just above the lowest score shown: applied as typed (not 0.00, not rounded to the slider),
    // one undo step.
    rows = historyRows(w);
    const double typed = std::floor(minShownScore(w) * 100 + 1e-9) / 100 + 0.01;
    QVERIFY(typed <= 1.0);
    typeInto(spin, QString::number(typed, 'f', 2));
    QVERIFY(s.waitIdle());
    QVERIFY2(std::abs(spin->value() - typed) < 1e-9, qPrintable(QString::number(spin->value())));
    QCOMPARE(slider->value(), qRound(typed * 100));
    QCOMPARE(historyRows(w), rows + 1);

    // The histogram's threshold line dragged back to 0.02: one undo step.
    QAction* inspect = w->inspector()->toggleViewAction();
    inspect->trigger();
    QVERIFY(s.waitIdle());
    auto* tabs = w->inspector()->findChild<QTabWidget*>();
    QTest::mouseClick(tabs->tabBar(), Qt::LeftButton, {}, tabs->tabBar()->tabRect(tabs->count() - 1).center());
    auto* hist = w->inspector()->findChild<glip::inspect::ScoreHistogramPlot*>();
    QVERIFY(hist && hist->isVisible());
    QTRY_VERIFY(std::abs(hist->threshold() - typed) < 1e-6);
    rows = historyRows(w);
    const int shownBefore = boxList(w)->topLevelItemCount();
    QPoint h = hist->pointForThreshold(typed);
    const QPoint target = hist->pointForThreshold(0.02);
    QTest::mousePress(hist, Qt::LeftButton, {}, h);
    for (int i = 1; i <= 8; ++i) QTest::mouseMove(hist, h + (target - h) * i / 8);
    QTest::mouseRelease(hist, Qt::LeftButton, {}, target);
    QVERIFY(s.waitIdle());
    QVERIFY2(std::abs(spin->value() - 0.02) <= 0.011, qPrintable(QString::number(spin->value())));
    QVERIFY(boxList(w)->topLevelItemCount() > shownBefore);
    QCOMPARE(historyRows(w), rows + 1);

    // Undo walks back one gesture at a time.
    pressShortcut(w, w->action("undo")->shortcut());
    QCOMPARE(boxList(w)->topLevelItemCount(), shownBefore);
    inspect->trigger();  // the Inspector closes again
    typeInto(spin, QStringLiteral("0"));

    // 300 words pasted: the second chosen phrase lies past the 256-token limit.
    QTest::mouseClick(autoPhrases, Qt::LeftButton);
    QStringList words{QStringLiteral("a flag")};
    for (int i = 0; i < 300; ++i) words << QStringLiteral("very");
    words << QStringLiteral("a red sofa");
    const QString longText = words.join(QLatin1Char(' '));
    QApplication::clipboard()->setText(longText);
    QTest::mouseClick(caption->viewport(), Qt::LeftButton);
    QTest::keyClick(caption, Qt::Key_A, Qt::ControlModifier);
    QTest::keyClick(caption, Qt::Key_V, Qt::ControlModifier);
    QCOMPARE(caption->toPlainText(), longText);
    selectCaption(caption, 0, 6);
    QTest::mouseClick(addPhrase, Qt::LeftButton);
    QTest::keyClick(caption, Qt::Key_End, Qt::ControlModifier);
    for (int i = 0; i < 10; ++i) QTest::keyClick(caption, Qt::Key_Left, Qt::ShiftModifier);
    QTest::mouseClick(addPhrase, Qt::LeftButton);
    pressShortcut(w, w->action("run")->shortcut());
    QVERIFY(s.waitIdle());
    const QString summary = w->promptPanel()->summaryText();
    QVERIFY2(summary.contains(QStringLiteral("256")), qPrintable(summary));          // the truncation, before the run
    QVERIFY2(summary.contains(QStringLiteral("a red sofa")), qPrintable(summary));   // the lost phrase, named
    QStringList longLabels = boxLabels(w);
    QVERIFY2(!longLabels.isEmpty(), qPrintable(longLabels.join(",")));  // the phrase that fits is detected
    longLabels.removeDuplicates();
    QCOMPARE(longLabels, QStringList{QStringLiteral("a flag")});

  }
};

QTEST_MAIN(TestJourneyCaptionThreshold)
#include "test_journey_caption_threshold.moc"
