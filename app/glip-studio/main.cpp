// glip-studio — ground phrases in images with GLIP, correct the boxes, export COCO.
//
//   glip-studio                          the studio (last model, or the bundled demo model)
//   glip-studio --demo                   resources/demo/astronaut.png with the demo model and a caption
//   glip-studio --open IMG --caption TEXT --screenshot OUT.png
//                                        renders offscreen after inference, writes OUT.png and exits
//   glip-studio [--settings INI] [--config C --weights W] --open DIR|FILE... (--caption T | --categories A,B,...)
//               [--threshold T] --batch --export-coco OUT.json
//                                        the whole job without a window: open, batch, export COCO, quit
//                                        (exit 0 when the export was written; unreadable files on stderr)
//   ... --view heatmap --token N | anchors --at X,Y | features --layer fpn.p3 | centerness --level 3 | nms |
//       attention --layer I | box | scores       with the inspector dock open on that view (ui/inspect/inspect_cli.h)
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QScreen>
#include <QTimer>
#include <cstdio>

#include "app/allocator.h"
#include "core/engine/engine.h"
#include "ui/document/project.h"
#include "ui/inspect/inspect_cli.h"
#include "ui/studio/dialogs.h"
#include "ui/studio/headless_job.h"
#include "ui/studio/main_window.h"
#include "ui/studio/model_download.h"
#include "ui/studio/model_locator.h"
#include "ui/studio/prompt_panel.h"
#include "ui/studio/studio_settings.h"
#include "ui/studio/translations.h"

using namespace glip::studio;

namespace {
constexpr const char* kDemoCaption = "an astronaut in a white spacesuit holding a helmet next to a flag";
}

int main(int argc, char** argv) {
  glip::app::tune_allocator();
  // stdout carries what scripted runs print (the written file): the engine's log goes to stderr.
  spdlog::set_default_logger(spdlog::stderr_color_mt("glip-studio"));
  // --screenshot renders offscreen: choose the platform before QApplication exists.
  for (int i = 1; i < argc; ++i) {
    const QByteArray a(argv[i]);
    if ((a == "--screenshot" || a == "--batch" || a == "--export-coco") && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
      qputenv("QT_QPA_PLATFORM", "offscreen");
  }
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("GLIP"));
  QApplication::setApplicationName(QStringLiteral("GLIP Studio"));
  QApplication::setApplicationVersion(QStringLiteral("0.1.0"));

  QCommandLineParser cli;
  cli.setApplicationDescription(QStringLiteral("GLIP Studio: ground phrases in images with GLIP, correct the boxes, export COCO."));
  cli.addHelpOption();
  cli.addVersionOption();
  const QCommandLineOption demo("demo", "Open resources/demo/astronaut.png with the demo model and a caption.");
  const QCommandLineOption open("open", "Open an image, a folder or a project (repeatable).", "path");
  const QCommandLineOption caption("caption", "Caption prompt.", "text");
  const QCommandLineOption categories("categories", "Category prompt, comma separated.", "names");
  const QCommandLineOption config("config", "GLIP config (YAML).", "file");
  const QCommandLineOption weights("weights", "GLIP weights (.pth).", "file");
  const QCommandLineOption device("device", "cpu or cuda.", "device", "cpu");
  const QCommandLineOption precision("precision", "fp32 (default), bf16, or tf32/fp16 on CUDA (with --config).", "precision", "fp32");
  const QCommandLineOption threshold("threshold", "Score threshold (0..1).", "t");
  const QCommandLineOption screenshot("screenshot", "Render offscreen after inference, save to this PNG and exit.", "png");
  const QCommandLineOption size("size", "Window size for --screenshot, WxH.", "WxH", "1400x860");
  const QCommandLineOption lang("lang", "Interface language (en, zh_CN); default: setting or system locale.", "lang");
  const QCommandLineOption settingsFile("settings", "Use this INI file for the settings.", "ini");
  const QCommandLineOption batch("batch", "Run the prompt over every opened image (Model > Batch), then quit.");
  const QCommandLineOption exportCoco("export-coco", "Export the boxes as a COCO dataset to this file, then quit.", "json");
  cli.addOptions({demo, open, caption, categories, config, weights, device, precision, threshold, screenshot, size, lang,
                  settingsFile, batch, exportCoco});
  glip::inspect::addViewOptions(cli);
  cli.process(app);
  glip::inspect::ViewRequest viewRequest;
  if (QString error; !glip::inspect::parseViewOptions(cli, &viewRequest, &error)) {
    std::fprintf(stderr, "glip-studio: %s\n", qPrintable(error));
    return 2;
  }

  std::unique_ptr<StudioSettings> settings = cli.isSet(settingsFile) ? std::make_unique<StudioSettings>(cli.value(settingsFile))
                                                                     : std::make_unique<StudioSettings>();
  installTranslations(&app, cli.isSet(lang) ? cli.value(lang) : settings->language());

  MainWindow w(settings.get());
  QStringList paths = cli.values(open);
  QString text = cli.value(caption);
  if (cli.isSet(demo)) {
    const QString res = findResourcesDir();
    if (res.isEmpty()) {
      std::fprintf(stderr, "glip-studio: resources/demo/astronaut.png not found\n");
      return 1;
    }
    paths.prepend(QDir(res).filePath(QStringLiteral("demo/astronaut.png")));
    if (text.isEmpty()) text = QString::fromLatin1(kDemoCaption);
  }
  if (!text.isEmpty()) {
    PromptInput in;
    in.caption = text;
    w.promptPanel()->setSpec(in);
  } else if (cli.isSet(categories)) {
    PromptInput in;
    in.mode = PromptInput::Mode::Categories;
    for (const QString& c : cli.value(categories).split(QLatin1Char(',')))
      if (!c.trimmed().isEmpty()) in.categories << c.trimmed();
    w.promptPanel()->setSpec(in);
  }
  if (cli.isSet(threshold)) {
    bool ok = false;
    const double t = cli.value(threshold).toDouble(&ok);
    if (!ok || t < 0 || t > 1) {
      std::fprintf(stderr, "glip-studio: --threshold must be a number in [0, 1], not \"%s\"\n", qPrintable(cli.value(threshold)));
      return 2;
    }
    w.setThreshold(t);
  }
  const bool job = cli.isSet(batch) || cli.isSet(exportCoco);
  if (job && paths.isEmpty()) {
    std::fprintf(stderr, "glip-studio: --batch/--export-coco need --open DIR|FILE\n");
    return 2;
  }
  if (cli.isSet(batch) && text.isEmpty() && !cli.isSet(categories)) {  // never the prompt remembered from last time
    std::fprintf(stderr, "glip-studio: --batch needs --caption TEXT or --categories A,B,...\n");
    return 2;
  }
  if (glip::Precision p; !glip::parse_precision(cli.value(precision).toStdString(), &p)) {
    std::fprintf(stderr, "glip-studio: --precision must be fp32, bf16, tf32 or fp16\n");
    return 2;
  }
  if (job && cli.isSet(weights) && !cli.isSet(config)) {
    std::fprintf(stderr, "glip-studio: --weights needs --config\n");
    return 2;
  }

  // First start with no model (nothing remembered, no released model installed, an interactive start): ask
  // whether to use the demo model or download GLIP-T (C) (the demo model runs meanwhile).
  QString downloadFirst;
  const bool interactive = !job && !cli.isSet(screenshot) && !cli.isSet(config) && !cli.isSet(demo);
  glip::CatalogModel recommended;
  if (interactive && firstRunQuestionDue(*settings, loadStudioCatalog(), &recommended)) {
    FirstRunDialog ask(QStringLiteral("%1 (%2)").arg(QString::fromStdString(recommended.title),
                                                     QString::fromStdString(glip::format_bytes(recommended.size_bytes))));
    ask.exec();
    if (ask.choice() == FirstRunDialog::Choice::Download) downloadFirst = QString::fromStdString(recommended.name);
  }
  if (interactive) settings->setFirstRunDone(true);

  // The model: --config, else --demo's demo model, else the remembered one, else the demo model.
  if (cli.isSet(config)) w.loadModel({cli.value(config), cli.value(weights), cli.value(device), cli.value(precision)});
  else if (cli.isSet(demo) || settings->modelConfig().isEmpty() || !QFileInfo::exists(settings->modelConfig()))
    w.loadDemoModel();
  else w.loadModel({settings->modelConfig(), settings->modelWeights(), settings->device(), settings->precision()});
  if (job) {
    HeadlessJob j;
    j.openPaths = paths;
    j.runBatch = cli.isSet(batch);
    j.replaceBoxes = settings->batchReplacesBoxes();
    j.exportCoco = cli.value(exportCoco);
    if (cli.isSet(config)) j.requiredModel = cli.value(config);
    const HeadlessJobResult r = runHeadlessJob(w, j, [](const QString& line) {
      std::fprintf(stderr, "glip-studio: %s\n", qPrintable(line));
    });
    for (const QString& u : r.unreadable) std::fprintf(stderr, "glip-studio: unreadable, left out: %s\n", qPrintable(u));
    if (!r.ok) {
      std::fprintf(stderr, "glip-studio: %s\n", qPrintable(r.error));
      return 1;
    }
    if (!j.exportCoco.isEmpty()) std::printf("%s\n", qPrintable(j.exportCoco));
    return 0;
  }
  // A scripted render is not work to keep: it never autosaves (no recovery file to offer at the next start, nothing
  // written beside an opened project).
  if (cli.isSet(screenshot)) w.project()->setAutosaveInterval(0);
  if (!paths.isEmpty()) w.openPaths(paths);
  if (viewRequest.set) w.showInspector(viewRequest.attention());

  if (cli.isSet(screenshot)) {
    const QStringList wh = cli.value(size).split(QLatin1Char('x'));
    w.resize(wh.value(0).toInt() > 0 ? wh.value(0).toInt() : 1400, wh.value(1).toInt() > 0 ? wh.value(1).toInt() : 860);
    w.show();
    w.runCurrent();
    if (!w.waitForIdle(600000)) {
      std::fprintf(stderr, "glip-studio: inference did not finish\n");
      return 1;
    }
    QApplication::processEvents();
    if (viewRequest.set) {
      glip::inspect::applyView(w.inspector(), viewRequest);
      QApplication::processEvents();
    }
    const QString out = cli.value(screenshot);
    if (!w.grab().save(out)) {
      std::fprintf(stderr, "glip-studio: cannot write %s\n", qPrintable(out));
      return 1;
    }
    std::printf("%s\n", qPrintable(out));
    return 0;
  }
  w.show();
  if (!downloadFirst.isEmpty()) w.downloadModel(downloadFirst);
  // Work a crashed or killed studio left unsaved (an untitled project's autosave): offered once the window shows.
  if (!job && !cli.isSet(screenshot) && paths.isEmpty()) QTimer::singleShot(0, &w, [&w] { w.offerRecovery(); });
  return QApplication::exec();
}
