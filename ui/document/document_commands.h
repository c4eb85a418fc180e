// The undo commands of ImageDocument, one small class per edit kind. Each records the exact state it changes and
// the review status before and after, so undo() restores the previous state exactly and redo() the next one.
// (Tiny classes that only make sense together; kept in one file on purpose.)
#pragma once
#include <QUndoCommand>
#include <QVector>

#include "ui/document/box.h"
#include "ui/document/image_state.h"
#include "ui/document/prompt_spec.h"

namespace glip::studio {

class ImageDocument;

// Base: access to the document's mutators and the status bookkeeping.
class DocumentCommand : public QUndoCommand {
 public:
  DocumentCommand(ImageDocument* doc, ReviewStatus after, const QString& text);

 protected:
  void insertBoxAt(int index, const Box& box);
  void removeBox(quint64 id);
  void replaceBox(const Box& box);
  void resetContent(const BoxList& boxes, const BoxList& predictions, const PromptSpec& prompt);
  void applyBefore();  // status before
  void applyAfter();   // status after
  int indexOf(quint64 id) const;

  ImageDocument* doc_;
  ReviewStatus statusBefore_;
  ReviewStatus statusAfter_;
};

class AddBoxCommand : public DocumentCommand {
 public:
  AddBoxCommand(ImageDocument* doc, const Box& box, int index);
  void redo() override;
  void undo() override;

 private:
  Box box_;
  int index_;
};

class DeleteBoxesCommand : public DocumentCommand {
 public:
  // `removed`: (index, box) in increasing index order.
  DeleteBoxesCommand(ImageDocument* doc, const QVector<QPair<int, Box>>& removed);
  void redo() override;
  void undo() override;

 private:
  QVector<QPair<int, Box>> removed_;
};

class SetRectCommand : public DocumentCommand {
 public:
  static constexpr int kId = 0x6c1b;  // QUndoCommand::id() for merging drags and nudges
  SetRectCommand(ImageDocument* doc, const Box& before, const Box& after, bool mergeable);
  void redo() override;
  void undo() override;
  int id() const override { return mergeable_ ? kId : -1; }
  bool mergeWith(const QUndoCommand* other) override;

 private:
  Box before_, after_;
  bool mergeable_;
};

class RelabelCommand : public DocumentCommand {
 public:
  RelabelCommand(ImageDocument* doc, const BoxList& before, const BoxList& after);
  void redo() override;
  void undo() override;

 private:
  BoxList before_, after_;
};

class SetStatusCommand : public DocumentCommand {
 public:
  SetStatusCommand(ImageDocument* doc, ReviewStatus after);
  void redo() override { applyAfter(); }
  void undo() override { applyBefore(); }
};

// Predictions, clear and import: the whole box list, the raw predictions and the prompt at once.
class ReplaceContentCommand : public DocumentCommand {
 public:
  struct Content {
    BoxList boxes;
    BoxList predictions;
    PromptSpec prompt;
  };
  static constexpr int kId = 0x6c1c;  // QUndoCommand::id() for merging the steps of one threshold drag
  // gesture != 0: merges with the previous command of the same gesture (one drag = one undo step).
  ReplaceContentCommand(ImageDocument* doc, const Content& before, const Content& after, ReviewStatus statusAfter,
                        const QString& text, quint64 gesture = 0);
  void redo() override;
  void undo() override;
  int id() const override { return gesture_ ? kId : -1; }
  bool mergeWith(const QUndoCommand* other) override;

 private:
  Content before_, after_;
  quint64 gesture_;
};

}  // namespace glip::studio
