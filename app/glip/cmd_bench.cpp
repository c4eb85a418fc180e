// glip bench — speed and memory of the full pipeline, per stage.
//
//   glip bench [--config-file models/glip_Swin_T_O365_GoldG.yaml] [--weight W.pth] [--image IMG]
//              [--stage all|vision|language] [--threads N] [--repeat N] [--json] [KEY VALUE ...]
//
// Default: full-size GLIP-T built from the shipped config with random weights (no download needed), the demo photo
// resized to 1333x800 (so the model input is 800x1333 after GLIP's resize), the COCO-80 detection prompt
// (194 tokens). Times come from the engine's stage timings; the first run is reported (caches are cleared between
// repeats, and the best total over the repeats is reported too). Peak RSS is the process' high-water mark.
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <thread>

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

// First existing candidate for a file shipped with the sources (cwd, then next to the build tree).
std::string find_shipped(const std::string& rel) {
  namespace fs = std::filesystem;
  for (const fs::path& base : {fs::current_path(), fs::path(GLIP_SOURCE_DIR)})
    if (fs::exists(base / rel)) return (base / rel).string();
  return rel;
}

struct BenchArgs {
  ModelArgs model;
  std::string image, stage = "all";
  int repeat = 1;
  bool json = false;
};

int run_bench(BenchArgs a) {
  using Clock = std::chrono::steady_clock;
  if (a.stage != "all" && a.stage != "vision" && a.stage != "language")
    throw Error("--stage must be all, vision or language, not \"" + a.stage + "\"");
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
  Session session(model);
  const Prompt prompt = Prompt::categories(coco80());

  StageTimings first;
  double best = 0;
  size_t detections = 0;
  for (int i = 0; i < a.repeat; ++i) {
    session.clear_cache();
    const auto t0 = Clock::now();
    StageTimings st;
    if (a.stage == "vision") {
      session.encode_image(img);
    } else if (a.stage == "language") {
      session.encode_text(prompt);
    } else {
      DetectResult r = session.detect(img, prompt);
      detections = r.detections.size();
    }
    st = session.last_timings();
    const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
    st.seconds["wall"] = wall;
    if (i == 0) first = st;
    best = i == 0 ? wall : std::min(best, wall);
  }
  const auto [rh, rw] = session.resized_size(img.height, img.width);
  nlohmann::json stages = nlohmann::json::object();
  for (const auto& [k, v] : first.seconds)
    if (k != "wall") stages[k] = v;
  nlohmann::json out = {{"config", a.model.config_file},
                        {"weights", a.model.weight.empty() ? "random" : a.model.weight},
                        {"image", a.image},
                        {"input_hw", {rh, rw}},
                        {"prompt_tokens", 194},
                        {"stage", a.stage},
                        {"threads", a.model.threads},
                        {"load_s", load_s},
                        {"total_s", first.seconds["wall"]},
                        {"best_total_s", best},
                        {"repeat", a.repeat},
                        {"peak_rss_mib", peak_rss_mib()},
                        {"detections", detections},
                        {"stages", stages}};
  if (a.json) {
    std::cout << out.dump() << "\n";
    return 0;
  }
  std::cout << "GLIP bench: " << model->description() << "\n"
            << "  input " << rh << "x" << rw << " (" << a.image << "), COCO-80 prompt, " << a.model.threads
            << " threads\n";
  for (const auto& [k, v] : first.seconds)
    if (k != "wall") std::printf("  %-28s %8.3f s\n", k.c_str(), v);
  std::printf("  %-28s %8.3f s (best of %d: %.3f s)\n  %-28s %8.0f MiB\n", "total", first.seconds["wall"],
              a.repeat, best, "peak RSS", peak_rss_mib());
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
  c->add_flag("--json", a->json, "print one JSON object (total_s, peak_rss_mib, stages)");
  c->allow_extras();
  c->callback([a, c]() {
    a->model.overrides = c->remaining();
    run_bench(*a);
  });
}

}  // namespace glip::cli
