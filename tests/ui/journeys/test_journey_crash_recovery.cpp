// Journey: a studio dies while a person labels an untitled project (images opened, never saved); the next studio
// gives the work back. A child process (autosave_child --untitled, the studio's Project with its recovery folder)
// stands in for the dying studio: it keeps adding boxes and is killed with SIGKILL. Then, through the window:
//  - while it still runs, File ▸ Recover unsaved work says there is nothing to recover: a running studio's work is
//    never offered (or deleted) by another;
//  - after the kill, a fresh studio asks as glip-studio does at start: "Later" keeps the file, File ▸ Recover
//    unsaved work asks again, "Recover" opens it: the image list shows the image as edited, the box list its boxes
//    (a prefix of the child's edits), Export COCO writes them;
//  - closing the window and answering "Discard" to its unsaved changes leaves the recovery folder empty;
//  - leftovers, newest first, are deleted by "Discard" without being opened; one that cannot be read is offered
//    for deletion only.
#include <QDateTime>
#include <QMessageBox>
#include <QProcess>
#include <QTreeWidget>

#include "journey.h"
#include "ui/document/project.h"

using namespace journey;
using glip::studio::Project;

namespace {
QStringList recoveryEntries() {  // every file, locks included
  return QDir(Project::recoveryDirectory()).entryList(QDir::Files | QDir::Hidden, QDir::Name);
}
int autosaveFiles() {
  return int(QDir(Project::recoveryDirectory()).entryList({QStringLiteral("*.autosave")}, QDir::Files).size());
}

// Starts the stand-in studio on `image` and returns once it has autosaved at least twice.
bool startDyingStudio(QProcess* child, const QString& image, const QSize& size, QByteArray* out) {
  child->setProcessChannelMode(QProcess::ForwardedErrorChannel);
  child->start(QStringLiteral(AUTOSAVE_CHILD), {QStringLiteral("--untitled"), image, QString::number(size.width()),
                                                QString::number(size.height()), QStringLiteral("50")});
  if (!child->waitForStarted(10000)) return false;
  QElapsedTimer t;
  t.start();
  while (t.elapsed() < 20000 && child->state() == QProcess::Running && out->count("autosaved") < 2) {
    child->waitForReadyRead(100);
    *out += child->readAllStandardOutput();
  }
  return out->count("autosaved") >= 2;
}

bool kill(QProcess* child, QByteArray* out) {
  child->kill();  // SIGKILL: no destructor, no save, the lock file stays behind
  const bool ok = child->waitForFinished(10000) && child->exitStatus() == QProcess::CrashExit;
  *out += child->readAllStandardOutput();
  return ok;
}

// Answers the next message boxes, one after the other, with these buttons; their texts are appended to *seen.
void answerMessages(QObject* context, QStringList buttons, QStringList* seen) {
  if (buttons.isEmpty()) return;
  const QString first = buttons.takeFirst();
  whenModal<QMessageBox>(context, [context, first, buttons, seen](QMessageBox* m) {
    *seen << m->text();
    QStringList names;
    for (QAbstractButton* b : m->buttons()) names << b->text().remove(QLatin1Char('&'));
    const qsizetype i = names.indexOf(first);
    if (i < 0) {
      m->reject();
      QFAIL(qPrintable("no button " + first + " in: " + m->text()));
    }
    QTimer::singleShot(100, context, [context, buttons, seen] { answerMessages(context, buttons, seen); });
    QTest::mouseClick(m->buttons().at(i), Qt::LeftButton);
  });
}
}  // namespace

class TestJourneyCrashRecovery : public QObject {
  Q_OBJECT
  QTemporaryDir tmp;

 private slots:
  void initTestCase() {
    // The studio's names, so the recovery folder is the one glip-studio uses, under a data folder of this test's own.
    qputenv("XDG_DATA_HOME", QFile::encodeName(tmp.filePath(QStringLiteral("data"))));
    QCoreApplication::setOrganizationName(QStringLiteral("GLIP"));
    QCoreApplication::setApplicationName(QStringLiteral("GLIP Studio"));
    QVERIFY(Project::recoveryDirectory().startsWith(tmp.path()));
  }

  void work_of_a_killed_studio_comes_back() {
    const QString image = tmp.filePath(QStringLiteral("photo.png"));
    const QImage src(goldenImage("astronaut.png"));
    QVERIFY(src.save(image));

    // A studio labels the image and never saves.
    QProcess dying;
    QByteArray out;
    QVERIFY2(startDyingStudio(&dying, image, src.size(), &out), out.constData());

    // Meanwhile a second studio: nothing to recover, the running one's work is not offered.
    Studio s(tmp.filePath(QStringLiteral("studio")));
    MainWindow* w = s.window.get();
    QVERIFY(QTest::qWaitForWindowExposed(w));
    QStringList seen;  // the texts of the message boxes answered
    answerMessages(this, {QStringLiteral("OK")}, &seen);
    QVERIFY(menuTrigger(w, QStringLiteral("recover_work")));
    QTRY_COMPARE(seen.size(), 1);
    QVERIFY2(seen.value(0).contains(QStringLiteral("no unsaved work")), qPrintable(seen.value(0)));
    QCOMPARE(listRows(w).size(), 0);

    QVERIFY(kill(&dying, &out));
    int edits = 0;
    for (const QByteArray& line : out.split('\n')) edits += line.startsWith("edit ") ? 1 : 0;
    QVERIFY2(edits >= 10, out.constData());
    QCOMPARE(autosaveFiles(), 1);

    // The next start asks (glip-studio calls offerRecovery once the window shows). "Later" keeps the work.
    Studio next(tmp.filePath(QStringLiteral("next")));
    MainWindow* w2 = next.window.get();
    QVERIFY(QTest::qWaitForWindowExposed(w2));
    w2->action("auto_run")->setChecked(false);
    seen.clear();
    answerMessages(this, {QStringLiteral("Later")}, &seen);
    QVERIFY(!w2->offerRecovery());
    QVERIFY2(seen.value(0).contains(QStringLiteral("closed without saving")) &&
                 seen.value(0).contains(QStringLiteral("1 image")),
             qPrintable(seen.value(0)));
    QCOMPARE(autosaveFiles(), 1);
    QCOMPARE(listRows(w2).size(), 0);

    // File ▸ Recover unsaved work, "Recover": the image, edited, with the boxes the dead studio had autosaved.
    seen.clear();
    answerMessages(this, {QStringLiteral("Recover")}, &seen);
    QVERIFY(menuTrigger(w2, QStringLiteral("recover_work")));
    QTRY_COMPARE(listRows(w2).size(), 1);
    QVERIFY(w2->waitForIdle(60000));
    QVERIFY2(listRows(w2).first().contains(QStringLiteral("photo.png")), qPrintable(listRows(w2).first()));
    QVERIFY2(listRows(w2).first().contains(QStringLiteral("edited"), Qt::CaseInsensitive),
             qPrintable(listRows(w2).first()));
    auto* boxes = w2->findChild<QTreeWidget*>(QStringLiteral("boxList"));
    QTRY_VERIFY(boxes->topLevelItemCount() > 0);
    const int recovered = boxes->topLevelItemCount();
    QVERIFY2(recovered <= edits && seen.value(0).contains(QStringLiteral("%1 box").arg(recovered)),
             qPrintable(seen.value(0)));
    QVERIFY(w2->isWindowModified());  // recovered work is unsaved work

    // Export COCO: the recovered boxes, labelled as the dead studio made them, in order.
    const QString exported = tmp.filePath(QStringLiteral("recovered.json"));
    answerFileDialog(this, exported);
    QVERIFY(menuTrigger(w2, QStringLiteral("export_coco")));
    QTRY_VERIFY(QFileInfo::exists(exported));
    QFile f(exported);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonObject coco = QJsonDocument::fromJson(f.readAll()).object();
    QCOMPARE(coco["images"].toArray().size(), 1);
    QCOMPARE(coco["images"].toArray().at(0)["width"].toInt(), src.width());
    const QJsonArray annotations = coco["annotations"].toArray();
    QCOMPARE(annotations.size(), recovered);
    QHash<qint64, QString> cats;
    for (const QJsonValue& v : coco["categories"].toArray()) cats.insert(v["id"].toInteger(), v["name"].toString());
    QSet<QString> labels;
    for (const QJsonValue& a : annotations) labels.insert(cats.value(a["category_id"].toInteger()));
    for (int i = 0; i < recovered; ++i) QVERIFY(labels.contains(QStringLiteral("edit %1").arg(i)));

    // This window holds the file now: another studio is not offered it.
    QVERIFY(Project::untitledRecoveryFiles().isEmpty());

    // Closing, "Discard": the user decided, nothing is left to recover.
    seen.clear();
    answerMessages(this, {QStringLiteral("Discard")}, &seen);
    QVERIFY(w2->close());
    QVERIFY2(seen.value(0).contains(QStringLiteral("unsaved changes")), qPrintable(seen.value(0)));
    QCOMPARE(recoveryEntries(), QStringList());
  }

  void discard_deletes_leftovers_unopened() {
    // An older leftover that cannot be read (it should not happen: autosaves are written atomically) ...
    QVERIFY(QDir().mkpath(Project::recoveryDirectory()));
    QFile bad(QDir(Project::recoveryDirectory()).filePath(QStringLiteral("untitled-broken.glipstudio.autosave")));
    QVERIFY(bad.open(QIODevice::WriteOnly));
    bad.write("{\"format\": \"glip-studio-project\", \"version\": 1, \"images\": [");
    bad.flush();
    QVERIFY(bad.setFileTime(QDateTime::currentDateTime().addSecs(-3600), QFileDevice::FileModificationTime));
    bad.close();
    // ... and the newer work of a killed studio.
    const QString image = tmp.filePath(QStringLiteral("other.png"));
    QVERIFY(QImage(goldenImage("coffee.png")).save(image));
    QProcess dying;
    QByteArray out;
    QVERIFY2(startDyingStudio(&dying, image, QSize(640, 480), &out), out.constData());
    QVERIFY(kill(&dying, &out));
    QCOMPARE(autosaveFiles(), 2);

    Studio s(tmp.filePath(QStringLiteral("third")), /*loadModel=*/false);
    MainWindow* w = s.window.get();
    QVERIFY(QTest::qWaitForWindowExposed(w));
    QStringList seen;
    answerMessages(this, {QStringLiteral("Discard"), QStringLiteral("Discard")}, &seen);
    QVERIFY(!w->offerRecovery());
    QCOMPARE(seen.size(), 2);
    QVERIFY2(seen[0].contains(QStringLiteral("closed without saving")), qPrintable(seen[0]));  // newest first
    QVERIFY2(seen[1].contains(QStringLiteral("cannot be read")), qPrintable(seen[1]));  // no Recover button
    QCOMPARE(recoveryEntries(), QStringList());
    QCOMPARE(listRows(w).size(), 0);
  }
};

QTEST_MAIN(TestJourneyCrashRecovery)
#include "test_journey_crash_recovery.moc"
