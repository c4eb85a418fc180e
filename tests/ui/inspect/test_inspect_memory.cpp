// Memory stays bounded with the probe on: 50 small synthetic images through the demo model with every probe
// (attention included), each snapshot handed to the InspectorDock as the studio does (the previous one is
// released). Peak RSS after a warm-up must not grow by more than a few snapshots' worth.
#include <QtTest>
#include <fstream>
#include <random>
#include <string>

#include "model_fixture.h"
#include "ui/inspect/inspector_dock.h"

using namespace glip;
using namespace glip::inspect;
using namespace glip::inspect::testing;

namespace {
// VmRSS / VmHWM of this process, in MB.
double statusMb(const char* key) {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind(key, 0) == 0) return std::stod(line.substr(std::string(key).size())) / 1024.0;
  return -1;
}
RgbImage noiseImage(int w, int h, unsigned seed) {
  std::mt19937 rng(seed);
  RgbImage im;
  im.width = w;
  im.height = h;
  im.pixels.resize(size_t(w * h * 3));
  for (auto& p : im.pixels) p = uint8_t(rng() & 0xff);
  return im;
}
}  // namespace

class TestInspectMemory : public QObject {
  Q_OBJECT
 private slots:
  void fiftyImagesWithProbeStayBounded() {
    if (!QFile::exists(QStringLiteral("/proc/self/status"))) QSKIP("needs /proc/self/status");
    Session session(demoModel());
    InspectorDock dock;
    const Prompt prompt = Prompt::categories({"person", "helmet", "flag", "dog"});
    DetectParams p;
    p.probe = true;
    p.probe_attention = true;
    double warm = 0, snapMb = 0;
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < 50; ++i) {
      const RgbImage img = noiseImage(96 + (i % 3) * 8, 64, unsigned(i));  // three sizes: caches see new shapes
      const DetectResult r = session.detect(img, prompt, p);
      auto snap = std::make_shared<const Snapshot>(takeSnapshot(session, r, prompt));
      snapMb = std::max(snapMb, snap->bytes() / 1e6);
      QImage q(int(img.width), int(img.height), QImage::Format_RGB888);
      dock.setSnapshot(std::move(snap), q);
      dock.setView(InspectorDock::View(i % 8));
      if (i == 9) warm = statusMb("VmRSS:");
    }
    const double peak = statusMb("VmHWM:"), now = statusMb("VmRSS:");
    qInfo("RSS after 10 images %.1f MB, after 50 %.1f MB, peak %.1f MB; largest snapshot %.1f MB; %.2f s per image",
          warm, now, peak, snapMb, timer.elapsed() / 1000.0 / 50);
    QVERIFY(warm > 0);
    QVERIFY2(now - warm < 64.0, "RSS grew by more than 64 MB over 40 images with the probe on");
    QVERIFY2(peak - warm < 96.0, "peak RSS grew by more than 96 MB over the warm-up");
  }
};

QTEST_MAIN(TestInspectMemory)
#include "test_inspect_memory.moc"
