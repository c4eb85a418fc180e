// vision_backbone_options(), anchor_generator_options(): glip::Config -> options (needs glip_config).
#include <cmath>
#include <string>

#include "core/common/error.h"
#include "core/config/config.h"
#include "core/vision/options.h"

namespace glip {

namespace {
void require_false(const Config& cfg, const std::string& key) {
  if (cfg.get_bool(key)) throw Error(key + " = True is not supported by GLIP Studio's SWINT-FPN-RETINANET backbone");
}
}  // namespace

VisionBackboneOptions vision_backbone_options(const Config& cfg) {
  VisionBackboneOptions o;
  const std::string body = cfg.get_str("MODEL.BACKBONE.CONV_BODY");
  if (body != "SWINT-FPN-RETINANET")
    throw Error("MODEL.BACKBONE.CONV_BODY \"" + body + "\" is not supported (only \"SWINT-FPN-RETINANET\")");
  const std::string version = cfg.get_str("MODEL.SWINT.VERSION");
  if (version != "v1") throw Error("MODEL.SWINT.VERSION \"" + version + "\" is not supported (only \"v1\")");
  for (const char* k : {"MODEL.FPN.USE_GN", "MODEL.FPN.USE_RELU", "MODEL.FPN.USE_SPP", "MODEL.FPN.USE_PAN",
                        "MODEL.FPN.USE_DYHEAD"})
    require_false(cfg, k);

  SwinOptions& s = o.swin;
  s.embed_dim = cfg.get_int("MODEL.SWINT.EMBED_DIM");
  s.depths = cfg.get_int_list("MODEL.SWINT.DEPTHS");
  s.num_heads = cfg.get_int_list("MODEL.SWINT.NUM_HEADS");
  s.window_size = cfg.get_int("MODEL.SWINT.WINDOW_SIZE");
  s.mlp_ratio = cfg.get_float("MODEL.SWINT.MLP_RATIO");
  s.ape = cfg.get_bool("MODEL.SWINT.APE");
  s.out_features = cfg.get_str_list("MODEL.BACKBONE.OUT_FEATURES");
  s.backbone_arch = body;
  validate(s);

  // build_retinanet_swint_fpn_backbone: FPN inputs [0, C[-3], C[-2], C[-1]] from MODEL.SWINT.OUT_CHANNELS.
  const std::vector<int64_t> c = cfg.get_int_list("MODEL.SWINT.OUT_CHANNELS");
  if (c.size() < 3) throw Error("MODEL.SWINT.OUT_CHANNELS needs at least 3 entries");
  FpnOptions& f = o.fpn;
  f.in_channels_list = {0, c[c.size() - 3], c[c.size() - 2], c[c.size() - 1]};
  f.out_channels = cfg.get_int("MODEL.BACKBONE.OUT_CHANNELS");
  f.p6p7_in_channels = f.out_channels;
  validate(f);
  if (s.out_features.size() != f.in_channels_list.size())
    throw Error("MODEL.BACKBONE.OUT_FEATURES must list 4 stages for SWINT-FPN-RETINANET");
  // Channel consistency with the Swin stages is checked when VisionBackbone is built.
  return o;
}

AnchorGeneratorOptions anchor_generator_options(const Config& cfg) {
  AnchorGeneratorOptions o;
  const std::vector<double> sizes = cfg.get_float_list("MODEL.RPN.ANCHOR_SIZES");
  o.strides = cfg.get_int_list("MODEL.RPN.ANCHOR_STRIDE");
  o.aspect_ratios = cfg.get_float_list("MODEL.RPN.ASPECT_RATIOS");
  if (!cfg.get_bool("MODEL.RPN.USE_FPN"))
    throw Error("MODEL.RPN.USE_FPN = False is not supported (GLIP's ATSS/VLDYHEAD heads use FPN anchors)");
  const double octave = cfg.get_float("MODEL.RPN.OCTAVE");
  const int64_t per_octave = cfg.get_int("MODEL.RPN.SCALES_PER_OCTAVE");
  if (per_octave < 1) throw Error("MODEL.RPN.SCALES_PER_OCTAVE must be >= 1");
  o.sizes.clear();
  for (double size : sizes) {
    std::vector<double> level;
    for (int64_t k = 0; k < per_octave; ++k)
      level.push_back(std::pow(octave, static_cast<double>(k) / static_cast<double>(per_octave)) * size);
    o.sizes.push_back(level);
  }
  validate(o);
  return o;
}

}  // namespace glip
