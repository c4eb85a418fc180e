#include "ui/document/document_commands.h"

#include <QCoreApplication>

#include "ui/document/image_document.h"

namespace glip::studio {

DocumentCommand::DocumentCommand(ImageDocument* doc, ReviewStatus after, const QString& text)
    : doc_(doc), statusBefore_(doc->status()), statusAfter_(after) {
  setText(text);
}

void DocumentCommand::insertBoxAt(int index, const Box& box) { doc_->insertBoxAt(index, box); }
void DocumentCommand::removeBox(quint64 id) { doc_->removeBox(id); }
void DocumentCommand::replaceBox(const Box& box) { doc_->replaceBox(box); }
void DocumentCommand::resetContent(const BoxList& boxes, const BoxList& predictions, const PromptSpec& prompt) {
  doc_->resetContent(boxes, predictions, prompt);
}
void DocumentCommand::applyBefore() { doc_->applyStatus(statusBefore_); }
void DocumentCommand::applyAfter() { doc_->applyStatus(statusAfter_); }
int DocumentCommand::indexOf(quint64 id) const { return doc_->indexOf(id); }

// ----- add -----

AddBoxCommand::AddBoxCommand(ImageDocument* doc, const Box& box, int index)
    : DocumentCommand(doc, ReviewStatus::Edited, QCoreApplication::translate("glip::studio::DocumentCommand", "Add box \"%1\"").arg(box.label)),
      box_(box),
      index_(index) {}

void AddBoxCommand::redo() {
  insertBoxAt(index_, box_);
  applyAfter();
}

void AddBoxCommand::undo() {
  removeBox(box_.id);
  applyBefore();
}

// ----- delete -----

DeleteBoxesCommand::DeleteBoxesCommand(ImageDocument* doc, const QVector<QPair<int, Box>>& removed)
    : DocumentCommand(doc, ReviewStatus::Edited,
                      removed.size() == 1 ? QCoreApplication::translate("glip::studio::DocumentCommand", "Delete box \"%1\"").arg(removed.front().second.label)
                                          : QCoreApplication::translate("glip::studio::DocumentCommand", "Delete %n box(es)", nullptr, int(removed.size()))),
      removed_(removed) {}

void DeleteBoxesCommand::redo() {
  for (const auto& r : removed_) removeBox(r.second.id);
  applyAfter();
}

void DeleteBoxesCommand::undo() {
  for (const auto& r : removed_) insertBoxAt(r.first, r.second);  // increasing order restores every index
  applyBefore();
}

// ----- move / resize -----

SetRectCommand::SetRectCommand(ImageDocument* doc, const Box& before, const Box& after, bool mergeable)
    : DocumentCommand(doc, ReviewStatus::Edited, QCoreApplication::translate("glip::studio::DocumentCommand", "Move box \"%1\"").arg(before.label)),
      before_(before),
      after_(after),
      mergeable_(mergeable) {}

void SetRectCommand::redo() {
  replaceBox(after_);
  applyAfter();
}

void SetRectCommand::undo() {
  replaceBox(before_);
  applyBefore();
}

bool SetRectCommand::mergeWith(const QUndoCommand* other) {
  const auto* o = dynamic_cast<const SetRectCommand*>(other);
  if (o == nullptr || !o->mergeable_ || o->before_.id != after_.id) return false;
  after_ = o->after_;
  statusAfter_ = o->statusAfter_;
  // A drag that ends where it started is no step at all.
  setObsolete(after_.equals(before_) && statusAfter_ == statusBefore_);
  return true;
}

// ----- relabel -----

RelabelCommand::RelabelCommand(ImageDocument* doc, const BoxList& before, const BoxList& after)
    : DocumentCommand(doc, ReviewStatus::Edited,
                      QCoreApplication::translate("glip::studio::DocumentCommand", "Relabel %n box(es) as \"%1\"", nullptr, int(after.size()))
                          .arg(after.isEmpty() ? QString() : after.front().label)),
      before_(before),
      after_(after) {}

void RelabelCommand::redo() {
  for (const Box& b : after_) replaceBox(b);
  applyAfter();
}

void RelabelCommand::undo() {
  for (const Box& b : before_) replaceBox(b);
  applyBefore();
}

// ----- status -----

SetStatusCommand::SetStatusCommand(ImageDocument* doc, ReviewStatus after)
    : DocumentCommand(doc, after, QCoreApplication::translate("glip::studio::DocumentCommand", "Mark as %1").arg(reviewStatusDisplayName(after))) {}

// ----- predictions / clear / import -----

ReplaceContentCommand::ReplaceContentCommand(ImageDocument* doc, const Content& before, const Content& after,
                                             ReviewStatus statusAfter, const QString& text, quint64 gesture)
    : DocumentCommand(doc, statusAfter, text), before_(before), after_(after), gesture_(gesture) {}

bool ReplaceContentCommand::mergeWith(const QUndoCommand* other) {
  const auto* o = static_cast<const ReplaceContentCommand*>(other);  // same id(): same class
  if (o->gesture_ != gesture_ || o->doc_ != doc_) return false;
  after_ = o->after_;
  statusAfter_ = o->statusAfter_;
  setText(o->text());
  return true;
}

void ReplaceContentCommand::redo() {
  resetContent(after_.boxes, after_.predictions, after_.prompt);
  applyAfter();
}

void ReplaceContentCommand::undo() {
  resetContent(before_.boxes, before_.predictions, before_.prompt);
  applyBefore();
}

}  // namespace glip::studio
