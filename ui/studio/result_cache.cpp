#include "ui/studio/result_cache.h"

namespace glip::studio {

QString ResultCache::key(const QString& imagePath, const QString& promptKey, const QString& modelKey, int minSize) {
  return imagePath + QChar(0x1e) + promptKey + QChar(0x1e) + modelKey + QChar(0x1e) + QString::number(minSize);
}

std::shared_ptr<const glip::DetectResult> ResultCache::find(const QString& key) {
  auto it = map_.find(key);
  if (it == map_.end()) return nullptr;
  order_.removeOne(key);
  order_.append(key);
  ++hits_;
  return it.value();
}

void ResultCache::insert(const QString& key, std::shared_ptr<const glip::DetectResult> result) {
  if (!result) return;
  if (map_.contains(key)) order_.removeOne(key);
  map_.insert(key, std::move(result));
  order_.append(key);
  while (order_.size() > capacity_) map_.remove(order_.takeFirst());
}

void ResultCache::clear() {
  map_.clear();
  order_.clear();
}

}  // namespace glip::studio
