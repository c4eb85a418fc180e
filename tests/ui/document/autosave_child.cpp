// Helper process of test_autosave_recovery and test_journey_crash_recovery: opens a project, adds one box every
// <period> ms to its first image and prints "edit <i> <ms since epoch>" after each, and "autosaved <ms since
// epoch>" after each autosave. It never saves and runs until it is killed (or 60 s pass).
//   autosave_child <project file> <period ms>
//   autosave_child --untitled <image> <width> <height> <period ms>
// The second form is the studio's untitled project (an image opened, never saved): it autosaves into the recovery
// folder of "GLIP"/"GLIP Studio" (the studio's names) under the inherited XDG_DATA_HOME.
#include <QCoreApplication>
#include <QDateTime>
#include <QTimer>
#include <cstdio>

#include "ui/document/project.h"

using namespace glip::studio;

int main(int argc, char** argv) {
  QCoreApplication app(argc, argv);
  const bool untitled = argc == 6 && QByteArray(argv[1]) == "--untitled";
  if (argc != 3 && !untitled) {
    std::fprintf(stderr, "usage: autosave_child <project> <period ms> | --untitled <image> <width> <height> <period ms>\n");
    return 2;
  }
  Project project;
  QString error;
  if (untitled) {
    QCoreApplication::setOrganizationName(QStringLiteral("GLIP"));
    QCoreApplication::setApplicationName(QStringLiteral("GLIP Studio"));
    project.addImage(QString::fromLocal8Bit(argv[2]), QSize(std::atoi(argv[3]), std::atoi(argv[4])));
  } else if (!project.load(QString::fromLocal8Bit(argv[1]), &error) || project.imageCount() == 0) {
    std::fprintf(stderr, "cannot open the project: %s\n", qPrintable(error));
    return 1;
  }
  QObject::connect(&project, &Project::autosaved, [](const QString&) {
    std::printf("autosaved %lld\n", static_cast<long long>(QDateTime::currentMSecsSinceEpoch()));
    std::fflush(stdout);
  });
  QObject::connect(&project, &Project::autosaveFailed, [](const QString& e) {
    std::printf("autosave-failed %s\n", qPrintable(e));
    std::fflush(stdout);
  });
  int next = 0;
  QTimer edits;
  QObject::connect(&edits, &QTimer::timeout, [&] {
    Box b;
    b.label = QStringLiteral("edit %1").arg(next);
    b.rect = QRectF(next + 0.25, next * 0.5, 10.125, 20.0625);
    project.image(0)->addBox(b);
    std::printf("edit %d %lld\n", next, static_cast<long long>(QDateTime::currentMSecsSinceEpoch()));
    std::fflush(stdout);
    ++next;
  });
  edits.start(std::atoi(argv[untitled ? 5 : 2]));
  QTimer::singleShot(60000, &app, &QCoreApplication::quit);
  return app.exec();
}
