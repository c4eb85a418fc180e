// The whole labelling job as one command, through the same code the menus run:
//
//   glip-studio [--settings INI] [--config C --weights W] --open DIR|FILE... (--caption TEXT | --categories A,B,...)
//               [--threshold T] --batch --export-coco OUT.json
//
// Open (folders, files, projects) -> Batch over all images -> Export COCO, then the caller quits. Unreadable files are
// reported and left out of the export. The exported boxes are those of `glip predict` for the same image, prompt and
// threshold (COCO width = x2 - x1).
//
//   HeadlessJob job;
//   job.openPaths = {"photos/"};
//   job.runBatch = true;
//   job.exportCoco = "labels.json";
//   const HeadlessJobResult r = runHeadlessJob(window, job, [](const QString& line) { ... });
//   return r.ok ? 0 : 1;
#pragma once
#include <QString>
#include <QStringList>
#include <functional>

namespace glip::studio {

class MainWindow;

struct HeadlessJob {
  QStringList openPaths;      // folders, image files, .glipstudio projects, COCO .json
  bool runBatch = false;      // Batch over all images with the window's prompt and threshold
  bool replaceBoxes = false;  // the batch replaces hand-edited boxes too (the Batch dialog's "Replace")
  QString exportCoco;         // write the COCO dataset here ("" = no export)
  QString requiredModel;      // a config the user asked for: failing to load it is an error (no demo fallback)
  int timeoutMs = 24 * 3600 * 1000;
};

struct HeadlessJobResult {
  bool ok = false;
  QString error;            // one line, when !ok
  QStringList unreadable;   // "path: reason", left out of the export
  int images = 0;           // images in the project
  int exportedImages = 0;   // images written to the export
};

// Runs the job on `window` (its model load already started). `log` receives progress lines (may be empty).
HeadlessJobResult runHeadlessJob(MainWindow& window, const HeadlessJob& job,
                                 const std::function<void(const QString&)>& log = {});

}  // namespace glip::studio
