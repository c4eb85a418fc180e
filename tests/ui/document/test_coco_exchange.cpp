// ui/document CocoExchange: project -> COCO dataset -> project round trip (boxes bit-exact, labels with spaces,
// provenance/score/caption/span attributes, image sizes), export -> import -> export gives the same bytes, raw
// predictions share the dataset's ids, validation errors reach the caller, import into an open image is undoable.
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QUndoStack>
#include <QtTest>
#include <random>

#include "core/coco/coco.h"
#include "ui/document/coco_exchange.h"
#include "ui/document/project.h"

using namespace glip::studio;

namespace {

Box makeBox(const QString& label, QRectF r, Provenance p, float score = 0) {
  Box b;
  b.label = label;
  b.rect = r;
  b.provenance = p;
  b.score = score;
  return b;
}

QByteArray readAll(const QString& path) {
  QFile f(path);
  f.open(QIODevice::ReadOnly);
  return f.readAll();
}

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
  QCOMPARE(root.value("categories").toArray().at(2).toObject().value("name").toString(), QStringLiteral("unused label"));
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
  QVERIFY(q.labels().contains(QStringLiteral("unused label")));
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

QTEST_GUILESS_MAIN(TestCocoExchange)
#include "test_coco_exchange.moc"
