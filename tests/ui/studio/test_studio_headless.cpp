// glip-studio --open DIR --categories ... --threshold T --batch --export-coco OUT.json: the whole job as one command,
// run as a user runs it (the real executables, offscreen). The export passes the strict COCO check, leaves the
// unreadable file out (and names it on stderr), and holds exactly the boxes `glip predict` gives for the same
// images, prompt and threshold (COCO width = x2 - x1). Bad input ends with a one-line reason and a non-zero exit.
#include <QDir>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/common/paths.h"
#include "tests/common/process.h"
#include "ui/document/coco_exchange.h"

namespace {
const QString kGolden = QString::fromStdString(glip::test::tiny_dir() + "/");
const QString kCategories = QStringLiteral("astronaut,flag,cup");
constexpr double kThreshold = 0.1;

struct Run {
  int code = -1;  // -1: crashed or timed out
  QString out, err;
};
Run run(const QString& exe, const QStringList& args, const QString& home) {
  // HOME and XDG dirs in `home`: no user settings, no recovery files of the user's.
  const glip::test::ProcessRun r = glip::test::run_process(
      exe, args, 600000, {},
      {"QT_QPA_PLATFORM=offscreen", "HOME=" + home, "XDG_DATA_HOME=" + home + "/data", "XDG_CONFIG_HOME=" + home + "/config"});
  return {r.exit_code, QString::fromStdString(r.out), QString::fromStdString(r.err)};
}
QJsonDocument readJson(const QString& path) {
  QFile f(path);
  return f.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(f.readAll()) : QJsonDocument();
}
double asFloat(double v) { return static_cast<double>(static_cast<float>(v)); }
}  // namespace

class TestStudioHeadless : public QObject {
  Q_OBJECT
  QTemporaryDir tmp;
  QString dir;

 private slots:
  void initTestCase() {
    dir = tmp.filePath("photos");
    QDir().mkpath(dir);
    const QImage astro(kGolden + "astronaut.png"), coffee(kGolden + "coffee.png");
    QVERIFY(astro.save(dir + "/a_astronaut.png"));
    QVERIFY(coffee.save(dir + "/b_coffee.jpg"));
    QVERIFY(coffee.convertToFormat(QImage::Format_Grayscale8).save(dir + "/c_gray.png"));
    QVERIFY(astro.scaled(1600, 1200).save(dir + "/d_large.png"));
    QFile broken(dir + "/e_broken.png");
    QVERIFY(broken.open(QIODevice::WriteOnly));
    broken.write("\x89PNG\r\n\x1a\n truncated");
  }

  void batchExportEqualsGlipPredict() {
    const QString out = tmp.filePath("out/labels.json");
    QDir().mkpath(tmp.filePath("out"));
    const Run r = run(QStringLiteral(GLIP_STUDIO_EXECUTABLE),
                      {"--settings", tmp.filePath("s.ini"), "--open", dir, "--categories", kCategories, "--threshold",
                       QString::number(kThreshold), "--batch", "--export-coco", out},
                      tmp.path());
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QCOMPARE(r.out.trimmed(), out);
    QVERIFY2(r.err.contains(QStringLiteral("e_broken.png")), qPrintable(r.err));
    const QString problems = glip::studio::CocoExchange::strictProblems(out).join(QLatin1Char('\n'));
    QVERIFY2(problems.isEmpty(), qPrintable(problems));
    const QJsonObject coco = readJson(out).object();
    QCOMPARE(coco["images"].toArray().size(), 4);

    // The reference: glip predict on the same four images, prompt and threshold.
    const QStringList images{dir + "/a_astronaut.png", dir + "/b_coffee.jpg", dir + "/c_gray.png", dir + "/d_large.png"};
    QStringList args{"predict", "--config-file", QString::fromStdString(glip::test::source_path("models/demo/glip_demo_tiny.yaml")),
                     "--categories", kCategories, "--threshold", QString::number(kThreshold), "--output",
                     tmp.filePath("predict.json")};
    for (const QString& i : images) args << "--image" << i;
    const Run p = run(QString::fromStdString(glip::test::glip_executable()), args, tmp.path());
    QVERIFY2(p.code == 0, qPrintable(p.err));
    const QJsonArray predicted = readJson(tmp.filePath("predict.json")).array();
    QCOMPARE(predicted.size(), 4);

    QHash<qint64, QString> fileOf, catOf;
    for (const QJsonValue& v : coco["images"].toArray()) fileOf.insert(v["id"].toInteger(), v["file_name"].toString());
    for (const QJsonValue& v : coco["categories"].toArray()) catOf.insert(v["id"].toInteger(), v["name"].toString());
    QStringList exported, expected;
    for (const QJsonValue& v : coco["annotations"].toArray()) {
      const QJsonArray b = v["bbox"].toArray();
      exported << QStringLiteral("%1 %2 %3 %4 %5 %6")
                      .arg(QFileInfo(fileOf.value(v["image_id"].toInteger())).fileName(), catOf.value(v["category_id"].toInteger()))
                      .arg(b[0].toDouble(), 0, 'g', 12).arg(b[1].toDouble(), 0, 'g', 12)
                      .arg(b[2].toDouble(), 0, 'g', 12).arg(b[3].toDouble(), 0, 'g', 12);
    }
    int total = 0;
    for (const QJsonValue& im : predicted) {
      for (const QJsonValue& d : im["detections"].toArray()) {
        const QJsonArray b = d["box_xyxy"].toArray();
        const double x1 = asFloat(b[0].toDouble()), y1 = asFloat(b[1].toDouble());
        const double x2 = asFloat(b[2].toDouble()), y2 = asFloat(b[3].toDouble());
        expected << QStringLiteral("%1 %2 %3 %4 %5 %6")
                        .arg(QFileInfo(im["image"].toString()).fileName(), d["phrase"].toString())
                        .arg(x1, 0, 'g', 12).arg(y1, 0, 'g', 12).arg(x2 - x1, 0, 'g', 12).arg(y2 - y1, 0, 'g', 12);
        ++total;
      }
    }
    QVERIFY2(total >= 8, qPrintable(QString::number(total)));  // enough boxes to compare
    exported.sort();
    expected.sort();
    QCOMPARE(exported, expected);
    // No recovery file of the run is left behind for the GUI to offer.
    QVERIFY(QDir(tmp.filePath("data")).entryList(QStringList{"*.autosave"}, QDir::Files, QDir::NoSort).isEmpty());
  }

  void badInputSaysWhy_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("reason");
    QTest::newRow("no such folder") << QStringList{"--open", "/nonexistent/photos", "--categories", "cup", "--batch",
                                                   "--export-coco", "x.json"}
                                    << 1 << "no such file or folder";
    QTest::newRow("no prompt") << QStringList{"--open", "DIR", "--batch", "--export-coco", "x.json"} << 2 << "--caption";
    QTest::newRow("bad threshold") << QStringList{"--open", "DIR", "--categories", "cup", "--threshold", "1.5",
                                                  "--batch", "--export-coco", "x.json"}
                                   << 2 << "--threshold";
    QTest::newRow("config that cannot load") << QStringList{"--config", "/nonexistent/glip.yaml", "--open", "DIR",
                                                            "--categories", "cup", "--batch", "--export-coco", "x.json"}
                                             << 1 << "glip.yaml";
    QTest::newRow("export into a missing folder") << QStringList{"--open", "DIR", "--categories", "cup", "--batch",
                                                                 "--export-coco", "/nonexistent/dir/x.json"}
                                                  << 1 << "export";
    QTest::newRow("no images") << QStringList{"--open", "EMPTY", "--categories", "cup", "--batch", "--export-coco", "x.json"}
                               << 1 << "no images";
  }
  void badInputSaysWhy() {
    QFETCH(QStringList, args);
    QFETCH(int, code);
    QFETCH(QString, reason);
    QDir().mkpath(tmp.filePath("empty"));
    for (QString& a : args) {
      if (a == QLatin1String("DIR")) a = dir;
      if (a == QLatin1String("EMPTY")) a = tmp.filePath("empty");
      if (a == QLatin1String("x.json")) a = tmp.filePath("x.json");
    }
    static int row = 0;
    args.prepend(tmp.filePath(QStringLiteral("bad%1.ini").arg(++row)));  // fresh settings for each case
    args.prepend("--settings");
    const Run r = run(QStringLiteral(GLIP_STUDIO_EXECUTABLE), args, tmp.path());
    QCOMPARE(r.code, code);
    QVERIFY2(r.err.contains(reason), qPrintable(r.err));
    QVERIFY2(!r.err.contains(QStringLiteral("Segmentation")), qPrintable(r.err));
    QVERIFY(!QFileInfo::exists(tmp.filePath("x.json")));
  }
};

QTEST_GUILESS_MAIN(TestStudioHeadless)
#include "test_studio_headless.moc"
