// Autosave recovery after a crash: a child process (autosave_child) opens a saved project and keeps editing it;
// it is killed with SIGKILL (QProcess::kill) at an arbitrary moment. The project then opens unchanged, offers
// recovery, and recover() brings back every edit made more than 5 s before the kill, exactly (the edits are a
// prefix of the child's, boxes bit-exact).
#include <QDateTime>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "ui/document/project.h"

using namespace glip::studio;

class TestAutosaveRecovery : public QObject {
  Q_OBJECT
 private slots:
  void recovers_after_sigkill();
};

void TestAutosaveRecovery::recovers_after_sigkill() {
  QTemporaryDir dir;
  const QString file = dir.path() + QStringLiteral("/crash.glipstudio");
  {
    Project p;
    p.addImage(dir.path() + QStringLiteral("/img.jpg"), QSize(1000, 1000));
    QVERIFY(p.saveAs(file));
  }
  QProcess child;
  child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
  child.start(QStringLiteral(AUTOSAVE_CHILD), {file, QStringLiteral("100")});
  QVERIFY2(child.waitForStarted(10000), qPrintable(child.errorString()));

  // Let it edit for a while (several autosaves), then kill it in the middle of its work.
  QElapsedTimer t;
  t.start();
  QByteArray out;
  while (t.elapsed() < 7300 && child.state() == QProcess::Running) {
    child.waitForReadyRead(100);
    out += child.readAllStandardOutput();
  }
  QCOMPARE(child.state(), QProcess::Running);
  const qint64 killedAt = QDateTime::currentMSecsSinceEpoch();
  child.kill();  // SIGKILL: no destructor, no save
  QVERIFY(child.waitForFinished(10000));
  QCOMPARE(child.exitStatus(), QProcess::CrashExit);
  out += child.readAllStandardOutput();

  QMap<int, qint64> editTime;
  int autosaves = 0;
  for (const QByteArray& line : out.split('\n')) {
    const QList<QByteArray> f = line.split(' ');
    if (f.size() == 3 && f[0] == "edit") editTime.insert(f[1].toInt(), f[2].toLongLong());
    if (f.size() == 2 && f[0] == "autosaved") ++autosaves;
    QVERIFY2(!line.startsWith("autosave-failed"), line.constData());
  }
  QVERIFY2(editTime.size() > 20, out.constData());
  QVERIFY(autosaves >= 2);

  Project p;
  QString error;
  QVERIFY2(p.load(file, &error), qPrintable(error));
  QCOMPARE(p.image(0)->boxes().size(), 0);  // the child never saved
  QVERIFY(p.hasRecovery());
  QVERIFY2(p.recover(&error), qPrintable(error));
  const BoxList boxes = p.image(0)->boxes();
  const int recovered = static_cast<int>(boxes.size());
  for (int i = 0; i < recovered; ++i) {  // a prefix of the edits, exactly
    QCOMPARE(boxes[i].label, QStringLiteral("edit %1").arg(i));
    QCOMPARE(boxes[i].rect, QRectF(i + 0.25, i * 0.5, 10.125, 20.0625));
    QCOMPARE(boxes[i].provenance, Provenance::Manual);
  }
  QCOMPARE(p.image(0)->status(), ReviewStatus::Edited);
  int olderThan5s = 0;
  for (auto it = editTime.cbegin(); it != editTime.cend(); ++it) olderThan5s += it.value() <= killedAt - 5000 ? 1 : 0;
  const qint64 lostWindow = recovered < editTime.size() ? killedAt - editTime.value(recovered) : 0;
  qInfo("child made %d edits, %d autosaves; recovered %d; edits older than 5 s: %d; work lost: the last %lld ms",
        static_cast<int>(editTime.size()), autosaves, recovered, olderThan5s, static_cast<long long>(lostWindow));
  QVERIFY(recovered <= editTime.size());
  QVERIFY2(recovered >= olderThan5s, "edits made more than 5 s before the kill were lost");
  QVERIFY(lostWindow <= 5000);
}

QTEST_GUILESS_MAIN(TestAutosaveRecovery)
#include "test_autosave_recovery.moc"
