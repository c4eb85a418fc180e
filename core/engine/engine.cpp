// glip::Model and glip::Session: the pipeline of core/engine/engine.h on top of the core modules.
#include "core/engine/engine.h"

#include <ATen/record_function.h>
#include <c10/core/InferenceMode.h>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <numeric>
#include <sstream>
#include <thread>

#include "core/common/hash.h"
#include "core/common/utf8.h"
#include "core/engine/engine_impl.h"
#include "core/image/preprocess_config.h"
#include "core/io/align.h"
#include "core/io/checkpoint.h"
#include "core/ops/precision/precision.h"
#include "core/probe/probe.h"
#include "core/text/phrases.h"

namespace glip {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------------------------------------------
// Small value helpers

double StageTimings::total() const {
  double t = 0;
  for (const auto& [name, s] : seconds) t += s;
  return t;
}

int64_t TensorView::numel() const {
  return std::accumulate(shape.begin(), shape.end(), int64_t{1}, std::multiplies<int64_t>());
}

TensorView TensorView::of(std::vector<int64_t> shape, std::vector<float> values) {
  auto holder = std::make_shared<std::vector<float>>(std::move(values));
  TensorView v;
  v.shape = std::move(shape);
  if (v.numel() != static_cast<int64_t>(holder->size())) throw Error("TensorView::of: shape and values disagree");
  v.data = holder->data();
  v.owner = std::move(holder);
  return v;
}

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

namespace {

void copy_probes(const TensorProbe& probe, std::map<std::string, at::Tensor>& out) {
  for (const auto& [k, v] : probe.tensors()) out[k] = v;
}

}  // namespace

image::PreprocessParams preprocess_for(const image::PreprocessParams& model, int64_t min_size) {
  if (min_size <= 0 || min_size == model.min_size) return model;
  if (min_size < kMinPreviewSize || min_size > kMaxPreviewSize)
    throw Error("preview size " + std::to_string(min_size) + " is outside " + std::to_string(kMinPreviewSize) + ".." +
                std::to_string(kMaxPreviewSize));
  image::PreprocessParams p = model;
  p.min_size = min_size;
  if (model.max_size > 0)
    p.max_size = std::max<int64_t>(min_size, (model.max_size * min_size + model.min_size / 2) / model.min_size);
  return p;
}

double stage_seconds(const Model::Impl& m, Clock::time_point t0) {
  if (m.device != "cpu") torch::cuda::synchronize();
  return seconds_since(t0);
}

namespace {

// One detect() on a grey 5:3 image at the model's size (INPUT.MIN_SIZE_TEST high, at most INPUT.MAX_SIZE_TEST wide:
// 800 x 1333 for GLIP-T) with a one-category prompt, result discarded: every module runs once at full size, so the lazy
// one-time work of the libraries under it (OpenMP and BLAS thread pools, oneDNN's kernels and primitive caches for
// these shapes, and above all the first touch of the activations' memory, which the allocator then keeps) is done
// at load time instead of in the user's first detect(). A smaller warm-up input leaves most of it to the first run
// (docs/PERFORMANCE.md, "First runs").
void warm_up(const std::shared_ptr<const Model>& model) {
  const auto t0 = Clock::now();
  const image::PreprocessParams& pp = model_impl(*model).preprocess;
  RgbImage img;
  img.height = std::max<int64_t>(32, pp.min_size);
  img.width = img.height * 5 / 3;  // a 5:3 photo, GLIP-T's 800 x 1333
  if (pp.max_size > 0) img.width = std::max(img.height, std::min(img.width, pp.max_size));
  img.pixels.assign(static_cast<size_t>(img.height) * img.width * 3, 128);
  Session session(model);
  session.detect(img, Prompt::categories({"object"}));
  const double first = seconds_since(t0);
  // Where that was cheap (small models: under a second), once more with a prompt of MAX_QUERY_LEN tokens: the
  // fusion layers' text-side buffers (tokens x heads x positions) of a long prompt are then touched here too, not
  // in the first real run (the demo model's first run took 1.7-1.9x a warm one in half of the runs without it).
  // GLIP-T's first run is within 1.2x without it, where it would cost seconds of loading.
  if (first < 1.0) {
    const int64_t tokens = model->info().max_query_len;  // "object" and "." are one token each, + [CLS] [SEP]
    if (tokens > 4) session.detect(img, Prompt::categories(std::vector<std::string>((tokens - 2) / 2, "object")));
  }
  spdlog::debug("warm-up at {}x{}: {:.3f} s ({:.3f} s the first run)", img.height, img.width, seconds_since(t0), first);
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------------
// Prompt

Prompt Prompt::categories(const std::vector<std::string>& names, const std::string& separator) {
  if (names.empty()) throw Error("the category list is empty");
  Prompt p;
  p.detection = true;
  p.separator = separator;
  for (size_t i = 0; i < names.size(); ++i) {
    const std::string clean = text::clean_name(names[i]);
    const int64_t begin = utf8_length(p.caption);
    p.caption += clean;
    p.labels.push_back({names[i], {{begin, utf8_length(p.caption)}}});
    if (i + 1 < names.size()) p.caption += separator;
  }
  return p;
}

Prompt Prompt::grounding(const std::string& caption, const std::vector<std::array<int64_t, 2>>& spans) {
  Prompt p;
  p.caption = caption;
  if (spans.empty()) {
    p.labels = find_phrases(caption);
    if (p.labels.empty())
      throw Error("no phrase found in the caption \"" + caption + "\"; give phrases explicitly (START:END)");
  } else {
    const int64_t len = utf8_length(caption);
    for (const auto& s : spans) {
      if (s[0] < 0 || s[1] > len || s[0] >= s[1])
        throw Error("phrase span " + std::to_string(s[0]) + ":" + std::to_string(s[1]) +
                    " is empty or outside the caption (" + std::to_string(len) + " characters)");
      p.labels.push_back({utf8_substr(caption, s[0], s[1]), {s}});
    }
  }
  return p;
}

std::vector<Prompt::Label> Prompt::find_phrases(const std::string& caption) {
  std::vector<Label> labels;
  for (const text::Phrase& ph : text::find_phrases(caption)) {
    Label l{ph.name, {}};
    for (const auto& s : ph.spans) l.spans.push_back({s.start, s.end});
    labels.push_back(std::move(l));
  }
  return labels;
}

// ---------------------------------------------------------------------------------------------------------------
// Model

Model::Model(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Model::~Model() = default;
const Model::Impl& model_impl(const Model& model) { return *model.impl_; }
const Config& model_config(const Model& model) { return model_impl(model).config; }
const ModelParams& Model::params() const { return impl_->params; }
const ModelInfo& Model::info() const { return impl_->info; }
int64_t Model::parameter_count() const { return impl_->parameter_count; }

std::string Model::description() const {
  std::ostringstream o;
  o << "GLIP " << impl_->info.backbone << "/BERT, " << (impl_->parameter_count / 1e6) << " M parameters, " << impl_->device
    << (impl_->params.precision != Precision::fp32 ? std::string(", ") + precision_name(impl_->params.precision) : "")
    << (impl_->weight_file.empty() ? ", random weights" : ", " + fs::path(impl_->weight_file).filename().string());
  return o.str();
}

std::vector<text::TokenizedPrompt> tokenize(const Model& model, const Prompt& prompt) {
  if (prompt.labels.empty()) throw Error("the prompt has no label (no category and no phrase)");
  const text::PromptOptions& options = model_impl(model).prompt_options;
  if (prompt.detection) {
    std::vector<std::string> names;
    for (const auto& l : prompt.labels) names.push_back(l.name);
    text::PromptOptions with_separator = options;
    with_separator.separation_tokens = prompt.separator;
    return text::detection_prompts(names, with_separator);
  }
  std::vector<text::Phrase> phrases;
  for (const auto& l : prompt.labels) {
    text::Phrase ph;
    ph.name = l.name;
    for (const auto& sp : l.spans) ph.spans.push_back({sp[0], sp[1]});
    phrases.push_back(std::move(ph));
  }
  return {text::grounding_prompt(prompt.caption, phrases, options)};
}

std::vector<PromptChunk> Model::prompt_chunks(const Prompt& prompt) const {
  std::vector<PromptChunk> out;
  for (const text::TokenizedPrompt& tp : tokenize(*this, prompt)) out.push_back(prompt_chunk(tp));
  return out;
}

std::shared_ptr<const Model> Model::load(const ModelParams& params, const Progress& progress) {
  auto report = [&](double f, const std::string& what) {
    if (progress) progress(f, what);
  };
  auto impl = std::make_unique<Impl>();
  impl->params = params;
  if (params.config_file.empty()) throw Error("no config file given (--config-file)");
  const int threads = params.num_threads > 0 ? params.num_threads
                                             : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  ops::set_num_threads(threads);

  report(0.0, "reading config");
  impl->config = Config::defaults();
  impl->config.merge_from_file(params.config_file);
  impl->config.merge_from_list(params.overrides);
  const Config& cfg = impl->config;

  impl->device = params.device.empty() ? "cpu" : params.device;
  if (impl->device != "cpu") {
    if (impl->device.rfind("cuda", 0) != 0) throw Error("unknown device \"" + impl->device + "\" (cpu or cuda)");
    if (!cuda_available())
      throw Error("device \"" + impl->device + "\" requested but this libtorch has no CUDA device available");
  }

  const bool on_cpu = impl->device == "cpu";
  if (params.precision == Precision::bf16 && on_cpu) {
    std::string why;
    if (!bf16_supported(&why)) throw Error("bf16 precision is not available: " + why + "; use fp32");
    if (params.kernels == Kernels::generic)
      throw Error("bf16 precision on the CPU uses the native kernels; the generic kernels run fp32 there");
  }
  if ((params.precision == Precision::tf32 || params.precision == Precision::fp16) && on_cpu)
    throw Error(std::string(precision_name(params.precision)) +
                " precision runs on CUDA devices only; on the CPU use fp32 or bf16");

  // The weights are found before the model is built: a missing file is told at once, not after building GLIP-T.
  std::string weight;
  if (!params.random_init) {
    weight = params.weight_file;
    if (weight.empty()) {
      weight = cfg.get_str("MODEL.WEIGHT");
      if (weight.empty()) throw Error("no weights: MODEL.WEIGHT is empty and no --weight was given");
      fs::path p(weight);
      if (p.is_relative() && !cfg.config_dir().empty() && !fs::exists(p)) p = fs::path(cfg.config_dir()) / p;
      weight = p.string();
    }
    if (!fs::exists(weight))
      throw Error("weights not found: '" + weight + "'" +
                  (params.weight_file.empty() ? " (MODEL.WEIGHT of the config; give the .pth file with --weight)" : ""));
  }

  report(0.05, "building the model");
  c10::InferenceMode guard;
  if (params.random_init) torch::manual_seed(params.random_seed);
  impl->net = GlipModel(glip_model_options(cfg));
  impl->preprocess = image::preprocess_params_from_config(cfg);
  impl->prompt_options = text::prompt_options_from_config(cfg);
  impl->atss = post::atss_params_from_config(cfg);
  impl->info = model_info_from_config(cfg);

  if (!params.random_init) {
    report(0.1, "loading " + weight);
    load_glip_weights(*impl->net, weight);
    impl->weight_file = weight;
  }
  impl->net->eval();
  if (params.precision == Precision::bf16) convert_gemm_weights(*impl->net, at::kBFloat16);
  if (params.precision == Precision::fp16) convert_gemm_weights(*impl->net, at::kHalf);
  if (!on_cpu) {  // fp32 means fp32 on CUDA too: cuDNN would use TF32 by default (process-wide settings)
    const bool tf32 = params.precision == Precision::tf32;
    at::globalContext().setAllowTF32CuBLAS(tf32);
    at::globalContext().setAllowTF32CuDNN(tf32);
  }
  if (params.kernels == Kernels::generic) {
    use_generic_kernels(*impl->net);
    impl->atss.generic_nms = true;
  }
  if (impl->device != "cpu") impl->net->to(torch::Device(impl->device));
  for (const auto& p : impl->net->parameters()) impl->parameter_count += p.numel();
  std::shared_ptr<const Model> model(new Model(std::move(impl)));
  if (params.warm_up) {
    report(0.95, "warming up");
    warm_up(model);
  }
  report(1.0, "ready");
  return model;
}

// ---------------------------------------------------------------------------------------------------------------
// Session

void Session::Impl::check_cancel() {
  if (cancel.exchange(false)) throw Cancelled();
}

Session::Session(std::shared_ptr<const Model> model) : impl_(std::make_unique<Impl>()) {
  if (!model) throw Error("Session needs a loaded model");
  impl_->model = std::move(model);
}
Session::~Session() = default;

const std::shared_ptr<const Model>& Session::model() const { return impl_->model; }
void Session::cancel() { impl_->cancel = true; }
const StageTimings& Session::last_timings() const { return impl_->timings; }
int64_t Session::inference_count() const { return impl_->inference_count; }

void Session::clear_cache() {
  impl_->timings = {};
  impl_->images.clear();
  impl_->texts.clear();
  impl_->heads.clear();
}

std::string Session::encode_image(const RgbImage& img, const DetectParams& params) {
  Impl& s = *impl_;
  const Model::Impl& m = model_impl(*s.model);
  if (img.width <= 0 || img.height <= 0 || img.pixels.size() != static_cast<size_t>(img.width * img.height * 3))
    throw Error("the image is empty or inconsistent");
  Fnv1a h;
  h.value(img.width);
  h.value(img.height);
  h.bytes(img.pixels.data(), img.pixels.size());
  h.value(params.pad_to_height);
  h.value(params.pad_to_width);
  const image::PreprocessParams preprocess = preprocess_for(m.preprocess, params.min_size);
  h.value(preprocess.min_size);
  h.value(preprocess.max_size);
  const std::string key = "img:" + h.hex();
  if (ImageEntry* e = s.images.find(key); e && (e->probed || !params.probe)) return key;

  c10::InferenceMode guard;
  s.check_cancel();
  TensorProbe probe;
  TensorProbe* pp = params.probe ? &probe : nullptr;
  ImageEntry e;
  auto t0 = Clock::now();
  image::PreprocessedImage pre = image::preprocess(img, preprocess);
  if (params.pad_to_height > pre.padded.height || params.pad_to_width > pre.padded.width) {
    // One image of a batch: to_image_list pads it (zeros, in normalised space) to the batch's size.
    image::ImageBatch b = image::to_image_list({pre}, m.preprocess.size_divisibility,
                                               {params.pad_to_height, params.pad_to_width});
    pre.data = std::move(b.data);
    pre.padded = b.padded;
  }
  e.original = pre.original;
  e.resized = pre.resized;
  e.padded = pre.padded;
  at::Tensor x = torch::from_blob(pre.data.data(), {1, 3, pre.padded.height, pre.padded.width}, at::kFloat).clone();
  if (m.device != "cpu") x = x.to(torch::Device(m.device));
  s.timings.seconds["preprocess"] = stage_seconds(m, t0);
  probe_put(pp, "image.tensor", x);
  probe_put(pp, "image.size_hw", torch::tensor({pre.resized.height, pre.resized.width}, at::kLong));
  probe_put(pp, "image.orig_size_hw", torch::tensor({pre.original.height, pre.original.width}, at::kLong));

  t0 = Clock::now();
  SwinOutput swin = net(m).backbone->body->forward(x, pp);  // stage2..5
  s.timings.seconds["swin"] = stage_seconds(m, t0);
  s.check_cancel();
  t0 = Clock::now();
  e.features = net(m).backbone->fpn->forward(swin.features, pp);  // P3..P7
  s.timings.seconds["fpn"] = stage_seconds(m, t0);
  e.anchors = net(m).rpn->anchor_generator->forward(e.features, pp);
  ++s.inference_count;
  if (pp) copy_probes(probe, e.probes);
  e.probed = params.probe;
  s.images.put(key, std::move(e));
  return key;
}

std::string Session::encode_text(const Prompt& prompt) {
  Impl& s = *impl_;
  const Model::Impl& m = model_impl(*s.model);
  if (prompt.labels.empty()) throw Error("the prompt has no label (no category and no phrase)");
  Fnv1a h;
  h.value(prompt.detection);
  h.str(prompt.separator);
  h.str(prompt.caption);
  for (const auto& l : prompt.labels) {
    h.str(l.name);
    for (const auto& sp : l.spans) h.value(sp);
  }
  const std::string key = "txt:" + h.hex();
  if (s.texts.find(key) && (!s.want_probe || !s.texts.find(key)->chunks.front().probes.empty())) return key;

  c10::InferenceMode guard;
  s.check_cancel();
  TextEntry e;
  std::vector<text::TokenizedPrompt> chunks = tokenize(*s.model, prompt);
  for (const auto& l : prompt.labels) e.label_names.push_back(l.name);
  auto t0 = Clock::now();
  for (text::TokenizedPrompt& tp : chunks) {
    for (const auto& w : tp.warnings) e.warnings.push_back(w);
    for (int64_t label : tp.labels) {
      const auto it = tp.positive_map.find(label);
      if (it == tp.positive_map.end() || it->second.empty())
        e.labels_without_tokens.push_back(static_cast<int>(label));
    }
    const int64_t t = tp.encoding.num_tokens();  // real tokens: [CLS] ... [SEP], padding dropped
    at::Tensor ids = torch::tensor(std::vector<int64_t>(tp.encoding.input_ids.begin(),
                                                        tp.encoding.input_ids.begin() + t), at::kLong).view({1, t});
    at::Tensor mask = torch::ones({1, t}, at::kLong);
    if (m.device != "cpu") {
      ids = ids.to(torch::Device(m.device));
      mask = mask.to(torch::Device(m.device));
    }
    TensorProbe probe;
    TextChunk c;
    c.lang = net(m).language_backbone->body->forward(ids, mask, s.want_probe ? &probe : nullptr);
    if (s.want_probe) {
      const auto& enc = tp.encoding;
      probe.put("text.input_ids", torch::tensor(enc.input_ids, at::kLong).view({1, -1}));
      probe.put("text.attention_mask", torch::tensor(enc.attention_mask, at::kLong).view({1, -1}));
      const text::DensePositiveMap dense =
          text::dense_positive_map(tp.positive_map, static_cast<int64_t>(enc.input_ids.size()));
      probe.put("text.positive_map.labels", torch::tensor(dense.labels, at::kLong));
      probe.put("text.positive_map.dense", torch::tensor(dense.values, at::kFloat)
                                               .view({static_cast<int64_t>(dense.labels.size()), dense.width}));
      copy_probes(probe, c.probes);
    }
    c.prompt = std::move(tp);
    e.chunks.push_back(std::move(c));
    s.check_cancel();
  }
  s.timings.seconds["bert"] = stage_seconds(m, t0);
  std::sort(e.labels_without_tokens.begin(), e.labels_without_tokens.end());
  ++s.inference_count;
  s.texts.put(key, std::move(e));
  return key;
}

std::string Session::fuse(const std::string& image_key, const std::string& text_key) {
  Impl& s = *impl_;
  const Model::Impl& m = model_impl(*s.model);
  const std::string key = image_key + "|" + text_key;
  if (HeadEntry* e = s.heads.find(key);
      e && (!s.want_probe || !e->chunks.front().probes.empty()) && (!s.want_attention || e->attention))
    return key;
  ImageEntry* img = s.images.find(image_key);
  if (!img) throw Error("image features '" + image_key + "' are not in this session's cache");
  TextEntry* txt = s.texts.find(text_key);
  if (!txt) throw Error("text features '" + text_key + "' are not in this session's cache");

  c10::InferenceMode guard;
  HeadEntry e;
  e.image_key = image_key;
  e.text_key = text_key;
  for (size_t ci = 0; ci < txt->chunks.size(); ++ci) {
    const TextChunk& tc = txt->chunks[ci];
    TensorProbe probe([&](const std::string& n) {
      return s.want_attention || n.find(".attn_") == std::string::npos;
    });
    TensorProbe* pp = s.want_probe && ci == 0 ? &probe : nullptr;
    const head::VLDyHeadOutput out = s.run_head(img->features, tc.lang.hidden, tc.lang.masks, tc.lang.embedded, pp);
    const auto t0 = Clock::now();
    HeadChunk hc;
    hc.post = post::atss_postprocess(post_inputs(out, img->anchors, 0), tc.prompt.positive_map,
                                     {img->resized.height, img->resized.width}, m.atss, pp);
    s.timings.seconds["post"] += stage_seconds(m, t0);
    if (pp) copy_probes(probe, hc.probes);
    e.chunks.push_back(std::move(hc));
  }
  ++s.inference_count;
  e.attention = s.want_attention;
  s.heads.put(key, std::move(e));
  return key;
}

head::VLDyHeadOutput Session::Impl::run_head(const std::vector<at::Tensor>& features, const at::Tensor& hidden,
                                             const at::Tensor& masks, const at::Tensor& embedded, TensorProbe* probe) {
  const Model::Impl& m = model_impl(*model);
  head::VLDyHeadImpl& hd = *net(m).rpn->head;
  head::TowerState st{features, hidden};
  for (size_t i = 0; i < hd.tower_slots(); ++i) {
    check_cancel();
    const std::string stage = "dyhead." + std::to_string(i) + "." + hd.slot_name(i);
    const auto t0 = Clock::now();
    {
      RECORD_FUNCTION(stage.c_str(), std::vector<c10::IValue>());  // the stage's name in libtorch's profiler
      st = hd.run_tower_slot(i, st, masks, probe);
    }
    timings.seconds[stage] += stage_seconds(m, t0);
  }
  const auto t0 = Clock::now();
  const at::Tensor& embedding = hd.options().use_fused_features_dot_product ? st.lang_hidden : embedded;
  head::VLDyHeadOutput out = hd.predict(st.visual, embedding, masks, probe);  // per level B x ...
  timings.seconds["heads"] += stage_seconds(m, t0);
  return out;
}

std::vector<post::AtssLevelInput> post_inputs(const head::VLDyHeadOutput& out, const std::vector<at::Tensor>& anchors,
                                              int64_t b) {
  std::vector<post::AtssLevelInput> levels;
  for (size_t l = 0; l < out.box_regression.size(); ++l)
    levels.push_back({out.box_regression[l].narrow(0, b, 1).cpu(), out.centerness[l].narrow(0, b, 1).cpu(),
                      out.dot_product_logits[l].narrow(0, b, 1).cpu(), anchors[l].cpu()});
  return levels;
}

// The DetectResult of one image's post-processed prompt chunks (no timings): candidates and detections mapped to
// the original image, label names, the prompt's warnings.
DetectResult result_of(const std::vector<const post::AtssOutput*>& chunks, image::SizeHW original_size,
                       image::SizeHW resized_size, const TextEntry& txt) {
  DetectResult r;
  r.image_width = static_cast<int>(original_size.width);
  r.image_height = static_cast<int>(original_size.height);
  r.resized_width = static_cast<int>(resized_size.width);
  r.resized_height = static_cast<int>(resized_size.height);
  r.warnings = txt.warnings;
  r.labels_without_tokens = txt.labels_without_tokens;
  const post::ImageSizeHW resized{resized_size.height, resized_size.width};
  const post::ImageSizeHW original{original_size.height, original_size.width};
  auto label_name = [&](int64_t label) {
    return label >= 1 && label <= static_cast<int64_t>(txt.label_names.size()) ? txt.label_names[label - 1]
                                                                              : std::to_string(label);
  };
  for (size_t ci = 0; ci < chunks.size(); ++ci) {
    const post::AtssOutput& po = *chunks[ci];
    const post::AtssCandidates& c = po.candidates;
    const int base = static_cast<int>(r.candidates.size());
    const int64_t n = c.scores.numel();
    if (n > 0) {
      at::Tensor boxes = post::resize_boxes(c.boxes_xyxy, resized, original).contiguous();
      const auto lv = c.level.accessor<int64_t, 1>();
      const auto ai = c.anchor_index.accessor<int64_t, 1>();
      const auto lb = c.labels.accessor<int64_t, 1>();
      const auto ls = c.label_scores.accessor<float, 1>();
      const auto ct = c.centerness.accessor<float, 1>();
      const auto sc = c.scores.accessor<float, 1>();
      const auto sb = c.suppressed_by.accessor<int64_t, 1>();
      const auto si = c.suppression_iou.accessor<float, 1>();
      const auto bx = boxes.accessor<float, 2>();
      for (int64_t i = 0; i < n; ++i) {
        Candidate k;
        k.chunk = static_cast<int>(ci);
        k.level = static_cast<int>(lv[i]);
        k.anchor = ai[i];
        k.label = static_cast<int>(lb[i]);
        k.label_score = ls[i];
        k.centerness = ct[i];
        k.score = sc[i];
        k.box = {{bx[i][0], bx[i][1], bx[i][2], bx[i][3]}};
        k.suppressed_by = sb[i] < 0 ? -1 : base + static_cast<int>(sb[i]);
        k.suppression_iou = si[i];
        r.candidates.push_back(k);
      }
    }
    post::OriginalDetections od = post::to_original_image(po.detections, resized, original);
    const int64_t m = od.scores.numel();
    if (m == 0) continue;
    const at::Tensor obox = od.boxes_xyxy.contiguous();
    const auto bx = obox.accessor<float, 2>();
    const auto sc = od.scores.accessor<float, 1>();
    const auto lb = od.labels.accessor<int64_t, 1>();
    const auto ci_idx = po.detections.candidate_index.accessor<int64_t, 1>();
    for (int64_t i = 0; i < m; ++i) {
      Detection d;
      d.box = {{bx[i][0], bx[i][1], bx[i][2], bx[i][3]}};
      d.score = sc[i];
      d.label = static_cast<int>(lb[i]);
      d.phrase = label_name(lb[i]);
      d.candidate = base + static_cast<int>(ci_idx[i]);
      r.candidates[d.candidate].kept = true;
      r.detections.push_back(std::move(d));
    }
  }
  std::stable_sort(r.detections.begin(), r.detections.end(), [](const Detection& a, const Detection& b) {
    return a.score != b.score ? a.score > b.score : a.label < b.label;
  });
  return r;
}

DetectResult Session::postprocess(const std::string& head_key) {
  Impl& s = *impl_;
  HeadEntry* he = s.heads.find(head_key);
  if (!he) throw Error("head outputs '" + head_key + "' are not in this session's cache");
  ImageEntry* img = s.images.find(he->image_key);
  TextEntry* txt = s.texts.find(he->text_key);
  if (!img || !txt) throw Error("the features behind '" + head_key + "' were evicted from the cache");

  c10::InferenceMode guard;
  std::vector<const post::AtssOutput*> chunks;
  for (const HeadChunk& c : he->chunks) chunks.push_back(&c.post);
  DetectResult r = result_of(chunks, img->original, img->resized, *txt);
  r.timings = s.timings;
  s.last = r;
  if (s.want_probe) {
    s.probe.clear();
    for (const auto& [k, v] : img->probes) s.probe[k] = v;
    for (const auto& [k, v] : txt->chunks.front().probes) s.probe[k] = v;
    for (const auto& [k, v] : he->chunks.front().probes) s.probe[k] = v;
    TensorProbe orig;
    post::to_original_image(he->chunks.front().post.detections, {img->resized.height, img->resized.width},
                            {img->original.height, img->original.width}, &orig);
    copy_probes(orig, s.probe);
  }
  return r;
}

DetectResult Session::detect(const RgbImage& image, const Prompt& prompt, const DetectParams& params) {
  Impl& s = *impl_;
  s.cancel = false;  // a cancel() that came while nothing ran (after the last check) is not for this detect()
  s.timings = {};
  s.want_probe = params.probe;
  s.want_attention = params.probe && params.probe_attention;
  const std::string ik = encode_image(image, params);
  const std::string tk = encode_text(prompt);
  const std::string hk = fuse(ik, tk);
  DetectResult r = postprocess(hk);  // also remembered for select()
  return params.score_threshold > 0 ? select(params.score_threshold) : r;
}

std::array<int64_t, 2> Session::resized_size(int64_t height, int64_t width, int64_t min_size) const {
  const image::SizeHW r =
      image::compute_resized_size({height, width}, preprocess_for(model_impl(*impl_->model).preprocess, min_size));
  return {r.height, r.width};
}

DetectResult Session::select(float score_threshold) const {
  DetectResult r = impl_->last;
  r.detections = select_detections(r.detections, score_threshold);
  return r;
}

TensorView Session::probe(const std::string& name) const {
  auto it = impl_->probe.find(name);
  if (it == impl_->probe.end()) return {};
  at::Tensor t = it->second.to(at::kCPU, at::kFloat).contiguous();
  auto holder = std::make_shared<at::Tensor>(t);
  TensorView v;
  v.shape = t.sizes().vec();
  v.data = holder->data_ptr<float>();
  v.owner = holder;
  return v;
}

std::vector<std::string> Session::probe_names() const {
  std::vector<std::string> names;
  for (const auto& [k, v] : impl_->probe) names.push_back(k);
  return names;
}

void Session::save_probes(const std::string& path) const {
  if (impl_->probe.empty()) throw Error("no probe to save: run detect() with DetectParams::probe set");
  io::TensorMap out;
  for (const auto& [k, v] : impl_->probe) out[k] = v.cpu();
  io::save_tensor_dict(path, out);
}

}  // namespace glip
