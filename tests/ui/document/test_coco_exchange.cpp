// ui/document CocoExchange: project -> COCO dataset -> project round trip (boxes bit-exact, labels with spaces,
// provenance/score/caption/span attributes, image sizes), export -> import -> export gives the same bytes, raw
// predictions share the dataset's ids, validation errors reach the caller, import into an open image is undoable.
#include <QDir>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QUndoStack>
#include <QtTest>
#include <random>

#include "core/coco/coco.h"
#include "tests/common/document_boxes.h"
#include "ui/document/coco_exchange.h"
#include "ui/document/project.h"

using namespace glip::studio;

namespace {

using glip::test::makeBox;
using glip::test::readAll;

PromptSpec detPrompt() {
  PromptSpec p;
  p.caption = QStringLiteral("person. traffic light. 猫 cat");
  p.detection = true;
  p.labels = {{QStringLiteral("person"), {{0, 6}}},
              {QStringLiteral("traffic light"), {{8, 21}}},
              {QStringLiteral("猫 cat"), {{23, 28}}}};
  return p;
}

void populate(Project& p, const QString& dir) {
  p.setLabels({QStringLiteral("person"), QStringLiteral("traffic light"), QStringLiteral("unused label")});
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> u(0, 1);
  const QString names[] = {QStringLiteral("person"), QStringLiteral("traffic light"), QStringLiteral("猫 cat")};
  for (int i = 0; i < 4; ++i) {
    const QSize size(640 + 32 * i, 480 - 16 * i);
    ImageDocument* d = p.addImage(dir + QStringLiteral("/images/img %1.jpg").arg(i), size);
    BoxList preds;
    for (int k = 0; k < 8; ++k) {
      const double x = u(rng) * (size.width() - 60), y = u(rng) * (size.height() - 60);
      preds.append(makeBox(names[k % 3], QRectF(x, y, 1 + u(rng) * 50, 1 + u(rng) * 50), Provenance::Model,
                           static_cast<float>(u(rng))));
    }
    d->setPredictions(preds, detPrompt(), ImageDocument::PredictionMerge::Replace);
    d->setRect(d->boxes()[0].id, d->boxes()[0].rect.adjusted(0.1, 0.2, 0.3, 0.4));  // -> Edited
    d->relabel({d->boxes()[1].id}, QStringLiteral("a  strange   label "));        // -> Edited, no span
    d->deleteBoxes({d->boxes()[2].id});
    d->addBox(makeBox(QStringLiteral("manual thing"), QRectF(1.5, 2.5, 30.25, 40.125), Provenance::Manual));
  }
}

}  // namespace

class TestCocoExchange : public QObject {
  Q_OBJECT
 private slots:
  void round_trip_lossless();
  void predictions_share_ids();
  void validation_errors_reach_caller();
  void import_into_open_image_is_undoable();
  void statuses_round_trip();
  void file_names_never_absolute();
  void categories_are_labels_used();
  void strict_problems_catch_bad_files();
};

void TestCocoExchange::round_trip_lossless() {
  QTemporaryDir dir;
  Project p;
  populate(p, dir.path());
  const QString out = dir.path() + QStringLiteral("/annotations.json");
  QString error;
  QVERIFY2(CocoExchange::exportDataset(p, out, {}, &error), qPrintable(error));

  // The file: relative file names, verbatim category names, attributes.
  const QJsonObject root = QJsonDocument::fromJson(readAll(out)).object();
  QCOMPARE(root.value("images").toArray().at(1).toObject().value("file_name").toString(),
           QStringLiteral("images/img 1.jpg"));
  // Categories are the labels used: "unused label" (a project label no box carries) is left out, the used
  // project labels keep their order and come first.
  const QJsonArray cats = root.value("categories").toArray();
  QCOMPARE(cats.at(0).toObject().value("name").toString(), QStringLiteral("person"));
  QCOMPARE(cats.at(1).toObject().value("name").toString(), QStringLiteral("traffic light"));
  QCOMPARE(cats.at(1).toObject().value("id").toInt(), 2);
  for (const QJsonValue& c : cats) QVERIFY(c.toObject().value("name").toString() != QStringLiteral("unused label"));
  const QJsonObject a0 = root.value("annotations").toArray().at(0).toObject().value("attributes").toObject();
  QCOMPARE(a0.value("source").toString(), QStringLiteral("edited"));
  QCOMPARE(a0.value("caption").toString(), detPrompt().caption);

  Project q;
  CocoExchange::ImportResult r;
  QVERIFY2(CocoExchange::importDataset(q, out, &r, &error), qPrintable(error));
  QVERIFY2(r.warnings.isEmpty(), qPrintable(r.warnings.join('\n')));
  QCOMPARE(r.images, 4);
  QCOMPARE(r.boxes, 4 * 8);
  QCOMPARE(q.imageCount(), p.imageCount());
  for (int i = 0; i < p.imageCount(); ++i) {
    const ImageDocument* a = p.image(i);
    const ImageDocument* b = q.image(i);
    QCOMPARE(b->imagePath(), a->imagePath());
    QCOMPARE(b->imageSize(), a->imageSize());
    QCOMPARE(b->boxes().size(), a->boxes().size());
    for (int k = 0; k < a->boxes().size(); ++k) {
      const Box& x = a->boxes()[k];
      const Box& y = b->boxes()[k];
      // bit-exact corners, label, provenance, score (candidates are -1 here: they are not part of COCO)
      QVERIFY2(x.equals(y, /*ignoreId=*/true), qPrintable(QStringLiteral("image %1 box %2").arg(i).arg(k)));
      QCOMPARE(y.rect.x(), x.rect.x());
      QCOMPARE(y.rect.y(), x.rect.y());
      QCOMPARE(y.rect.x() + y.rect.width(), x.rect.x() + x.rect.width());
      QCOMPARE(y.rect.y() + y.rect.height(), x.rect.y() + x.rect.height());
      QCOMPARE(y.label, x.label);
      QCOMPARE(y.provenance, x.provenance);
      QCOMPARE(y.score, x.hasScore() ? x.score : 0.f);
    }
    QCOMPARE(b->status(), ReviewStatus::Edited);
    QCOMPARE(b->prompt().caption, a->prompt().caption);
  }
  QVERIFY(q.labels().contains(QStringLiteral("a  strange   label ")));
  QVERIFY(!q.labels().contains(QStringLiteral("unused label")));
  // Exporting the imported project writes the same file.
  const QString again = dir.path() + QStringLiteral("/again.json");
  QVERIFY2(CocoExchange::exportDataset(q, again, {}, &error), qPrintable(error));
  QCOMPARE(readAll(again), readAll(out));
}

void TestCocoExchange::predictions_share_ids() {
  QTemporaryDir dir;
  Project p;
  populate(p, dir.path());
  p.image(1)->setStatus(ReviewStatus::Reviewed);
  p.image(3)->setStatus(ReviewStatus::Reviewed);
  CocoExchange::ExportOptions o;
  o.reviewedOnly = true;
  const QString ds = dir.path() + QStringLiteral("/gt.json"), res = dir.path() + QStringLiteral("/bbox.json");
  QString error;
  QVERIFY2(CocoExchange::exportDataset(p, ds, o, &error), qPrintable(error));
  QVERIFY2(CocoExchange::exportPredictions(p, res, o, &error), qPrintable(error));
  const glip::coco::Dataset gt = glip::coco::read_dataset(ds.toStdString());
  const std::vector<glip::coco::Result> preds = glip::coco::read_results(res.toStdString());
  QCOMPARE(gt.images.size(), size_t(2));
  QCOMPARE(gt.images[1].file_name, std::string("images/img 3.jpg"));
  QCOMPARE(preds.size(), size_t(16));  // 8 raw predictions per exported image, edits and deletions ignored
  for (size_t i = 0; i < preds.size(); ++i) {
    const ImageDocument* d = p.image(i < 8 ? 1 : 3);
    const Box& b = d->predictions()[static_cast<int>(i % 8)];
    QCOMPARE(preds[i].image_id, gt.images[i < 8 ? 0 : 1].id);
    QCOMPARE(QString::fromStdString(gt.find_category(preds[i].category_id)->name), b.label);
    QCOMPARE(preds[i].bbox[0], b.rect.x());
    QCOMPARE(preds[i].bbox[2], b.rect.width());
    QCOMPARE(static_cast<float>(preds[i].score), b.score);
  }
  // GLIP's +1 convention on request.
  o.glipPlusOne = true;
  QVERIFY(CocoExchange::exportPredictions(p, res, o, &error));
  const std::vector<glip::coco::Result> plus = glip::coco::read_results(res.toStdString());
  QCOMPARE(plus[0].bbox[2], preds[0].bbox[2] + 1);
}

void TestCocoExchange::validation_errors_reach_caller() {
  QTemporaryDir dir;
  Project p;
  ImageDocument* d = p.addImage(dir.path() + QStringLiteral("/nosize.jpg"));  // size unknown
  d->addBox(makeBox(QStringLiteral("x"), QRectF(1, 1, 2, 2), Provenance::Manual));
  ImageDocument* e = p.addImage(dir.path() + QStringLiteral("/small.jpg"), QSize(10, 10));
  e->addBox(makeBox(QStringLiteral("outside"), QRectF(20, 20, 5, 5), Provenance::Manual));  // empty once clamped
  const QString out = dir.path() + QStringLiteral("/x.json");
  QString error;
  QVERIFY(!CocoExchange::exportDataset(p, out, {}, &error));
  // (clamped to a 0x0 image, the first box is empty too)
  QVERIFY2(error.contains("COCO dataset: 3 problems"), qPrintable(error));
  QVERIFY(error.contains("images[0] (id 1): image size 0x0 must be positive"));
  QVERIFY(error.contains("annotations[1] (id 2): empty box (w 0.0, h 0.0)"));
  QVERIFY(!QFile::exists(out));
  // Import errors are reported, not thrown.
  QFile bad(dir.path() + QStringLiteral("/bad.json"));
  bad.open(QIODevice::WriteOnly);
  bad.write(R"({"annotations": [{"id": 1}]})");
  bad.close();
  QVERIFY(!CocoExchange::importDataset(p, bad.fileName(), nullptr, &error));
  QVERIFY2(error.contains("annotations[0]: field 'image_id' is missing"), qPrintable(error));
}

void TestCocoExchange::import_into_open_image_is_undoable() {
  QTemporaryDir dir;
  Project p;
  populate(p, dir.path());
  const QString out = dir.path() + QStringLiteral("/annotations.json");
  QVERIFY(CocoExchange::exportDataset(p, out));
  ImageDocument* d = p.image(2);
  d->clear();
  const ImageState cleared = d->state();
  const int steps = d->undoStack()->count();
  CocoExchange::ImportResult r;
  QVERIFY(CocoExchange::importDataset(p, out, &r));
  QCOMPARE(p.imageCount(), 4);  // same paths: updated, not added
  QCOMPARE(d->boxes().size(), 8);
  QCOMPARE(d->undoStack()->count(), steps + 1);
  d->undoStack()->undo();
  QVERIFY(d->state().sameContent(cleared));
}

void TestCocoExchange::statuses_round_trip() {
  // Export -> import into a new project gives back the boxes and the review status of every image.
  QTemporaryDir dir;
  Project p;
  const QSize size(100, 80);
  const auto predsFor = [](int n) {
    BoxList b;
    for (int k = 0; k < n; ++k)
      b.append(makeBox(QStringLiteral("cat"), QRectF(5 + k, 6 + k, 20.5, 10.25), Provenance::Model, 0.5f + 0.1f * k));
    return b;
  };
  ImageDocument* predicted = p.addImage(dir.filePath(QStringLiteral("predicted.png")), size);
  predicted->setPredictions(predsFor(2), detPrompt(), ImageDocument::PredictionMerge::Replace);
  ImageDocument* edited = p.addImage(dir.filePath(QStringLiteral("edited.png")), size);
  edited->addBox(makeBox(QStringLiteral("dog"), QRectF(1, 2, 3, 4), Provenance::Manual));
  ImageDocument* reviewed = p.addImage(dir.filePath(QStringLiteral("reviewed.png")), size);
  reviewed->setPredictions(predsFor(3), detPrompt(), ImageDocument::PredictionMerge::Replace);
  reviewed->setStatus(ReviewStatus::Reviewed);  // model boxes accepted as they are
  ImageDocument* emptyReviewed = p.addImage(dir.filePath(QStringLiteral("empty.png")), size);
  emptyReviewed->setStatus(ReviewStatus::Reviewed);  // looked at: nothing to label
  ImageDocument* unlabeled = p.addImage(dir.filePath(QStringLiteral("unlabeled.png")), size);
  ImageDocument* editedModel = p.addImage(dir.filePath(QStringLiteral("edited model.png")), size);
  editedModel->setPredictions(predsFor(2), detPrompt(), ImageDocument::PredictionMerge::Replace);
  editedModel->setStatus(ReviewStatus::Reviewed);
  editedModel->setStatus(ReviewStatus::Edited);  // Edited with only model boxes: not what inference would say
  QCOMPARE(predicted->status(), ReviewStatus::Predicted);
  QCOMPARE(edited->status(), ReviewStatus::Edited);
  QCOMPARE(unlabeled->status(), ReviewStatus::Unlabeled);

  const QString out = dir.filePath(QStringLiteral("coco.json"));
  QString error;
  QVERIFY2(CocoExchange::exportDataset(p, out, {}, &error), qPrintable(error));
  const QJsonArray images = QJsonDocument::fromJson(readAll(out)).object().value("images").toArray();
  QCOMPARE(images.at(2).toObject().value("attributes").toObject().value("status").toString(), QStringLiteral("reviewed"));

  Project q;
  CocoExchange::ImportResult r;
  QVERIFY2(CocoExchange::importDataset(q, out, &r, &error), qPrintable(error));
  QVERIFY2(r.warnings.isEmpty(), qPrintable(r.warnings.join('\n')));
  QCOMPARE(q.imageCount(), p.imageCount());
  for (int i = 0; i < p.imageCount(); ++i) {
    const ImageDocument* a = p.image(i);
    const ImageDocument* b = q.image(i);
    QCOMPARE(b->imagePath(), a->imagePath());
    QCOMPARE(b->status(), a->status());
    QCOMPARE(b->boxes().size(), a->boxes().size());
    for (int k = 0; k < a->boxes().size(); ++k) QVERIFY(a->boxes()[k].equals(b->boxes()[k], /*ignoreId=*/true));
  }

  // Without the status field (a plain COCO file), the status is inferred from the boxes as before.
  CocoExportOptions plain;
  plain.includeAttributes = false;
  const QString plainOut = dir.filePath(QStringLiteral("plain.json"));
  QVERIFY2(CocoExchange::exportDataset(p, plainOut, plain, &error), qPrintable(error));
  QVERIFY(!readAll(plainOut).contains("\"attributes\""));
  Project s;
  QVERIFY2(CocoExchange::importDataset(s, plainOut, nullptr, &error), qPrintable(error));
  QCOMPARE(s.image(0)->status(), ReviewStatus::Edited);  // no provenance in the file: the boxes count as manual
  QCOMPARE(s.image(3)->status(), ReviewStatus::Unlabeled);
}

void TestCocoExchange::file_names_never_absolute() {
  QTemporaryDir dir;
  QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("export/images")));
  QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("elsewhere/deep")));
  Project p;
  const QStringList paths = {dir.filePath(QStringLiteral("export/images/in.jpg")),
                             dir.filePath(QStringLiteral("export/top.jpg")),
                             dir.filePath(QStringLiteral("elsewhere/deep/out.jpg")),
                             dir.filePath(QStringLiteral("sibling.jpg"))};
  for (const QString& path : paths) {
    ImageDocument* d = p.addImage(path, QSize(50, 40));
    d->addBox(makeBox(QStringLiteral("thing"), QRectF(1, 1, 10, 10), Provenance::Manual));
  }
  const QString out = dir.filePath(QStringLiteral("export/coco.json"));
  QString error;
  QVERIFY2(CocoExchange::exportDataset(p, out, {}, &error), qPrintable(error));
  glip::coco::Dataset ds = glip::coco::read_dataset(out.toStdString());
  QCOMPARE(ds.images.size(), size_t(4));
  QCOMPARE(ds.images[0].file_name, std::string("images/in.jpg"));
  QCOMPARE(ds.images[1].file_name, std::string("top.jpg"));
  QCOMPARE(ds.images[2].file_name, std::string("../elsewhere/deep/out.jpg"));
  QCOMPARE(ds.images[3].file_name, std::string("../sibling.jpg"));
  Project q;
  QVERIFY2(CocoExchange::importDataset(q, out, nullptr, &error), qPrintable(error));
  for (int i = 0; i < paths.size(); ++i) QCOMPARE(q.image(i)->imagePath(), paths[i]);

  // With an image root: relative to it, and resolved back against it.
  CocoExportOptions o;
  o.imageRoot = dir.filePath(QStringLiteral("elsewhere"));
  QVERIFY2(CocoExchange::exportDataset(p, out, o, &error), qPrintable(error));
  ds = glip::coco::read_dataset(out.toStdString());
  QCOMPARE(ds.images[0].file_name, std::string("../export/images/in.jpg"));
  QCOMPARE(ds.images[2].file_name, std::string("deep/out.jpg"));
  for (const glip::coco::Image& im : ds.images) QVERIFY(!QDir::isAbsolutePath(QString::fromStdString(im.file_name)));
  Project r;
  QVERIFY2(CocoExchange::importDataset(r, out, nullptr, &error, o.imageRoot), qPrintable(error));
  for (int i = 0; i < paths.size(); ++i) QCOMPARE(r.image(i)->imagePath(), paths[i]);
}

void TestCocoExchange::categories_are_labels_used() {
  QTemporaryDir dir;
  Project p;
  p.setLabels({QStringLiteral("zebra"), QStringLiteral("never used"), QStringLiteral("apple")});
  QImage img(64, 48, QImage::Format_RGB32);
  img.fill(Qt::gray);
  for (int i = 0; i < 3; ++i) QVERIFY(img.save(dir.filePath(QStringLiteral("i%1.png").arg(i))));
  ImageDocument* a = p.addImage(dir.filePath(QStringLiteral("i0.png")), QSize(64, 48));
  a->addBox(makeBox(QStringLiteral("apple"), QRectF(1, 1, 10, 10), Provenance::Manual));
  a->addBox(makeBox(QStringLiteral("new one"), QRectF(2, 2, 10, 10), Provenance::Manual));
  ImageDocument* b = p.addImage(dir.filePath(QStringLiteral("i1.png")), QSize(64, 48));
  b->addBox(makeBox(QStringLiteral("zebra"), QRectF(3, 3, 10, 10), Provenance::Manual));
  // Labels only in raw predictions or on images left out of the export are no categories either.
  ImageDocument* c = p.addImage(dir.filePath(QStringLiteral("i2.png")), QSize(64, 48));
  c->setPredictions({makeBox(QStringLiteral("predicted only"), QRectF(1, 1, 5, 5), Provenance::Model, 0.9f)},
                    PromptSpec(), ImageDocument::PredictionMerge::Keep);
  c->deleteBoxes({c->boxes()[0].id});
  const QString out = dir.filePath(QStringLiteral("coco.json"));
  QString error;
  QVERIFY2(CocoExchange::exportDataset(p, out, {}, &error), qPrintable(error));
  const glip::coco::Dataset ds = glip::coco::read_dataset(out.toStdString());
  QCOMPARE(ds.categories.size(), size_t(3));
  QCOMPARE(ds.categories[0].name, std::string("zebra"));  // project label order first
  QCOMPARE(ds.categories[1].name, std::string("apple"));
  QCOMPARE(ds.categories[2].name, std::string("new one"));  // then by first use
  for (size_t i = 0; i < ds.categories.size(); ++i) QCOMPARE(ds.categories[i].id, int64_t(i + 1));
  const QStringList problems = CocoExchange::strictProblems(out);
  QVERIFY2(problems.isEmpty(), qPrintable(problems.join('\n')));
  // The predictions file keeps the dataset's ids; predictions of labels without a category are left out.
  const QString res = dir.filePath(QStringLiteral("bbox.json"));
  QVERIFY2(CocoExchange::exportPredictions(p, res, {}, &error), qPrintable(error));
  QCOMPARE(glip::coco::read_results(res.toStdString()).size(), size_t(0));
}

void TestCocoExchange::strict_problems_catch_bad_files() {
  QTemporaryDir dir;
  QImage img(64, 48, QImage::Format_RGB32);
  img.fill(Qt::white);
  QVERIFY(img.save(dir.filePath(QStringLiteral("real.png"))));
  glip::coco::DatasetBuilder b;
  glip::coco::ImageAttributes bad;
  bad.status = "maybe";
  const int64_t wrongSize = b.add_image("real.png", 60, 48);  // the file is 64x48
  b.add_image(dir.filePath(QStringLiteral("abs.png")).toStdString(), 10, 10, bad);
  b.add_image("real.png", 64, 48);
  b.category("unused");
  b.add_box(wrongSize, "used", {1, 1, 5, 5});
  glip::coco::Dataset ds = b.take();
  const QStringList p = CocoExchange::strictProblems(ds, dir.path());
  const QString all = p.join('\n');
  QCOMPARE(p.size(), 5);
  QVERIFY2(all.contains(QStringLiteral("images[0] (id 1): size 60x48 differs from the file's 64x48")), qPrintable(all));
  QVERIFY2(all.contains(QStringLiteral("images[1] (id 2): file_name \"%1\" is absolute").arg(dir.filePath("abs.png"))),
           qPrintable(all));
  QVERIFY2(all.contains(QStringLiteral("images[1] (id 2): unknown status \"maybe\"")), qPrintable(all));
  QVERIFY2(all.contains(QStringLiteral("images[2] (id 3): duplicate file_name \"real.png\"")), qPrintable(all));
  QVERIFY2(all.contains(QStringLiteral("categories[0] (id 1): \"unused\" is used by no annotation")), qPrintable(all));
  // The core problems are included (a box outside its image, a dangling category id).
  ds.annotations[0].bbox = {50, 1, 20, 5};
  ds.annotations[0].category_id = 9;
  const QString more = CocoExchange::strictProblems(ds, dir.path()).join('\n');
  QVERIFY2(more.contains(QStringLiteral("leaves the 60x48 image")), qPrintable(more));
  QVERIFY2(more.contains(QStringLiteral("category_id 9 does not exist")), qPrintable(more));
  // A file that cannot be read is one problem.
  QCOMPARE(CocoExchange::strictProblems(dir.filePath(QStringLiteral("missing.json"))).size(), 1);
}

QTEST_GUILESS_MAIN(TestCocoExchange)
#include "test_coco_exchange.moc"
