// Dataset lookup (paths_catalog.py), categories, image order and test batches (data/build.py, samplers) of the
// model-driven evaluation. See core/eval/run_eval.h.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>

#include "core/common/error.h"
#include "core/config/config.h"
#include "core/eval/run_eval.h"

namespace glip::eval {

namespace fs = std::filesystem;

namespace {

// Python's repr() of a str, enough for paths: single quotes unless the text has a ' and no ".
std::string py_repr(const std::string& s) {
  const bool dq = s.find('\'') != std::string::npos && s.find('"') == std::string::npos;
  const char q = dq ? '"' : '\'';
  std::string out(1, q);
  for (char c : s) {
    if (c == '\\') out += "\\\\";
    else if (c == q) out += std::string("\\") + q;
    else if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else out += c;
  }
  return out + q;
}

std::string py_list_repr(const std::vector<std::string>& v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + py_repr(v[i]);
  return out + "]";
}

// os.path.join(a, b) for a relative b.
std::string path_join(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  if (!b.empty() && b.front() == '/') return b;
  return a.back() == '/' ? a + b : a + "/" + b;
}

struct CatalogEntry {
  std::string img_dir, ann_file;
};

// The COCO-format detection datasets of paths_catalog.py's DATASETS (those served by COCODataset and evaluated
// with COCOeval).
const std::map<std::string, CatalogEntry>& coco_catalog() {
  static const std::map<std::string, CatalogEntry> m = {
      {"coco_2017_train", {"coco/train2017", "coco/annotations/instances_train2017.json"}},
      {"coco_2017_val", {"coco/val2017", "coco/annotations/instances_val2017.json"}},
      {"coco_2017_test", {"coco/test2017", "coco/annotations/image_info_test-dev2017.json"}},
      {"coco_2014_train", {"coco/train2014", "coco/annotations/instances_train2014.json"}},
      {"coco_2014_val", {"coco/val2014", "coco/annotations/instances_val2014.json"}},
      {"coco_2014_minival", {"coco/val2014", "coco/annotations/instances_minival2014.json"}},
  };
  return m;
}

// The factory DatasetCatalog.get would pick for `name` when it is not COCODataset ("" = COCODataset).
std::string other_factory(const std::string& name, bool has_split) {
  auto has = [&](const char* s) { return name.find(s) != std::string::npos; };
  if (name.size() >= 3 && name.compare(name.size() - 3, 3, "_bg") == 0) return "Background";
  if (has("voc") && has_split) return "PascalVOCDataset";
  if (has("mixed")) return "MixedDataset";
  if (has("flickr")) return "FlickrDataset";
  if (has("refexp")) return "RefExpDataset";
  if (has("gqa")) return "GQADataset";
  if (has("phrasecut")) return "PhrasecutDetection";
  if (has("_caption")) return "CaptionTSV";
  if (has("inferencecap")) return "CaptionTSV";
  if (has("pseudo_data")) return "PseudoData";
  if (has("_dt")) return "CocoDetectionTSV";
  if (has("_odtsv")) return "ODTSVDataset";
  if (has("_grounding")) return "CocoGrounding";
  if (has("lvis_evaluation")) return "LvisDetection";
  // COCODataset, but inference() switches to the LVIS / Flickr evaluators by name.
  if (has("lvis")) return "COCODataset with the LVIS evaluator";
  return "";
}

}  // namespace

std::vector<std::string> dataset_search_paths() {
  std::vector<std::string> paths = {"./"};
  if (const char* env = std::getenv("DATASET")) paths.push_back(env);
  for (const char* p : {"./DATASET", "./OUTPUT", "./data", "./MODEL"}) paths.push_back(p);
  return paths;
}

std::string find_in_search_paths(const std::string& file, const std::string& root) {
  const std::vector<std::string> paths = dataset_search_paths();
  for (const std::string& p : paths) {
    const std::string dir = (root.empty() || fs::path(p).is_absolute()) ? p : path_join(root, p);
    std::error_code ec;
    if (fs::exists(path_join(dir, file), ec)) return dir;
  }
  throw Error("Cannot find " + file + " in " + py_list_repr(paths));
}

std::vector<DatasetSource> resolve_test_datasets(const Config& config, const std::string& root) {
  std::vector<std::string> names = config.get_str_list("DATASETS.TEST");
  if (names.empty())
    throw Error("DATASETS.TEST is empty: name a dataset (e.g. DATASETS.TEST \"('coco_2017_val',)\") or give "
                "--ann-file and --image-dir");
  const std::string suffix = config.get_str("DATASETS.TEST_DATASETNAME_SUFFIX");
  // DATASETS.REGISTER {name: {img_dir, ann_file, ...}}: registered under name + TEST_DATASETNAME_SUFFIX.
  std::map<std::string, nlohmann::json> registered;
  const nlohmann::json reg = nlohmann::json::parse(config.to_json("DATASETS.REGISTER"));
  if (reg.is_object())
    for (const auto& [k, v] : reg.items()) registered[k + suffix] = v;

  std::vector<DatasetSource> out;
  for (std::string name : names) {
    name += suffix;
    CatalogEntry e;
    bool has_split = false;
    if (auto it = registered.find(name); it != registered.end()) {
      const nlohmann::json& a = it->second;
      has_split = a.is_object() && a.contains("split");
      if (!a.is_object() || !a.contains("img_dir") || !a.contains("ann_file") || !a["img_dir"].is_string() ||
          !a["ann_file"].is_string())
        throw Error("DATASETS.REGISTER." + it->first + " needs string entries img_dir and ann_file");
      e = {a["img_dir"].get<std::string>(), a["ann_file"].get<std::string>()};
    } else if (auto ct = coco_catalog().find(name); ct != coco_catalog().end()) {
      e = ct->second;
    } else {
      std::string known;
      for (const auto& [k, v] : coco_catalog()) known += (known.empty() ? "" : ", ") + k;
      throw Error("Dataset not available: " + name + " (COCO-format datasets: " + known +
                  ", or DATASETS.REGISTER entries; or give --ann-file and --image-dir)");
    }
    const std::string factory = other_factory(name, has_split);
    if (!factory.empty())
      throw Error("dataset '" + name + "' is served by " + factory +
                  " in GLIP; glip eval evaluates COCO-format detection datasets only");
    const std::string ann_dir = find_in_search_paths(e.ann_file, root);
    const std::string img_dir = find_in_search_paths(e.img_dir, root);
    out.push_back({name, path_join(ann_dir, e.ann_file), path_join(img_dir, e.img_dir)});
  }
  return out;
}

EvalCategories eval_categories(const coco::Dataset& dataset) {
  EvalCategories c;
  std::set<int64_t> seen;
  for (const coco::Category& cat : dataset.categories) {
    if (!seen.insert(cat.id).second)
      throw Error(dataset.origin + ": category id " + std::to_string(cat.id) + " appears twice in \"categories\"");
    if (cat.name == "__background__" || cat.id == 0) continue;
    c.names.push_back(cat.name);
    c.json_ids.push_back(cat.id);
  }
  if (c.names.empty()) throw Error(dataset.origin + ": no category to build the detection prompt from");
  return c;
}

std::vector<size_t> dataset_order(const coco::Dataset& dataset) {
  std::vector<size_t> order(dataset.images.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return dataset.images[a].id < dataset.images[b].id; });
  for (size_t i = 1; i < order.size(); ++i)
    if (dataset.images[order[i]].id == dataset.images[order[i - 1]].id)
      throw Error(dataset.origin + ": image id " + std::to_string(dataset.images[order[i]].id) +
                  " appears twice in \"images\"");
  return order;
}

std::vector<EvalBatch> plan_batches(const coco::Dataset& dataset, const std::vector<size_t>& order,
                                    int64_t ims_per_batch, bool aspect_ratio_grouping,
                                    const std::function<std::array<int64_t, 2>(int64_t, int64_t)>& resized_hw) {
  if (ims_per_batch < 1)
    throw Error("TEST.IMS_PER_BATCH must be at least 1 (it is " + std::to_string(ims_per_batch) + ")");
  const size_t bs = static_cast<size_t>(ims_per_batch);
  auto require_size = [&](size_t pos) {
    const coco::Image& im = dataset.images[order[pos]];
    if (im.width <= 0 || im.height <= 0)
      throw Error(dataset.origin + ": image " + std::to_string(im.id) +
                  " has no width/height, which TEST.IMS_PER_BATCH > 1 needs (batch grouping and padding)");
  };
  std::vector<std::vector<size_t>> batches;  // positions in `order`
  if (bs == 1) {
    for (size_t i = 0; i < order.size(); ++i) batches.push_back({i});
  } else if (!aspect_ratio_grouping) {
    for (size_t i = 0; i < order.size(); i += bs) {
      batches.emplace_back();
      for (size_t j = i; j < std::min(order.size(), i + bs); ++j) batches.back().push_back(j);
    }
  } else {
    // GroupedBatchSampler with _quantize(h / w, [1]): group 0 = h/w < 1, group 1 = h/w >= 1.
    std::vector<size_t> cluster[2];
    for (size_t i = 0; i < order.size(); ++i) {
      require_size(i);
      const coco::Image& im = dataset.images[order[i]];
      const double ar = static_cast<double>(im.height) / static_cast<double>(im.width);
      cluster[ar >= 1.0 ? 1 : 0].push_back(i);
    }
    for (const auto& c : cluster)
      for (size_t i = 0; i < c.size(); i += bs) batches.emplace_back(c.begin() + i, c.begin() + std::min(c.size(), i + bs));
    std::stable_sort(batches.begin(), batches.end(),
                     [](const std::vector<size_t>& a, const std::vector<size_t>& b) { return a.front() < b.front(); });
  }
  std::vector<EvalBatch> out;
  out.reserve(batches.size());
  for (const auto& b : batches) {
    EvalBatch eb;
    eb.images = b;
    if (b.size() > 1) {
      for (size_t pos : b) {
        require_size(pos);
        const coco::Image& im = dataset.images[order[pos]];
        const std::array<int64_t, 2> r = resized_hw(im.height, im.width);
        eb.pad_height = std::max(eb.pad_height, r[0]);
        eb.pad_width = std::max(eb.pad_width, r[1]);
      }
    }
    out.push_back(std::move(eb));
  }
  return out;
}

std::array<size_t, 2> shard_range(size_t num_batches, int k, int n) {
  if (n < 1 || k < 1 || k > n)
    throw Error("shard " + std::to_string(k) + "/" + std::to_string(n) + " is out of range (K/N with 1 <= K <= N)");
  const auto at = [&](int i) { return static_cast<size_t>((static_cast<unsigned long long>(num_batches) * i) / n); };
  return {at(k - 1), at(k)};
}

std::string format_progress(const EvalProgress& p, int bar_width) {
  const double frac = p.total > 0 ? static_cast<double>(p.done) / static_cast<double>(p.total) : 1.0;
  const int filled = static_cast<int>(std::floor(frac * bar_width));
  std::string bar = "[" + std::string(static_cast<size_t>(filled), '#') +
                    std::string(static_cast<size_t>(std::max(0, bar_width - filled)), '.') + "]";
  char buf[160];
  std::string rate = "-- img/s", eta = "ETA --";
  if (p.computed > 0 && p.elapsed_s > 0) {
    const double r = static_cast<double>(p.computed) / p.elapsed_s;
    std::snprintf(buf, sizeof buf, r >= 1 ? "%.1f img/s" : "%.2f s/img", r >= 1 ? r : 1.0 / r);
    rate = buf;
    const auto left = static_cast<long long>(std::llround(static_cast<double>(p.total - p.done) / r));
    std::snprintf(buf, sizeof buf, "ETA %lld:%02lld:%02lld", left / 3600, (left / 60) % 60, left % 60);
    eta = buf;
  }
  std::snprintf(buf, sizeof buf, " %lld/%lld images  ", static_cast<long long>(p.done),
                static_cast<long long>(p.total));
  std::string out = p.dataset.empty() ? "" : p.dataset + " ";
  out += bar + buf + rate + "  " + eta;
  if (p.resumed > 0) out += "  (" + std::to_string(p.resumed) + " resumed)";
  return out;
}

}  // namespace glip::eval
