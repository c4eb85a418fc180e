// zh_CN: the translation file is complete (no unfinished or empty entry, every numerus form filled), it loads,
// and with it installed no English source text remains anywhere in the main window and the dialogs: every
// widget's visible text, title, placeholder, tooltip, header, list/combo item and every action and menu.
// Allowed Latin words: proper nouns (GLIP, COCO, CUDA, ...), key names, file names/paths, and the English example
// labels that GLIP itself reads (the model's vocabulary is English).
#include <QAbstractButton>
#include <QAction>
#include <QComboBox>
#include <QDialog>
#include <QDockWidget>
#include <QFile>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QRegularExpression>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTextDocument>
#include <QToolBar>
#include <QTreeWidget>
#include <QUndoStack>
#include <QUndoView>
#include <QXmlStreamReader>
#include <QtTest>

#include "../english_walk.h"
#include "tests/common/paths.h"
#include "ui/document/project.h"
#include "ui/studio/box_item.h"
#include "ui/studio/canvas_view.h"
#include "ui/studio/main_window.h"
#include "ui/studio/studio_settings.h"
#include "ui/studio/translations.h"

using namespace glip::studio;

namespace {
const QString kTs = QString::fromStdString(glip::test::source_path("translations/glip_studio_zh_CN.ts"));
}  // namespace

using english_walk::collect;
using english_walk::englishWords;
using english_walk::Visible;

class TestStudioTranslation : public QObject {
  Q_OBJECT
 private slots:
  void tsFileIsComplete() {
    QFile f(kTs);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QXmlStreamReader xml(&f);
    struct Msg {
      QString source, translation, type;
      bool numerus = false;
      QStringList forms;
    };
    QList<Msg> msgs;
    QString language;
    Msg cur;
    while (!xml.atEnd()) {
      xml.readNext();
      if (!xml.isStartElement()) continue;
      const auto n = xml.name();
      if (n == QLatin1String("TS")) language = xml.attributes().value("language").toString();
      else if (n == QLatin1String("message")) cur = Msg{{}, {}, {}, xml.attributes().value("numerus") == QLatin1String("yes"), {}};
      else if (n == QLatin1String("source")) cur.source = xml.readElementText();
      else if (n == QLatin1String("translation")) {
        cur.type = xml.attributes().value("type").toString();
        if (cur.numerus) {
          while (xml.readNextStartElement()) cur.forms << xml.readElementText();
          cur.translation = cur.forms.value(0);
        } else {
          cur.translation = xml.readElementText();
        }
        msgs << cur;
      }
    }
    QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
    QCOMPARE(language, QStringLiteral("zh_CN"));
    QVERIFY(msgs.size() > 150);
    for (const Msg& m : msgs) {
      QVERIFY2(m.type.isEmpty(), qPrintable("unfinished/obsolete: " + m.source));
      if (m.numerus) QCOMPARE(m.forms.size(), 1);  // Chinese has one plural form
      QVERIFY2(!m.translation.trimmed().isEmpty(), qPrintable("empty translation: " + m.source));
      static const QRegularExpression ph(QStringLiteral("%(\\d|n)"));
      QStringList a, b;
      for (auto it = ph.globalMatch(m.source); it.hasNext();) a << it.next().captured(0);
      for (auto it = ph.globalMatch(m.translation); it.hasNext();) b << it.next().captured(0);
      a.sort();
      b.sort();
      QVERIFY2(a == b, qPrintable("placeholders differ: " + m.source));
    }
  }

  void chosenBySettingOrLocale() {
    QCOMPARE(installTranslations(qApp, QStringLiteral("zh_CN")), QStringLiteral("zh_CN"));
    QVERIFY(availableLanguages().contains(QStringLiteral("zh_CN")));
    QCOMPARE(QCoreApplication::translate("glip::studio::MainWindow", "Threshold:"), QString::fromUtf8("阈值："));
    QCOMPARE(installTranslations(qApp, QStringLiteral("en")), QString());
    QCOMPARE(QCoreApplication::translate("glip::studio::MainWindow", "Threshold:"), QStringLiteral("Threshold:"));
    QLocale::setDefault(QLocale(QLocale::Chinese, QLocale::China));
    // "" = the system locale (QLocale::system() is the process environment, not setDefault): only check it runs.
    installTranslations(qApp, QString());
    removeTranslations(qApp);
  }

  void noEnglishLeftInTheWindowAndDialogs() {
    QCOMPARE(installTranslations(qApp, QStringLiteral("zh_CN")), QStringLiteral("zh_CN"));
    QTemporaryDir tmp;
    StudioSettings settings(tmp.filePath("s.ini"));
    MainWindow w(&settings);
    w.action("auto_run")->setChecked(false);
    w.resize(1200, 800);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    // Content that produces more strings: an image, a box and its undo entry, a prediction.
    w.openPaths({QString::fromStdString(glip::test::tiny_path("astronaut.png"))});
    ImageDocument* doc = w.currentDocument();
    QVERIFY(doc);
    Box b;
    b.rect = QRectF(10, 10, 50, 50);
    b.label = QString::fromUtf8("旗帜");
    doc->addBox(b);
    Box m = b;
    m.provenance = Provenance::Model;
    m.score = 0.5f;
    doc->setPredictions({m}, PromptSpec(), ImageDocument::PredictionMerge::Keep);
    doc->setStatus(ReviewStatus::Reviewed);
    QApplication::processEvents();

    QList<Visible> seen;
    collect(&w, seen);
    for (QDialog* d : w.createDialogs()) collect(d, seen);
    for (QAction* a : w.findChildren<QAction*>()) {
      seen.push_back({"action " + a->objectName(), a->text()});
      if (a->menu()) seen.push_back({"menu", a->menu()->title()});
    }
    // The box caption on the canvas (label · score · provenance).
    for (const CanvasBox& cb : w.canvas()->boxes()) seen.push_back({"box", w.canvas()->boxItem(cb.id)->captionText()});
    seen.push_back({"image list", w.findChild<QWidget*>("imageList") ? doc->imagePath() : QString()});
    QVERIFY(seen.size() > 150);
    const QStringList failures = english_walk::failures(seen);
    QVERIFY2(failures.isEmpty(), qPrintable(failures.join("\n")));
    // Spot checks.
    QCOMPARE(w.action("undo")->text().left(2), QString::fromUtf8("撤销"));
    QVERIFY(w.action("undo")->text().contains(QString::fromUtf8("已审核")));  // "撤销 标记为已审核"
    removeTranslations(qApp);
  }

  void walkFindsEnglishWithoutTheTranslator() {
    // The same walk without a translator must see the English sources (so the check above can fail).
    removeTranslations(qApp);
    QTemporaryDir tmp;
    StudioSettings settings(tmp.filePath("s.ini"));
    MainWindow w(&settings);
    QList<Visible> seen;
    collect(&w, seen);
    for (QDialog* d : w.createDialogs()) collect(d, seen);
    int english = 0;
    for (const Visible& v : seen) english += !englishWords(v.text).isEmpty();
    QVERIFY2(english > 100, qPrintable(QString::number(english)));
  }

  void englishWordsDetectsUntranslatedText() {
    // The checker itself: it must flag English and accept the allowed words.
    QCOMPARE(englishWords(QStringLiteral("Open folder")), QStringList({"Open", "folder"}));
    QCOMPARE(englishWords(QString::fromUtf8("打开 GLIP 配置 models/README.md (*.yaml) Ctrl+Z")), QStringList());
    QCOMPARE(englishWords(QStringLiteral("<b>Demo</b> model")), QStringList({"Demo", "model"}));
  }
};

QTEST_MAIN(TestStudioTranslation)
#include "test_studio_translation.moc"
