// ui/document ImageDocument: undo/redo of every edit kind (state after undo == state before, after redo == after,
// box ids included), merging of drags and nudges, provenance and status rules, view signals.
#include <QSignalSpy>
#include <QUndoStack>
#include <QtTest>

#include "core/engine/engine.h"
#include "tests/common/document_boxes.h"
#include "ui/document/document_commands.h"
#include "ui/document/image_document.h"

using namespace glip::studio;

namespace {

// Exact equality, box ids included (ImageState::sameContent ignores ids).
bool exactlyEqual(const ImageState& a, const ImageState& b) {
  if (!a.sameContent(b) || a.boxes.size() != b.boxes.size() || a.predictions.size() != b.predictions.size())
    return false;
  for (int i = 0; i < a.boxes.size(); ++i)
    if (a.boxes[i] != b.boxes[i]) return false;
  for (int i = 0; i < a.predictions.size(); ++i)
    if (a.predictions[i] != b.predictions[i]) return false;
  return true;
}

QString describe(const ImageState& s) {
  QString out = QStringLiteral("status %1, %2 boxes:").arg(reviewStatusKey(s.status)).arg(s.boxes.size());
  for (const Box& b : s.boxes)
    out += QStringLiteral(" [%1 %2 %3,%4 %5x%6 %7]")
               .arg(b.id)
               .arg(b.label)
               .arg(b.rect.x())
               .arg(b.rect.y())
               .arg(b.rect.width())
               .arg(b.rect.height())
               .arg(provenanceKey(b.provenance));
  return out;
}

using glip::test::makeBox;

PromptSpec prompt() {
  PromptSpec p;
  p.caption = QStringLiteral("person. traffic light");
  p.detection = true;
  p.labels = {{QStringLiteral("person"), {{0, 6}}}, {QStringLiteral("traffic light"), {{8, 21}}}};
  return p;
}

// A document with a few boxes of each provenance, an empty undo stack and status Predicted.
void populate(ImageDocument& doc) {
  doc.setPredictions({makeBox("person", {10.25, 20.5, 30, 40}, Provenance::Model, 0.9f, 3),
                      makeBox("traffic light", {100, 50, 8.5, 20}, Provenance::Model, 0.55f, 7)},
                     prompt(), ImageDocument::PredictionMerge::Replace);
  doc.addBox(makeBox("a  dog ", {300.1, 200.2, 50.3, 40.4}));
  doc.setStatus(ReviewStatus::Predicted);
  doc.undoStack()->clear();
}

}  // namespace

class TestImageDocument : public QObject {
  Q_OBJECT
 private slots:
  void undo_redo_every_edit_kind_data();
  void undo_redo_every_edit_kind();
  void provenance_and_status_rules();
  void nudges_and_drags_merge();
  void no_op_edits_push_nothing();
  void signals_for_views();
  void rects_are_float_corners();
  void restore_state_renumbers_and_clears_undo();
  void engine_conversions();
};

void TestImageDocument::undo_redo_every_edit_kind_data() {
  QTest::addColumn<int>("kind");
  const char* names[] = {"add",          "delete one",        "delete several", "setRect",    "moveBy",
                         "relabel",      "relabel several",   "setStatus",      "predict replace",
                         "predict keep", "clear",             "replaceContent"};
  for (int i = 0; i < int(sizeof(names) / sizeof(names[0])); ++i) QTest::newRow(names[i]) << i;
}

void TestImageDocument::undo_redo_every_edit_kind() {
  QFETCH(int, kind);
  ImageDocument doc(QStringLiteral("/data/a.jpg"), QSize(640, 480));
  populate(doc);
  const BoxList boxes = doc.boxes();
  QCOMPARE(boxes.size(), 3);
  const ImageState before = doc.state();
  switch (kind) {
    case 0: doc.addBox(makeBox("cat", {1, 2, 3, 4})); break;
    case 1: QVERIFY(doc.deleteBoxes({boxes[1].id})); break;
    case 2: QVERIFY(doc.deleteBoxes({boxes[0].id, boxes[2].id})); break;
    case 3: QVERIFY(doc.setRect(boxes[0].id, QRectF(5, 6, 70.5, 80.25), false)); break;
    case 4: QVERIFY(doc.moveBy(boxes[2].id, QPointF(-1, 1))); break;
    case 5: QVERIFY(doc.relabel({boxes[1].id}, QStringLiteral("traffic  signal"))); break;
    case 6: QVERIFY(doc.relabel({boxes[0].id, boxes[1].id, boxes[2].id}, QStringLiteral("thing"))); break;
    case 7: QVERIFY(doc.setStatus(ReviewStatus::Reviewed)); break;
    case 8:
      doc.setPredictions({makeBox("person", {1, 1, 5, 5}, Provenance::Model, 0.3f, 1)}, PromptSpec(),
                         ImageDocument::PredictionMerge::Replace);
      break;
    case 9:
      doc.setPredictions({makeBox("person", {1, 1, 5, 5}, Provenance::Model, 0.3f, 1)}, prompt(),
                         ImageDocument::PredictionMerge::Keep);
      break;
    case 10: QVERIFY(doc.clear()); break;
    case 11:
      doc.replaceContent({makeBox("imported", {0, 0, 2, 2}, Provenance::Edited, 0.5f)}, PromptSpec(),
                         ReviewStatus::Edited, QStringLiteral("import"));
      break;
  }
  const ImageState after = doc.state();
  QVERIFY2(!exactlyEqual(after, before), qPrintable(describe(after)));
  QCOMPARE(doc.undoStack()->count(), 1);  // one command per edit
  QVERIFY(!doc.undoStack()->undoText().isEmpty());

  doc.undoStack()->undo();
  QVERIFY2(exactlyEqual(doc.state(), before), qPrintable(describe(doc.state()) + " vs " + describe(before)));
  doc.undoStack()->redo();
  QVERIFY2(exactlyEqual(doc.state(), after), qPrintable(describe(doc.state()) + " vs " + describe(after)));
  doc.undoStack()->undo();
  QVERIFY(exactlyEqual(doc.state(), before));
}

void TestImageDocument::provenance_and_status_rules() {
  ImageDocument doc(QStringLiteral("/data/a.jpg"), QSize(640, 480));
  QCOMPARE(doc.status(), ReviewStatus::Unlabeled);
  populate(doc);
  QCOMPARE(doc.status(), ReviewStatus::Predicted);
  const BoxList boxes = doc.boxes();
  // Predictions are kept raw, separately from the editable boxes.
  QCOMPARE(doc.predictions().size(), 2);
  QCOMPARE(doc.prompt(), prompt());
  QCOMPARE(boxes[0].provenance, Provenance::Model);

  // Moving a model box: Edited, score and candidate kept; status Edited.
  doc.setRect(boxes[0].id, QRectF(11, 21, 30, 40));
  QCOMPARE(doc.box(boxes[0].id)->provenance, Provenance::Edited);
  QCOMPARE(doc.box(boxes[0].id)->score, 0.9f);
  QCOMPARE(doc.box(boxes[0].id)->candidate, 3);
  QCOMPARE(doc.status(), ReviewStatus::Edited);
  QCOMPARE(doc.predictions()[0].rect, QRectF(10.25, 20.5, 30, 40));  // raw prediction untouched
  // Relabelling a model box: Edited; a manual box stays Manual.
  doc.relabel({boxes[1].id, boxes[2].id}, QStringLiteral("sign"));
  QCOMPARE(doc.box(boxes[1].id)->provenance, Provenance::Edited);
  QCOMPARE(doc.box(boxes[1].id)->score, 0.55f);
  QCOMPARE(doc.box(boxes[2].id)->provenance, Provenance::Manual);
  // Reviewed, then any edit needs review again.
  doc.setStatus(ReviewStatus::Reviewed);
  doc.moveBy(boxes[2].id, QPointF(1, 0));
  QCOMPARE(doc.status(), ReviewStatus::Edited);
  // Keep: predictions appended after the existing boxes; clear: Unlabeled, prompt kept.
  doc.setPredictions({makeBox("person", {1, 1, 5, 5}, Provenance::Manual, 0.3f)}, prompt(),
                     ImageDocument::PredictionMerge::Keep);
  QCOMPARE(doc.boxes().size(), 4);
  QCOMPARE(doc.boxes().last().provenance, Provenance::Model);  // forced: predictions are model boxes
  QCOMPARE(doc.status(), ReviewStatus::Predicted);
  doc.clear();
  QVERIFY(doc.boxes().isEmpty());
  QVERIFY(doc.predictions().isEmpty());
  QCOMPARE(doc.status(), ReviewStatus::Unlabeled);
  QCOMPARE(doc.prompt(), prompt());
}

void TestImageDocument::nudges_and_drags_merge() {
  ImageDocument doc(QStringLiteral("/data/a.jpg"), QSize(640, 480));
  populate(doc);
  const BoxList boxes = doc.boxes();
  const ImageState start = doc.state();
  // Ten arrow-key nudges of one box: one undo step, undone in one go.
  for (int i = 0; i < 10; ++i) doc.moveBy(boxes[2].id, QPointF(1, 0));
  QCOMPARE(doc.undoStack()->count(), 1);
  QCOMPARE(doc.box(boxes[2].id)->rect.x(), double(static_cast<float>(300.1)) + 10.0);
  const ImageState moved = doc.state();
  doc.undoStack()->undo();
  QVERIFY(exactlyEqual(doc.state(), start));
  doc.undoStack()->redo();
  QVERIFY(exactlyEqual(doc.state(), moved));

  // A drag of a model box (first step changes provenance and status): merged, and undo restores both.
  for (int i = 1; i <= 5; ++i) doc.setRect(boxes[0].id, QRectF(10.25 + i, 20.5, 30, 40 + i));
  QCOMPARE(doc.undoStack()->count(), 2);
  doc.undoStack()->undo();
  QCOMPARE(doc.box(boxes[0].id)->provenance, Provenance::Model);
  QCOMPARE(doc.box(boxes[0].id)->rect, QRectF(10.25, 20.5, 30, 40));
  doc.undoStack()->redo();

  // Another box, a non-mergeable setRect and the clean state all start a new step.
  doc.moveBy(boxes[1].id, QPointF(0, 1));
  QCOMPARE(doc.undoStack()->count(), 3);
  doc.setRect(boxes[1].id, QRectF(0, 0, 9, 9), false);
  doc.moveBy(boxes[1].id, QPointF(0, 1));
  QCOMPARE(doc.undoStack()->count(), 5);
  doc.undoStack()->setClean();
  doc.moveBy(boxes[1].id, QPointF(0, 1));
  QCOMPARE(doc.undoStack()->count(), 6);

  // A drag that comes back to where it started is no step at all.
  doc.undoStack()->clear();
  const ImageState here = doc.state();
  doc.moveBy(boxes[2].id, QPointF(3, 0));
  doc.moveBy(boxes[2].id, QPointF(-3, 0));
  QCOMPARE(doc.undoStack()->count(), 0);
  QVERIFY(exactlyEqual(doc.state(), here));
}

void TestImageDocument::no_op_edits_push_nothing() {
  ImageDocument doc(QStringLiteral("/data/a.jpg"), QSize(640, 480));
  populate(doc);
  const BoxList boxes = doc.boxes();
  QVERIFY(!doc.deleteBoxes({12345}));
  QVERIFY(!doc.setRect(12345, QRectF(0, 0, 1, 1)));
  QVERIFY(!doc.setRect(boxes[2].id, boxes[2].rect));
  QVERIFY(!doc.relabel({boxes[0].id}, boxes[0].label));
  QVERIFY(!doc.setStatus(doc.status()));
  QCOMPARE(doc.undoStack()->count(), 0);
  ImageDocument empty(QStringLiteral("/data/b.jpg"));
  QVERIFY(!empty.clear());
}

void TestImageDocument::signals_for_views() {
  ImageDocument doc(QStringLiteral("/data/a.jpg"), QSize(640, 480));
  QSignalSpy added(&doc, &ImageDocument::boxAdded), removed(&doc, &ImageDocument::boxRemoved),
      changed(&doc, &ImageDocument::boxChanged), reset(&doc, &ImageDocument::boxesReset),
      status(&doc, &ImageDocument::statusChanged), any(&doc, &ImageDocument::changed);
  const quint64 id = doc.addBox(makeBox("cat", {1, 2, 3, 4}));
  QCOMPARE(added.count(), 1);
  QCOMPARE(added.at(0).at(0).value<quint64>(), id);
  QCOMPARE(status.count(), 1);
  QCOMPARE(status.at(0).at(0).value<ReviewStatus>(), ReviewStatus::Edited);
  doc.setRect(id, QRectF(2, 2, 3, 4));
  QCOMPARE(changed.count(), 1);
  doc.undoStack()->undo();  // undo emits too
  QCOMPARE(changed.count(), 2);
  doc.deleteBoxes({id});
  QCOMPARE(removed.count(), 1);
  doc.undoStack()->undo();
  QCOMPARE(added.count(), 2);
  doc.clear();
  QCOMPARE(reset.count(), 1);
  QVERIFY(any.count() >= 7);
}

void TestImageDocument::rects_are_float_corners() {
  ImageDocument doc(QStringLiteral("/data/a.jpg"), QSize(640, 480));
  const quint64 id = doc.addBox(makeBox("x", QRectF(QPointF(30.123456789, 40.2), QPointF(10.987654321, 5.5))));
  const QRectF r = doc.box(id)->rect;
  QCOMPARE(r.left(), double(10.987654321f));
  QCOMPARE(r.left() + r.width(), double(30.123456789f));  // normalized, right edge exactly the float corner
  QCOMPARE(r.top(), double(5.5f));
  QCOMPARE(r.top() + r.height(), double(40.2f));
}

void TestImageDocument::restore_state_renumbers_and_clears_undo() {
  ImageDocument doc(QStringLiteral("/data/a.jpg"), QSize(640, 480));
  populate(doc);
  doc.addBox(makeBox("y", {1, 1, 1, 1}));
  ImageState s = doc.state();
  ImageDocument other(QStringLiteral("/elsewhere.jpg"));
  other.restoreState(s);
  QVERIFY(other.state().sameContent(s));
  QCOMPARE(other.undoStack()->count(), 0);
  // ids unique
  QSet<quint64> ids;
  for (const Box& b : other.boxes()) ids.insert(b.id);
  QCOMPARE(ids.size(), other.boxes().size());
}

// Box::fromDetection and PromptSpec <-> glip::Prompt (plain data: no engine library needed).
void TestImageDocument::engine_conversions() {
  glip::Detection d;
  d.box = {12.5f, 30.25f, 200.75f, 310.125f};
  d.score = 0.875f;
  d.label = 2;
  d.phrase = "traffic light";
  d.candidate = 41;
  const Box b = Box::fromDetection(d);
  QCOMPARE(b.rect.left(), 12.5);
  QCOMPARE(b.rect.top(), 30.25);
  QCOMPARE(b.rect.left() + b.rect.width(), 200.75);
  QCOMPARE(b.rect.top() + b.rect.height(), 310.125);
  QCOMPARE(b.label, QStringLiteral("traffic light"));
  QCOMPARE(b.score, 0.875f);
  QCOMPARE(b.provenance, Provenance::Model);
  QCOMPARE(b.candidate, 41);

  const PromptSpec p = prompt();
  const glip::Prompt e = p.toEngine();
  QCOMPARE(e.caption, std::string("person. traffic light"));
  QCOMPARE(e.detection, true);
  QCOMPARE(e.labels.size(), size_t(2));
  QCOMPARE(e.labels[1].name, std::string("traffic light"));
  QCOMPARE(e.labels[1].spans.at(0)[0], int64_t(8));
  QCOMPARE(e.labels[1].spans.at(0)[1], int64_t(21));
  QCOMPARE(PromptSpec::fromEngine(e), p);
  // and through JSON
  PromptSpec back;
  QString error;
  QVERIFY(PromptSpec::fromJson(p.toJson(), &back, &error));
  QCOMPARE(back, p);
}

QTEST_GUILESS_MAIN(TestImageDocument)
#include "test_image_document.moc"
