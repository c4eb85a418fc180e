// The model-driven COCO evaluation of `glip eval --config-file CFG --weight W [KEY VALUE ...]`: GLIP's
// tools/test_grounding_net.py + engine/inference.py (TEST.EVAL_TASK detection) + coco_eval.py, in process.
//
//   auto model = glip::Model::load(params);            // config, overrides (TEST.IMS_PER_BATCH, OUTPUT_DIR, ...)
//   glip::eval::EvalRunOptions o;                       // explicit ann_file/image_dir, or DATASETS.TEST is looked up
//   o.on_progress = [](const glip::eval::EvalProgress& p) { std::cerr << glip::eval::format_progress(p); return true; };
//   for (const glip::eval::DatasetEvalResult& r : glip::eval::run_eval(model, o))
//     std::cout << glip::eval::format_summary(r.metrics);
//
// What it reproduces (GLIP commit 9dda955):
//  - Datasets: each name of DATASETS.TEST (+ TEST_DATASETNAME_SUFFIX) from the paths catalog (coco_2017_val ->
//    coco/annotations/instances_val2017.json + coco/val2017) or DATASETS.REGISTER; the annotation file and the image
//    folder are each searched (try_to_find) in ./, $DATASET, ./DATASET, ./OUTPUT, ./data, ./MODEL, and a miss is
//    the official "Cannot find <file> in [<list>]".
//  - Images: all images of the annotation file (COCODataset keeps images without annotations at test), sorted by
//    id. Categories: pycocotools getCatIds() order (the file's order) gives the contiguous labels 1..K
//    ("__background__" / id 0 skipped); the prompt is clean_name(name) joined by DATASETS.SEPARATION_TOKENS
//    (chunked by the engine); output labels go back to the json category ids.
//  - Batches (TEST.IMS_PER_BATCH, one process): SequentialSampler, then with DATALOADER.ASPECT_RATIO_GROUPING the
//    GroupedBatchSampler (groups h/w < 1 and >= 1, each split into batches in dataset order, batches ordered by
//    their first image), else plain BatchSampler. Every image of a batch is padded to the batch's largest resized
//    size rounded up to SIZE_DIVISIBILITY (to_image_list); sizes come from the annotation file's width/height.
//  - Results: boxes in the original image (BoxList.resize), xywh with w = x2 - x1 + 1, json category id, score,
//    images in dataset order: <folder>/bbox.json, then COCOeval -> metrics.json, per_category_ap.csv.
//  - Output folder: OUTPUT_DIR[/eval/<weight file stem> when a weight file is given]/inference/<dataset name>.
//
// Beyond the official script: per-image results are appended (and flushed) to a JSON-lines file in the output
// folder, so an interrupted run resumes and skips the images already done; `shard_index/shard_count` runs one
// contiguous slice of the batches and writes bbox.shard-K-of-N.json (combine with `glip merge`).
#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/eval/coco_eval.h"
#include "core/coco/coco.h"

namespace glip {
class Config;
class Model;
struct Detection;
struct Prompt;
}  // namespace glip

namespace glip::eval {

// ---------------------------------------------------------------------------------------------------------------
// Datasets

struct DatasetSource {
  std::string name;       // e.g. "coco_2017_val" (or the annotation file's stem for an explicit dataset)
  std::string ann_file;   // path of the COCO annotation file
  std::string image_dir;  // folder the file_names are relative to
};

// The official search list: "./", $DATASET (when set), "./DATASET", "./OUTPUT", "./data", "./MODEL".
std::vector<std::string> dataset_search_paths();

// try_to_find(file, return_dir=True): the first search path p (relative ones resolved against `root`, "" = the
// current directory) where p/file exists. Throws glip::Error("Cannot find <file> in ['./', ...]").
std::string find_in_search_paths(const std::string& file, const std::string& root = "");

// The datasets of DATASETS.TEST, as DatasetCatalog.get finds them. Throws glip::Error for a name that is not a
// COCO-format detection dataset of the catalog or of DATASETS.REGISTER, and for a file that is not found.
std::vector<DatasetSource> resolve_test_datasets(const Config& config, const std::string& root = "");

// ---------------------------------------------------------------------------------------------------------------
// Prompt and batches

struct EvalCategories {
  std::vector<std::string> names;     // label k (1-based) = names[k - 1], the dataset's names (not cleaned)
  std::vector<int64_t> json_ids;      // label k -> json_ids[k - 1]
};
// Categories in pycocotools getCatIds() order, "__background__" and id 0 skipped. Throws on duplicate ids or
// when no category is left.
EvalCategories eval_categories(const coco::Dataset& dataset);

struct EvalBatch {
  std::vector<size_t> images;       // indices into the dataset-order image list
  int64_t pad_height = 0, pad_width = 0;  // largest resized size in the batch (before SIZE_DIVISIBILITY rounding)
};

// Image indices sorted by image id (COCODataset: self.ids = sorted(...)).
std::vector<size_t> dataset_order(const coco::Dataset& dataset);

// The batches of the official test loader for images in dataset order. `resized_hw(h, w)` gives the resized
// size of an image (Session::resized_size). Throws if batching needs an image's width/height and the annotation
// file does not give it.
std::vector<EvalBatch> plan_batches(const coco::Dataset& dataset, const std::vector<size_t>& order,
                                    int64_t ims_per_batch, bool aspect_ratio_grouping,
                                    const std::function<std::array<int64_t, 2>(int64_t, int64_t)>& resized_hw);

// Batches [begin, end) of shard k (1-based) of n: contiguous ranges of nearly equal size.
std::array<size_t, 2> shard_range(size_t num_batches, int k, int n);

// ---------------------------------------------------------------------------------------------------------------
// The run

struct EvalProgress {
  std::string dataset;
  int64_t done = 0;          // images finished in this shard (computed + resumed)
  int64_t total = 0;         // images in this shard
  int64_t resumed = 0;       // taken from the partial-results file
  int64_t computed = 0;      // inferred in this run
  double elapsed_s = 0;      // wall time of the images computed in this run
  int64_t image_id = 0;      // the image just finished (0 before the first)
};

// One line "[#####.....] 12/500 images  1.9 img/s  ETA 4:17" (no newline).
std::string format_progress(const EvalProgress& p, int bar_width = 30);

// How a batch of TEST.IMS_PER_BATCH images runs: one forward pass per image (each padded to the batch's size) or
// one per batch (Session::detect_batch); the results are the same up to float rounding (test_engine_batch).
// automatic: per batch on a GPU; per image on the CPU, where a batch of 3 gains ~1.2x throughput for ~1.4x the
// peak memory (GLIP-T, docs/PERFORMANCE.md) — `--forward batch` asks for it.
enum class BatchForward { automatic, per_image, per_batch };
bool parse_batch_forward(const std::string& s, BatchForward* out);  // "auto", "image", "batch"

struct EvalRunOptions {
  std::string ann_file, image_dir;  // both or neither: an explicit dataset instead of DATASETS.TEST
  std::string search_root;          // where the relative search paths are resolved ("" = current directory)
  std::string output_folder;        // "" = OUTPUT_DIR[/eval/<weight stem>]/inference/<dataset name>
  int shard_index = 1, shard_count = 1;
  bool resume = true;               // false: discard a partial-results file instead of continuing it
  int eval_threads = 0;             // COCOeval threads (0 = all cores)
  BatchForward forward = BatchForward::automatic;
  // Called after each image (and once before the first); returning false stops the run after that image (the
  // partial-results file keeps what was done; the result has complete = false).
  std::function<bool(const EvalProgress&)> on_progress;
  std::function<void(const std::string&)> on_message;  // informational lines (dataset found, files written)
};

struct ImageRecord {
  int64_t image_id = 0;
  size_t batch = 0;                       // global batch index
  int64_t pad_height = 0, pad_width = 0;  // DetectParams::pad_to_* used (batch maximum of resized sizes)
  bool resumed = false;
};

struct DatasetEvalResult {
  DatasetSource source;
  std::string output_folder;
  std::string results_file;   // bbox.json or bbox.shard-K-of-N.json ("" when incomplete)
  std::string partial_file;   // the JSON-lines file of per-image results
  std::string metrics_file;   // metrics.json ("" for a shard or an incomplete run)
  std::string caption;        // the (unchunked) detection prompt
  int64_t num_images = 0;     // in the dataset
  int64_t num_batches = 0;    // in the dataset
  std::vector<ImageRecord> images;  // this shard's images, in processing order, as far as they were done
  int64_t computed = 0, resumed = 0;
  double inference_seconds = 0;  // wall time of the computed images
  bool complete = false;
  bool evaluated = false;        // metrics were computed (unsharded, complete)
  std::vector<coco::Result> detections;  // this shard's results, dataset order
  EvalResult metrics;
  std::vector<std::string> warnings;  // engine warnings (e.g. caption truncated), once each
};

// Runs the evaluation of every dataset (one, when ann_file/image_dir are given) with `model`'s configuration.
// Throws glip::Error for unsupported settings (TEST.EVAL_TASK other than "detection", TEST.USE_MULTISCALE,
// DATASETS.USE_CAPTION_PROMPT / USE_SUPRESS_QUERY, GLIPKNOW.PARALLEL_LANGUAGE_INPUT), a missing dataset, an image
// that cannot be read or whose size disagrees with the annotation file, a partial-results file made with other
// settings.
std::vector<DatasetEvalResult> run_eval(const std::shared_ptr<const Model>& model, const EvalRunOptions& options);

// A detection as a results-file entry (engine/inference.py prepare_for_coco_detection): GLIP's convert("xywh")
// of the float box (w = x2 - x1 + 1, Detection::box_xywh), the score, and the given ids. `glip predict
// --format coco-results` writes the same entries.
coco::Result to_coco_result(const Detection& detection, int64_t image_id, int64_t category_id);

// The fixed part of the partial-results file name: "predictions.partial.jsonl" or
// "predictions.shard-K-of-N.partial.jsonl".
std::string partial_file_name(int k, int n);

}  // namespace glip::eval
