// Journey tests: the real MainWindow driven only as a person drives it — key and mouse events on widgets, the
// menus' actions, the dialogs (file dialogs included) — with fresh settings and the bundled demo model. Results are
// checked through files on disk and what the widgets show, never through documents or private slots.
#pragma once
#include <QAbstractButton>
#include <QAbstractSpinBox>
#include <QAction>
#include <QApplication>
#include <QDialog>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QImage>
#include <QImageReader>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QListView>
#include <QMenu>
#include <QMenuBar>
#include <QPointer>
#include <QSet>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>
#include <functional>
#include <memory>

#include "tests/common/paths.h"
#include "ui/document/coco_exchange.h"
#include "ui/studio/canvas_view.h"
#include "ui/studio/main_window.h"
#include "ui/studio/studio_settings.h"

namespace journey {

using glip::studio::MainWindow;
using glip::studio::StudioSettings;

inline QString goldenImage(const char* name) { return QString::fromStdString(glip::test::tiny_path(name)); }

// A fresh studio: new settings file, new window, the demo model (what glip-studio does on a first start).
struct Studio {
  explicit Studio(const QString& dir, bool loadModel = true) {
    settings = std::make_unique<StudioSettings>(QDir(dir).filePath(QStringLiteral("settings.ini")));
    window = std::make_unique<MainWindow>(settings.get());
    window->resize(1200, 800);
    window->show();
    QApplication::setActiveWindow(window.get());
    if (loadModel) window->loadDemoModel();
  }
  bool waitIdle(int ms = 300000) { return window->waitForIdle(ms); }
  std::unique_ptr<StudioSettings> settings;
  std::unique_ptr<MainWindow> window;
};

// The action as a menu item: it must be in one of the menu bar's menus, visible and enabled; then it is triggered
// as a click on that item does.
inline bool menuTrigger(MainWindow* w, const QString& id) {
  QAction* a = w->action(id);
  if (!a) return false;
  bool inMenu = false;
  for (QAction* top : w->menuBar()->actions())
    if (top->menu() && top->menu()->actions().contains(a)) inMenu = true;
  if (!inMenu || !a->isVisible() || !a->isEnabled()) return false;
  a->trigger();
  return true;
}

// Presses a key sequence (an action's shortcut) where the keyboard focus is, as a person does; `target` when the
// focus is elsewhere.
inline void pressShortcut(QWidget* target, const QKeySequence& seq) {
  QCoreApplication::processEvents();  // a dialog that just closed hands the focus back first
  if (!QApplication::activeWindow()) QApplication::setActiveWindow(target->window());  // a click on the window
  QWidget* focus = QApplication::focusWidget();
  QTest::keySequence(focus && target->isAncestorOf(focus) ? focus : target, seq);
}

// Runs `f` on the next modal dialog of type T once it is shown (polls the event loop the dialog runs).
template <typename T>
void whenModal(QObject* context, std::function<void(T*)> f, int timeoutMs = 20000) {
  auto start = std::make_shared<QElapsedTimer>();
  start->start();
  auto poll = std::make_shared<std::function<void()>>();
  *poll = [context, f, start, poll, timeoutMs] {
    if (auto* d = qobject_cast<T*>(QApplication::activeModalWidget()); d && d->isVisible()) {
      QPointer<QWidget> owner = d->parentWidget() ? d->parentWidget()->window() : nullptr;
      f(d);
      // The window manager gives the focus back to the window once the dialog is gone (offscreen has none).
      auto back = std::make_shared<std::function<void()>>();
      QPointer<QWidget> dialog = d;
      *back = [owner, dialog, back] {
        if (dialog && dialog->isVisible()) {
          QTimer::singleShot(20, owner.data(), *back);
          return;
        }
        if (owner && !QApplication::activeModalWidget()) QApplication::setActiveWindow(owner);
      };
      if (owner) QTimer::singleShot(0, owner.data(), *back);
      return;
    }
    if (start->elapsed() < timeoutMs) QTimer::singleShot(20, context, *poll);
  };
  QTimer::singleShot(0, context, *poll);
}

// Answers the next (Qt, non-native) file dialog by pasting `path` into its file name field and pressing Enter.
inline void answerFileDialog(QObject* context, const QString& path) {
  whenModal<QFileDialog>(context, [path](QFileDialog* d) {
    auto* edit = d->findChild<QLineEdit*>(QStringLiteral("fileNameEdit"));
    QVERIFY(edit);
    edit->setFocus();
    edit->setText(path);  // pasted: typing would fight the field's completer
    QTest::keyClick(edit, Qt::Key_Return);
    if (d->isVisible()) QMetaObject::invokeMethod(d, "accept");  // a directory dialog may navigate into the folder first
  });
}

// Clicks the button with this text (or object name) in the next modal dialog of type T.
template <typename T = QDialog>
void clickInModal(QObject* context, const QString& textOrName) {
  whenModal<T>(context, [textOrName](T* d) {
    for (QAbstractButton* b : d->template findChildren<QAbstractButton*>())
      if (b->objectName() == textOrName || b->text().remove(QLatin1Char('&')) == textOrName) {
        QTest::mouseClick(b, Qt::LeftButton);
        return;
      }
    QFAIL(qPrintable("no button " + textOrName));
  });
}

// Types a value into a spin box as a person does: double-click, select all, type, Enter.
inline void typeInto(QAbstractSpinBox* spin, const QString& text) {
  QTest::mouseDClick(spin, Qt::LeftButton);
  QTest::keyClick(spin, Qt::Key_A, Qt::ControlModifier);
  QTest::keyClicks(spin, text);
  QTest::keyClick(spin, Qt::Key_Return);
}

// Mouse on the canvas in image coordinates.
inline QPoint toView(glip::studio::CanvasView* c, QPointF image) { return c->imageToView(image).toPoint(); }
inline void canvasDrag(glip::studio::CanvasView* c, QPointF a, QPointF b, Qt::KeyboardModifiers mods = {}) {
  QWidget* vp = c->viewport();
  const QPoint pa = toView(c, a), pb = toView(c, b);
  QTest::mousePress(vp, Qt::LeftButton, mods, pa);
  QTest::mouseMove(vp, (pa + pb) / 2);
  QTest::mouseMove(vp, pb);
  QTest::mouseRelease(vp, Qt::LeftButton, mods, pb);
}
inline void canvasClick(glip::studio::CanvasView* c, QPointF a, Qt::KeyboardModifiers mods = {}) {
  QTest::mouseClick(c->viewport(), Qt::LeftButton, mods, toView(c, a));
}

// The image list's rows as shown ("name — status, n boxes").
inline QStringList listRows(MainWindow* w) {
  auto* list = w->findChild<QListView*>(QStringLiteral("imageList"));
  QStringList out;
  for (int r = 0; r < list->model()->rowCount(); ++r) out << list->model()->index(r, 0).data().toString();
  return out;
}
inline int listCurrentRow(MainWindow* w) {
  return w->findChild<QListView*>(QStringLiteral("imageList"))->currentIndex().row();
}

// A folder of test images: 7 readable (PNG, JPEG, BMP; one grayscale, one large 2400x1800) and one unreadable.
inline QStringList makeImageFolder(const QString& dir) {
  QDir().mkpath(dir);
  const QImage astro(goldenImage("astronaut.png")), coffee(goldenImage("coffee.png"));
  QStringList names;
  auto save = [&](const QImage& img, const QString& name) {
    const bool ok = img.save(QDir(dir).filePath(name));
    if (ok) names << name;
    return ok;
  };
  save(astro, QStringLiteral("a_astronaut.png"));
  save(coffee, QStringLiteral("b_coffee.png"));
  save(astro.mirrored(true, false), QStringLiteral("c_astronaut_mirrored.jpg"));
  save(coffee.convertToFormat(QImage::Format_Grayscale8), QStringLiteral("d_coffee_gray.png"));
  save(astro.scaled(2400, 1800), QStringLiteral("e_large.jpg"));
  save(coffee.mirrored(false, true), QStringLiteral("f_coffee_flipped.bmp"));
  save(astro.copy(64, 32, 320, 400), QStringLiteral("g_astronaut_crop.png"));
  QFile broken(QDir(dir).filePath(QStringLiteral("h_broken.jpg")));
  if (broken.open(QIODevice::WriteOnly)) {
    broken.write("\xff\xd8\xff\xe0 this is not a JPEG, the rest of the file is missing");
    names << QStringLiteral("h_broken.jpg");
  }
  save(coffee.scaled(300, 200), QStringLiteral("i_coffee_small.png"));
  return names;
}

}  // namespace journey
