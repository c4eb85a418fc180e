// The op tests that run every case twice: on the CPU kernel, then on the device-generic ATen version of the op.
#pragma once
#include <QtTest>

#include <cstdio>

namespace glip::test {

// Runs `test` with `generic` false, then true (the test's cases read the flag), printing which pass runs; returns
// the number of failed cases of both passes (the test's exit status).
inline int exec_cpu_and_generic(QObject& test, bool& generic, const char* op, int argc, char** argv) {
  int failed = 0;
  for (const bool g : {false, true}) {
    generic = g;
    std::printf("--- %s: %s\n", op, g ? "device-generic ATen version" : "CPU kernel");
    failed += QTest::qExec(&test, argc, argv);
  }
  return failed;
}

}  // namespace glip::test
