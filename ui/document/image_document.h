// ImageDocument — one image of a project (Gwenview style): its path and size, its boxes, review status, the prompt
// of the last prediction, the raw predictions, and its own QUndoStack. Every edit is one small QUndoCommand
// (ui/document/document_commands.h); undo restores the exact previous state (box ids included).
//
//   ImageDocument doc("/data/a.jpg", QSize(640, 480));
//   quint64 id = doc.addBox(box);                          // Manual box -> status Edited
//   doc.setRect(id, r1); doc.setRect(id, r2);              // one undo step (same box, mergeable)
//   doc.setPredictions(boxes, prompt, ImageDocument::PredictionMerge::Replace);   // status Predicted
//   doc.undoStack()->undo();
//
// Status follows the edits: predictions -> Predicted; any hand edit -> Edited; clear -> Unlabeled; setStatus()
// sets it explicitly (e.g. Reviewed). Each command records the status before and after.
#pragma once
#include <QHash>
#include <QList>
#include <QObject>
#include <QPointF>
#include <QRectF>
#include <QSize>
#include <QString>

#include "ui/document/box.h"
#include "ui/document/image_state.h"
#include "ui/document/prompt_spec.h"

class QUndoStack;

namespace glip::studio {

class DocumentCommand;

class ImageDocument : public QObject {
  Q_OBJECT

 public:
  // What happens to the boxes already there when model predictions arrive.
  enum class PredictionMerge { Replace, Keep };

  explicit ImageDocument(const QString& imagePath, const QSize& imageSize = QSize(), QObject* parent = nullptr);
  ~ImageDocument() override;

  QString imagePath() const { return path_; }
  QSize imageSize() const { return size_; }
  void setImageSize(const QSize& size);  // a fact about the file, not an edit: not undoable, emits changed()
  // Why the file cannot be read ("" = readable or not tried). A fact about the file: not saved, not undoable;
  // emits fileStateChanged() (not changed(): the project content is the same).
  QString readError() const { return readError_; }
  void setReadError(const QString& error);
  ReviewStatus status() const { return status_; }
  const PromptSpec& prompt() const { return prompt_; }
  const BoxList& boxes() const { return boxes_; }
  const BoxList& predictions() const { return predictions_; }
  int indexOf(quint64 id) const;        // -1 when absent
  const Box* box(quint64 id) const;     // nullptr when absent
  QUndoStack* undoStack() const { return undo_; }

  // ----- edits (each pushes one undo command; nothing is pushed when nothing would change) -----
  // Adds a box (rect snapped to float corners); returns its new id. Provenance as given (normally Manual).
  quint64 addBox(const Box& box);
  bool deleteBoxes(const QList<quint64>& ids);
  // Moves/resizes a box. Consecutive calls for the same box with mergeable = true (drags, arrow-key nudges) merge
  // into one undo step. A Model box becomes Edited (its score is kept).
  bool setRect(quint64 id, const QRectF& rect, bool mergeable = true);
  bool moveBy(quint64 id, const QPointF& delta) { return setRect(id, rectOf(id).translated(delta), true); }
  // Moves/resizes several boxes in one undo step (a group drag).
  bool setRects(const QHash<quint64, QRectF>& rects);
  // Relabels boxes (label verbatim); Model boxes become Edited.
  bool relabel(const QList<quint64>& ids, const QString& label);
  bool setStatus(ReviewStatus status);
  // Model output for this image: becomes predictions(); with Replace the boxes are the predictions, with Keep
  // they are added after the existing boxes. Sets the prompt and the status Predicted. Consecutive calls with the
  // same non-zero `gesture` (one threshold drag) merge into one undo step.
  void setPredictions(const BoxList& predictions, const PromptSpec& prompt, PredictionMerge mode, quint64 gesture = 0);
  // Removes all boxes and predictions; status Unlabeled (the prompt is kept).
  bool clear();
  // Replaces boxes, prompt and status in one step (COCO import into an existing image).
  void replaceContent(const BoxList& boxes, const PromptSpec& prompt, ReviewStatus status, const QString& text);

  // ----- whole state (project file, autosave) -----
  ImageState state() const;
  // Replaces everything and clears the undo stack (loading, recovery). Box ids are renumbered.
  void restoreState(const ImageState& state);

 signals:
  void boxAdded(quint64 id);
  void boxRemoved(quint64 id);
  void boxChanged(quint64 id);  // rect, label, score or provenance
  void boxesReset();            // many boxes replaced at once (predictions, clear, import, restore)
  void statusChanged(glip::studio::ReviewStatus status);
  void promptChanged();
  void changed();  // any content change, including undo/redo (project dirty flag, autosave)
  void fileStateChanged();  // readError() changed

 private:
  friend class DocumentCommand;
  QRectF rectOf(quint64 id) const;
  BoxList assignIds(BoxList boxes);
  // Mutators used by the commands (and restoreState). They emit the view signals and changed().
  void insertBoxAt(int index, const Box& box);
  void removeBox(quint64 id);
  void replaceBox(const Box& box);
  void resetContent(const BoxList& boxes, const BoxList& predictions, const PromptSpec& prompt);
  void applyStatus(ReviewStatus status);

  QString path_;
  QSize size_;
  QString readError_;
  ReviewStatus status_ = ReviewStatus::Unlabeled;
  PromptSpec prompt_;
  BoxList boxes_;
  BoxList predictions_;
  quint64 nextId_ = 1;
  QUndoStack* undo_ = nullptr;
};

}  // namespace glip::studio
