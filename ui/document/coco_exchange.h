// CocoExchange — a Project to and from COCO files through core/coco (glip::coco):
//  - exportDataset: the current boxes as a COCO dataset (images, annotations with provenance attributes,
//    categories named verbatim after the labels);
//  - exportPredictions: the raw model predictions of the same images in the COCO results format, with the same
//    image and category ids as exportDataset writes for the same project and options;
//  - importDataset: a COCO dataset to review (annotations become boxes; their "attributes" give provenance,
//    score, caption and spans back).
// Image file_name values are written relative to the export file's folder when the image is inside it, else
// absolute; on import, relative names resolve against the imported file's folder (or imageRoot when given).
#pragma once
#include <QCoreApplication>
#include <QString>
#include <QStringList>

#include "core/coco/coco.h"

namespace glip::studio {

class Project;

struct CocoExportOptions {
  bool reviewedOnly = false;       // only images whose status is Reviewed
  bool includeAttributes = true;   // write "attributes" {source, score, caption, span}
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

  // Adds the dataset's images to the project (an image already there gets its boxes replaced, one undo step).
  static bool importDataset(Project& project, const QString& path, ImportResult* result = nullptr,
                            QString* error = nullptr, const QString& imageRoot = QString());
};

}  // namespace glip::studio
