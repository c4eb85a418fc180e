// CocoExchange — a Project to and from COCO files through core/coco (glip::coco):
//  - exportDataset: the current boxes as a COCO dataset (images, annotations with provenance attributes,
//    categories named verbatim after the labels);
//  - exportPredictions: the raw model predictions of the same images in the COCO results format, with the same
//    image and category ids as exportDataset writes for the same project and options (predictions of a label no
//    exported box uses have no category there and are left out: they could not be evaluated against it);
//  - importDataset: a COCO dataset to review (annotations become boxes; their "attributes" give provenance,
//    score, caption and spans back; the image's "attributes": {"status"} gives its review status back).
// Categories are the labels used by at least one exported box. Image file_name values are always relative: to
// the export file's folder (or CocoExportOptions::imageRoot), with "../" for images outside it; on import they
// resolve against the imported file's folder (or imageRoot when given).
#pragma once
#include <QCoreApplication>
#include <QString>
#include <QStringList>

#include "core/coco/coco.h"

namespace glip::studio {

class Project;

struct CocoExportOptions {
  bool reviewedOnly = false;       // only images whose status is Reviewed
  bool includeAttributes = true;   // write "attributes": {source, score, caption, span} and images' {status}
  bool glipPlusOne = false;        // results file only: w = x2 - x1 + 1 as GLIP's official bbox.json
  QString imageRoot;               // file_name relative to this folder ("" = the export file's folder)
  QStringList skipImages;          // image paths left out (files that cannot be read)
};

struct CocoImportResult {
  int images = 0;        // images added or updated
  int boxes = 0;         // boxes imported
  QStringList warnings;  // skipped annotations and the like
};


class CocoExchange {
  Q_DECLARE_TR_FUNCTIONS(glip::studio::CocoExchange)

 public:
  using ExportOptions = CocoExportOptions;
  using ImportResult = CocoImportResult;

  // The dataset exportDataset writes (validation is left to the writer). `exportDir` resolves relative names.
  static glip::coco::Dataset toDataset(const Project& project, const ExportOptions& options, const QString& exportDir);
  static std::vector<glip::coco::Result> toResults(const Project& project, const ExportOptions& options,
                                                   const glip::coco::Dataset& dataset);

  // Validate, then write atomically; false with *error (the validation problems listed) on failure.
  static bool exportDataset(const Project& project, const QString& path, const ExportOptions& options = {},
                            QString* error = nullptr);
  static bool exportPredictions(const Project& project, const QString& path, const ExportOptions& options = {},
                                QString* error = nullptr);

  // Strict checks of an exported dataset (for tests and tools), one line per problem, empty when valid: the core
  // checks (glip::coco::find_problems: ids >= 1 and unique, referenced image/category ids exist, sizes > 0, boxes
  // non-empty and inside their image), plus: file_name relative and unique, width/height equal to the real file's
  // size where `imageRoot`/file_name can be read, a known review status, and every category used by an annotation.
  // The file overload resolves file names against `imageRoot`, by default the file's folder (as importDataset);
  // a file that cannot be read gives its error as the one problem.
  static QStringList strictProblems(const QString& path, const QString& imageRoot = QString());
  static QStringList strictProblems(const glip::coco::Dataset& dataset, const QString& imageRoot);

  // Adds the dataset's images to the project (an image already there gets its boxes replaced, one undo step).
  static bool importDataset(Project& project, const QString& path, ImportResult* result = nullptr,
                            QString* error = nullptr, const QString& imageRoot = QString());
};

}  // namespace glip::studio
