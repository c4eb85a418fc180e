#include "tests/common/process.h"

#include <QProcess>
#include <QProcessEnvironment>

#include "tests/common/paths.h"

namespace glip::test {

ProcessRun run_process(const QString& program, const QStringList& args, int timeout_ms, const QString& work_dir,
                       const QStringList& env) {
  QProcess p;
  if (!work_dir.isEmpty()) p.setWorkingDirectory(work_dir);
  if (!env.isEmpty()) {
    QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
    for (const QString& kv : env) e.insert(kv.section(QLatin1Char('='), 0, 0), kv.section(QLatin1Char('='), 1));
    p.setProcessEnvironment(e);
  }
  p.start(program, args);
  ProcessRun r;
  if (!p.waitForFinished(timeout_ms)) {
    p.kill();
    p.waitForFinished(10000);
  } else if (p.exitStatus() == QProcess::NormalExit) {
    r.exit_code = p.exitCode();
  }
  r.out = p.readAllStandardOutput().toStdString();
  r.err = p.readAllStandardError().toStdString();
  return r;
}

ProcessRun run_glip(const QStringList& args, int timeout_ms, const QString& work_dir) {
  return run_process(QString::fromStdString(glip_executable()), args, timeout_ms, work_dir);
}

}  // namespace glip::test
