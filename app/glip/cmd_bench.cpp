// glip bench — speed and memory of the full pipeline, per stage.
//
//   glip bench [--config-file models/glip_Swin_T_O365_GoldG.yaml] [--weight W.pth] [--image IMG]
//              [--stage all|vision|language] [--threads N] [--repeat N] [--min-size N] [--precision fp32|bf16]
//              [--agreement] [--batch-size N] [--json] [KEY VALUE ...]
//
// Default: full-size GLIP-T built from the shipped config with random weights (no download needed), the demo photo
// resized to 1333x800 (so the model input is 800x1333 after GLIP's resize), the COCO-80 detection prompt
// (194 tokens). Times come from the engine's stage timings. Run 1 is the first detect() after loading ("first
// run"); runs 2..N clear the caches first and give the warm time (their best). With --stage all, caption edits
// follow: new prompts (the same categories in reverse order, then rotated) on the cached image — BERT, fusion head
// and post-processing only, what the studio runs when the caption changes; the best of N-1 (at least one).
// --min-size runs at a preview size (the studio's "Preview size"). Peak RSS is the process' high-water mark; minor
// page faults and the system share of CPU time over the runs show memory churn; the allocator is named (tcmalloc
// when linked, see GLIP_TCMALLOC).
// --agreement then loads the same model again in fp32 (random weights: the same seed) and runs it at the model's
// size, and reports how closely the first run reproduced it (compare_detections: top-100 detections keeping their
// label with IoU >= 0.9, largest score difference): the deviation of --precision bf16 and/or of --min-size.
// --batch-size N runs N copies of the image in one forward pass (Session::detect_batch, what `glip eval --forward
// batch` runs): stage times are the batch's, per_image_s = the best total / N; no caption edit then.
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <thread>

#include "app/allocator.h"
#include "app/glip/commands.h"
#include "app/glip/common.h"
#include "core/engine/engine.h"
#include "core/image/resample.h"

namespace glip::cli {

namespace {

const std::vector<std::string>& coco80() {
  static const std::vector<std::string> names = {
      "person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat", "traffic light",
      "fire hydrant", "stop sign", "parking meter", "bench", "bird", "cat", "dog", "horse", "sheep", "cow",
      "elephant", "bear", "zebra", "giraffe", "backpack", "umbrella", "handbag", "tie", "suitcase", "frisbee",
      "skis", "snowboard", "sports ball", "kite", "baseball bat", "baseball glove", "skateboard", "surfboard",
      "tennis racket", "bottle", "wine glass", "cup", "fork", "knife", "spoon", "bowl", "banana", "apple",
      "sandwich", "orange", "broccoli", "carrot", "hot dog", "pizza", "donut", "cake", "chair", "couch",
      "potted plant", "bed", "dining table", "toilet", "tv", "laptop", "mouse", "remote", "keyboard",
      "cell phone", "microwave", "oven", "toaster", "sink", "refrigerator", "book", "clock", "vase", "scissors",
      "teddy bear", "hair drier", "toothbrush"};
  return names;
}

double peak_rss_mib() {
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss / 1024.0;  // KiB on Linux
}

// CPU time and minor page faults of the process so far: what memory churn costs (buffers returned to the kernel and
// faulted in again show up as minor faults and system time).
struct Usage {
  double user_s = 0, system_s = 0;
  long minor_faults = 0;
  Usage operator-(const Usage& o) const { return {user_s - o.user_s, system_s - o.system_s, minor_faults - o.minor_faults}; }
  Usage operator+(const Usage& o) const { return {user_s + o.user_s, system_s + o.system_s, minor_faults + o.minor_faults}; }
};
Usage usage() {
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  return {ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6, ru.ru_stime.tv_sec + ru.ru_stime.tv_usec * 1e-6,
          ru.ru_minflt};
}


struct BenchArgs {
  ModelArgs model;
  std::string image, stage = "all";
  int repeat = 1;
  int64_t min_size = 0;  // DetectParams::min_size
  bool agreement = false;
  bool json = false;
  int batch_size = 1;  // > 1: that many copies of the image in one forward pass (Session::detect_batch)
};

// The COCO-80 names in reverse order: the same tokens in another prompt (the caption-edit run).
std::vector<std::string> reversed(std::vector<std::string> names) {
  std::reverse(names.begin(), names.end());
  return names;
}

int run_bench(BenchArgs a) {
  using Clock = std::chrono::steady_clock;
  if (a.stage != "all" && a.stage != "vision" && a.stage != "language")
    throw Error("--stage must be all, vision or language, not \"" + a.stage + "\"");
  if (a.agreement && a.stage != "all") throw Error("--agreement needs --stage all (it compares detections)");
  if (a.batch_size > 1 && a.stage != "all") throw Error("--batch-size needs --stage all (a batch runs the whole model)");
  if (a.min_size != 0 && (a.min_size < kMinPreviewSize || a.min_size > kMaxPreviewSize))  // told before loading
    throw Error("preview size " + std::to_string(a.min_size) + " is outside " + std::to_string(kMinPreviewSize) + ".." +
                std::to_string(kMaxPreviewSize) + " (--min-size; 0 = the model's)");
  if (a.model.config_file.empty()) a.model.config_file = find_shipped("models/glip_Swin_T_O365_GoldG.yaml");
  if (a.model.threads <= 0) a.model.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  RgbImage img;
  if (a.image.empty()) {
    img = image::resize_bilinear_pil(image::load_image(find_shipped("resources/demo/coffee.png")), 1333, 800);
    a.image = "resources/demo/coffee.png resized to 1333x800";
  } else {
    img = image::load_image(a.image);
  }
  const auto t_load = Clock::now();
  std::shared_ptr<const Model> model = load_model(a.model, /*random_init=*/a.model.weight.empty());
  const double load_s = std::chrono::duration<double>(Clock::now() - t_load).count();
  auto session_ptr = std::make_unique<Session>(model);
  Session& session = *session_ptr;
  const Prompt prompt = Prompt::categories(coco80());

  DetectParams params;
  params.min_size = a.min_size;
  StageTimings first, best_warm;  // stage timings of the first run and of the fastest warm run
  double warm = -1;
  size_t detections = 0;
  std::vector<Detection> first_detections;
  Usage first_usage, warm_usage;
  for (int i = 0; i < a.repeat; ++i) {
    session.clear_cache();
    const Usage u0 = usage();
    const auto t0 = Clock::now();
    if (a.stage == "vision") {
      session.encode_image(img, params);
    } else if (a.stage == "language") {
      session.encode_text(prompt);
    } else if (a.batch_size > 1) {
      std::vector<DetectResult> rs =
          session.detect_batch(std::vector<RgbImage>(static_cast<size_t>(a.batch_size), img), prompt, params);
      detections = rs.front().detections.size();
      if (i == 0) first_detections = std::move(rs.front().detections);
    } else {
      DetectResult r = session.detect(img, prompt, params);
      detections = r.detections.size();
      if (i == 0) first_detections = std::move(r.detections);
    }
    StageTimings st = session.last_timings();
    const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
    st.seconds["wall"] = wall;
    const Usage used = usage() - u0;
    if (i == 0) {
      first = st;
      first_usage = used;
    } else {
      if (warm < 0 || wall < warm) best_warm = st;
      warm = warm < 0 ? wall : std::min(warm, wall);
      warm_usage = warm_usage + used;
    }
  }
  const int warm_runs = a.repeat - 1;
  const Usage all_runs = first_usage + warm_usage;
  const double system_share = all_runs.system_s / std::max(1e-9, all_runs.user_s + all_runs.system_s);
  double caption_edit = -1;
  const int caption_edits = std::max(1, warm_runs);
  if (a.stage == "all" && a.batch_size == 1) {  // the image of the last run is cached: only the text side and the head run again
    // Like the warm time, the best of repeat - 1 edits (at least one), each a prompt the session has not cached: the
    // reversed names, rotated by one more place each time (the same 194 tokens in another order).
    std::vector<std::string> names = reversed(coco80());
    for (int j = 0; j < caption_edits; ++j) {
      const Prompt edited = Prompt::categories(names);
      const auto t0 = Clock::now();
      session.detect(img, edited, params);
      const double s = std::chrono::duration<double>(Clock::now() - t0).count();
      caption_edit = caption_edit < 0 ? s : std::min(caption_edit, s);
      std::rotate(names.begin(), names.begin() + 1, names.end());
    }
  }
  const double peak_rss = peak_rss_mib();  // before a reference model is loaded
  const auto [rh, rw] = session.resized_size(img.height, img.width, a.min_size);
  const std::string description = model->description();

  nlohmann::json agreement(nullptr);
  if (a.agreement) {
    session_ptr.reset();
    model.reset();  // one model in memory at a time
    ModelArgs ref = a.model;
    ref.precision = "fp32";
    Session ref_session(load_model(ref, /*random_init=*/a.model.weight.empty()));
    const std::vector<Detection> reference = ref_session.detect(img, prompt).detections;
    const Agreement ag = compare_detections(reference, first_detections);
    float top = 0;  // the scale of the score differences (random weights score low)
    for (const Detection& d : reference) top = std::max(top, d.score);
    agreement = {{"reference", "fp32 at the model's size"},
                 {"reference_top_score", top},
                 {"compared", ag.compared},
                 {"kept", ag.kept},
                 {"share", ag.share()},
                 {"max_score_diff", ag.max_score_diff}};
  }
  const double best = warm < 0 ? first.seconds["wall"] : std::min(warm, first.seconds["wall"]);
  nlohmann::json stages = nlohmann::json::object(), warm_stages = nlohmann::json::object();
  for (const auto& [k, v] : first.seconds)
    if (k != "wall") stages[k] = v;
  for (const auto& [k, v] : best_warm.seconds)
    if (k != "wall") warm_stages[k] = v;
  nlohmann::json out = {{"config", a.model.config_file},
                        {"weights", a.model.weight.empty() ? "random" : a.model.weight},
                        {"image", a.image},
                        {"input_hw", {rh, rw}},
                        {"prompt_tokens", 194},
                        {"stage", a.stage},
                        {"threads", a.model.threads},
                        {"precision", a.model.precision},
                        {"kernels", a.model.kernels},
                        {"load_s", load_s},
                        {"warm_up", a.model.warm_up},
                        {"min_size", a.min_size},
                        {"total_s", first.seconds["wall"]},
                        {"first_run_s", first.seconds["wall"]},
                        {"warm_s", warm < 0 ? nlohmann::json(nullptr) : nlohmann::json(warm)},
                        {"best_total_s", best},
                        {"batch_size", a.batch_size},
                        {"per_image_s", best / a.batch_size},
                        {"caption_edit_s", caption_edit < 0 ? nlohmann::json(nullptr) : nlohmann::json(caption_edit)},
                        {"repeat", a.repeat},
                        {"peak_rss_mib", peak_rss},
                        {"allocator", app::allocator_name()},
                        {"minor_faults_first_run", first_usage.minor_faults},
                        {"minor_faults_warm_run", warm_runs > 0 ? nlohmann::json(warm_usage.minor_faults / warm_runs)
                                                                : nlohmann::json(nullptr)},
                        {"system_time_share", system_share},
                        {"detections", detections},
                        {"agreement", agreement},
                        {"stages", stages},
                        {"warm_stages", warm_stages}};
  if (a.json) {
    std::cout << out.dump() << "\n";
    return 0;
  }
  std::cout << "GLIP bench: " << description << "\n"
            << "  input " << rh << "x" << rw << " (" << a.image << "), COCO-80 prompt, " << a.model.threads
            << " threads\n";
  for (const auto& [k, v] : first.seconds)
    if (k != "wall") std::printf("  %-28s %8.3f s\n", k.c_str(), v);
  std::printf("  %-28s %8.3f s\n", "total (first run)", first.seconds["wall"]);
  if (warm >= 0) std::printf("  %-28s %8.3f s (best of %d)\n", "total (warm)", warm, a.repeat - 1);
  if (a.batch_size > 1)
    std::printf("  %-28s %8.3f s (batch of %d in one forward pass)\n", "per image", best / a.batch_size, a.batch_size);
  if (caption_edit >= 0)
    std::printf("  %-28s %8.3f s (best of %d)\n", "caption edit", caption_edit, caption_edits);
  std::printf("  %-28s %8.0f MiB (%s)\n", "peak RSS", peak_rss, app::allocator_name().c_str());
  std::printf("  %-28s %8ld first run", "minor page faults", first_usage.minor_faults);
  if (warm_runs > 0) std::printf(", %ld per warm run", warm_usage.minor_faults / warm_runs);
  std::printf("; system time %.1f %% of CPU time\n", 100 * system_share);
  if (!agreement.is_null())
    std::printf("  %-28s %zu of the top %zu kept (label, IoU >= 0.9), max |score diff| %.4f\n", "agreement with fp32",
                agreement["kept"].get<size_t>(), agreement["compared"].get<size_t>(),
                agreement["max_score_diff"].get<double>());
  return 0;
}

}  // namespace

void add_bench_command(CLI::App& app) {
  auto a = std::make_shared<BenchArgs>();
  CLI::App* c = app.add_subcommand("bench", "Time GLIP per stage (full-size GLIP-T, random weights by default)");
  add_model_options(*c, a->model, /*config_required=*/false);
  c->add_option("--image", a->image, "photo to use (default: the demo photo resized to 1333x800)");
  c->add_option("--stage", a->stage, "all (default), vision (Swin+FPN) or language (BERT)");
  c->add_option("--repeat", a->repeat, "runs (caches cleared between runs; 1..1000)")->check(finite_range(1, 1000));
  c->add_option("--min-size", a->min_size, "preview size: shorter side of the model input (default 0: the model's)")
      ->check(finite_range(0, static_cast<double>(kMaxPreviewSize)));
  c->add_flag("--no-warm-up", [a](int64_t) { a->model.warm_up = false; },
              "skip the warm-up run inside model loading (shows what the first detect() costs without it)");
  c->add_flag("--agreement", a->agreement,
              "also run the model in fp32 at its own size and report how closely the first run reproduced it");
  c->add_option("--batch-size", a->batch_size,
                "run this many copies of the image in one forward pass; times are per batch, per_image_s per image")
      ->check(CLI::Range(1, 64));
  c->add_flag("--json", a->json, "print one JSON object (total_s, peak_rss_mib, stages)");
  c->allow_extras();
  c->callback([a, c]() {
    a->model.overrides = c->remaining();
    run_bench(*a);
  });
}

}  // namespace glip::cli
