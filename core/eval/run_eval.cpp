// The model-driven evaluation loop: batches -> Session::detect -> per-image JSON lines -> bbox.json -> COCOeval.
// See core/eval/run_eval.h.
#include "core/eval/run_eval.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/common/error.h"
#include "core/common/hash.h"
#include "core/config/config.h"
#include "core/engine/model_config.h"  // the whole Config (internal to core)
#include "core/eval/eval_output.h"
#include "core/eval/merge.h"

namespace glip::eval {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

std::string absolute(const std::string& p) {
  std::error_code ec;
  fs::path a = fs::absolute(p, ec);
  return ec ? p : a.lexically_normal().string();
}

// Settings the official detection evaluation supports that this one does not: refuse them explicitly.
void check_supported(const Config& cfg) {
  const std::string task = cfg.get_str("TEST.EVAL_TASK");
  if (task != "detection")
    throw Error("TEST.EVAL_TASK is \"" + task + "\": glip eval runs the detection evaluation only (give "
                "TEST.EVAL_TASK detection, as GLIP's COCO commands do)");
  if (cfg.get_bool("TEST.USE_MULTISCALE")) throw Error("TEST.USE_MULTISCALE (test-time augmentation) is not supported");
  if (cfg.get_bool("DATASETS.USE_CAPTION_PROMPT")) throw Error("DATASETS.USE_CAPTION_PROMPT is not supported");
  if (cfg.get_bool("DATASETS.USE_SUPRESS_QUERY")) throw Error("DATASETS.USE_SUPRESS_QUERY is not supported");
  if (cfg.get_bool("GLIPKNOW.PARALLEL_LANGUAGE_INPUT"))
    throw Error("GLIPKNOW.PARALLEL_LANGUAGE_INPUT is not supported");
  if (cfg.get_int("TEST.SUBSET") != -1)
    throw Error("TEST.SUBSET is not supported (use --shard K/N to evaluate part of a dataset)");
  if (cfg.get_int("DATASETS.GENERAL_COPY_TEST") != -1)
    throw Error("DATASETS.GENERAL_COPY_TEST (repeated test images) is not supported");
}

// DATASETS.OVERRIDE_CATEGORY with USE_OVERRIDE_CATEGORY replaces the dataset's categories (ODinW configs).
void apply_override_category(const Config& cfg, coco::Dataset& gt) {
  if (!cfg.get_bool("DATASETS.USE_OVERRIDE_CATEGORY") || cfg.is_none("DATASETS.OVERRIDE_CATEGORY")) return;
  nlohmann::json j = nlohmann::json::parse(cfg.to_json("DATASETS.OVERRIDE_CATEGORY"));
  if (j.is_string()) j = nlohmann::json::parse(j.get<std::string>());
  if (!j.is_array() || j.empty()) throw Error("DATASETS.OVERRIDE_CATEGORY must be a list of {id, name} objects");
  gt.categories.clear();
  for (const auto& c : j) {
    if (!c.is_object() || !c.contains("id") || !c["id"].is_number_integer() || !c.contains("name") ||
        !c["name"].is_string())
      throw Error("DATASETS.OVERRIDE_CATEGORY: every entry needs an integer id and a string name");
    gt.categories.push_back({c["id"].get<int64_t>(), c["name"].get<std::string>()});
  }
}

struct PartialState {
  std::map<int64_t, std::vector<coco::Result>> done;  // image id -> detections
};

nlohmann::json detections_to_record(int64_t image_id, const std::vector<coco::Result>& dets) {
  nlohmann::json arr = nlohmann::json::array();
  for (const coco::Result& d : dets)
    arr.push_back({d.category_id, d.bbox[0], d.bbox[1], d.bbox[2], d.bbox[3], d.score});
  return {{"image_id", image_id}, {"detections", arr}};
}

// Reads a partial-results file: header line, then one record per image. A torn last line (the process died
// while writing it) is cut off; anything else that does not parse is an error.
PartialState read_partial(const std::string& path, const std::string& fingerprint,
                          const std::set<int64_t>& shard_images) {
  PartialState st;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot read the partial results '" + path + "'");
  std::string line;
  uint64_t good_end = 0, pos = 0;
  size_t line_no = 0;
  bool torn = false;
  while (std::getline(in, line)) {
    ++line_no;
    const bool has_newline = !in.eof();
    pos += line.size() + (has_newline ? 1 : 0);
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !has_newline) {
      if (in.peek() == std::char_traits<char>::eof()) {
        torn = true;
        break;
      }
      throw Error("partial results '" + path + "', line " + std::to_string(line_no) + ": not a JSON record");
    }
    if (line_no == 1) {
      if (!j.is_object() || j.value("glip_eval_partial", 0) != 1)
        throw Error("'" + path + "' is not a glip eval partial-results file");
      if (j.value("fingerprint", std::string()) != fingerprint)
        throw Error("partial results '" + path + "' were written with other settings (config, weights, dataset "
                    "or shard); delete the file or run with --no-resume");
    } else {
      if (!j.is_object() || !j.contains("image_id") || !j["image_id"].is_number_integer() ||
          !j.contains("detections") || !j["detections"].is_array())
        throw Error("partial results '" + path + "', line " + std::to_string(line_no) + ": bad record");
      const int64_t id = j["image_id"].get<int64_t>();
      if (!shard_images.count(id))
        throw Error("partial results '" + path + "', line " + std::to_string(line_no) + ": image " +
                    std::to_string(id) + " is not part of this run");
      std::vector<coco::Result> dets;
      for (const auto& r : j["detections"]) {
        if (!r.is_array() || r.size() != 6)
          throw Error("partial results '" + path + "', line " + std::to_string(line_no) + ": bad detection");
        coco::Result d;
        d.image_id = id;
        d.category_id = r[0].get<int64_t>();
        for (int k = 0; k < 4; ++k) d.bbox[static_cast<size_t>(k)] = r[static_cast<size_t>(k + 1)].get<double>();
        d.score = r[5].get<double>();
        dets.push_back(d);
      }
      st.done.emplace(id, std::move(dets));  // first record of an image wins
    }
    good_end = pos;
  }
  in.close();
  if (line_no == 0 || (line_no == 1 && torn)) {
    fs::remove(path);  // empty or torn header: start over
    return st;
  }
  if (torn) fs::resize_file(path, good_end);
  return st;
}

class PartialWriter {
 public:
  PartialWriter(const std::string& path, const std::string& header) : path_(path) {
    const bool fresh = !fs::exists(path);
    f_ = std::fopen(path.c_str(), "ab");
    if (!f_) throw Error("cannot write the partial results '" + path + "'");
    if (fresh) write_line(header);
  }
  ~PartialWriter() {
    if (f_) std::fclose(f_);
  }
  PartialWriter(const PartialWriter&) = delete;
  PartialWriter& operator=(const PartialWriter&) = delete;
  void write_line(const std::string& s) {
    const std::string line = s + "\n";
    if (std::fwrite(line.data(), 1, line.size(), f_) != line.size() || std::fflush(f_) != 0)
      throw Error("cannot write the partial results '" + path_ + "' (disk full?)");
  }

 private:
  std::string path_;
  std::FILE* f_ = nullptr;
};

std::string default_output_folder(const Model& model, const std::string& dataset_name) {
  const std::string out = model_config(model).get_str("OUTPUT_DIR");
  if (out.empty())
    throw Error("OUTPUT_DIR is empty (GLIP then skips the evaluation): give OUTPUT_DIR <dir>");
  fs::path p(out);
  // test_grounding_net.py: log_dir = OUTPUT_DIR/eval/<weight stem> when --weight is given.
  if (!model.params().weight_file.empty()) p = p / "eval" / fs::path(model.params().weight_file).stem();
  return (p / "inference" / dataset_name).string();
}

// An image of the dataset, decoded; glip::Error naming it when it cannot be read or its size is not the
// annotation file's.
RgbImage load_checked(const coco::Image& im, const DatasetSource& src) {
  const std::string path = (fs::path(src.image_dir) / im.file_name).string();
  RgbImage img;
  try {
    img = image::load_image(path);
  } catch (const Error& e) {
    throw Error("image " + std::to_string(im.id) + " ('" + path + "'): " + e.what());
  }
  if ((im.width > 0 && im.width != img.width) || (im.height > 0 && im.height != img.height))
    throw Error("image " + std::to_string(im.id) + " ('" + path + "') is " + std::to_string(img.width) + "x" +
                std::to_string(img.height) + " but " + src.ann_file + " says " + std::to_string(im.width) + "x" +
                std::to_string(im.height));
  return img;
}

DatasetEvalResult run_dataset(Session& session, const DatasetSource& src, const std::string& folder,
                              const EvalRunOptions& o) {
  const Model& model = *session.model();
  const Config& cfg = model_config(model);
  auto message = [&](const std::string& m) {
    if (o.on_message) o.on_message(m);
  };
  DatasetEvalResult res;
  res.source = src;
  res.output_folder = folder;

  coco::Dataset gt = read_ground_truth(src.ann_file);
  apply_override_category(cfg, gt);
  const EvalCategories cats = eval_categories(gt);
  const Prompt prompt = Prompt::categories(cats.names, cfg.get_str("DATASETS.SEPARATION_TOKENS"));
  res.caption = prompt.caption;
  const std::vector<size_t> order = dataset_order(gt);
  const std::vector<EvalBatch> batches =
      plan_batches(gt, order, cfg.get_int("TEST.IMS_PER_BATCH"), cfg.get_bool("DATALOADER.ASPECT_RATIO_GROUPING"),
                   [&](int64_t h, int64_t w) { return session.resized_size(h, w); });
  res.num_images = static_cast<int64_t>(gt.images.size());
  res.num_batches = static_cast<int64_t>(batches.size());
  const std::array<size_t, 2> range = shard_range(batches.size(), o.shard_index, o.shard_count);
  const bool sharded = o.shard_count > 1;

  std::set<int64_t> shard_ids;
  std::vector<size_t> shard_positions;  // positions in `order`, ascending = dataset order
  for (size_t b = range[0]; b < range[1]; ++b)
    for (size_t pos : batches[b].images) {
      shard_ids.insert(gt.images[order[pos]].id);
      shard_positions.push_back(pos);
    }
  std::sort(shard_positions.begin(), shard_positions.end());

  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec) throw Error("cannot create the output folder '" + folder + "': " + ec.message());
  res.partial_file = (fs::path(folder) / partial_file_name(o.shard_index, o.shard_count)).string();

  // Everything that changes the per-image results, so a resumed run never mixes settings.
  std::string ids;
  for (int64_t id : cats.json_ids) ids += std::to_string(id) + ",";
  Fnv1a h;
  h.str(cfg.canonical_text());
  h.str(absolute(model.params().weight_file.empty() ? cfg.get_str("MODEL.WEIGHT") : model.params().weight_file));
  h.str(absolute(src.ann_file));
  h.str(absolute(src.image_dir));
  h.str(prompt.caption + "|" + ids);
  h.str(std::to_string(o.shard_count));
  const std::string run_fingerprint = h.hex();  // equal in every shard of this run (glip merge checks it)
  h.str(std::to_string(o.shard_index));
  const std::string fingerprint = h.hex();
  const nlohmann::json header = {{"glip_eval_partial", 1},
                                 {"fingerprint", fingerprint},
                                 {"dataset", src.name},
                                 {"ann_file", src.ann_file},
                                 {"shard", {o.shard_index, o.shard_count}}};

  PartialState st;
  if (fs::exists(res.partial_file)) {
    if (o.resume) {
      st = read_partial(res.partial_file, fingerprint, shard_ids);
      if (!st.done.empty())
        message("resuming from " + res.partial_file + ": " + std::to_string(st.done.size()) + " image(s) done");
    } else {
      fs::remove(res.partial_file);
    }
  }
  PartialWriter writer(res.partial_file, header.dump());

  EvalProgress prog;
  prog.dataset = src.name;
  prog.total = static_cast<int64_t>(shard_positions.size());
  prog.resumed = prog.done = static_cast<int64_t>(st.done.size());
  bool stopped = o.on_progress && !o.on_progress(prog);
  std::set<std::string> warned;
  double elapsed = 0;
  const bool per_batch = o.forward == BatchForward::per_batch ||
                         (o.forward == BatchForward::automatic && model.params().device != "cpu");
  for (size_t b = range[0]; b < range[1] && !stopped; ++b) {
    const EvalBatch& batch = batches[b];
    // The batch's images not done yet, read and checked against the annotation file's sizes.
    std::vector<const coco::Image*> todo;
    for (size_t pos : batch.images) {
      const coco::Image& im = gt.images[order[pos]];
      ImageRecord rec{im.id, b, batch.pad_height, batch.pad_width, st.done.count(im.id) > 0};
      res.images.push_back(rec);
      if (rec.resumed) continue;
      todo.push_back(&im);
    }
    DetectParams dp;
    dp.pad_to_height = batch.pad_height;
    dp.pad_to_width = batch.pad_width;
    // Per image: load, run (one forward each), record. Per batch: load all, one forward, then record each.
    const size_t step = per_batch ? todo.size() : 1;
    for (size_t first = 0; first < todo.size() && !stopped; first += step) {
      const auto t0 = Clock::now();
      std::vector<RgbImage> group;
      for (size_t i = first; i < first + step; ++i) group.push_back(load_checked(*todo[i], src));
      std::vector<DetectResult> results;
      if (per_batch)
        results = session.detect_batch(group, prompt, dp);
      else
        results.push_back(session.detect(group.front(), prompt, dp));
      const double seconds = std::chrono::duration<double>(Clock::now() - t0).count() / double(results.size());
      for (size_t i = 0; i < results.size(); ++i) {
        const coco::Image& im = *todo[first + i];
        const DetectResult& r = results[i];
        for (const std::string& w : r.warnings)
          if (warned.insert(w).second) {
            res.warnings.push_back(w);
            message("warning: " + w);
          }
        std::vector<coco::Result> dets;
        dets.reserve(r.detections.size());
        for (const glip::Detection& d : r.detections) {
          if (d.label < 1 || d.label > static_cast<int>(cats.json_ids.size())) continue;  // as prepare_for_coco_detection
          dets.push_back(to_coco_result(d, im.id, cats.json_ids[static_cast<size_t>(d.label - 1)]));
        }
        writer.write_line(detections_to_record(im.id, dets).dump());
        st.done.emplace(im.id, std::move(dets));
        elapsed += seconds;
        ++res.computed;
        prog.computed = res.computed;
        prog.elapsed_s = elapsed;
        prog.done = static_cast<int64_t>(st.done.size());
        prog.image_id = im.id;
        // A stop asked for in the middle of a batch run in one forward takes effect after its last image (the
        // others are computed already: recording them loses nothing).
        if (o.on_progress && !o.on_progress(prog)) stopped = true;
      }
    }
  }
  res.inference_seconds = elapsed;
  res.resumed = static_cast<int64_t>(std::count_if(res.images.begin(), res.images.end(),
                                                   [](const ImageRecord& r) { return r.resumed; }));
  res.complete = static_cast<int64_t>(st.done.size()) == prog.total;
  if (!res.complete) {
    message("stopped after " + std::to_string(st.done.size()) + " of " + std::to_string(prog.total) +
            " images; run the same command again to continue");
    return res;
  }

  for (size_t pos : shard_positions) {
    const auto& dets = st.done.at(gt.images[order[pos]].id);
    res.detections.insert(res.detections.end(), dets.begin(), dets.end());
  }
  res.results_file =
      (fs::path(folder) / (sharded ? shard_file_name("bbox", o.shard_index, o.shard_count) : "bbox.json")).string();
  coco::write_results(res.results_file, res.detections);
  if (sharded)
    write_shard_record(res.results_file, {o.shard_index, o.shard_count, run_fingerprint,
                                          std::vector<int64_t>(shard_ids.begin(), shard_ids.end()), ""});
  message("wrote " + res.results_file + " (" + std::to_string(res.detections.size()) + " detections)");
  if (!sharded) {
    res.metrics = evaluate_bbox(gt, res.detections, o.eval_threads);
    res.metrics_file = write_eval_outputs(folder, res.metrics);
    res.evaluated = true;
    message("wrote " + res.metrics_file + " and per_category_ap.csv");
  }
  return res;
}

}  // namespace

coco::Result to_coco_result(const Detection& d, int64_t image_id, int64_t category_id) {
  const std::array<float, 4> b = d.box_xywh();
  return {image_id, category_id, {b[0], b[1], b[2], b[3]}, static_cast<double>(d.score)};
}

bool parse_batch_forward(const std::string& s, BatchForward* out) {
  if (s == "auto") *out = BatchForward::automatic;
  else if (s == "image") *out = BatchForward::per_image;
  else if (s == "batch") *out = BatchForward::per_batch;
  else return false;
  return true;
}

std::string partial_file_name(int k, int n) {
  if (n <= 1) return "predictions.partial.jsonl";
  return "predictions.shard-" + std::to_string(k) + "-of-" + std::to_string(n) + ".partial.jsonl";
}

std::vector<DatasetEvalResult> run_eval(const std::shared_ptr<const Model>& model, const EvalRunOptions& o) {
  if (!model) throw Error("run_eval needs a loaded model");
  const Config& cfg = model_config(*model);
  check_supported(cfg);
  shard_range(1, o.shard_index, o.shard_count);  // validates K/N
  std::vector<DatasetSource> sources;
  if (!o.ann_file.empty() || !o.image_dir.empty()) {
    if (o.ann_file.empty() || o.image_dir.empty())
      throw Error("give both --ann-file and --image-dir (or neither, to use DATASETS.TEST)");
    if (!fs::exists(o.ann_file)) throw Error("annotation file '" + o.ann_file + "' does not exist");
    if (!fs::is_directory(o.image_dir)) throw Error("image folder '" + o.image_dir + "' is not a directory");
    sources.push_back({fs::path(o.ann_file).stem().string(), o.ann_file, o.image_dir});
  } else {
    sources = resolve_test_datasets(cfg, o.search_root);
  }
  if (!o.output_folder.empty() && sources.size() > 1)
    throw Error("an explicit output folder needs a single dataset (DATASETS.TEST names " +
                std::to_string(sources.size()) + ")");
  Session session(model);
  std::vector<DatasetEvalResult> out;
  for (const DatasetSource& src : sources) {
    if (o.on_message) o.on_message("dataset " + src.name + ": " + src.ann_file + ", images in " + src.image_dir);
    const std::string folder = o.output_folder.empty() ? default_output_folder(*model, src.name) : o.output_folder;
    out.push_back(run_dataset(session, src, folder, o));
    if (!out.back().complete) break;
  }
  return out;
}

}  // namespace glip::eval
