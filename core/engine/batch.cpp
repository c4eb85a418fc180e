// Session::detect_batch: several images, one prompt, one forward pass (GLIP's TEST.IMS_PER_BATCH).
//
// The images go through to_image_list together (one B x 3 x H x W tensor, each zero-padded to the batch's size),
// Swin, the FPN and the fusion head run once on the batch with the prompt's BERT features repeated B times (the
// official code runs BERT on B copies of the same caption: the same values), and post-processing runs per image
// with that image's resized size, as ATSSPostProcessor loops over the BoxLists of a batch.
#include <c10/core/InferenceMode.h>
#include <torch/torch.h>

#include "core/engine/engine.h"
#include "core/engine/engine_impl.h"

namespace glip {

namespace {

// B copies of one prompt chunk's features (B x T x D, B x T): contiguous, so no layer sees a broadcast view.
at::Tensor repeat_batch(const at::Tensor& t, int64_t batch) {
  std::vector<int64_t> times(static_cast<size_t>(t.dim()), 1);
  times[0] = batch;
  return t.repeat(times);
}

}  // namespace

std::vector<DetectResult> Session::detect_batch(const std::vector<RgbImage>& images, const Prompt& prompt,
                                                const DetectParams& params) {
  Impl& s = *impl_;
  const Model::Impl& m = model_impl(*s.model);
  if (images.empty()) throw Error("detect_batch: the batch has no image");
  if (params.probe)
    throw Error("detect_batch keeps no probes: run detect() on one image with DetectParams::probe to look inside");
  for (size_t i = 0; i < images.size(); ++i) {
    const RgbImage& img = images[i];
    if (img.width <= 0 || img.height <= 0 || img.pixels.size() != static_cast<size_t>(img.width * img.height * 3))
      throw Error("image " + std::to_string(i + 1) + " of the batch is empty or inconsistent");
  }
  s.cancel = false;
  s.timings = {};
  s.want_probe = s.want_attention = false;
  const std::string text_key = encode_text(prompt);
  const TextEntry& txt = *s.texts.find(text_key);

  c10::InferenceMode guard;
  s.check_cancel();
  auto t0 = Clock::now();
  const image::PreprocessParams preprocess = preprocess_for(m.preprocess, params.min_size);
  std::vector<image::PreprocessedImage> pre;
  pre.reserve(images.size());
  for (const RgbImage& img : images) pre.push_back(image::preprocess(img, preprocess));
  const image::ImageBatch batch = image::to_image_list(pre, m.preprocess.size_divisibility,
                                                       {params.pad_to_height, params.pad_to_width});
  pre.clear();
  const int64_t B = batch.batch_size;
  at::Tensor x = torch::from_blob(const_cast<float*>(batch.data.data()),
                                  {B, 3, batch.padded.height, batch.padded.width}, at::kFloat)
                     .clone();  // B x 3 x H x W
  if (m.device != "cpu") x = x.to(torch::Device(m.device));
  s.timings.seconds["preprocess"] = stage_seconds(m, t0);

  t0 = Clock::now();
  SwinOutput swin = net(m).backbone->body->forward(x, nullptr);  // stage2..5, B x C x h x w each
  s.timings.seconds["swin"] = stage_seconds(m, t0);
  s.check_cancel();
  t0 = Clock::now();
  const std::vector<at::Tensor> features = net(m).backbone->fpn->forward(swin.features, nullptr);  // P3..P7
  swin = {};
  s.timings.seconds["fpn"] = stage_seconds(m, t0);
  // Anchors depend on the feature maps' sizes only: one set serves every image of the batch.
  const std::vector<at::Tensor> anchors = net(m).rpn->anchor_generator->forward(features, nullptr);

  std::vector<std::vector<post::AtssOutput>> posts(static_cast<size_t>(B));  // [image][chunk]
  for (const TextChunk& tc : txt.chunks) {
    const head::VLDyHeadOutput out = s.run_head(features, repeat_batch(tc.lang.hidden, B), repeat_batch(tc.lang.masks, B),
                                                repeat_batch(tc.lang.embedded, B), nullptr);  // per level B x ...
    t0 = Clock::now();
    for (int64_t b = 0; b < B; ++b) {
      const image::SizeHW& r = batch.resized[static_cast<size_t>(b)];
      posts[static_cast<size_t>(b)].push_back(
          post::atss_postprocess(post_inputs(out, anchors, b), tc.prompt.positive_map, {r.height, r.width}, m.atss));
    }
    s.timings.seconds["post"] += stage_seconds(m, t0);
  }
  ++s.inference_count;

  std::vector<DetectResult> results;
  results.reserve(static_cast<size_t>(B));
  for (int64_t b = 0; b < B; ++b) {
    std::vector<const post::AtssOutput*> chunks;
    for (const post::AtssOutput& po : posts[static_cast<size_t>(b)]) chunks.push_back(&po);
    DetectResult r = result_of(chunks, batch.original[static_cast<size_t>(b)], batch.resized[static_cast<size_t>(b)],
                               txt);
    r.timings = s.timings;  // the whole batch's
    if (params.score_threshold > 0) r.detections = select_detections(r.detections, params.score_threshold);
    results.push_back(std::move(r));
  }
  return results;
}

}  // namespace glip
