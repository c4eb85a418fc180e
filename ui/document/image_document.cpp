#include "ui/document/image_document.h"

#include <QUndoStack>
#include <algorithm>

#include "ui/document/document_commands.h"

namespace glip::studio {

ImageDocument::ImageDocument(const QString& imagePath, const QSize& imageSize, QObject* parent)
    : QObject(parent), path_(imagePath), size_(imageSize), undo_(new QUndoStack(this)) {
  // undo()/redo() change the content through the mutators, which emit changed() themselves.
}

ImageDocument::~ImageDocument() = default;

void ImageDocument::setImageSize(const QSize& size) {
  if (size == size_) return;
  size_ = size;
  emit changed();
}

void ImageDocument::setReadError(const QString& error) {
  if (error == readError_) return;
  readError_ = error;
  emit fileStateChanged();
}

int ImageDocument::indexOf(quint64 id) const {
  for (int i = 0; i < boxes_.size(); ++i)
    if (boxes_[i].id == id) return i;
  return -1;
}

const Box* ImageDocument::box(quint64 id) const {
  const int i = indexOf(id);
  return i < 0 ? nullptr : &boxes_[i];
}

QRectF ImageDocument::rectOf(quint64 id) const {
  const Box* b = box(id);
  return b ? b->rect : QRectF();
}

BoxList ImageDocument::assignIds(BoxList boxes) {
  for (Box& b : boxes) {
    b.id = nextId_++;
    b.rect = Box::snapRect(b.rect);
  }
  return boxes;
}

// ----- edits -----

quint64 ImageDocument::addBox(const Box& box) {
  Box b = box;
  b.id = nextId_++;
  b.rect = Box::snapRect(b.rect);
  undo_->push(new AddBoxCommand(this, b, static_cast<int>(boxes_.size())));
  return b.id;
}

bool ImageDocument::deleteBoxes(const QList<quint64>& ids) {
  QVector<QPair<int, Box>> removed;
  for (int i = 0; i < boxes_.size(); ++i)
    if (ids.contains(boxes_[i].id)) removed.append({i, boxes_[i]});
  if (removed.isEmpty()) return false;
  undo_->push(new DeleteBoxesCommand(this, removed));
  return true;
}

bool ImageDocument::setRect(quint64 id, const QRectF& rect, bool mergeable) {
  const Box* b = box(id);
  if (b == nullptr) return false;
  Box after = *b;
  after.rect = Box::snapRect(rect);
  if (after.provenance == Provenance::Model) after.provenance = Provenance::Edited;
  if (after.equals(*b)) return false;
  undo_->push(new SetRectCommand(this, *b, after, mergeable));
  return true;
}

bool ImageDocument::setRects(const QHash<quint64, QRectF>& rects) {
  QList<quint64> changing;
  for (auto it = rects.cbegin(); it != rects.cend(); ++it) {
    const Box* b = box(it.key());
    if (!b) continue;
    Box after = *b;
    after.rect = Box::snapRect(it.value());
    if (after.provenance == Provenance::Model) after.provenance = Provenance::Edited;
    if (!after.equals(*b)) changing << it.key();
  }
  if (changing.isEmpty()) return false;
  std::sort(changing.begin(), changing.end());  // a stable order (QHash's is not)
  undo_->beginMacro(tr("Move %n box(es)", nullptr, int(changing.size())));
  for (quint64 id : changing) setRect(id, rects.value(id), false);
  undo_->endMacro();
  return true;
}

bool ImageDocument::relabel(const QList<quint64>& ids, const QString& label) {
  BoxList before, after;
  for (const Box& b : boxes_) {
    if (!ids.contains(b.id) || b.label == label) continue;
    before.append(b);
    Box a = b;
    a.label = label;
    if (a.provenance == Provenance::Model) a.provenance = Provenance::Edited;
    after.append(a);
  }
  if (after.isEmpty()) return false;
  undo_->push(new RelabelCommand(this, before, after));
  return true;
}

bool ImageDocument::setStatus(ReviewStatus status) {
  if (status == status_) return false;
  undo_->push(new SetStatusCommand(this, status));
  return true;
}

void ImageDocument::setPredictions(const BoxList& predictions, const PromptSpec& prompt, PredictionMerge mode,
                                   quint64 gesture) {
  ReplaceContentCommand::Content before{boxes_, predictions_, prompt_};
  ReplaceContentCommand::Content after;
  BoxList preds;
  for (Box b : predictions) {
    b.provenance = Provenance::Model;
    preds.append(b);
  }
  after.predictions = assignIds(preds);
  after.boxes = mode == PredictionMerge::Keep ? boxes_ : BoxList();
  after.boxes += assignIds(preds);  // the editable copies get their own ids
  after.prompt = prompt;
  undo_->push(new ReplaceContentCommand(this, before, after, ReviewStatus::Predicted,
                                        tr("Predict %n box(es)", nullptr, int(predictions.size())), gesture));
}

bool ImageDocument::clear() {
  if (boxes_.isEmpty() && predictions_.isEmpty() && status_ == ReviewStatus::Unlabeled) return false;
  ReplaceContentCommand::Content before{boxes_, predictions_, prompt_};
  ReplaceContentCommand::Content after{{}, {}, prompt_};
  undo_->push(new ReplaceContentCommand(this, before, after, ReviewStatus::Unlabeled, tr("Clear boxes")));
  return true;
}

void ImageDocument::replaceContent(const BoxList& boxes, const PromptSpec& prompt, ReviewStatus status,
                                   const QString& text) {
  ReplaceContentCommand::Content before{boxes_, predictions_, prompt_};
  ReplaceContentCommand::Content after{assignIds(boxes), predictions_, prompt};
  undo_->push(new ReplaceContentCommand(this, before, after, status, text));
}

// ----- state -----

ImageState ImageDocument::state() const {
  ImageState s;
  s.path = path_;
  s.size = size_;
  s.status = status_;
  s.prompt = prompt_;
  s.boxes = boxes_;
  s.predictions = predictions_;
  return s;
}

void ImageDocument::restoreState(const ImageState& state) {
  undo_->clear();
  path_ = state.path;
  size_ = state.size;
  resetContent(assignIds(state.boxes), assignIds(state.predictions), state.prompt);
  applyStatus(state.status);
}

// ----- mutators (commands) -----

void ImageDocument::insertBoxAt(int index, const Box& box) {
  boxes_.insert(std::clamp(index, 0, static_cast<int>(boxes_.size())), box);
  emit boxAdded(box.id);
  emit changed();
}

void ImageDocument::removeBox(quint64 id) {
  const int i = indexOf(id);
  if (i < 0) return;
  boxes_.removeAt(i);
  emit boxRemoved(id);
  emit changed();
}

void ImageDocument::replaceBox(const Box& box) {
  const int i = indexOf(box.id);
  if (i < 0) return;
  boxes_[i] = box;
  emit boxChanged(box.id);
  emit changed();
}

void ImageDocument::resetContent(const BoxList& boxes, const BoxList& predictions, const PromptSpec& prompt) {
  boxes_ = boxes;
  predictions_ = predictions;
  const bool promptChanged_ = prompt != prompt_;
  prompt_ = prompt;
  emit boxesReset();
  if (promptChanged_) emit promptChanged();
  emit changed();
}

void ImageDocument::applyStatus(ReviewStatus status) {
  if (status == status_) return;
  status_ = status;
  emit statusChanged(status);
  emit changed();
}

}  // namespace glip::studio
