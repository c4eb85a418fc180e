// StudioSettings: defaults, round trips through a real INI file, clamping, shortcuts and the recent list.
#include <QTemporaryDir>
#include <QtTest>

#include "ui/studio/studio_settings.h"

using glip::studio::StudioSettings;

class TestStudioSettings : public QObject {
  Q_OBJECT
 private slots:
  void defaults() {
    QTemporaryDir dir;
    StudioSettings s(dir.filePath("s.ini"));
    QCOMPARE(s.modelConfig(), QString());
    QCOMPARE(s.device(), QStringLiteral("cpu"));
    QCOMPARE(s.scoreThreshold(), 0.5);
    QCOMPARE(s.promptMode(), StudioSettings::PromptMode::Caption);
    QCOMPARE(s.autosaveSeconds(), 60);
    QCOMPARE(s.batchReplacesBoxes(), false);
    QCOMPARE(s.shortcut("run", QKeySequence("Ctrl+Return")), QKeySequence("Ctrl+Return"));
  }
  void roundTripThroughFile() {
    QTemporaryDir dir;
    const QString ini = dir.filePath("s.ini");
    {
      StudioSettings s(ini);
      s.setModelConfig("/m/a.yaml");
      s.setModelWeights("/m/a.pth");
      s.setDevice("cuda");
      s.setPromptMode(StudioSettings::PromptMode::Categories);
      s.setCategoriesText("person\ncar");
      s.setCaptionText("a dog");
      s.setScoreThreshold(0.25);
      s.setBatchReplacesBoxes(true);
      s.setLanguage("zh_CN");
      s.setAutosaveSeconds(15);
      s.setShortcut("run", QKeySequence("Ctrl+Shift+R"));
      s.sync();
    }
    StudioSettings s(ini);
    QCOMPARE(s.modelConfig(), QStringLiteral("/m/a.yaml"));
    QCOMPARE(s.modelWeights(), QStringLiteral("/m/a.pth"));
    QCOMPARE(s.device(), QStringLiteral("cuda"));
    QCOMPARE(s.promptMode(), StudioSettings::PromptMode::Categories);
    QCOMPARE(s.categoriesText(), QStringLiteral("person\ncar"));
    QCOMPARE(s.captionText(), QStringLiteral("a dog"));
    QCOMPARE(s.scoreThreshold(), 0.25);
    QCOMPARE(s.batchReplacesBoxes(), true);
    QCOMPARE(s.language(), QStringLiteral("zh_CN"));
    QCOMPARE(s.autosaveSeconds(), 15);
    QCOMPARE(s.shortcut("run", QKeySequence("Ctrl+Return")), QKeySequence("Ctrl+Shift+R"));
    s.resetShortcuts();
    QCOMPARE(s.shortcut("run", QKeySequence("Ctrl+Return")), QKeySequence("Ctrl+Return"));
  }
  void clampsAndValidates() {
    QTemporaryDir dir;
    StudioSettings s(dir.filePath("s.ini"));
    s.setScoreThreshold(1.7);
    QCOMPARE(s.scoreThreshold(), 1.0);
    s.setScoreThreshold(-2);
    QCOMPARE(s.scoreThreshold(), 0.0);
    s.setDevice("tpu");
    QCOMPARE(s.device(), QStringLiteral("cpu"));  // unknown devices fall back to the CPU
    s.setAutosaveSeconds(-5);
    QCOMPARE(s.autosaveSeconds(), 0);
  }
  void recentProjects() {
    QTemporaryDir dir;
    StudioSettings s(dir.filePath("s.ini"));
    for (int i = 0; i < 10; ++i) s.addRecentProject(QStringLiteral("/p/%1.glipproj").arg(i));
    s.addRecentProject("/p/5.glipproj");
    const QStringList r = s.recentProjects();
    QCOMPARE(r.size(), 8);
    QCOMPARE(r.first(), QStringLiteral("/p/5.glipproj"));
    QCOMPARE(r.count("/p/5.glipproj"), 1);
    QCOMPARE(r[1], QStringLiteral("/p/9.glipproj"));
  }
};

QTEST_GUILESS_MAIN(TestStudioSettings)
#include "test_studio_settings.moc"
