// Per-image result cache of the UI: (image path, prompt key, model key, preview size) -> every GLIP output of that
// run (threshold 0), least recently used first out. A preview result (DetectReply::minSize > 0) never stands in
// for the model's size, nor the other way round. The threshold slider filters these; nothing is re-run.
#pragma once
#include <QHash>
#include <QList>
#include <QString>
#include <memory>

namespace glip {
struct DetectResult;
}

namespace glip::studio {

class ResultCache {
 public:
  explicit ResultCache(int capacity = 256) : capacity_(capacity) {}
  // minSize: the preview size the result was computed at (DetectReply::minSize); 0 = the model's size.
  static QString key(const QString& imagePath, const QString& promptKey, const QString& modelKey, int minSize);
  std::shared_ptr<const glip::DetectResult> find(const QString& key);  // marks it recently used
  // Without marking it recently used (nor counting a hit).
  std::shared_ptr<const glip::DetectResult> peek(const QString& key) const { return map_.value(key); }
  void insert(const QString& key, std::shared_ptr<const glip::DetectResult> result);
  void clear();
  int size() const { return static_cast<int>(map_.size()); }
  int hits() const { return hits_; }

 private:
  int capacity_;
  QHash<QString, std::shared_ptr<const glip::DetectResult>> map_;
  QList<QString> order_;  // least recent first
  int hits_ = 0;
};

}  // namespace glip::studio
