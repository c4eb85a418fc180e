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
//
// This is the whole boundary between core/ and ui/: ui/ includes no other core header but core/common/error.h,
// core/image/image.h and core/coco/coco.h (tests/test_structure checks it). What the studio needs of the model is
// here as values: ModelInfo (strides, thresholds, score aggregation, MAX_QUERY_LEN, level names), the token preview
// of a prompt, the prompt chunks the model runs, the threshold rule (select_detections), cuda_available(), and the
// inspector's scoring and box decoding on probe tensors (score_location, label_score_map, ...).
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

namespace glip {

using image::RgbImage;

// ---------------------------------------------------------------------------------------------------------------
// Parameters (defaults are written here once).

// Arithmetic of the GEMM- and convolution-heavy layers (FPN, the fusion head's BERT layers, VLFuse projections and
// attention products, DyConv; Swin and the language BERT stay fp32). fp32 is the reference (the golden tests); bf16 and fp16 round their inputs
// (and store their weights) in bfloat16 / half and accumulate in fp32, keeping softmax, clamps, normalisation, the
// prediction layers and post-processing in fp32. bf16 runs on CPUs with AVX512_BF16 or AMX (GLIP-T about 1.25x as
// fast; refused elsewhere, see bf16_supported()) and on CUDA; fp16 on CUDA only; tf32 (CUDA only) keeps every
// tensor fp32 and lets cuBLAS and cuDNN multiply in TF32. On CUDA, fp32 turns TF32 off (cuDNN's default is on),
// process-wide. Their deviations from fp32 are measured in docs/PERFORMANCE.md.
enum class Precision { fp32, bf16, tf32, fp16 };
const char* precision_name(Precision p);                  // "fp32", "bf16", "tf32", "fp16"
bool parse_precision(const std::string& s, Precision* p);  // false for anything else
// Whether Precision::bf16 can run here; `why` gets the reason when not.
bool bf16_supported(std::string* why = nullptr);

enum class Kernels { native, generic };
const char* kernels_name(Kernels k);                     // "native" / "generic"
bool parse_kernels(const std::string& s, Kernels* out);  // false for anything else

struct ModelParams {
  std::string config_file;             // a GLIP YAML config (official files load as they are)
  std::vector<std::string> overrides;  // KEY VALUE ... as on GLIP's command line
  std::string weight_file;             // "" -> MODEL.WEIGHT resolved relative to the config file
  bool random_init = false;            // build without loading weights (benchmarks, tests)
  uint64_t random_seed = 0;            // random_init: the weights are drawn from this seed (reproducible)
  std::string device = "cpu";          // "cpu" or "cuda" (when libtorch was built with CUDA)
  int num_threads = 0;                 // intra-op threads; 0 -> number of cores
  // Run the whole pipeline once inside load() on a synthetic image of the model's largest input (800 x 1333 for
  // GLIP-T), so that the one-time costs of the first inference (thread pools, kernel generation, first-touch
  // memory) are paid there and the first detect() runs at the warm speed (docs/PERFORMANCE.md, "First runs"). It
  // costs about one run at load time: worth it for interactive use, not for a one-shot command.
  bool warm_up = true;
  Precision precision = Precision::fp32;  // load() refuses, with the reason, what this device cannot run
  // native: the hand-written CPU kernels (fused window attention, oneDNN paths, deformable convolution, ml_nms) for
  // CPU tensors; generic: only ATen operations everywhere, the path every other device takes (proven on the CPU
  // against the golden sets). fp32 only.
  Kernels kernels = Kernels::native;
};

struct DetectParams {
  float score_threshold = 0.0f;  // final-score filter applied by select(); 0 keeps every GLIP output
  bool probe = false;            // keep intermediates (Swin, FPN, fusion, logits, candidates) for probe()
  bool probe_attention = false;  // also keep the fusion attention maps (large)
  // Batch padding (TEST.IMS_PER_BATCH): pad the model input to at least this size, as to_image_list pads every
  // image of a batch to the batch's largest size (rounded up to SIZE_DIVISIBILITY). Swin attends over padded
  // pixels, so this changes results exactly as batching does officially. 0 = pad this image alone.
  int64_t pad_to_height = 0, pad_to_width = 0;
  // Preview size: the shorter side the image is resized to instead of INPUT.MIN_SIZE_TEST, the longer side's cap
  // (INPUT.MAX_SIZE_TEST) scaled by the same factor (480 -> 480x800 for GLIP-T's 800x1333). Faster and less
  // precise than the model's own size: for interactive exploration. Boxes are in original-image pixels either way.
  // 0 = the model's size (what evaluation, batches and the golden tests use).
  int64_t min_size = 0;
};
// The preview sizes DetectParams::min_size accepts besides 0 (the CLI and the studio check against these too).
constexpr int64_t kMinPreviewSize = 32, kMaxPreviewSize = 4096;

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
  // A free caption. Without spans, phrases come from find_phrases(); glip::Error if it finds none.
  static Prompt grounding(const std::string& caption, const std::vector<std::array<int64_t, 2>>& spans = {});
  // The phrases of a caption by a simple noun-phrase heuristic (core/text/phrases.h): one label per phrase, one
  // span per occurrence, named by its caption text. Empty when the caption has no content word.
  static std::vector<Label> find_phrases(const std::string& caption);
};

// ---------------------------------------------------------------------------------------------------------------
// What a model is, as values (from its config; the UI reads no config key itself).

enum class ScoreAggregation {
  Mean,    // MODEL.DYHEAD.SCORE_AGG "MEAN": mean of the label's token probabilities (GLIP's default)
  Max,     // "MAX": their max
  OneHot,  // "ONEHOT": label j = token j-1
};

struct ModelInfo {
  std::vector<int64_t> anchor_strides;   // MODEL.RPN.ANCHOR_STRIDE: resized-image pixels per location, P3..P7
  std::vector<std::string> level_names;  // "p3".."p7": the level part of probe names, one per stride
  float candidate_threshold = 0;         // MODEL.ATSS.INFERENCE_TH (label score, before centerness)
  float nms_threshold = 0;               // MODEL.ATSS.NMS_TH (class-wise IoU)
  int64_t pre_nms_top_n = 0;             // MODEL.ATSS.PRE_NMS_TOP_N (candidates per level)
  int64_t detections_per_image = 0;      // MODEL.ATSS.DETECTIONS_PER_IMG
  ScoreAggregation score_aggregation = ScoreAggregation::Mean;  // MODEL.DYHEAD.SCORE_AGG
  int64_t max_query_len = 0;             // MODEL.LANGUAGE_BACKBONE.MAX_QUERY_LEN (tokens per prompt chunk)
  int64_t chunk_size = 0;                // TEST.CHUNKED_EVALUATION (categories per chunk; <= 0: as many as fit)
  std::string separator;                 // DATASETS.SEPARATION_TOKENS (between category names)
  // VLFuse layers in the head: MODEL.DYHEAD.NUM_CONVS with FUSE_CONFIG.EARLY_FUSE_ON, 0 without (GLIP-T (A): text
  // and image meet only in the final dot product), so there is no fusion attention to inspect.
  int64_t fusion_layers = 0;
  // The image backbone by its published name: "Swin-T" (GLIP-T), "Swin-L" (GLIP-L), or "Swin (C12, 2-2-18-2)"
  // for other widths (MODEL.SWINT.EMBED_DIM, DEPTHS).
  std::string backbone;
};

// The info of GLIP's default config (defaults.py): what a view shows before a model is loaded.
const ModelInfo& default_model_info();

// Whether libtorch can run on a CUDA device here (ModelParams::device = "cuda").
bool cuda_available();
// What this build runs on, for --version and bug reports: "libtorch 1.13.0 (CPU only)" or
// "libtorch 2.4.0, CUDA: 1 device(s)".
std::string runtime_description();

// ---------------------------------------------------------------------------------------------------------------
// Prompt tokens, for display

// What GLIP's tokenizer makes of a prompt, as the prompt panel shows it: every WordPiece token (no [CLS]/[SEP]),
// the chunk it runs in, the label whose span covers it, and whether MAX_QUERY_LEN truncation drops it. Detection
// prompts are chunked as the model chunks them (labels past one chunk go to the next; tokens are never dropped);
// a caption is one chunk whose tokens past max_query_len - 2 are truncated (the model never sees them).
struct TokenPreview {
  struct Token {
    std::string text;               // "coffee", "##nt", "[UNK]"
    std::string source;             // the caption characters it came from
    std::array<int64_t, 2> span{};  // code points [begin, end) in its chunk's caption
    int chunk = 0;                  // prompt chunk (0-based)
    int label = 0;                  // 1-based label whose span covers its first character; 0 if none
    bool unknown = false;           // [UNK]: GLIP cannot read this word
    bool truncated = false;         // cut by the MAX_QUERY_LEN truncation
  };
  std::vector<Token> tokens;
  std::vector<std::string> label_names;  // labels 1..K as the model names them (cleaned category names, phrases)
  int chunks = 0;
  int truncated_tokens = 0;
};
// glip::Error for an unreadable caption, an empty category list or a category without any token. A caption
// prompt may have no labels (its tokens are previewed all the same).
TokenPreview preview_tokens(const Prompt& prompt, const ModelInfo& info = default_model_info());

// One chunk of a prompt as the model runs it: the tokens on the model's token axis ([CLS] ... [SEP], as in the
// probes "head.dot_product_logits.pL") and, per label of the chunk, its token indices (GLIP's positive map; a
// label cut by truncation has none).
struct PromptChunk {
  std::string caption;
  std::vector<std::string> tokens;
  std::map<int, std::vector<int64_t>> label_tokens;
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
  // A view that owns `values` (row-major in `shape`): probe-shaped data made outside a Session (tests, tools).
  static TensorView of(std::vector<int64_t> shape, std::vector<float> values);
};

// Session::select's rule, the one place the score threshold is applied: the detections with score >= threshold,
// in their order. The UI re-filters cached results with it too.
std::vector<Detection> select_detections(const std::vector<Detection>& detections, float score_threshold);

// How closely another run of the same image and prompt (bf16 against fp32, a preview size against the model's
// size) reproduces a reference run: of the reference's `top_k` highest-scoring detections, how many the other run
// also has with the same label and IoU >= min_iou (each of its detections matched at most once, the reference
// taken in score order, the unmatched same-label detection of highest IoU chosen), and the largest score
// difference among those pairs. IoU of the boxes as continuous areas.
struct Agreement {
  size_t compared = 0;         // min(top_k, reference detections)
  size_t kept = 0;             // matched with the same label and IoU >= min_iou
  float max_score_diff = 0;    // over the matched pairs
  double share() const { return compared ? static_cast<double>(kept) / compared : 1.0; }
};
Agreement compare_detections(const std::vector<Detection>& reference, const std::vector<Detection>& other,
                             size_t top_k = 100, float min_iou = 0.9f);

// ---------------------------------------------------------------------------------------------------------------
// Model: weights and configuration, immutable after load.

class Model {
 public:
  using Progress = std::function<void(double fraction, const std::string& what)>;
  static std::shared_ptr<const Model> load(const ModelParams& params, const Progress& progress = {});
  ~Model();

  const ModelParams& params() const;
  const ModelInfo& info() const;
  std::string description() const;  // e.g. "GLIP Swin-T/BERT, 231.8 M parameters, cpu, bf16, random weights"
                                     // (Swin-L for GLIP-L: ModelInfo::backbone)
  // The chunks this model runs for `prompt`, built the official way: one per chunk of at most MAX_QUERY_LEN
  // tokens, labels keeping their global ids (what encode_text() feeds BERT). glip::Error for an empty or
  // unreadable prompt.
  std::vector<PromptChunk> prompt_chunks(const Prompt& prompt) const;
  int64_t parameter_count() const;

  struct Impl;  // core/engine/engine_impl.h (internal)

 private:
  friend const Impl& model_impl(const Model& model);
  explicit Model(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Thrown by Session stages when cancel() was called.
class Cancelled : public Error {
 public:
  Cancelled() : Error("cancelled") {}
  explicit Cancelled(const std::string& what) : Error(what) {}
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
  // Several images with one prompt in one forward pass, as GLIP evaluates TEST.IMS_PER_BATCH images: every image is
  // zero-padded to the batch's largest resized size (at least params.pad_to_*, rounded up to SIZE_DIVISIBILITY) as
  // to_image_list pads a batch, so result i equals detect(images[i], prompt, p) with p.pad_to_* set to that size
  // (tests/core/engine/test_engine_batch) up to float rounding. Faster per image (GLIP-T on 2 CPU cores, batch of 3:
  // 4.6 s per image against 5.5 s alone) for a peak memory that grows with the batch (2.2 GiB against 1.5 GiB).
  // The text stage's cache is used; image features and head outputs are
  // not cached, select() and probes keep the last detect()'s (params.probe is refused). Throws for an empty batch
  // or an empty image, naming its position.
  std::vector<DetectResult> detect_batch(const std::vector<RgbImage>& images, const Prompt& prompt,
                                         const DetectParams& params = {});
  // The size (height, width) this model resizes an image of the given size to, before padding (GLIP's rule).
  // min_size: as DetectParams::min_size (0 = the model's size).
  std::array<int64_t, 2> resized_size(int64_t height, int64_t width, int64_t min_size = 0) const;

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

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// ---------------------------------------------------------------------------------------------------------------
// Looking inside: GLIP's scoring and box decoding on the probe tensors of one detect() (the inspector's "see why"),
// computed by core/post's own code, so a view computes nothing GLIP-specific itself. `probes` maps golden names to
// tensors (Session::probe); `chunk` is the probed prompt chunk (chunk 0).

// What the head computed at one location (row-major index `anchor`) of FPN level `level`.
struct LocationOutputs {
  std::array<float, 4> anchor_resized{};  // anchors.pL row, resized-image pixels
  std::array<float, 4> anchor{};          // the same in original-image pixels (BoxList.resize)
  std::array<float, 4> box{};             // decoded (VLDyHead's BoxCoder), clipped, original pixels: Candidate::box
  float centerness = 0;                   // sigmoid(head.centerness.pL)
  std::vector<float> token_logits;        // head.dot_product_logits.pL row, one per token
  std::vector<float> token_scores;        // their sigmoid
  std::map<int, float> label_scores;      // label -> aggregated token score (SCORE_AGG), labels with tokens
};
// glip::Error naming what is missing or inconsistent. `result`: the detect() the probes come from (its sizes).
LocationOutputs score_location(const std::map<std::string, TensorView>& probes, const PromptChunk& chunk,
                              const ModelInfo& info, const DetectResult& result, int level, int64_t anchor);
// sqrt(label score * centerness): the final score of a candidate with these scores.
float final_score(float label_score, float centerness);

// Per location of a head.dot_product_logits.pL probe (1 x N x T): the label's aggregated token score (what
// Candidate::label_score is at a candidate), N values. glip::Error if the label has no token.
std::vector<float> label_score_map(const TensorView& dot_product_logits, const PromptChunk& chunk, int label,
                                   const ModelInfo& info);
// sigmoid of every value of a logits probe (token probabilities, centerness), in its layout.
std::vector<float> probabilities(const TensorView& logits);

}  // namespace glip
