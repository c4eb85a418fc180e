// The structure of the tree (docs/ARCHITECTURE.md), read from the sources' #include lines; a violation names the
// file, the line and the header.
//  - The engine boundary: every file under ui/ and app/glip-studio talks to core/ only through the public headers
//    below, and no torch header (torch/, ATen/, c10/, caffe2/) reaches them.
//  - The core's layers: an area of core/ includes only areas below it in kCoreLayers (no arrow runs back up).
#include <QDirIterator>
#include <QFile>
#include <QRegularExpression>
#include <QtTest>
#include <algorithm>

#include "tests/common/paths.h"

namespace {

// The core headers ui/ may include: the engine API and the plain types it is made of.
const QStringList kAllowedCore = {
    QStringLiteral("core/engine/engine.h"),  // Model, Session, ModelInfo, token preview, inspection helpers
    QStringLiteral("core/engine/models.h"),  // the released-model catalogue, models folder, install (no torch)
    QStringLiteral("core/engine/download.h"),  // downloads with progress/cancel/resume (no torch)
    QStringLiteral("core/common/error.h"),   // glip::Error (engine.h's error type)
    QStringLiteral("core/image/image.h"),    // glip::RgbImage and image loading (engine.h's input type)
    QStringLiteral("core/coco/coco.h"),      // the Qt-free, torch-free COCO exchange API (ui/document)
};
const QStringList kTorchPrefixes = {QStringLiteral("torch/"), QStringLiteral("ATen/"), QStringLiteral("c10/"),
                                    QStringLiteral("caffe2/")};

// Violations in one file's text: "path:line: header (why)".
QStringList violations(const QString& path, const QString& text) {
  static const QRegularExpression include(QStringLiteral(R"(^\s*#\s*include\s*[<"]([^>"]+)[>"])"));
  QStringList out;
  const QStringList lines = text.split(QLatin1Char('\n'));
  for (int i = 0; i < lines.size(); ++i) {
    const QRegularExpressionMatch m = include.match(lines[i]);
    if (!m.hasMatch()) continue;
    const QString header = m.captured(1);
    const QString where = QStringLiteral("%1:%2: %3").arg(path).arg(i + 1).arg(header);
    if (header.startsWith(QLatin1String("core/")) && !kAllowedCore.contains(header))
      out << where + QStringLiteral(" (a core header other than the public ones)");
    const bool torch = header == QLatin1String("torch.h") ||
                       std::any_of(kTorchPrefixes.begin(), kTorchPrefixes.end(),
                                   [&](const QString& p) { return header.startsWith(p); });
    if (torch) out << where + QStringLiteral(" (a torch header)");
  }
  return out;
}

// core/'s areas, lowest first: each may include only itself and the areas before it.
const QStringList kCoreLayers = {"common", "config", "text",  "image", "io",     "probe", "ops",  "language",
                                 "vision", "head",   "post",  "model", "engine", "coco",  "eval", "pch"};

// Upward includes in one core file's text: "path:line: header (area X above Y)".
QStringList upward(const QString& path, const QString& text) {
  static const QRegularExpression include(QStringLiteral(R"(^\s*#\s*include\s*"core/([a-z_]+)/)"));
  const QString area = path.section(QLatin1Char('/'), 1, 1);
  const int own = kCoreLayers.indexOf(area);
  QStringList out;
  if (own < 0) return {path + QStringLiteral(": area '%1' is not in the layer list").arg(area)};
  const QStringList lines = text.split(QLatin1Char('\n'));
  for (int i = 0; i < lines.size(); ++i) {
    const QRegularExpressionMatch m = include.match(lines[i]);
    if (!m.hasMatch()) continue;
    const int dep = kCoreLayers.indexOf(m.captured(1));
    if (dep < 0 || dep > own)
      out << QStringLiteral("%1:%2: core/%3/ (above core/%4/)").arg(path).arg(i + 1).arg(m.captured(1), area);
  }
  return out;
}

struct Scan {
  int files = 0;
  int engineIncludes = 0;  // files including core/engine/engine.h (the scan sees real includes)
  QStringList violations;
};

template <class Rule>
Scan scanTree(const QString& root, const QStringList& dirs, Rule rule) {
  Scan s;
  for (const QString& dir : dirs) {
    QDirIterator it(root + QLatin1Char('/') + dir, {QStringLiteral("*.h"), QStringLiteral("*.cpp")}, QDir::Files,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
      const QString file = it.next();
      QFile f(file);
      if (!f.open(QIODevice::ReadOnly)) {
        s.violations << file + QStringLiteral(": cannot be read");
        continue;
      }
      const QString text = QString::fromUtf8(f.readAll());
      ++s.files;
      if (text.contains(QLatin1String("#include \"core/engine/engine.h\""))) ++s.engineIncludes;
      s.violations << rule(QDir(root).relativeFilePath(file), text);
    }
  }
  return s;
}

}  // namespace

class TestStructure : public QObject {
  Q_OBJECT
 private slots:
  // The rule itself, on hand-written lines: what passes and what does not.
  void ruleCatchesEveryKindOfLeak() {
    QCOMPARE(violations("a.cpp", "#include \"core/engine/engine.h\"\n#include <QString>\n#include <vector>\n"),
             QStringList());
    QCOMPARE(violations("a.cpp", "#include \"core/coco/coco.h\"\n#include \"core/common/error.h\"\n"), QStringList());
    QCOMPARE(violations("a.cpp", "#include \"core/text/prompt.h\"\n").size(), 1);
    QCOMPARE(violations("a.cpp", "#include \"core/config/config.h\"\n").size(), 1);
    QCOMPARE(violations("a.cpp", "#include \"core/engine/engine_impl.h\"\n").size(), 1);
    QCOMPARE(violations("a.cpp", "#include \"core/engine/model_config.h\"\n").size(), 1);
    QCOMPARE(violations("a.cpp", "  #  include <torch/cuda.h>\n").size(), 1);
    QCOMPARE(violations("a.cpp", "#include <ATen/Tensor.h>\n#include <c10/core/InferenceMode.h>\n").size(), 2);
    QCOMPARE(violations("a.cpp", "#include <torch.h>\n").size(), 1);
    const QStringList v = violations("ui/x.cpp", "// ok\n#include \"core/post/boxes.h\"\n");
    QCOMPARE(v.size(), 1);
    QVERIFY2(v.front().startsWith(QLatin1String("ui/x.cpp:2: core/post/boxes.h")), qPrintable(v.front()));
  }

  // Every source file of ui/ and app/glip-studio keeps to the rule.
  void uiAndStudioIncludeOnlyThePublicApi() {
    const Scan s = scanTree(QString::fromStdString(glip::test::source_dir()),
                            {QStringLiteral("ui"), QStringLiteral("app/glip-studio")}, violations);
    QVERIFY2(s.files > 50, qPrintable(QStringLiteral("only %1 files found under ui/ and app/glip-studio").arg(s.files)));
    QVERIFY(s.engineIncludes > 0);
    QVERIFY2(s.violations.isEmpty(), qPrintable(s.violations.join(QLatin1Char('\n'))));
  }

  // No include in core/ runs back up the layers, and the rule catches one that does.
  void coreLayersPointDown() {
    QCOMPARE(upward("core/head/x.cpp", "#include \"core/language/bert.h\"\n#include \"core/probe/probe.h\"\n"),
             QStringList());
    QCOMPARE(upward("core/vision/x.cpp", "#include \"core/model/probe.h\"\n").size(), 1);
    QCOMPARE(upward("core/coco/x.cpp", "#include \"core/eval/merge.h\"\n").size(), 1);
    const Scan s = scanTree(QString::fromStdString(glip::test::source_dir()), {QStringLiteral("core")}, upward);
    QVERIFY2(s.files > 100, qPrintable(QStringLiteral("only %1 files under core/").arg(s.files)));
    QVERIFY2(s.violations.isEmpty(), qPrintable(s.violations.join(QLatin1Char('\n'))));
  }
};

QTEST_GUILESS_MAIN(TestStructure)
#include "test_structure.moc"
