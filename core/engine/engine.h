// GLIP Studio's public core API: load GLIP once, ground phrases in images, look inside.
//
//   #include "core/engine/engine.h"
//
//   glip::ModelParams mp;
//   mp.config_file = "models/glip_Swin_T_O365_GoldG.yaml";
//   mp.weight_file = "glip_tiny_model_o365_goldg.pth";   // "" -> MODEL.WEIGHT, relative to the config file
//   std::shared_ptr<const glip::Model> model = glip::Model::load(mp);   // immutable, shareable between threads
//
//   glip::Session session(model);                          // caches, probes, timings, cancel flag; one per thread
//   glip::RgbImage img = glip::image::load_image("photo.jpg");
//   glip::Prompt prompt = glip::Prompt::categories({"person", "bicycle", "traffic light"});
//   glip::DetectResult r = session.detect(img, prompt);    // = encode_image + encode_text + fuse + postprocess
//   for (const glip::Detection& d : r.detections)
//     std::printf("%s %.3f [%.1f %.1f %.1f %.1f]\n", d.phrase.c_str(), d.score, d.box[0], d.box[1], d.box[2], d.box[3]);
//
//   session.select(0.5f);                                  // new threshold: re-runs selection only, no inference
//   glip::TensorView v = session.probe("fpn.p3");          // intermediates, named like the golden files
//
// The stages are public (encode_image / encode_text / fuse / postprocess) and each is cached in the Session,
// keyed by its inputs: a new caption on the same image re-runs only BERT, the fusion head and post-processing;
// a new threshold re-runs nothing but selection. No torch types appear in this header.
#pragma once
#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/image/image.h"
#include "core/text/prompt.h"

namespace glip {

class Config;
using image::RgbImage;

// ---------------------------------------------------------------------------------------------------------------
// Parameters (defaults are written here once).

struct ModelParams {
  std::string config_file;             // a GLIP YAML config (official files load as they are)
  std::vector<std::string> overrides;  // KEY VALUE ... as on GLIP's command line
  std::string weight_file;             // "" -> MODEL.WEIGHT resolved relative to the config file
  bool random_init = false;            // build without loading weights (benchmarks, tests)
  std::string device = "cpu";          // "cpu" or "cuda" (when libtorch was built with CUDA)
  int num_threads = 0;                 // intra-op threads; 0 -> number of cores
};

struct DetectParams {
  float score_threshold = 0.0f;  // final-score filter applied by select(); 0 keeps every GLIP output
  bool probe = false;            // keep intermediates (Swin, FPN, fusion, logits, candidates) for probe()
  bool probe_attention = false;  // also keep the fusion attention maps (large)
  // Batch padding (TEST.IMS_PER_BATCH): pad the model input to at least this size, as to_image_list pads every
  // image of a batch to the batch's largest size (rounded up to SIZE_DIVISIBILITY). Swin attends over padded
  // pixels, so this changes results exactly as batching does officially. 0 = pad this image alone.
  int64_t pad_to_height = 0, pad_to_width = 0;
};

// ---------------------------------------------------------------------------------------------------------------
// Prompts

// A grounding prompt: a caption and, per label, the character spans (Unicode code points, [begin, end)) that
// name it. Labels are numbered 1..K in order (GLIP's plus=1 convention).
struct Prompt {
  struct Label {
    std::string name;                                  // shown to the user / written to COCO
    std::vector<std::array<int64_t, 2>> spans;         // character spans in `caption`
  };
  std::string caption;
  std::vector<Label> labels;
  bool detection = false;  // built from category names (chunked past MAX_QUERY_LEN tokens)
  std::string separator = ". ";  // detection prompts: between the names

  // The official detection prompt: label i+1 = names[i] (kept verbatim as the label's name), the caption is
  // clean_name(name) joined by `separator` (DATASETS.SEPARATION_TOKENS, ". " in every GLIP config), chunked past
  // MAX_QUERY_LEN tokens (each chunk is built the same way).
  static Prompt categories(const std::vector<std::string>& names, const std::string& separator = ". ");
  // A free caption. Without spans, phrases come from a simple noun-phrase heuristic (see core/text/prompt.h).
  static Prompt grounding(const std::string& caption, const std::vector<std::array<int64_t, 2>>& spans = {});
};

// ---------------------------------------------------------------------------------------------------------------
// Results

struct Detection {
  std::array<float, 4> box;  // x1, y1, x2, y2 in original-image pixels (GLIP's BoxList.resize)
  float score = 0;           // sqrt(label score * sigmoid(centerness))
  int label = 0;             // 1-based label index into Prompt::labels
  std::string phrase;        // the label's name
  int candidate = -1;        // index into DetectResult::candidates (level, anchor, NMS fate)
  // xywh as GLIP's convert("xywh") writes it for COCO: w = x2 - x1 + 1.
  std::array<float, 4> box_xywh() const { return {box[0], box[1], box[2] - box[0] + 1, box[3] - box[1] + 1}; }
};

// A pre-NMS candidate (probe-free: always kept, it is small).
struct Candidate {
  int chunk = 0;             // prompt chunk (labels past 256 tokens are run in chunks)
  int level = 0;             // FPN level 0..4 = P3..P7
  int64_t anchor = 0;        // location index within the level (row-major)
  int label = 0;             // 1-based
  float label_score = 0;     // aggregated sigmoid(token logits), before centerness
  float centerness = 0;      // sigmoid(centerness logit)
  float score = 0;           // sqrt(label_score * centerness)
  std::array<float, 4> box;  // decoded, clipped, in original-image pixels
  int suppressed_by = -1;    // candidate index of the kept box that suppressed it in NMS, -1 if kept
  float suppression_iou = 0;
  bool kept = false;         // survived NMS and the per-image top-k
};

struct StageTimings {
  std::map<std::string, double> seconds;  // "preprocess", "swin_fpn", "bert", "dyhead.{i}.*", "heads", "post"
  double total() const;
};

struct DetectResult {
  std::vector<Detection> detections;  // final, sorted by score (desc), then label
  std::vector<Candidate> candidates;  // every pre-NMS candidate, all chunks
  int image_width = 0, image_height = 0;      // original
  int resized_width = 0, resized_height = 0;  // model input before padding
  std::vector<std::string> warnings;          // e.g. caption truncated, phrases lost
  // Labels that have no token in the prompt the model sees (cut by the MAX_QUERY_LEN truncation of a caption, a
  // category too long to fit in a prompt, a span on whitespace): they are never detected (MEAN / MAX score
  // aggregation), the warnings name them, and every other label is detected as without them. Ascending.
  std::vector<int> labels_without_tokens;
  StageTimings timings;
};

// A read-only view of a probe tensor (float32, contiguous). Keeps its storage alive.
struct TensorView {
  std::vector<int64_t> shape;
  const float* data = nullptr;
  std::shared_ptr<const void> owner;
  bool empty() const { return data == nullptr; }
  int64_t numel() const;
};

// ---------------------------------------------------------------------------------------------------------------
// Model: weights and configuration, immutable after load.

class Model {
 public:
  using Progress = std::function<void(double fraction, const std::string& what)>;
  static std::shared_ptr<const Model> load(const ModelParams& params, const Progress& progress = {});
  ~Model();

  const Config& config() const;
  const ModelParams& params() const;
  std::string description() const;  // e.g. "GLIP Swin-T, 231.8 M parameters, cpu"
  // The tokenized prompt(s) this model runs for `prompt`, built the official way (core/text/prompt.h): one per
  // chunk of at most MAX_QUERY_LEN tokens, labels keeping their global ids. What encode_text() feeds BERT; views
  // use it for tokens and positive maps. glip::Error for an empty or unreadable prompt.
  std::vector<text::Prompt> tokenize(const Prompt& prompt) const;
  int64_t parameter_count() const;

  struct Impl;
  const Impl& impl() const { return *impl_; }

 private:
  explicit Model(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Thrown by Session stages when cancel() was called.
class Cancelled : public Error {
 public:
  Cancelled() : Error("cancelled") {}
};

// ---------------------------------------------------------------------------------------------------------------
// Session: per-thread state: stage caches, probes, timings, cancel flag.

class Session {
 public:
  explicit Session(std::shared_ptr<const Model> model);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // The whole pipeline; each stage reuses its cache when its inputs are unchanged.
  DetectResult detect(const RgbImage& image, const Prompt& prompt, const DetectParams& params = {});
  // The size (height, width) this model resizes an image of the given size to, before padding (GLIP's rule).
  std::array<int64_t, 2> resized_size(int64_t height, int64_t width) const;

  // Stages, for callers that drive them separately. Keys identify cached results.
  std::string encode_image(const RgbImage& image, const DetectParams& params = {});  // -> image key
  std::string encode_text(const Prompt& prompt);                                     // -> text key
  std::string fuse(const std::string& image_key, const std::string& text_key);       // -> head key
  DetectResult postprocess(const std::string& head_key);

  // Re-filters the last result with a new score threshold: selection only, never inference.
  DetectResult select(float score_threshold) const;

  // Intermediates of the last detect() with params.probe set, by golden name ("swin.stage3", "fpn.p3",
  // "lang.hidden", "dyhead.0.vlfuse.visual.p3", "head.dot_product_logits.p3", "anchors.p3", ...).
  TensorView probe(const std::string& name) const;
  std::vector<std::string> probe_names() const;
  // Writes every probe tensor of the last detect() (golden names, original dtypes) as a dict that Python's
  // torch.load reads (`glip predict --dump-tensors`). Atomic. glip::Error if there is no probe.
  void save_probes(const std::string& path) const;

  const StageTimings& last_timings() const;  // of the last stage calls since detect()/clear_timings()
  // Thread-safe; the running stage throws Cancelled at its next check. detect() clears a pending cancel when it
  // starts, so a cancel() that arrives after a detect() finished does not cancel the next one.
  void cancel();
  void clear_cache();
  int64_t inference_count() const;  // number of model stage runs (encode/fuse), for tests and the status bar
  const std::shared_ptr<const Model>& model() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace glip
