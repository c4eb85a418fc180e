#include "core/eval/merge.h"

#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/common/hash.h"

namespace glip::eval {

std::string shard_file_name(const std::string& prefix, int k, int n) {
  if (n < 1 || k < 1 || k > n)
    throw Error("shard index " + std::to_string(k) + " of " + std::to_string(n) + " is out of range (1.." +
                std::to_string(n) + ")");
  return prefix + ".shard-" + std::to_string(k) + "-of-" + std::to_string(n) + ".json";
}

std::string shard_record_name(const std::string& prefix, int k, int n) {
  const std::string name = shard_file_name(prefix, k, n);
  return name.substr(0, name.size() - 5) + ".meta.json";
}

namespace {

std::string bytes_hash(const std::string& bytes) {
  Fnv1a h;
  h.bytes(bytes.data(), bytes.size());
  return h.hex();
}

// "<dir>/<prefix>.shard-K-of-N.json" -> "<dir>/<prefix>.shard-K-of-N.meta.json"
std::string record_path_of(const std::string& results_file) {
  const std::string suffix = ".json";
  if (results_file.size() <= suffix.size() || results_file.compare(results_file.size() - 5, 5, suffix) != 0 ||
      results_file.find(".shard-") == std::string::npos)
    throw Error("'" + results_file + "' is not a shard results file name (<prefix>.shard-K-of-N.json)");
  return results_file.substr(0, results_file.size() - suffix.size()) + ".meta.json";
}

}  // namespace

void write_shard_record(const std::string& results_file, ShardRecord record) {
  const std::string path = record_path_of(results_file);
  record.results_hash = bytes_hash(read_text_file(results_file));
  const nlohmann::json j = {{"glip_eval_shard", 1},           {"shard", {record.k, record.n}},
                            {"run", record.run},              {"results_fnv1a", record.results_hash},
                            {"image_ids", record.image_ids}};
  write_file_atomic(path, j.dump(1) + "\n");
}

ShardRecord read_shard_record(const std::string& path) {
  ShardRecord r;
  try {
    const nlohmann::json j = nlohmann::json::parse(read_text_file(path, size_t{256} << 20));
    if (j.value("glip_eval_shard", 0) != 1) throw Error("not a glip eval shard record");
    r.k = j.at("shard").at(0).get<int>();
    r.n = j.at("shard").at(1).get<int>();
    r.run = j.at("run").get<std::string>();
    r.results_hash = j.at("results_fnv1a").get<std::string>();
    r.image_ids = j.at("image_ids").get<std::vector<int64_t>>();
  } catch (const nlohmann::json::exception& e) {
    throw Error("merge: shard record '" + path + "' is malformed: " + e.what());
  } catch (const Error& e) {
    throw Error("merge: shard record '" + path + "': " + e.what());
  }
  return r;
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
    if (name != shard_file_name(prefix, k, n))
      throw Error("merge: '" + name + "' is not a name glip eval writes (that would be " +
                  shard_file_name(prefix, k, n) + "): a stale or renamed file? Remove it from '" + dir + "'");
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
  std::string run, run_from;
  for (const auto& [k, path] : by_k) {
    out.shard_files.push_back(path);
    const std::string record_file = (fs::path(dir) / shard_record_name(prefix, k, n)).string();
    if (!fs::exists(record_file, ec))
      throw Error("merge: '" + shard_record_name(prefix, k, n) + "' is missing from '" + dir +
                  "': glip eval writes it beside each shard file, and without it the shard's run cannot be checked");
    const ShardRecord rec = read_shard_record(record_file);
    const std::string name = fs::path(path).filename().string();
    if (rec.k != k || rec.n != n)
      throw Error("merge: '" + name + "' comes with the record of shard " + std::to_string(rec.k) + " of " +
                  std::to_string(rec.n) + " (a copied shard?)");
    if (run.empty()) {
      run = rec.run;
      run_from = name;
    } else if (rec.run != run) {
      throw Error("merge: '" + name + "' and '" + run_from + "' come from different runs (config, weights, "
                  "dataset, prompt or number of shards differ); merge only the shards of one run");
    }
    const std::string bytes = read_text_file(path);  // read once: parsed and hashed
    std::vector<coco::Result> dets = coco::parse_results(bytes, path);
    if (bytes_hash(bytes) != rec.results_hash)
      throw Error("merge: '" + name + "' was changed or replaced after glip eval wrote it (its record's hash differs)");
    const std::unordered_set<int64_t> ran(rec.image_ids.begin(), rec.image_ids.end());
    for (const coco::Result& d : dets)
      if (!ran.count(d.image_id))
        throw Error("merge: '" + name + "' has detections for image " + std::to_string(d.image_id) +
                    ", which its shard did not run");
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
