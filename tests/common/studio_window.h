// The studio's main window as the window tests open it (header-only: for tests that link glip_ui).
#pragma once
#include <QSize>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

#include "ui/studio/main_window.h"
#include "ui/studio/prompt_panel.h"
#include "ui/studio/studio_settings.h"

namespace glip::test {

// Fresh settings in `dir` (settings.ini), autosave off.
inline std::unique_ptr<studio::StudioSettings> studioSettings(const QTemporaryDir& dir) {
  auto s = std::make_unique<studio::StudioSettings>(dir.filePath(QStringLiteral("settings.ini")));
  s->setAutosaveSeconds(0);
  return s;
}

// A window of `size`, shown; nullptr when it is not exposed.
inline std::unique_ptr<studio::MainWindow> studioWindow(studio::StudioSettings* settings, QSize size) {
  auto w = std::make_unique<studio::MainWindow>(settings);
  w->resize(size);
  w->show();
  if (!QTest::qWaitForWindowExposed(w.get())) return nullptr;
  return w;
}

// A 1300 x 850 window with the demo model loaded, the astronaut caption and threshold 0.3; nullptr on failure.
inline std::unique_ptr<studio::MainWindow> demoWindow(studio::StudioSettings* settings) {
  auto w = studioWindow(settings, QSize(1300, 850));
  if (!w) return nullptr;
  w->loadDemoModel();
  if (!w->waitForIdle(120000)) return nullptr;
  studio::PromptInput in;
  in.caption = QStringLiteral("an astronaut in a white spacesuit holding a helmet next to a flag");
  w->promptPanel()->setSpec(in);
  w->setThreshold(0.3);
  return w;
}

// Base of the window tests' Qt Test classes: a temporary folder, its fresh settings and the window, destroyed in
// that reverse order.
class StudioWindowTest : public QObject {
 protected:
  QTemporaryDir tmp;
  std::unique_ptr<studio::StudioSettings> settings;
  std::unique_ptr<studio::MainWindow> w;

  // `w` = demoWindow() on fresh settings; false when it failed.
  bool openDemoWindow() {
    settings = studioSettings(tmp);
    w = demoWindow(settings.get());
    return w != nullptr;
  }
  // `w` = a plain window of `size` on fresh settings; false when it is not exposed.
  bool openWindow(QSize size) {
    settings = studioSettings(tmp);
    w = studioWindow(settings.get(), size);
    return w != nullptr;
  }
};

}  // namespace glip::test
