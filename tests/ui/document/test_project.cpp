// ui/document Project: project file save -> load round trip (and its schema), atomic writes (a failed write keeps
// the old file), autosave timing, recovery of an opened or untitled project, file format errors.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QUndoStack>
#include <QtTest>
#include <random>

#include <signal.h>
#include <sys/resource.h>

#include "tests/common/document_boxes.h"
#include "ui/document/project.h"

using namespace glip::studio;

namespace {

using glip::test::makeBox;
using glip::test::readAll;

// A project with images inside and outside the project folder, prompts, labels with spaces, every provenance and
// status, random float boxes.
void populate(Project& p, const QString& dir, const QString& outside) {
  p.setCategories({QStringLiteral("person"), QStringLiteral("traffic light"), QStringLiteral(" fire  hydrant")});
  PromptSpec cap;
  cap.caption = QStringLiteral("a man riding a bicycle");
  cap.labels = {{QStringLiteral("a man"), {{0, 5}}}, {QStringLiteral("a bicycle"), {{13, 22}}}};
  p.setCaptionPrompt(cap);
  p.setActivePrompt(PromptMode::Caption);
  p.setLabels({QStringLiteral("person"), QStringLiteral("traffic light"), QStringLiteral("猫 cat")});
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> u(0, 600);
  ImageDocument* a = p.addImage(dir + QStringLiteral("/imgs/a b.jpg"), QSize(640, 480));
  ImageDocument* b = p.addImage(outside + QStringLiteral("/other.png"), QSize(800, 600));
  p.addImage(dir + QStringLiteral("/c.jpg"));  // size unknown, no boxes
  PromptSpec det;
  det.caption = QStringLiteral("person. traffic light");
  det.detection = true;
  det.labels = {{QStringLiteral("person"), {{0, 6}}}, {QStringLiteral("traffic light"), {{8, 21}}}};
  BoxList preds;
  for (int i = 0; i < 6; ++i)
    preds.append(makeBox(i % 2 ? QStringLiteral("traffic light") : QStringLiteral("person"),
                         QRectF(u(rng), u(rng) * 0.7, u(rng) * 0.1 + 1, u(rng) * 0.1 + 1), Provenance::Model,
                         static_cast<float>(u(rng) / 600), i * 17));
  a->setPredictions(preds, det, ImageDocument::PredictionMerge::Replace);
  a->setRect(a->boxes()[1].id, QRectF(1.5, 2.25, 100.125, 50.3));
  a->relabel({a->boxes()[2].id}, QStringLiteral("猫 cat"));
  a->addBox(makeBox(QStringLiteral("person"), QRectF(u(rng), u(rng), 33.3, 44.4), Provenance::Manual));
  b->addBox(makeBox(QStringLiteral(" fire  hydrant"), QRectF(10, 20, 30, 40), Provenance::Manual));
  b->setStatus(ReviewStatus::Reviewed);
}

QJsonObject readJson(const QString& path) {
  QFile f(path);
  f.open(QIODevice::ReadOnly);
  return QJsonDocument::fromJson(f.readAll()).object();
}

}  // namespace

class TestProject : public QObject {
  Q_OBJECT
 private slots:
  void initTestCase();
  void save_load_round_trip();
  void file_schema();
  void failed_write_keeps_old_file();
  void format_errors();
  void autosave_within_interval();
  void recovery_of_saved_project();
  void recovery_of_untitled_project();
  void untitled_recovery_is_held_while_open();
  void modified_tracking();
};

void TestProject::initTestCase() {
  QStandardPaths::setTestModeEnabled(true);  // recovery files under ~/.qttest, not the user's folders
  QCoreApplication::setApplicationName(QStringLiteral("glip-studio-test"));
}

void TestProject::save_load_round_trip() {
  QTemporaryDir dir, outside;
  Project p;
  populate(p, dir.path(), outside.path());
  const QString file = dir.path() + QStringLiteral("/proj.glipstudio");
  QString error;
  QVERIFY2(p.saveAs(file, &error), qPrintable(error));
  QVERIFY(!p.isModified());
  QCOMPARE(p.filePath(), file);

  Project q;
  QVERIFY2(q.load(file, &error), qPrintable(error));
  QVERIFY(!q.isModified());
  QVERIFY(!q.hasRecovery());
  QVERIFY(q.state().sameContent(p.state()));
  QCOMPARE(q.image(0)->boxes().size(), 7);
  QCOMPARE(q.image(0)->boxes()[1].provenance, Provenance::Edited);
  QCOMPARE(q.image(0)->boxes()[1].rect.width(), double(100.125f));
  QCOMPARE(q.image(1)->status(), ReviewStatus::Reviewed);
  QVERIFY(!q.image(2)->imageSize().isValid());
  // Saving what was loaded gives the same bytes.
  const QString again = dir.path() + QStringLiteral("/again.glipstudio");
  QVERIFY(q.saveAs(again, &error));
  QCOMPARE(readAll(again), readAll(file));
}

void TestProject::file_schema() {
  QTemporaryDir dir, outside;
  Project p;
  populate(p, dir.path(), outside.path());
  const QString file = dir.path() + QStringLiteral("/proj.glipstudio");
  QVERIFY(p.saveAs(file));
  const QJsonObject root = readJson(file);
  QCOMPARE(root.value("format").toString(), QStringLiteral("glip-studio-project"));
  QCOMPARE(root.value("version").toInt(), 1);
  QCOMPARE(root.value("prompts").toObject().value("active").toString(), QStringLiteral("caption"));
  QCOMPARE(root.value("prompts").toObject().value("categories").toArray().at(2).toString(),
           QStringLiteral(" fire  hydrant"));
  const QJsonArray images = root.value("images").toArray();
  QCOMPARE(images.size(), 3);
  QCOMPARE(images[0].toObject().value("path").toString(), QStringLiteral("imgs/a b.jpg"));  // relative inside
  QCOMPARE(images[1].toObject().value("path").toString(), outside.path() + QStringLiteral("/other.png"));  // absolute
  QCOMPARE(images[0].toObject().value("status").toString(), QStringLiteral("edited"));
  QCOMPARE(images[0].toObject().value("prompt").toObject().value("detection").toBool(), true);
  const QJsonObject box1 = images[0].toObject().value("boxes").toArray().at(1).toObject();
  QCOMPARE(box1.value("provenance").toString(), QStringLiteral("edited"));
  QCOMPARE(box1.value("rect").toArray().at(2).toDouble(), 1.5 + 100.125);
  QCOMPARE(box1.value("candidate").toInt(), 17);
  QVERIFY(box1.contains("score"));
  const QJsonObject manual = images[1].toObject().value("boxes").toArray().at(0).toObject();
  QVERIFY(!manual.contains("score"));
  QVERIFY(!manual.contains("candidate"));
  QCOMPARE(images[0].toObject().value("predictions").toArray().size(), 6);
  QCOMPARE(images[2].toObject().value("width").toInt(), 0);

  // Moving the project folder keeps relative images working.
  const QString moved =
      QDir::cleanPath(dir.path() + QStringLiteral("/../moved-") + QString::number(QCoreApplication::applicationPid()));
  QVERIFY(QDir().rename(dir.path(), moved));
  Project q;
  QVERIFY(q.load(moved + QStringLiteral("/proj.glipstudio")));
  QCOMPARE(q.image(0)->imagePath(), QDir::cleanPath(moved + QStringLiteral("/imgs/a b.jpg")));
  QCOMPARE(q.image(1)->imagePath(), outside.path() + QStringLiteral("/other.png"));
  QDir(moved).removeRecursively();
}

void TestProject::failed_write_keeps_old_file() {
  QTemporaryDir dir, outside;
  Project p;
  populate(p, dir.path(), outside.path());
  const QString file = dir.path() + QStringLiteral("/proj.glipstudio");
  QVERIFY(p.saveAs(file));
  const QByteArray before = readAll(file);
  p.image(0)->addBox(makeBox(QStringLiteral("more"), QRectF(1, 1, 2, 2), Provenance::Manual));
  for (int i = 0; i < 200; ++i) p.addLabel(QStringLiteral("a long label to grow the file %1").arg(i));

  // Simulate a full disk: a file size limit below the new content makes the write fail (EFBIG; SIGXFSZ ignored).
  struct rlimit old;
  getrlimit(RLIMIT_FSIZE, &old);
  auto oldHandler = signal(SIGXFSZ, SIG_IGN);
  struct rlimit lim = old;
  lim.rlim_cur = static_cast<rlim_t>(before.size() + 100);
  QCOMPARE(setrlimit(RLIMIT_FSIZE, &lim), 0);
  QString error;
  const bool ok = p.save(&error);
  setrlimit(RLIMIT_FSIZE, &old);
  signal(SIGXFSZ, oldHandler);

  QVERIFY(!ok);
  QVERIFY2(error.contains(file), qPrintable(error));
  QVERIFY(p.isModified());
  QCOMPARE(readAll(file), before);  // the old project is intact
  const QStringList left = QDir(dir.path()).entryList(QDir::Files);
  QCOMPARE(left, QStringList{QStringLiteral("proj.glipstudio")});  // no temporary file left behind
  // Saving into a folder that does not exist fails cleanly too.
  QVERIFY(!p.saveAs(dir.path() + QStringLiteral("/no/such/dir/p.glipstudio"), &error));
  QCOMPARE(p.filePath(), file);
  QVERIFY(p.save(&error));  // and it works again without the limit
  QVERIFY(readAll(file).size() > before.size());
}

void TestProject::format_errors() {
  QTemporaryDir dir;
  auto write = [&](const QByteArray& text) {
    const QString f = dir.path() + QStringLiteral("/bad.glipstudio");
    QFile out(f);
    out.open(QIODevice::WriteOnly | QIODevice::Truncate);
    out.write(text);
    return f;
  };
  struct Case {
    QByteArray text;
    QString message;
  } cases[] = {
      {"{", "invalid JSON"},
      {R"({"version": 1})", "not a GLIP Studio project"},
      {R"({"format": "glip-studio-project"})", "missing or invalid \"version\""},
      {R"({"format": "glip-studio-project", "version": 7})", "newer GLIP Studio (file format version 7"},
      {R"({"format": "glip-studio-project", "version": 1, "images": [{"width": 3}]})", "images[0]: needs a non-empty 'path'"},
      {R"({"format": "glip-studio-project", "version": 1, "images": [{"path": "a", "status": "done"}]})",
       "images[0]: unknown 'status'"},
      {R"({"format": "glip-studio-project", "version": 1, "images": [{"path": "a", "boxes": [{"rect": [1, 2]}]}]})",
       "images[0].boxes[0]: 'rect' must be [x1, y1, x2, y2]"},
      {R"({"format": "glip-studio-project", "version": 1,
           "images": [{"path": "a", "boxes": [{"rect": [1, 2, 3, 4], "label": "x", "provenance": "robot"}]}]})",
       "images[0].boxes[0]: 'provenance' must be"},
  };
  for (const Case& c : cases) {
    Project p;
    p.addImage(QStringLiteral("/keep/me.jpg"));
    QString error;
    QVERIFY(!p.load(write(c.text), &error));
    QVERIFY2(error.contains(c.message), qPrintable(c.text + " -> " + error));
    QCOMPARE(p.imageCount(), 1);  // nothing changed
  }
  QString error;
  Project p;
  QVERIFY(!p.load(dir.path() + QStringLiteral("/missing.glipstudio"), &error));
  QVERIFY(error.contains("cannot open"));
  QVERIFY(!p.save(&error));  // untitled
}

void TestProject::autosave_within_interval() {
  QTemporaryDir dir;
  Project p;
  p.addImage(dir.path() + QStringLiteral("/a.jpg"), QSize(10, 10));
  const QString file = dir.path() + QStringLiteral("/p.glipstudio");
  QVERIFY(p.saveAs(file));
  QCOMPARE(p.autosavePath(), file + QStringLiteral(".autosave"));
  QCOMPARE(p.autosaveInterval(), 2000);
  p.setAutosaveInterval(60000);
  QCOMPARE(p.autosaveInterval(), Project::kMaxAutosaveIntervalMs);  // never more than 5 s
  p.setAutosaveInterval(300);
  QSignalSpy spy(&p, &Project::autosaved);
  QElapsedTimer t;
  t.start();
  p.image(0)->addBox(makeBox(QStringLiteral("x"), QRectF(1, 1, 2, 2), Provenance::Manual));
  // Continuous edits do not postpone the autosave.
  QTimer nudger;
  QObject::connect(&nudger, &QTimer::timeout, [&] { p.image(0)->moveBy(p.image(0)->boxes()[0].id, QPointF(0.5, 0)); });
  nudger.start(50);
  QVERIFY(spy.wait(5000));
  const qint64 elapsed = t.elapsed();
  nudger.stop();
  qInfo("autosave written %lld ms after the first edit (interval 300 ms)", static_cast<long long>(elapsed));
  QVERIFY(elapsed >= 250 && elapsed < 1500);
  QVERIFY(QFile::exists(p.autosavePath()));
  QVERIFY(QFile::exists(file));
  // Saving removes the autosave; an unmodified project does not autosave.
  QVERIFY(p.save());
  QVERIFY(!QFile::exists(p.autosavePath()));
  QVERIFY(p.autosaveNow());
  QVERIFY(!QFile::exists(p.autosavePath()));
  // Interval 0 (Settings: Off): edits are not autosaved; autosaveNow() still writes on request.
  p.setAutosaveInterval(0);
  QCOMPARE(p.autosaveInterval(), 0);
  QSignalSpy off(&p, &Project::autosaved);
  p.image(0)->addBox(makeBox(QStringLiteral("y"), QRectF(3, 3, 2, 2), Provenance::Manual));
  QTest::qWait(600);
  QCOMPARE(off.size(), 0);
  QVERIFY(!QFile::exists(p.autosavePath()));
  QVERIFY(p.autosaveNow());
  QVERIFY(QFile::exists(p.autosavePath()));
  QCOMPARE(off.size(), 1);
}

void TestProject::recovery_of_saved_project() {
  QTemporaryDir dir;
  const QString file = dir.path() + QStringLiteral("/p.glipstudio");
  ProjectState saved, edited;
  {
    Project p;
    ImageDocument* d = p.addImage(dir.path() + QStringLiteral("/a.jpg"), QSize(100, 100));
    d->addBox(makeBox(QStringLiteral("first"), QRectF(1, 1, 2, 2), Provenance::Manual));
    QVERIFY(p.saveAs(file));
    saved = p.state();
    d->addBox(makeBox(QStringLiteral("second box"), QRectF(3.3, 4.4, 5.5, 6.6), Provenance::Manual));
    d->setStatus(ReviewStatus::Reviewed);
    p.setLabels({QStringLiteral("second box")});
    QVERIFY(p.autosaveNow());
    edited = p.state();
  }  // closed without saving (as after a crash)
  Project q;
  QVERIFY(q.load(file));
  QVERIFY(q.state().sameContent(saved));
  QVERIFY(q.hasRecovery());
  QString error;
  QVERIFY2(q.recover(&error), qPrintable(error));
  QVERIFY(q.state().sameContent(edited));
  QVERIFY(q.isModified());
  QCOMPARE(q.filePath(), file);
  QVERIFY(q.save());
  QVERIFY(!q.hasRecovery());
  // discardRecovery
  q.image(0)->clear();
  QVERIFY(q.autosaveNow());
  Project r;
  QVERIFY(r.load(file));
  QVERIFY(r.hasRecovery());
  r.discardRecovery();
  QVERIFY(!r.hasRecovery());
  QVERIFY(!r.recover(&error));
}

void TestProject::recovery_of_untitled_project() {
  for (const QString& f : Project::untitledRecoveryFiles()) QFile::remove(f);
  QTemporaryDir dir;
  ProjectState edited;
  QString recoveryFile;
  {
    Project p;
    QVERIFY(p.isUntitled());
    QVERIFY(p.autosavePath().startsWith(Project::recoveryDirectory()));
    p.addImage(dir.path() + QStringLiteral("/x.jpg"), QSize(5, 5))
        ->addBox(makeBox(QStringLiteral("x"), QRectF(1, 1, 2, 2), Provenance::Manual));
    QVERIFY(p.autosaveNow());
    QVERIFY(p.hasRecovery());
    edited = p.state();
    recoveryFile = p.autosavePath();
  }
  QCOMPARE(Project::untitledRecoveryFiles(), QStringList{recoveryFile});
  Project q;
  QVERIFY(q.openRecovery(recoveryFile));
  QVERIFY(q.isUntitled());
  QVERIFY(q.isModified());
  QVERIFY(q.state().sameContent(edited));
  QCOMPARE(q.autosavePath(), recoveryFile);  // keeps autosaving into the same file
  // Saving under a name removes the untitled recovery file.
  QVERIFY(q.saveAs(dir.path() + QStringLiteral("/named.glipstudio")));
  QVERIFY(!QFile::exists(recoveryFile));
  QVERIFY(Project::untitledRecoveryFiles().isEmpty());
}

void TestProject::untitled_recovery_is_held_while_open() {
  for (const QString& f : Project::untitledRecoveryFiles()) QFile::remove(f);
  QTemporaryDir dir;
  const QString lockSuffix = QStringLiteral(".lock");
  QString file;
  {
    Project p;
    p.addImage(dir.path() + QStringLiteral("/a.jpg"), QSize(4, 4));
    QVERIFY(p.autosaveNow());
    file = p.autosavePath();
    QVERIFY(QFile::exists(file));
    QVERIFY(QFile::exists(file + lockSuffix));
    // Held by a live project (this process): not offered, not deletable, not opened by another project.
    QVERIFY(!Project::untitledRecoveryFiles().contains(file));
    QVERIFY(!Project::discardRecoveryFile(file));
    QVERIFY(QFile::exists(file));
    Project other;
    QString error;
    QVERIFY(!other.openRecovery(file, &error));
    QVERIFY2(error.contains(QStringLiteral("in use")), qPrintable(error));
    QCOMPARE(other.imageCount(), 0);
    QVERIFY(!p.openRecovery(file, &error));  // nor by itself
    QCOMPARE(p.imageCount(), 1);
    // Discarding removes the file and its lock; the next change autosaves (and locks) again.
    p.discardRecovery();
    QVERIFY(!QFile::exists(file));
    QVERIFY(!QFile::exists(file + lockSuffix));
    p.addImage(dir.path() + QStringLiteral("/b.jpg"), QSize(4, 4));
    QVERIFY(p.autosaveNow());
    QVERIFY(QFile::exists(file + lockSuffix));
    // reset() (File ▸ New project) removes both; the new untitled project has a new file.
    p.reset();
    QVERIFY(!QFile::exists(file));
    QVERIFY(!QFile::exists(file + lockSuffix));
    QVERIFY(p.autosavePath() != file);
    p.addImage(dir.path() + QStringLiteral("/c.jpg"), QSize(4, 4));
    QVERIFY(p.autosaveNow());
    file = p.autosavePath();
  }
  // The project ended without a decision (no save, no discard): the file stays, unlocked, and is offered.
  QVERIFY(QFile::exists(file));
  QVERIFY(!QFile::exists(file + lockSuffix));
  QCOMPARE(Project::untitledRecoveryFiles(), QStringList{file});
  QVERIFY(QFile::exists(file));  // listing it does not lock or delete it
  QVERIFY(!QFile::exists(file + lockSuffix));
  // A lock left by a process that no longer runs (a crash) is stale: the file is offered all the same.
  {
    QFile lock(file + lockSuffix);
    QVERIFY(lock.open(QIODevice::WriteOnly));
    lock.write("2147483646\nglip-studio\n" + QSysInfo::machineHostName().toUtf8() + "\n");
  }
  QCOMPARE(Project::untitledRecoveryFiles(), QStringList{file});
  QVERIFY(Project::discardRecoveryFile(file));
  QVERIFY(!QFile::exists(file));
  QVERIFY(!QFile::exists(file + lockSuffix));
  QVERIFY(Project::untitledRecoveryFiles().isEmpty());
  QString error;
  Project q;
  QVERIFY(!q.openRecovery(dir.path() + QStringLiteral("/notes.txt"), &error));  // not a recovery file's name
  QVERIFY2(error.contains(QStringLiteral("not a recovery file")), qPrintable(error));
}

void TestProject::modified_tracking() {
  QTemporaryDir dir;
  Project p;
  QSignalSpy mod(&p, &Project::modifiedChanged);
  QVERIFY(!p.isModified());
  ImageDocument* d = p.addImage(dir.path() + QStringLiteral("/a.jpg"), QSize(10, 10));
  QVERIFY(p.isModified());
  QCOMPARE(mod.count(), 1);
  QVERIFY(p.saveAs(dir.path() + QStringLiteral("/p.glipstudio")));
  QVERIFY(!p.isModified());
  QVERIFY(d->undoStack()->isClean());
  d->addBox(makeBox(QStringLiteral("x"), QRectF(1, 1, 2, 2), Provenance::Manual));
  QVERIFY(p.isModified());
  QVERIFY(p.save());
  d->undoStack()->undo();  // undo is a change too
  QVERIFY(p.isModified());
  QCOMPARE(mod.count(), 5);  // modified, saved, modified, saved, modified
  p.removeImage(0);
  QCOMPARE(p.imageCount(), 0);
}

QTEST_GUILESS_MAIN(TestProject)
#include "test_project.moc"
