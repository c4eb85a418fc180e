// Internal state of glip::Model and glip::Session, for the engine and the core code beside it (core/eval, tests):
// torch types and the whole Config allowed here. Never included by ui/ or app/glip-studio (tests/test_structure).
#pragma once
#include <ATen/Tensor.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <list>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/config/config.h"
#include "core/engine/engine.h"
#include "core/engine/model_config.h"
#include "core/image/preprocess.h"
#include "core/language/language_dict.h"
#include "core/model/glip_model.h"
#include "core/post/atss_postprocessor.h"
#include "core/text/prompt.h"

namespace glip {

struct Model::Impl {
  ModelParams params;
  Config config;
  GlipModel net{nullptr};
  image::PreprocessParams preprocess;
  text::PromptOptions prompt_options;
  post::AtssParams atss;
  ModelInfo info;
  std::string device = "cpu";
  std::string weight_file;  // "" when random_init
  int64_t parameter_count = 0;
};

// The model's internals (friend of Model).
const Model::Impl& model_impl(const Model& model);
// ModelInfo of a config (defined in model_info.cpp).
ModelInfo model_info_from_config(const Config& cfg);
// The tokenized prompt(s) the model runs for `prompt` (core/text/prompt.h), one per chunk; labels keep their
// global ids. glip::Error for an empty or unreadable prompt.
std::vector<text::TokenizedPrompt> tokenize(const Model& model, const Prompt& prompt);
// PromptChunk of a tokenized prompt: tokens and positive map.
PromptChunk prompt_chunk(const text::TokenizedPrompt& prompt);

// Small least-recently-used map: the stage caches of a Session (explicit, bounded, cleared by clear_cache()).
template <typename V>
class LruCache {
 public:
  explicit LruCache(size_t capacity) : capacity_(capacity) {}
  V* find(const std::string& key) {
    for (auto it = items_.begin(); it != items_.end(); ++it) {
      if (it->first == key) {
        items_.splice(items_.begin(), items_, it);
        return &items_.front().second;
      }
    }
    return nullptr;
  }
  V& put(const std::string& key, V value) {
    for (auto it = items_.begin(); it != items_.end(); ++it) {
      if (it->first == key) {
        items_.erase(it);
        break;
      }
    }
    items_.emplace_front(key, std::move(value));
    while (items_.size() > capacity_) items_.pop_back();
    return items_.front().second;
  }
  void clear() { items_.clear(); }

 private:
  size_t capacity_;
  std::list<std::pair<std::string, V>> items_;
};

// Stage 1 output: preprocessed image, FPN features and anchors.
struct ImageEntry {
  image::SizeHW original, resized, padded;
  std::vector<at::Tensor> features;  // P3..P7, 1 x C x h x w
  std::vector<at::Tensor> anchors;   // per level (h*w) x 4
  std::map<std::string, at::Tensor> probes;
  bool probed = false;
};

// Stage 2 output: the tokenized prompt chunks and their BERT features (trimmed to the real token count).
struct TextChunk {
  text::TokenizedPrompt prompt;
  LanguageDict lang;  // 1 x T
  std::map<std::string, at::Tensor> probes;
};
struct TextEntry {
  std::vector<TextChunk> chunks;
  std::vector<std::string> label_names;  // label id - 1 -> name (global over chunks)
  std::vector<std::string> warnings;
  std::vector<int> labels_without_tokens;  // ascending (DetectResult::labels_without_tokens)
};

// Stage 3 output: head outputs per chunk, post-processed.
struct HeadChunk {
  post::AtssOutput post;
  std::map<std::string, at::Tensor> probes;
};
struct HeadEntry {
  std::string image_key, text_key;
  std::vector<HeadChunk> chunks;
  StageTimings timings;
  bool attention = false;  // the probes include the fusion attention maps (DetectParams::probe_attention)
};

// The model's modules, for running them: torch modules have no const forward, but inference never mutates them
// (weights are read-only under InferenceMode), so a const Model is shared safely between sessions.
inline GlipModelImpl& net(const Model::Impl& m) { return *m.net.ptr(); }

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0);
// A stage's time: on a CUDA device after waiting for its queued kernels (a stage's host code returns before they
// run), so that the per-stage timings are the device's.
double stage_seconds(const Model::Impl& m, Clock::time_point t0);

// The preprocessing of one run: the model's, or a preview size (DetectParams::min_size, checked here) with the
// longer side's cap scaled alike.
image::PreprocessParams preprocess_for(const image::PreprocessParams& model, int64_t min_size);

// The DetectResult of one image's post-processed prompt chunks (no timings): candidates and detections mapped to
// the original image, label names, the prompt's warnings.
DetectResult result_of(const std::vector<const post::AtssOutput*>& chunks, image::SizeHW original_size,
                       image::SizeHW resized_size, const TextEntry& txt);

// Image b's post-processing inputs (per level, on the CPU) from head outputs of a batch (B = 1 for detect()).
std::vector<post::AtssLevelInput> post_inputs(const head::VLDyHeadOutput& out, const std::vector<at::Tensor>& anchors,
                                              int64_t b);

struct Session::Impl {
  std::shared_ptr<const Model> model;
  LruCache<ImageEntry> images{4};
  LruCache<TextEntry> texts{16};
  LruCache<HeadEntry> heads{2};
  std::atomic<bool> cancel{false};
  std::atomic<int64_t> inference_count{0};
  bool want_probe = false, want_attention = false;
  DetectResult last;                        // unfiltered result of the last detect/postprocess
  std::map<std::string, at::Tensor> probe;  // of the last detect with probes
  StageTimings timings;                     // of the running detect

  void check_cancel();
  // One prompt chunk through the fusion tower and the prediction layers, each tower slot and the heads timed into
  // `timings`: features per level B x C x h x w (B = 1 for detect(), the batch for detect_batch()); hidden,
  // masks, embedded: the chunk's BERT features for the B images (B x T x ...).
  head::VLDyHeadOutput run_head(const std::vector<at::Tensor>& features, const at::Tensor& hidden,
                                const at::Tensor& masks, const at::Tensor& embedded, TensorProbe* probe);
};

}  // namespace glip
