// glip eval — COCO bbox evaluation with pycocotools COCOeval semantics, of a model or of a results file.
//
// Model-driven: the official zero-shot evaluation (tools/test_grounding_net.py), same command line:
//   glip eval --config-file CFG.yaml --weight W.pth [--ann-file A.json --image-dir DIR] [--shard K/N]
//             [--no-resume] [--device cpu|cuda] [--threads T] [--precision fp32|bf16] [--kernels native|generic]
//             [--forward auto|image|batch]
//             TEST.IMS_PER_BATCH 1 MODEL.DYHEAD.SCORE_AGG "MEAN" TEST.EVAL_TASK detection OUTPUT_DIR ./out ...
// Without --ann-file/--image-dir, DATASETS.TEST (coco_2017_val) is found as GLIP finds it (coco/annotations/
// instances_val2017.json and coco/val2017 under ./, $DATASET, ./DATASET, ./OUTPUT, ./data or ./MODEL). Writes
// OUTPUT_DIR[/eval/<weight stem>]/inference/<dataset>/{bbox.json, metrics.json, per_category_ap.csv} and prints
// the 12-line summary; per-image results go to predictions.partial.jsonl as they come, so rerunning an
// interrupted command continues it. With --shard K/N only the K-th slice runs and writes bbox.shard-K-of-N.json
// (combine with `glip merge`, then `glip eval --results`). See docs/EVAL.md and core/eval/run_eval.h.
//
// Results file:
//   glip eval --results out/bbox.json --ann-file instances_val2017.json [OUTPUT_DIR out]
// Prints the summary and writes OUTPUT_DIR/metrics.json and OUTPUT_DIR/per_category_ap.csv (default ".").
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "app/glip/commands.h"
#include "app/glip/common.h"
#include "core/common/error.h"
#include "core/eval/coco_eval.h"
#include "core/eval/eval_output.h"
#include "core/eval/run_eval.h"

namespace glip::cli {
namespace {

struct EvalOptions {
  std::string results;
  std::string ann_file, image_dir;
  std::string shard;  // "K/N"
  std::string forward = "auto";
  bool no_resume = false;
  bool no_progress = false;
  ModelArgs model;  // config_file, weight, device, threads (also the COCOeval threads), overrides
  std::vector<std::string> opts;  // KEY VALUE ...
};

void run_results_file(const EvalOptions& o) {
  if (o.ann_file.empty())
    throw Error("eval: give --results <bbox results .json> and --ann-file <COCO annotation .json>");
  if (!o.image_dir.empty() || !o.shard.empty())
    throw Error("eval: --image-dir and --shard go with --config-file (model-driven evaluation), not --results");
  if (o.opts.size() % 2 != 0)
    throw Error("eval: trailing options must be KEY VALUE pairs; '" + o.opts.back() + "' has no value");
  std::string output_dir = ".";
  for (size_t i = 0; i < o.opts.size(); i += 2) {
    if (o.opts[i] == "OUTPUT_DIR")
      output_dir = o.opts[i + 1];
    else
      throw Error("eval: option '" + o.opts[i] + "' is not used when evaluating a results file (only OUTPUT_DIR)");
  }
  const eval::EvalResult r = eval::evaluate_results_file(o.results, o.ann_file, o.model.threads);
  if (r.num_dropped_categories > 0)
    std::cerr << "glip eval: " << r.num_dropped_categories
              << " detection(s) of categories not in the annotation file were not evaluated\n";
  std::cout << eval::format_summary(r) << std::flush;
  const std::string metrics = eval::write_eval_outputs(output_dir, r);
  std::cerr << "glip eval: wrote " << metrics << " and per_category_ap.csv (" << r.image_ids.size() << " images, "
            << r.category_ids.size() << " categories, " << r.num_detections << " detections)\n";
}

// The progress bar: redrawn in place on a terminal, a line every 5% (or minute) otherwise.
class ProgressBar {
 public:
  explicit ProgressBar(bool enabled) : enabled_(enabled), tty_(isatty(2) == 1) {}
  void update(const eval::EvalProgress& p) {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    const int64_t step = std::max<int64_t>(1, p.total / 20);
    const bool last = p.done >= p.total;
    if (tty_) {
      std::cerr << "\r" << eval::format_progress(p) << "\033[K" << (last ? "\n" : "") << std::flush;
      open_ = !last;
    } else if (last || p.done == p.resumed || p.done / step != last_step_ ||
               now - last_print_ > std::chrono::seconds(60)) {
      std::cerr << eval::format_progress(p) << "\n";
      last_print_ = now;
      last_step_ = p.done / step;
    }
  }
  void break_line() {
    if (open_) std::cerr << "\n";
    open_ = false;
  }

 private:
  bool enabled_, tty_, open_ = false;
  int64_t last_step_ = -1;
  std::chrono::steady_clock::time_point last_print_{};
};

void run_model_eval(const EvalOptions& o) {
  eval::EvalRunOptions ro;
  ro.ann_file = o.ann_file;
  ro.image_dir = o.image_dir;
  ro.resume = !o.no_resume;
  ro.eval_threads = o.model.threads;
  if (!eval::parse_batch_forward(o.forward, &ro.forward))
    throw Error("--forward must be auto, image or batch, not \"" + o.forward + "\"");
  if (!o.shard.empty()) {
    static const std::regex re(R"(^\s*(\d{1,6})\s*/\s*(\d{1,6})\s*$)");
    std::smatch m;
    if (!std::regex_match(o.shard, m, re)) throw Error("--shard \"" + o.shard + "\" is not K/N (e.g. 2/8)");
    ro.shard_index = std::stoi(m[1]);
    ro.shard_count = std::stoi(m[2]);
    eval::shard_range(1, ro.shard_index, ro.shard_count);
  }
  ModelArgs args = o.model;
  args.warm_up = false;  // thousands of images: the first one's one-time costs do not matter
  const std::shared_ptr<const Model> model = load_model(args);
  ProgressBar bar(!o.no_progress);
  ro.on_progress = [&bar](const eval::EvalProgress& p) {
    bar.update(p);
    return true;
  };
  ro.on_message = [&bar](const std::string& m) {
    bar.break_line();
    spdlog::info("{}", m);
  };
  for (const eval::DatasetEvalResult& r : eval::run_eval(model, ro)) {
    bar.break_line();
    if (r.computed > 0)
      spdlog::info("{}: {} image(s) inferred in {:.1f} s ({:.3f} s/image){}", r.source.name, r.computed,
                   r.inference_seconds, r.inference_seconds / static_cast<double>(r.computed),
                   r.resumed ? ", " + std::to_string(r.resumed) + " resumed" : std::string());
    if (r.evaluated) {
      if (r.metrics.num_dropped_categories > 0)
        spdlog::warn("{} detection(s) of categories not in the annotation file were not evaluated",
                     r.metrics.num_dropped_categories);
      std::cout << eval::format_summary(r.metrics) << std::flush;
    } else if (r.complete) {
      spdlog::info("shard {}/{} done: combine the shards with `glip merge {}`, then `glip eval --results {}/bbox.json "
                   "--ann-file {}`",
                   ro.shard_index, ro.shard_count, r.output_folder, r.output_folder, r.source.ann_file);
    }
  }
}

void run_eval(EvalOptions& o) {
  o.model.overrides = o.opts;
  if (!o.results.empty()) {
    if (!o.model.config_file.empty() || !o.model.weight.empty())
      throw Error("eval: give either --results (evaluate a results file) or --config-file (run the model), not both");
    run_results_file(o);
    return;
  }
  if (o.model.config_file.empty())
    throw Error("eval: give --config-file <GLIP yaml> [--weight <.pth>] to evaluate a model, or --results "
                "<bbox .json> --ann-file <COCO .json> to evaluate a results file");
  if (o.opts.size() % 2 != 0)
    throw Error("eval: trailing options must be KEY VALUE pairs; '" + o.opts.back() + "' has no value");
  run_model_eval(o);
}

}  // namespace

void add_eval_command(CLI::App& app) {
  auto o = std::make_shared<EvalOptions>();
  CLI::App* cmd = app.add_subcommand(
      "eval", "COCO bbox evaluation (pycocotools COCOeval) of a GLIP model or a results file: metrics.json + summary");
  cmd->add_option("--config-file", o->model.config_file, "GLIP YAML config (model-driven evaluation)");
  cmd->add_option("--weight", o->model.weight, "checkpoint (.pth); default: MODEL.WEIGHT relative to the config");
  cmd->add_option("--device", o->model.device, "cpu (default) or cuda");
  cmd->add_option("--threads", o->model.threads, "threads for inference and evaluation (0 = all cores)")
      ->check(finite_range(0, kMaxThreads));
  add_precision_option(*cmd, o->model);
  cmd->add_option("--ann-file", o->ann_file, "COCO annotation file (ground truth); default: from DATASETS.TEST");
  cmd->add_option("--image-dir", o->image_dir, "folder of the annotation file's images (with --config-file)");
  cmd->add_option("--forward", o->forward,
                  "one forward pass per image or per TEST.IMS_PER_BATCH batch: image, batch, or auto (default: "
                  "batch on a GPU, image on the CPU); the same results either way");
  cmd->add_option("--shard", o->shard, "run only slice K of N (1-based), e.g. 3/8; combine with `glip merge`");
  cmd->add_flag("--no-resume", o->no_resume, "discard earlier partial results instead of continuing them");
  cmd->add_flag("--no-progress", o->no_progress, "no progress bar on stderr");
  cmd->add_option("--results", o->results, "bbox results file to evaluate: JSON list of {image_id, category_id, "
                                           "bbox, score}");
  cmd->add_option("opts", o->opts, "trailing KEY VALUE config overrides as on GLIP's command line (OUTPUT_DIR, "
                                   "TEST.IMS_PER_BATCH, ...); with --results only OUTPUT_DIR (default .)");
  cmd->callback([o]() { run_eval(*o); });
}

}  // namespace glip::cli
