// glip predict — GLIP's boxes for images and a prompt, as JSON.
//
//   glip predict --config-file CFG.yaml [--weight W.pth] --image IMG [--image IMG ...]
//                (--caption TEXT [--phrase START:END ...] | --categories "name1,name2,...")
//                [--output OUT.json] [--format glip|coco-results] [--dump-tensors OUT.pt] [--batch-size N]
//                [KEY VALUE ...]
//
// `glip` format: a list with one object per image: image, image_size_wh, caption, num_detections, detections
// (label, phrase, score, box_xyxy, box_xywh), sorted by score (then label) — the fields of the golden
// <img>.<kind>.json files — and, only when the prompt has some, warnings and labels_without_tokens (labels cut by
// the 256-token limit: never detected; the others are). Each warning is also printed once on stderr. An image
// that cannot be read gets {"image", "error"} and the others are still processed (exit status 1).
// --batch-size N: groups of N consecutive images (command-line order), the readable ones of each run in one forward
// pass (Session::detect_batch), each padded to the group's largest resized size as TEST.IMS_PER_BATCH pads a batch:
// the results equal those of one image at a time padded alike, not those of an image alone. Output order is the
// command line's either way.
// `coco-results`: a COCO results file (core/coco/coco.h) [{image_id, category_id, bbox (xywh, w = x2-x1+1),
// score}] as `glip eval` writes it, with image_id = the number in the file name when it has one (COCO's
// 000000000139.jpg -> 139), else the 1-based position on the command line, and category_id = the label (1-based).
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <set>

#include "app/glip/commands.h"
#include "app/glip/common.h"
#include "core/coco/coco.h"
#include "core/common/file_io.h"
#include "core/engine/engine.h"
#include "core/eval/run_eval.h"
#include "core/text/prompt.h"

namespace glip::cli {

namespace {

struct PredictArgs {
  ModelArgs model;
  std::vector<std::string> images;
  std::string caption, caption_file, categories;
  std::vector<std::string> phrases;
  std::string output, format = "glip", dump_tensors;
  float threshold = 0.0f;
  int batch_size = 1;
};

std::array<int64_t, 2> parse_span(const std::string& s) {
  static const std::regex re(R"(^\s*(\d+)\s*:\s*(\d+)\s*$)");
  std::smatch m;
  if (!std::regex_match(s, m, re)) throw Error("--phrase \"" + s + "\" is not START:END (character indices)");
  if (m[1].length() > 9 || m[2].length() > 9)
    throw Error("--phrase \"" + s + "\": character index too large (captions have at most 1 MiB)");
  return {std::stoll(m[1]), std::stoll(m[2])};
}

int64_t image_id_for(const std::string& path, size_t index) {
  static const std::regex digits(R"((\d+))");
  const std::string stem = std::filesystem::path(path).stem().string();
  std::smatch m;
  if (std::regex_search(stem, m, digits) && m[1].length() <= 15) return std::stoll(m[1]);
  return static_cast<int64_t>(index) + 1;
}

int run_predict(PredictArgs a) {
  if (a.format != "glip" && a.format != "coco-results")
    throw Error("--format must be glip or coco-results, not \"" + a.format + "\"");
  Prompt prompt;
  if (!a.caption_file.empty()) {
    if (!a.caption.empty()) throw Error("give --caption or --caption-file, not both");
    a.caption = read_caption_file(a.caption_file);
  }
  if (!a.categories.empty()) {
    if (!a.phrases.empty()) throw Error("--phrase goes with --caption, not with --categories");
    prompt = Prompt::categories(text::split_category_list(a.categories));
  } else {
    std::vector<std::array<int64_t, 2>> spans;
    for (const auto& p : a.phrases) spans.push_back(parse_span(p));
    prompt = Prompt::grounding(a.caption, spans);
  }
  if (a.batch_size > 1 && !a.dump_tensors.empty())
    throw Error("--dump-tensors keeps one image's intermediates: use it with --batch-size 1");
  if (!a.output.empty() && a.output != "-") require_writable_destination(a.output);
  if (!a.dump_tensors.empty()) require_writable_destination(a.dump_tensors);
  a.model.warm_up = false;  // a one-shot run: a warm-up at full size would cost as much as it saves
  std::shared_ptr<const Model> model = load_model(a.model);
  Session session(model);
  DetectParams dp;
  dp.score_threshold = a.threshold;
  // Per command-line position: its --format glip entry, or its COCO results.
  std::vector<nlohmann::json> entries(a.images.size());
  std::vector<std::vector<coco::Result>> results(a.images.size());
  int failures = 0;
  bool dumped = false;
  std::set<std::string> warned;  // each prompt warning once, not once per image
  auto record = [&](size_t i, const DetectResult& r, double seconds) {
    const std::string& path = a.images[i];
    for (const auto& w : r.warnings)
      if (warned.insert(w).second) spdlog::warn("{}", w);
    if (a.format == "glip") {
      nlohmann::json dets = nlohmann::json::array();
      for (const Detection& d : r.detections)
        dets.push_back({{"label", d.label}, {"phrase", d.phrase}, {"score", d.score}, {"box_xyxy", d.box},
                        {"box_xywh", d.box_xywh()}});
      nlohmann::json entry = {{"image", path},
                              {"image_size_wh", {r.image_width, r.image_height}},
                              {"caption", prompt.caption},
                              {"num_detections", r.detections.size()},
                              {"detections", dets}};
      if (!r.warnings.empty()) entry["warnings"] = r.warnings;
      if (!r.labels_without_tokens.empty()) entry["labels_without_tokens"] = r.labels_without_tokens;
      entries[i] = std::move(entry);
    } else {
      const int64_t id = image_id_for(path, i);
      for (const Detection& d : r.detections) results[i].push_back(eval::to_coco_result(d, id, d.label));
    }
    spdlog::info("{}: {} detections in {:.2f} s", path, r.detections.size(), seconds);
  };
  auto fail = [&](size_t i, const std::string& what) {
    ++failures;
    std::cerr << "glip: error: " << a.images[i] << ": " << what << "\n";
    if (a.format == "glip") entries[i] = {{"image", a.images[i]}, {"error", what}};
  };
  // Groups of --batch-size consecutive images; the readable ones of a group run in one forward pass, each padded to
  // the group's largest (as TEST.IMS_PER_BATCH pads a batch).
  const size_t batch_size = static_cast<size_t>(a.batch_size);
  for (size_t first = 0; first < a.images.size(); first += batch_size) {
    std::vector<size_t> positions;
    std::vector<RgbImage> imgs;
    for (size_t i = first; i < std::min(a.images.size(), first + batch_size); ++i) {
      try {
        imgs.push_back(image::load_image(a.images[i]));
        positions.push_back(i);
      } catch (const Error& e) {
        fail(i, e.what());
      }
    }
    if (imgs.empty()) continue;
    try {
      if (batch_size == 1) {
        dp.probe = !a.dump_tensors.empty() && !dumped;  // the first image that can be read
        const DetectResult r = session.detect(imgs.front(), prompt, dp);
        if (dp.probe) {
          session.save_probes(a.dump_tensors);
          dumped = true;
          spdlog::info("intermediates of {} written to {}", a.images[positions.front()], a.dump_tensors);
        }
        record(positions.front(), r, r.timings.total());
      } else {
        const std::vector<DetectResult> rs = session.detect_batch(imgs, prompt, dp);
        for (size_t k = 0; k < rs.size(); ++k) record(positions[k], rs[k], rs[k].timings.total() / rs.size());
      }
    } catch (const Cancelled&) {
      throw;
    } catch (const Error& e) {  // an image the model cannot take (e.g. far too large): the whole group fails
      for (size_t i : positions) fail(i, e.what());
    }
  }
  nlohmann::json out = nlohmann::json::array();  // --format glip
  std::vector<coco::Result> all;                 // --format coco-results
  for (size_t i = 0; i < a.images.size(); ++i) {
    if (a.format == "glip")
      out.push_back(std::move(entries[i]));
    else
      all.insert(all.end(), results[i].begin(), results[i].end());
  }
  const std::string text = a.format == "glip" ? out.dump(1) + "\n" : coco::results_to_json(all);
  if (a.output.empty() || a.output == "-") {
    std::cout << text;
  } else {
    write_file_atomic(a.output, text);
  }
  if (!a.dump_tensors.empty() && !dumped) spdlog::error("--dump-tensors: no image could be read, nothing written");
  return failures ? 1 : 0;
}

}  // namespace

void add_predict_command(CLI::App& app) {
  auto a = std::make_shared<PredictArgs>();
  CLI::App* c = app.add_subcommand("predict", "Detect/ground phrases in images with GLIP, print JSON");
  add_model_options(*c, a->model);
  c->add_option("--image", a->images, "image file (repeatable)")->required();
  auto* cap = c->add_option("--caption", a->caption, "free caption to ground");
  auto* cap_file =
      c->add_option("--caption-file", a->caption_file, "read the caption from this UTF-8 file (long captions)");
  c->add_option("--phrase", a->phrases, "character span START:END of a phrase in the caption (repeatable)");
  auto* cats = c->add_option("--categories", a->categories, "comma-separated category names (detection prompt)");
  cap->excludes(cats);
  cap_file->excludes(cats);
  cap_file->excludes(cap);
  c->add_option("--output", a->output, "write the JSON here instead of stdout (atomic)");
  c->add_option("--format", a->format, "glip (default) or coco-results");
  c->add_option("--dump-tensors", a->dump_tensors, "save the first image's intermediates (golden names) as .pt");
  c->add_option("--batch-size", a->batch_size,
                "run this many images in one forward pass, each padded to the largest of its group as "
                "TEST.IMS_PER_BATCH pads a batch (default 1: each image alone; padding changes GLIP's output)")
      ->check(CLI::Range(1, 64));
  c->add_option("--threshold", a->threshold, "drop detections scoring below this (default 0: all GLIP outputs)")
      ->check(finite_range(0, 1));
  c->callback([a, c]() {
    if (a->caption.empty() && a->caption_file.empty() && a->categories.empty())
      throw CLI::RequiredError("--caption, --caption-file or --categories");
    a->model.overrides = c->remaining();
    const int rc = run_predict(*a);
    if (rc) throw CLI::RuntimeError(rc);
  });
  c->allow_extras();
}

}  // namespace glip::cli
