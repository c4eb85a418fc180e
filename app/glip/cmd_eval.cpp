// glip eval — COCO bbox evaluation with pycocotools COCOeval semantics.
//
//   glip eval --results out/bbox.json --ann-file instances_val2017.json [OUTPUT_DIR out]
//
// Prints the 12-line COCOeval summary and writes OUTPUT_DIR/metrics.json and OUTPUT_DIR/per_category_ap.csv
// (see core/eval/eval_output.h). Trailing KEY VALUE pairs follow GLIP's command line; with --results the only key
// is OUTPUT_DIR (default "."). The model-driven mode (--config-file/--weight) builds on the same core/eval calls.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "app/glip/commands.h"
#include "core/common/error.h"
#include "core/eval/coco_eval.h"
#include "core/eval/eval_output.h"

namespace glip::cli {
namespace {

struct EvalOptions {
  std::string results;
  std::string ann_file;
  int threads = 0;
  std::vector<std::string> opts;  // KEY VALUE ...
};

void run_eval(const EvalOptions& o) {
  if (o.results.empty() || o.ann_file.empty())
    throw Error("eval: give --results <bbox results .json> and --ann-file <COCO annotation .json>");
  if (o.opts.size() % 2 != 0)
    throw Error("eval: trailing options must be KEY VALUE pairs; '" + o.opts.back() + "' has no value");
  std::string output_dir = ".";
  for (size_t i = 0; i < o.opts.size(); i += 2) {
    if (o.opts[i] == "OUTPUT_DIR")
      output_dir = o.opts[i + 1];
    else
      throw Error("eval: option '" + o.opts[i] + "' is not used when evaluating a results file (only OUTPUT_DIR)");
  }
  const eval::EvalResult r = eval::evaluate_results_file(o.results, o.ann_file, o.threads);
  if (r.num_dropped_categories > 0)
    std::cerr << "glip eval: " << r.num_dropped_categories
              << " detection(s) of categories not in the annotation file were not evaluated\n";
  std::cout << eval::format_summary(r) << std::flush;
  const std::string metrics = eval::write_eval_outputs(output_dir, r);
  std::cerr << "glip eval: wrote " << metrics << " and per_category_ap.csv (" << r.image_ids.size() << " images, "
            << r.category_ids.size() << " categories, " << r.num_detections << " detections)\n";
}

}  // namespace

void add_eval_command(CLI::App& app) {
  auto o = std::make_shared<EvalOptions>();
  CLI::App* cmd = app.add_subcommand("eval", "COCO bbox evaluation (pycocotools COCOeval): metrics.json + summary");
  cmd->add_option("--results", o->results, "bbox results file: JSON list of {image_id, category_id, bbox, score}");
  cmd->add_option("--ann-file", o->ann_file, "COCO annotation file (ground truth)");
  cmd->add_option("--threads", o->threads, "evaluation threads (0 = all cores)")->check(CLI::NonNegativeNumber);
  cmd->add_option("opts", o->opts, "trailing KEY VALUE pairs: OUTPUT_DIR <dir> (default .)");
  cmd->callback([o]() { run_eval(*o); });
}

}  // namespace glip::cli
