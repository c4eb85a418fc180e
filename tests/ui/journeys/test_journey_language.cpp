// Journey 2: fresh settings → Settings → OK saves (no "not a valid shortcut" error) → language 中文（简体） → OK →
// restart (a new window, the translation installed as glip-studio installs it) → no English left in the main
// window, its menus and actions, and every dialog a person opens: Settings, Choose model, Batch, Relabel, About,
// How to get real weights, the file dialog (Qt's own strings: Qt's translations are installed) and the
// "Unsaved changes" question with its standard buttons.
#include <QComboBox>
#include <QDialogButtonBox>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>

#include "../english_walk.h"
#include "journey.h"
#include "ui/studio/translations.h"

using namespace journey;

class TestJourneyLanguage : public QObject {
  Q_OBJECT
  QTemporaryDir tmp;

  // Opens a modal dialog with `open`, walks it while it is shown, then closes it (Escape / reject).
  void walkModal(const std::function<void()>& open, QList<english_walk::Visible>& seen, const QString& name) {
    bool walked = false;
    whenModal<QDialog>(this, [&](QDialog* d) {
      english_walk::collect(d, seen);
      walked = true;
      d->reject();
    });
    open();
    QTRY_VERIFY2(walked, qPrintable(name));
    QApplication::processEvents();
  }

 private slots:
  void settingsSaveThenChineseEverywhere() {
    const QString ini = tmp.filePath("settings.ini");
    {
      Studio s(tmp.path(), /*loadModel=*/false);
      MainWindow* w = s.window.get();
      QVERIFY(QTest::qWaitForWindowActive(w));
      // Settings → OK on fresh settings: accepted and written, no error.
      bool accepted = false;
      QString error;
      whenModal<QDialog>(this, [&](QDialog* d) {
        QCOMPARE(d->objectName(), QStringLiteral("settingsDialog"));
        whenModal<QMessageBox>(this, [&](QMessageBox* m) {
          error = m->text();
          m->accept();
        }, 3000);
        QTest::mouseClick(d->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok), Qt::LeftButton);
        QTest::qWait(300);
        accepted = !d->isVisible() && d->result() == QDialog::Accepted;
        if (d->isVisible()) d->reject();
      });
      pressShortcut(w, w->action("settings")->shortcut());
      QTRY_VERIFY2(accepted || !error.isEmpty(), "the settings dialog answered");
      QVERIFY2(error.isEmpty(), qPrintable(error));
      QVERIFY(accepted);
      s.settings->sync();
      QVERIFY(QSettings(ini, QSettings::IniFormat).allKeys().size() > 3);

      // Settings → language 中文（简体） → OK.
      whenModal<QDialog>(this, [](QDialog* d) {
        auto* lang = d->findChild<QComboBox*>(QStringLiteral("language"));
        QVERIFY(lang);
        QTest::mouseClick(lang, Qt::LeftButton);
        lang->hidePopup();
        while (lang->currentData().toString() != QLatin1String("zh_CN") && lang->currentIndex() + 1 < lang->count())
          QTest::keyClick(lang, Qt::Key_Down);
        QCOMPARE(lang->currentData().toString(), QStringLiteral("zh_CN"));
        QTest::mouseClick(d->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok), Qt::LeftButton);
      });
      pressShortcut(w, w->action("settings")->shortcut());
      QTRY_COMPARE(s.settings->language(), QStringLiteral("zh_CN"));
      w->close();
    }

    // Restart: glip-studio installs the language of the settings before its window exists.
    {
      StudioSettings probe(ini);
      QCOMPARE(glip::studio::installTranslations(qApp, probe.language()), QStringLiteral("zh_CN"));
    }
    Studio s(tmp.path());
    MainWindow* w = s.window.get();
    QVERIFY(QTest::qWaitForWindowActive(w));
    QVERIFY(s.waitIdle());
    // Content that brings more strings: an image with model boxes, one drawn box.
    answerFileDialog(this, goldenImage("astronaut.png"));
    pressShortcut(w, w->action("open_images")->shortcut());
    QTRY_COMPARE_WITH_TIMEOUT(listRows(w).size(), 1, 20000);
    QVERIFY(s.waitIdle());
    QTest::mouseClick(w->canvas()->viewport(), Qt::LeftButton, {}, QPoint(2, 2));
    QTest::keyClick(w->canvas(), Qt::Key_R);
    canvasDrag(w->canvas(), QPointF(30, 30), QPointF(120, 100));
    QTest::keyClick(w->canvas(), Qt::Key_V);

    QList<english_walk::Visible> seen;
    english_walk::collect(w, seen);
    for (QAction* a : w->findChildren<QAction*>()) {
      seen.push_back({"action " + a->objectName(), a->text()});
      if (a->menu()) seen.push_back({"menu", a->menu()->title()});
    }
    walkModal([&] { pressShortcut(w, w->action("settings")->shortcut()); }, seen, "settings");
    walkModal([&] { pressShortcut(w, w->action("choose_model")->shortcut()); }, seen, "model");
    walkModal([&] { pressShortcut(w, w->action("relabel")->shortcut()); }, seen, "relabel");
    walkModal([&] { QVERIFY(menuTrigger(w, "about")); }, seen, "about");
    walkModal([&] { pressShortcut(w, w->action("shortcuts_help")->shortcut()); }, seen, "keyboard shortcuts");
    walkModal([&] { QVERIFY(menuTrigger(w, "model_help")); }, seen, "model help");
    walkModal([&] { pressShortcut(w, w->action("open_folder")->shortcut()); }, seen, "file dialog");
    QVERIFY(w->isWindowModified());  // an image was opened and a box drawn: Open project asks first
    walkModal([&] { QVERIFY(menuTrigger(w, "open_project")); }, seen, "unsaved changes");
    QVERIFY(menuTrigger(w, "batch"));
    english_walk::collect(w->findChild<QDialog*>(QStringLiteral("batchDialog")), seen);
    QVERIFY(seen.size() > 200);
    const QStringList bad = english_walk::failures(seen);
    QVERIFY2(bad.isEmpty(), qPrintable(bad.join("\n")));
    glip::studio::removeTranslations(qApp);
  }
};

QTEST_MAIN(TestJourneyLanguage)
#include "test_journey_language.moc"
