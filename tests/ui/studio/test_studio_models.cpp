// Released models in the studio, against a real HTTP server on 127.0.0.1 (tests/common/http_server.h) serving the
// tiny-a checkpoint through a catalogue written here (GLIP_MODELS_DIR points the studio at it):
// - Model ▸ Released models lists the catalogue with each state ("— Download…", "— resume download (…)…",
//   "— installed") and the models folder; the shipped catalogue shows GLIP-T (C) with its AP and size;
// - the download dialog: Cancel stops a running download and keeps the .part (the menu then offers to resume);
//   the next download resumes it (a Range request), verifies, writes the slim copy, and the window loads the model
//   and detects with it; the choice is remembered;
// - the first-run dialog's two answers; the system proxy as Qt reports it (http_proxy here).
#include <QAction>
#include <QApplication>
#include <QLabel>
#include <QPushButton>
#include <QStatusBar>
#include <QtTest>

#include <filesystem>

#include "core/engine/models.h"
#include "tests/common/files.h"
#include "tests/common/http_server.h"
#include "tests/common/paths.h"
#include "tests/common/studio_window.h"
#include "ui/studio/model_download.h"

using namespace glip::studio;
using glip::test::LoopbackHttpServer;
namespace fs = std::filesystem;

namespace {
QStringList menuTexts(ReleasedModelsMenu* m) {
  m->refresh();
  QStringList out;
  for (QAction* a : m->actions())
    if (!a->isSeparator()) out << a->text();
  return out;
}
bool waitFor(const std::function<bool()>& done, int ms) {
  QElapsedTimer t;
  t.start();
  while (!done() && t.elapsed() < ms) QTest::qWait(20);
  return done();
}
}  // namespace

class TestStudioModels : public glip::test::StudioWindowTest {
  Q_OBJECT
  LoopbackHttpServer server_;
  std::string tiny_;
  QString modelsDir_;

 private slots:
  void initTestCase() {
    QVERIFY(tmp.isValid());
    glip::test::unset_proxy_environment();
    tiny_ = glip::test::read_file(glip::test::tiny_path("model_final.pth"));
    const fs::path d = tmp.filePath("catalog").toStdString();
    glip::test::write_tiny_catalog(
        d.string(), {{"tiny", "Tiny GLIP", server_.url("tiny.pth"), static_cast<int64_t>(tiny_.size()), 286, 1.5, true}});
    LoopbackHttpServer::Behaviour slow;
    slow.pause_at = 1000000;  // the first response stalls after 1 MB: time to press Cancel
    slow.pause_ms = 3000;
    slow.drops = 1;
    slow.drop_at = 2000000;
    server_.serve("/tiny.pth", tiny_, slow);
    qputenv("GLIP_MODELS_DIR", d.string().c_str());
    QVERIFY(openWindow(QSize(1200, 800)));
    modelsDir_ = tmp.filePath("models");
    settings->setModelsDir(modelsDir_);
  }

  void cleanupTestCase() { qunsetenv("GLIP_MODELS_DIR"); }

  void menuListsTheCatalogue() {
    const QStringList texts = menuTexts(w->releasedModelsMenu());
    QCOMPARE(texts.size(), 2);
    QCOMPARE(texts[0], QStringLiteral("Tiny GLIP — 1.5 COCO zero-shot AP — 11.4 MB — Download…"));
    QCOMPARE(texts[1], QStringLiteral("Models folder: %1").arg(QDir::toNativeSeparators(modelsDir_)));
  }

  void cancelKeepsThePart() {
    QPointer<DownloadDialog> dlg = w->downloadModel(QStringLiteral("tiny"));
    QVERIFY(dlg && dlg->isVisible() && dlg->isRunning());
    QCOMPARE(w->downloadModel(QStringLiteral("tiny")), dlg.data());  // one download at a time
    auto* status = dlg->findChild<QLabel*>(QStringLiteral("download_status"));
    QVERIFY(waitFor([&] { return status->text().contains(QStringLiteral(" of 11.4 MB")); }, 10000));
    dlg->reject();  // Cancel
    QVERIFY(waitFor([&] { return dlg.isNull(); }, 10000));
    QVERIFY2(w->statusBar()->currentMessage().contains(QStringLiteral("Cancelled")),
             qPrintable(w->statusBar()->currentMessage()));
    const glip::ModelStatus s = glip::model_status(
        glip::load_catalog(qgetenv("GLIP_MODELS_DIR").toStdString() + "/catalog.yaml").at("tiny"),
        modelsDir_.toStdString());
    QCOMPARE(s.state, glip::InstallState::Partial);
    QVERIFY(s.bytes >= 1000000 && s.bytes < static_cast<int64_t>(tiny_.size()));
    QVERIFY2(menuTexts(w->releasedModelsMenu())[0].endsWith(QStringLiteral("— resume download (1.0 MB so far)…")),
             qPrintable(menuTexts(w->releasedModelsMenu())[0]));
  }

  void downloadResumesInstallsAndLoads() {
    server_.serve("/tiny.pth", tiny_);
    QAction* item = w->releasedModelsMenu()->findChild<QAction*>(QStringLiteral("released_model_tiny"));
    QVERIFY(item);
    item->trigger();  // the menu's path
    QVERIFY(waitFor([&] { return w->modelReady() && w->modelKey().contains(QStringLiteral("tiny.slim.pth")); }, 60000));
    QCOMPARE(server_.requests().back().range, std::string("bytes=1000000-"));
    QVERIFY(glip::test::read_file(modelsDir_.toStdString() + "/tiny.pth") == tiny_);
    QVERIFY(QFileInfo::exists(modelsDir_ + "/tiny.slim.pth"));
    QCOMPARE(settings->modelWeights(), modelsDir_ + "/tiny.slim.pth");
    QVERIFY(menuTexts(w->releasedModelsMenu())[0].endsWith(QStringLiteral("— installed")));
    QVERIFY2(!w->isDemoModel(), qPrintable(w->modelError()));
    // It detects.
    w->openPaths({QString::fromStdString(glip::test::tiny_path("coffee.png"))});
    PromptInput in;
    in.mode = PromptInput::Mode::Categories;
    in.categories = QStringList{QStringLiteral("cup"), QStringLiteral("spoon")};
    w->promptPanel()->setSpec(in);
    w->setThreshold(0.0);
    w->runCurrent();
    QVERIFY(w->waitForIdle(60000));
    QVERIFY(w->shownResult() && !w->shownResult()->detections.empty());
  }

  void shippedCatalogue() {
    qunsetenv("GLIP_MODELS_DIR");
    const QStringList texts = menuTexts(w->releasedModelsMenu());
    QCOMPARE(texts.size(), 6);
    QCOMPARE(texts[0], QStringLiteral("GLIP-T (C) — 46.7 COCO zero-shot AP — 3.7 GB — Download…"));
    QCOMPARE(texts[4], QStringLiteral("GLIP-L — 49.8 COCO zero-shot AP — 6.9 GB — Download…"));
  }

  void firstRunDialog_data() {
    QTest::addColumn<QString>("button");
    QTest::addColumn<int>("choice");
    QTest::addColumn<int>("result");
    QTest::newRow("demo") << "first_run_demo" << int(FirstRunDialog::Choice::Demo) << int(QDialog::Rejected);
    QTest::newRow("download") << "first_run_download" << int(FirstRunDialog::Choice::Download) << int(QDialog::Accepted);
  }
  void firstRunDialog() {
    QFETCH(QString, button);
    QFETCH(int, choice);
    QFETCH(int, result);
    FirstRunDialog d(QStringLiteral("GLIP-T (C) (3.7 GB)"));
    d.show();
    QVERIFY(QTest::qWaitForWindowExposed(&d));
    auto* b = d.findChild<QPushButton*>(button);
    QVERIFY(b);
    QVERIFY(d.findChild<QPushButton*>(QStringLiteral("first_run_download"))->text().contains("GLIP-T (C) (3.7 GB)"));
    QTest::mouseClick(b, Qt::LeftButton);
    QCOMPARE(int(d.choice()), choice);
    QCOMPARE(d.result(), result);
  }

  // When the first-run question is asked: fresh settings and nothing installed; never again once answered, nor
  // with a remembered model, an installed catalogue model or no catalogue.
  void firstRunQuestionDue() {
    QTemporaryDir d;
    StudioSettings s(d.filePath(QStringLiteral("s.ini")));
    s.setModelsDir(d.filePath(QStringLiteral("models")));
    qputenv("GLIP_MODELS_DIR", QByteArray::fromStdString(fs::path(tmp.filePath("catalog").toStdString()).string()));
    const std::optional<glip::Catalog> cat = loadStudioCatalog();
    QVERIFY(cat);
    glip::CatalogModel rec;
    QVERIFY(glip::studio::firstRunQuestionDue(s, cat, &rec));
    QCOMPARE(rec.name, std::string("tiny"));
    QVERIFY(!glip::studio::firstRunQuestionDue(s, std::nullopt));
    s.setModelConfig(QStringLiteral("/x/glip.yaml"));
    QVERIFY(!glip::studio::firstRunQuestionDue(s, cat));
    s.setModelConfig(QString());
    s.setModelsDir(modelsDir_);  // tiny is installed there (downloadResumesInstallsAndLoads)
    QVERIFY(!glip::studio::firstRunQuestionDue(s, cat));
    s.setModelsDir(d.filePath(QStringLiteral("models")));
    s.setFirstRunDone(true);
    QVERIFY(!glip::studio::firstRunQuestionDue(s, cat));
    qunsetenv("GLIP_MODELS_DIR");
  }

  void systemProxy() {
    qputenv("http_proxy", "http://127.0.0.1:3128");
    QCOMPARE(DownloadDialog::systemProxyFor(QStringLiteral("http://example.org/x.pth")),
             QStringLiteral("http://127.0.0.1:3128"));
    qunsetenv("http_proxy");
    qunsetenv("https_proxy");
    QCOMPARE(DownloadDialog::systemProxyFor(QStringLiteral("http://example.org/x.pth")), QString());
  }
};

QTEST_MAIN(TestStudioModels)
#include "test_studio_models.moc"
