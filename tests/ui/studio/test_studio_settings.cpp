// StudioSettings: defaults, round trips through a real INI file, clamping, shortcuts and the recent list.
// Preview size: default off, 0 or 32..4096, the dialog's combo.
// SettingsDialog: OK on fresh settings (actions without a default shortcut), invalid entries and conflicts name
// their rows, shortcuts recorded by pressing keys. KeyboardShortcutsDialog lists the actions and their keys.
#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QKeySequenceEdit>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include "ui/studio/dialogs.h"
#include "ui/studio/main_window.h"
#include "ui/studio/model_locator.h"
#include "ui/studio/studio_settings.h"

using glip::studio::KeyboardShortcutsDialog;
using glip::studio::MainWindow;
using glip::studio::SettingsDialog;
using glip::studio::StudioSettings;

namespace {

// Clicks OK; returns the text of the warning the dialog shows (closed at once), "" when none appears.
QString clickOk(SettingsDialog& d) {
  QString shown;
  QTimer poll;
  poll.setInterval(10);
  QObject::connect(&poll, &QTimer::timeout, [&] {
    if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget())) {
      shown = box->text();
      box->done(QMessageBox::Ok);
    }
  });
  poll.start();
  auto* ok = d.findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
  QTest::mouseClick(ok, Qt::LeftButton);
  return shown;
}

int rowOf(const SettingsDialog& d, const QString& id) {
  for (int i = 0; i < d.shortcutTable()->rowCount(); ++i)
    if (d.shortcutTable()->item(i, 0)->data(Qt::UserRole).toString() == id) return i;
  return -1;
}

}  // namespace

class TestStudioSettings : public QObject {
  Q_OBJECT
 private slots:
  void defaults() {
    QTemporaryDir dir;
    StudioSettings s(dir.filePath("s.ini"));
    QCOMPARE(s.modelConfig(), QString());
    QCOMPARE(s.device(), QStringLiteral("cpu"));
    QCOMPARE(s.precision(), QStringLiteral("fp32"));
    QCOMPARE(s.scoreThreshold(), 0.5);
    QCOMPARE(s.promptMode(), StudioSettings::PromptMode::Caption);
    QCOMPARE(s.autosaveSeconds(), 2);
    QCOMPARE(s.batchReplacesBoxes(), false);
    QCOMPARE(s.previewSize(), 0);  // off: the model's size
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
      s.setPrecision("bf16");
      s.setPromptMode(StudioSettings::PromptMode::Categories);
      s.setCategoriesText("person\ncar");
      s.setCaptionText("a dog");
      s.setScoreThreshold(0.25);
      s.setBatchReplacesBoxes(true);
      s.setLanguage("zh_CN");
      s.setAutosaveSeconds(4);
      s.setPreviewSize(480);
      s.setShortcut("run", QKeySequence("Ctrl+Shift+R"));
      s.sync();
    }
    StudioSettings s(ini);
    QCOMPARE(s.modelConfig(), QStringLiteral("/m/a.yaml"));
    QCOMPARE(s.modelWeights(), QStringLiteral("/m/a.pth"));
    QCOMPARE(s.device(), QStringLiteral("cuda"));
    QCOMPARE(s.precision(), QStringLiteral("bf16"));
    QCOMPARE(s.promptMode(), StudioSettings::PromptMode::Categories);
    QCOMPARE(s.categoriesText(), QStringLiteral("person\ncar"));
    QCOMPARE(s.captionText(), QStringLiteral("a dog"));
    QCOMPARE(s.scoreThreshold(), 0.25);
    QCOMPARE(s.batchReplacesBoxes(), true);
    QCOMPARE(s.language(), QStringLiteral("zh_CN"));
    QCOMPARE(s.autosaveSeconds(), 4);
    QCOMPARE(s.previewSize(), 480);
    QCOMPARE(s.shortcut("run", QKeySequence("Ctrl+Return")), QKeySequence("Ctrl+Shift+R"));
    s.resetShortcuts();
    QCOMPARE(s.shortcut("run", QKeySequence("Ctrl+Return")), QKeySequence("Ctrl+Return"));
  }
  // Result caches keep precisions apart: fp32 has no suffix (keys of earlier versions stay valid), every reduced
  // precision its own.
  void modelKeysPerPrecision() {
    using glip::studio::modelKey;
    const QString base = modelKey("c.yaml", "w.pth", "cuda");
    QCOMPARE(modelKey("c.yaml", "w.pth", "cuda", "fp32"), base);
    for (const char* p : {"bf16", "fp16", "tf32"})
      QCOMPARE(modelKey("c.yaml", "w.pth", "cuda", p), base + QLatin1Char('|') + QLatin1String(p));
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
    s.setPrecision("fp8");
    QCOMPARE(s.precision(), QStringLiteral("fp32"));  // unknown precisions fall back to fp32
    s.setPrecision("fp16");
    QCOMPARE(s.precision(), QStringLiteral("fp16"));  // a CUDA precision: kept (loading on the CPU says why not)
    s.setAutosaveSeconds(-5);
    QCOMPARE(s.autosaveSeconds(), 0);
    s.setAutosaveSeconds(60);  // an interval a crash could cost: the studio autosaves at most 5 s after a change
    QCOMPARE(s.autosaveSeconds(), 5);
    // Preview size: 0 (off) or 32..4096.
    s.setPreviewSize(640);
    QCOMPARE(s.previewSize(), 640);
    s.setPreviewSize(8);
    QCOMPARE(s.previewSize(), 32);
    s.setPreviewSize(100000);
    QCOMPARE(s.previewSize(), 4096);
    s.setPreviewSize(-3);
    QCOMPARE(s.previewSize(), 0);
  }
  void previewSizeFromAHandEditedFile() {
    // What an edited INI says is validated when read, not only when written.
    QTemporaryDir dir;
    const QString ini = dir.filePath("s.ini");
    for (const auto& [text, expected] : {std::pair<QString, int>{"640", 640}, {"5", 32}, {"9999", 4096}, {"-1", 0},
                                         {"big", 0}, {"0", 0}}) {
      {
        QSettings raw(ini, QSettings::IniFormat);
        raw.setValue("run/preview_size", text);
      }
      QCOMPARE(StudioSettings(ini).previewSize(), expected);
    }
  }
  void settingsDialogPreviewSize() {
    QTemporaryDir dir;
    StudioSettings s(dir.filePath("s.ini"));
    SettingsDialog d(&s, {});
    auto* combo = d.findChild<QComboBox*>("previewSize");
    QVERIFY(combo);
    QCOMPARE(combo->count(), 3);
    QCOMPARE(combo->currentData().toInt(), 0);  // fresh settings: off
    QCOMPARE(combo->itemData(1).toInt(), 480);
    QCOMPARE(combo->itemData(2).toInt(), 640);
    QCOMPARE(combo->itemText(1), QStringLiteral("480 px"));
    QVERIFY(combo->toolTip().contains("Batches always run at the model's size"));
    combo->setCurrentIndex(2);
    QCOMPARE(clickOk(d), QString());
    QCOMPARE(d.result(), int(QDialog::Accepted));
    QCOMPARE(StudioSettings(dir.filePath("s.ini")).previewSize(), 640);
    // A value set elsewhere is shown as it is, and kept by OK.
    s.setPreviewSize(320);
    SettingsDialog e(&s, {});
    auto* other = e.findChild<QComboBox*>("previewSize");
    QCOMPARE(other->currentData().toInt(), 320);
    QCOMPARE(clickOk(e), QString());
    QCOMPARE(s.previewSize(), 320);
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

  void emptyShortcutListIsKept() {
    // An action rebound to nothing has no shortcut, not one empty sequence.
    QTemporaryDir dir;
    StudioSettings s(dir.filePath("s.ini"));
    s.setShortcuts("about", {});
    s.sync();
    StudioSettings t(dir.filePath("s.ini"));
    QCOMPARE(t.shortcuts("about", {QKeySequence("F1")}), QList<QKeySequence>());
    QCOMPARE(t.shortcut("about", QKeySequence("F1")), QKeySequence());
  }

  void freshSettingsDialogSaves() {
    // The studio's real actions on fresh settings: several have no default shortcut; OK must accept and save.
    QTemporaryDir dir;
    StudioSettings s(dir.filePath("s.ini"));
    s.setAutosaveSeconds(0);
    MainWindow w(&s);
    const QList<QAction*> actions = w.rebindableActions();
    QStringList withoutKeys;
    for (QAction* a : actions)
      if (a->shortcuts().isEmpty()) withoutKeys << a->objectName();
    QVERIFY2(withoutKeys.contains("import_coco"), qPrintable(withoutKeys.join(", ")));
    SettingsDialog d(&s, actions, &w);
    d.show();
    QVERIFY2(d.validate().isEmpty(), qPrintable(d.validate()));
    const QString warning = clickOk(d);
    QVERIFY2(warning.isEmpty(), qPrintable(warning));
    QCOMPARE(d.result(), int(QDialog::Accepted));
    StudioSettings back(dir.filePath("s.ini"));
    for (QAction* a : actions) {
      QList<QKeySequence> defaults = a->property("defaultShortcuts").value<QList<QKeySequence>>();
      defaults.removeAll(QKeySequence());  // a standard key the platform does not map (Quit without a theme)
      QVERIFY2(back.shortcuts(a->objectName(), {QKeySequence("Ctrl+F12")}) == defaults, qPrintable(a->objectName()));
      QCOMPARE(a->shortcuts(), defaults);
    }
  }

  void invalidEntryNamesItsRow() {
    QTemporaryDir dir;
    StudioSettings s(dir.filePath("s.ini"));
    QAction run("&Run now"), about("&About");
    run.setObjectName("run");
    run.setProperty("defaultShortcuts", QVariant::fromValue(QList<QKeySequence>{QKeySequence("Ctrl+Return")}));
    run.setShortcut(QKeySequence("Ctrl+Return"));
    about.setObjectName("about");
    about.setProperty("defaultShortcuts", QVariant::fromValue(QList<QKeySequence>{}));
    SettingsDialog d(&s, {&run, &about});
    d.show();
    d.shortcutTable()->item(1, 1)->setText("Ctrl+Bogus");
    QString error = d.validate();
    QVERIFY2(error.contains("“Ctrl+Bogus”") && error.contains("“About”"), qPrintable(error));
    QCOMPARE(clickOk(d), error);  // OK shows it and stays open
    QVERIFY(d.result() != QDialog::Accepted);
    QCOMPARE(s.shortcuts("about", {QKeySequence("F1")}), QList<QKeySequence>{QKeySequence("F1")});  // nothing saved
    // A conflict names both rows.
    d.shortcutTable()->item(1, 1)->setText("Ctrl+Return");
    error = d.validate();
    QVERIFY2(error.contains("“Run now”") && error.contains("“About”"), qPrintable(error));
    // Several shortcuts and extra spaces are fine; ";" and "+" keys are keys; empty is no shortcut.
    QList<QKeySequence> keys;
    QVERIFY(SettingsDialog::parseShortcuts(" Ctrl+Shift+Z;   Ctrl+Y ", &keys));
    QCOMPARE(keys, (QList<QKeySequence>{QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")}));
    QVERIFY(SettingsDialog::parseShortcuts("Ctrl+;", &keys));
    QCOMPARE(keys, QList<QKeySequence>{QKeySequence(Qt::CTRL | Qt::Key_Semicolon)});
    QVERIFY(SettingsDialog::parseShortcuts("Ctrl++; Ctrl+=", &keys));
    QCOMPARE(keys, (QList<QKeySequence>{QKeySequence(Qt::CTRL | Qt::Key_Plus), QKeySequence(Qt::CTRL | Qt::Key_Equal)}));
    QVERIFY(SettingsDialog::parseShortcuts("  ", &keys));
    QVERIFY(keys.isEmpty());
    d.shortcutTable()->item(1, 1)->setText(QString());
    QCOMPARE(clickOk(d), QString());
    QCOMPARE(d.result(), int(QDialog::Accepted));
    QVERIFY(about.shortcuts().isEmpty());
  }

  void recordShortcutByPressingKeys() {
    QTemporaryDir dir;
    StudioSettings s(dir.filePath("s.ini"));
    QAction run("&Run now"), about("&About");
    run.setObjectName("run");
    run.setProperty("defaultShortcuts", QVariant::fromValue(QList<QKeySequence>{QKeySequence("Ctrl+Return")}));
    about.setObjectName("about");
    about.setProperty("defaultShortcuts", QVariant::fromValue(QList<QKeySequence>{}));
    SettingsDialog d(&s, {&run, &about});
    d.show();
    QVERIFY(QTest::qWaitForWindowExposed(&d));
    const int row = rowOf(d, "about");
    QKeySequenceEdit* rec = d.recorder(row);
    QVERIFY(rec);
    rec->setFocus();
    QTest::keyClick(rec, Qt::Key_K, Qt::ControlModifier | Qt::ShiftModifier);
    QCOMPARE(d.shortcutTable()->item(row, 1)->text(), QStringLiteral("Ctrl+Shift+K"));
    QTRY_VERIFY(rec->keySequence().isEmpty());  // the recorder empties itself when the recording ends
    QCOMPARE(d.shortcutTable()->item(row, 1)->text(), QStringLiteral("Ctrl+Shift+K"));
    // Recording the key of another action is refused as a conflict naming both.
    QTest::keyClick(d.recorder(rowOf(d, "run")), Qt::Key_K, Qt::ControlModifier | Qt::ShiftModifier);
    QVERIFY(d.validate().contains("“About”"));
    QVERIFY(d.validate().contains("“Run now”"));
    QTRY_VERIFY(d.recorder(rowOf(d, "run"))->keySequence().isEmpty());  // a new recording, not a second chord
    QTest::keyClick(d.recorder(rowOf(d, "run")), Qt::Key_F5);
    QCOMPARE(clickOk(d), QString());
    QCOMPARE(d.result(), int(QDialog::Accepted));
    QCOMPARE(about.shortcuts(), QList<QKeySequence>{QKeySequence("Ctrl+Shift+K")});
    QCOMPARE(StudioSettings(dir.filePath("s.ini")).shortcuts("run", {}), QList<QKeySequence>{QKeySequence(Qt::Key_F5)});
  }

  void keyboardShortcutsDialogListsActions() {
    QAction redo("&Redo"), about("&About");
    redo.setObjectName("redo");
    redo.setShortcuts({QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")});
    about.setObjectName("about");
    KeyboardShortcutsDialog d({&redo, &about});
    QCOMPARE(d.table()->rowCount(), 2);
    QCOMPARE(d.table()->item(0, 0)->text(), QStringLiteral("Redo"));
    QCOMPARE(d.table()->item(0, 1)->text(),
             QKeySequence::listToString(redo.shortcuts(), QKeySequence::NativeText));
    QCOMPARE(d.table()->item(1, 1)->text(), d.tr("(none)"));
    QVERIFY(!(d.table()->item(0, 1)->flags() & Qt::ItemIsEditable) ||
            d.table()->editTriggers() == QAbstractItemView::NoEditTriggers);
    d.filterEdit()->setText("about");
    QVERIFY(d.table()->isRowHidden(0));
    QVERIFY(!d.table()->isRowHidden(1));
  }
};

QTEST_MAIN(TestStudioSettings)
#include "test_studio_settings.moc"
