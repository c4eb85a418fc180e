// Autosave recovery after a crash: a child process (autosave_child) keeps editing a project and is killed with
// SIGKILL (QProcess::kill) at an arbitrary moment; recovery then brings back every edit made more than 5 s before
// the kill, exactly (the edits are a prefix of the child's, boxes bit-exact).
//  - a saved project: it opens unchanged, offers recovery, and recover() restores the edits;
//  - an untitled project (images opened, never saved): while the child runs, its recovery file is held (not listed,
//    not deletable, not openable by another process); once it is killed the file is listed, openRecovery() restores
//    the edits and takes the file over, and discardRecovery() leaves the recovery folder empty.
#include <QDateTime>
#include <QDir>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <functional>

#include "ui/document/project.h"

using namespace glip::studio;

namespace {

struct ChildRun {
  QMap<int, qint64> editTime;  // edit index -> ms since epoch
  int autosaves = 0;
  qint64 killedAt = 0;
};

// Runs autosave_child with `args` for about `editMs`, calls `whileRunning` (the child still running), then kills it.
bool runAndKill(const QStringList& args, int editMs, const std::function<void()>& whileRunning, ChildRun* run) {
  QProcess child;
  child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
  child.start(QStringLiteral(AUTOSAVE_CHILD), args);
  if (!child.waitForStarted(10000)) {
    qWarning("%s", qPrintable(child.errorString()));
    return false;
  }
  // Let it edit for a while (several autosaves), then kill it in the middle of its work.
  QElapsedTimer t;
  t.start();
  QByteArray out;
  while (t.elapsed() < editMs && child.state() == QProcess::Running) {
    child.waitForReadyRead(100);
    out += child.readAllStandardOutput();
  }
  if (child.state() != QProcess::Running) {
    qWarning("the child stopped early: %s", out.constData());
    return false;
  }
  whileRunning();
  run->killedAt = QDateTime::currentMSecsSinceEpoch();
  child.kill();  // SIGKILL: no destructor, no save
  if (!child.waitForFinished(10000) || child.exitStatus() != QProcess::CrashExit) return false;
  out += child.readAllStandardOutput();
  for (const QByteArray& line : out.split('\n')) {
    const QList<QByteArray> f = line.split(' ');
    if (f.size() == 3 && f[0] == "edit") run->editTime.insert(f[1].toInt(), f[2].toLongLong());
    if (f.size() == 2 && f[0] == "autosaved") ++run->autosaves;
    if (line.startsWith("autosave-failed")) {
      qWarning("%s", line.constData());
      return false;
    }
  }
  if (run->editTime.size() <= 20 || run->autosaves < 2) {
    qWarning("too few edits or autosaves: %s", out.constData());
    return false;
  }
  return true;
}

// The recovered boxes are a prefix of the child's edits, exactly, and hold every edit older than 5 s at the kill.
void checkRecovered(const BoxList& boxes, const ChildRun& run) {
  const int recovered = static_cast<int>(boxes.size());
  for (int i = 0; i < recovered; ++i) {
    QCOMPARE(boxes[i].label, QStringLiteral("edit %1").arg(i));
    QCOMPARE(boxes[i].rect, QRectF(i + 0.25, i * 0.5, 10.125, 20.0625));
    QCOMPARE(boxes[i].provenance, Provenance::Manual);
  }
  int olderThan5s = 0;
  for (auto it = run.editTime.cbegin(); it != run.editTime.cend(); ++it)
    olderThan5s += it.value() <= run.killedAt - 5000 ? 1 : 0;
  const qint64 lostWindow = recovered < run.editTime.size() ? run.killedAt - run.editTime.value(recovered) : 0;
  qInfo("child made %d edits, %d autosaves; recovered %d; edits older than 5 s: %d; work lost: the last %lld ms",
        static_cast<int>(run.editTime.size()), run.autosaves, recovered, olderThan5s,
        static_cast<long long>(lostWindow));
  QVERIFY(recovered <= run.editTime.size());
  QVERIFY2(recovered >= olderThan5s, "edits made more than 5 s before the kill were lost");
  QVERIFY(lostWindow <= 5000);
}

}  // namespace

class TestAutosaveRecovery : public QObject {
  Q_OBJECT
 private slots:
  void recovers_after_sigkill();
  void recovers_untitled_after_sigkill();
};

void TestAutosaveRecovery::recovers_after_sigkill() {
  QTemporaryDir dir;
  const QString file = dir.path() + QStringLiteral("/crash.glipstudio");
  {
    Project p;
    p.addImage(dir.path() + QStringLiteral("/img.jpg"), QSize(1000, 1000));
    QVERIFY(p.saveAs(file));
  }
  ChildRun run;
  QVERIFY(runAndKill({file, QStringLiteral("100")}, 7300, [] {}, &run));

  Project p;
  QString error;
  QVERIFY2(p.load(file, &error), qPrintable(error));
  QCOMPARE(p.image(0)->boxes().size(), 0);  // the child never saved
  QVERIFY(p.hasRecovery());
  QVERIFY2(p.recover(&error), qPrintable(error));
  checkRecovered(p.image(0)->boxes(), run);
  QCOMPARE(p.image(0)->status(), ReviewStatus::Edited);
}

void TestAutosaveRecovery::recovers_untitled_after_sigkill() {
  // The studio's recovery folder (its organisation and application names) in a data folder of this test's own.
  QTemporaryDir data, images;
  qputenv("XDG_DATA_HOME", QFile::encodeName(data.path()));
  QCoreApplication::setOrganizationName(QStringLiteral("GLIP"));
  QCoreApplication::setApplicationName(QStringLiteral("GLIP Studio"));
  const QString recoveryDir = Project::recoveryDirectory();
  QVERIFY(recoveryDir.startsWith(data.path()));
  const QString image = images.path() + QStringLiteral("/photo.jpg");

  QString childFile;
  ChildRun run;
  QVERIFY(runAndKill({QStringLiteral("--untitled"), image, QStringLiteral("640"), QStringLiteral("480"),
                      QStringLiteral("100")},
                     7300,
                     [&] {
                       const QStringList autosaves =
                           QDir(recoveryDir).entryList({QStringLiteral("untitled-*.glipstudio.autosave")});
                       QCOMPARE(autosaves.size(), 1);
                       childFile = QDir(recoveryDir).filePath(autosaves.first());
                       QVERIFY(QFile::exists(childFile + QStringLiteral(".lock")));
                       // Held by the running child: not offered, not deleted, not opened elsewhere.
                       QVERIFY(Project::untitledRecoveryFiles().isEmpty());
                       QVERIFY(!Project::discardRecoveryFile(childFile));
                       QVERIFY(QFile::exists(childFile));
                       Project other;
                       QString error;
                       QVERIFY(!other.openRecovery(childFile, &error));
                       QVERIFY2(error.contains(QStringLiteral("in use")), qPrintable(error));
                       QCOMPARE(other.imageCount(), 0);
                     },
                     &run));
  QVERIFY(!childFile.isEmpty());

  // The child is gone (its lock is stale): its work is offered and opens with every edit older than 5 s.
  QCOMPARE(Project::untitledRecoveryFiles(), QStringList{childFile});
  Project p;
  QString error;
  QVERIFY2(p.openRecovery(childFile, &error), qPrintable(error));
  QVERIFY(p.isUntitled());
  QVERIFY(p.isModified());
  QCOMPARE(p.imageCount(), 1);
  QCOMPARE(p.image(0)->imagePath(), image);
  QCOMPARE(p.image(0)->imageSize(), QSize(640, 480));
  checkRecovered(p.image(0)->boxes(), run);
  // This project now holds the file (it keeps autosaving into it): no other studio is offered it.
  QCOMPARE(p.autosavePath(), childFile);
  QVERIFY(Project::untitledRecoveryFiles().isEmpty());
  QVERIFY(!Project::discardRecoveryFile(childFile));
  p.discardRecovery();
  QCOMPARE(QDir(recoveryDir).entryList(QDir::Files | QDir::Hidden), QStringList());
}

QTEST_GUILESS_MAIN(TestAutosaveRecovery)
#include "test_autosave_recovery.moc"
