// Running an executable as a test drives it: the exit status and both output streams.
#pragma once
#include <QString>
#include <QStringList>

#include <string>

namespace glip::test {

struct ProcessRun {
  int exit_code = -1;  // -1: it crashed, or did not finish in time (then it was killed)
  std::string out, err;
};

// Runs `program args` in `work_dir` ("" = the test's current directory), with `env` added to the environment
// ("NAME=value" entries), and waits up to `timeout_ms` for it.
ProcessRun run_process(const QString& program, const QStringList& args, int timeout_ms = 300000,
                       const QString& work_dir = {}, const QStringList& env = {});

// run_process(glip_executable(), args, ...): the `glip` command-line tool.
ProcessRun run_glip(const QStringList& args, int timeout_ms = 300000, const QString& work_dir = {});

}  // namespace glip::test
