#include "core/eval/merge.h"

#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <unordered_set>

#include "core/common/error.h"

namespace glip::eval {

std::string shard_file_name(const std::string& prefix, int k, int n) {
  if (n < 1 || k < 1 || k > n)
    throw Error("shard index " + std::to_string(k) + " of " + std::to_string(n) + " is out of range (1.." +
                std::to_string(n) + ")");
  return prefix + ".shard-" + std::to_string(k) + "-of-" + std::to_string(n) + ".json";
}

MergeResult merge_shards(const std::string& dir, const std::string& prefix) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw Error("merge: '" + dir + "' is not a directory");

  std::string quoted;
  for (char c : prefix) {
    if (std::string("\\^$.|?*+()[]{}").find(c) != std::string::npos) quoted += '\\';
    quoted += c;
  }
  const std::regex pattern(quoted + R"(\.shard-([0-9]+)-of-([0-9]+)\.json)");
  std::map<int, std::string> by_k;
  std::set<int> counts;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    std::smatch m;
    if (!std::regex_match(name, m, pattern)) continue;
    if (m[1].length() > 6 || m[2].length() > 6) throw Error("merge: shard file name '" + name + "' is out of range");
    const int k = std::stoi(m[1].str()), n = std::stoi(m[2].str());
    if (n < 1 || k < 1 || k > n)
      throw Error("merge: shard file '" + name + "' has an index outside 1.." + std::to_string(n));
    counts.insert(n);
    by_k[k] = entry.path().string();
  }
  if (ec) throw Error("merge: cannot list '" + dir + "': " + ec.message());
  if (by_k.empty())
    throw Error("merge: no shard files '" + prefix + ".shard-K-of-N.json' in '" + dir + "'");
  if (counts.size() > 1) {
    std::string list;
    for (int n : counts) list += (list.empty() ? "" : ", ") + std::to_string(n);
    throw Error("merge: shard files in '" + dir + "' disagree on the number of shards (" + list + ")");
  }
  const int n = *counts.begin();
  std::string missing;
  for (int k = 1; k <= n; ++k)
    if (!by_k.count(k)) missing += (missing.empty() ? "" : ", ") + shard_file_name(prefix, k, n);
  if (!missing.empty()) throw Error("merge: missing shard file(s) in '" + dir + "': " + missing);

  MergeResult out;
  out.num_shards = n;
  std::unordered_set<int64_t> seen;
  for (const auto& [k, path] : by_k) {
    out.shard_files.push_back(path);
    std::vector<coco::Result> dets = coco::read_results(path);
    std::unordered_set<int64_t> here, dropped;
    for (const coco::Result& d : dets) {
      if (here.count(d.image_id) == 0 && seen.count(d.image_id) != 0) {
        dropped.insert(d.image_id);
        ++out.dropped_detections;
        continue;
      }
      here.insert(d.image_id);
      out.detections.push_back(d);
    }
    out.duplicate_images += static_cast<int64_t>(dropped.size());
    seen.insert(here.begin(), here.end());
  }
  out.num_images = static_cast<int64_t>(seen.size());
  return out;
}

}  // namespace glip::eval
