// Options of GLIP's vision backbone ("SWINT-FPN-RETINANET": Swin-T v1 + FPN + LastLevelP6P7) and of the FPN
// anchor generator. No torch here.
//
//   glip::VisionBackboneOptions vb = glip::vision_backbone_options(cfg);    // MODEL.SWINT.*, MODEL.BACKBONE.*, FPN
//   glip::AnchorGeneratorOptions ag = glip::anchor_generator_options(cfg);  // MODEL.RPN.* (ATSS / VLDYHEAD)
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace glip {

class Config;

// maskrcnn_benchmark/modeling/backbone/swint.py, SwinTransformer as built by build_swint_backbone.
struct SwinOptions {
  int64_t patch_size = 4;
  int64_t in_chans = 3;
  int64_t embed_dim = 96;                        // MODEL.SWINT.EMBED_DIM
  std::vector<int64_t> depths{2, 2, 6, 2};       // MODEL.SWINT.DEPTHS
  std::vector<int64_t> num_heads{3, 6, 12, 24};  // MODEL.SWINT.NUM_HEADS
  int64_t window_size = 7;                       // MODEL.SWINT.WINDOW_SIZE
  double mlp_ratio = 4.0;                        // MODEL.SWINT.MLP_RATIO
  bool ape = false;                              // MODEL.SWINT.APE (absolute position embedding)
  int64_t pretrain_img_size = 224;               // size of the APE grid (224 / patch_size)
  std::vector<std::string> out_features{"stage2", "stage3", "stage4", "stage5"};  // MODEL.BACKBONE.OUT_FEATURES
  std::string backbone_arch = "SWINT-FPN-RETINANET";  // MODEL.BACKBONE.CONV_BODY; "*RETINANET": stage2 not normed
  // CPU float32: fused window-attention kernel, oneDNN GEMMs, row gather/scatter kernels. false = GLIP's
  // formulation in plain ATen ops (also what other devices/dtypes get). Same results up to float rounding.
  bool fast_cpu_kernels = true;
};

// maskrcnn_benchmark/modeling/backbone/fpn.py FPN (plain convs: no GN, no ReLU, no SPP/PAN) + LastLevelP6P7.
struct FpnOptions {
  // One entry per backbone output, 0 = skipped (no fpn_inner/fpn_layer block); block names are 1-based positions.
  std::vector<int64_t> in_channels_list{0, 192, 384, 768};
  int64_t out_channels = 256;                    // MODEL.BACKBONE.OUT_CHANNELS
  int64_t p6p7_in_channels = 256;                // LastLevelP6P7 in_channels; == out_channels -> P6 from P5
};

struct VisionBackboneOptions {
  SwinOptions swin;
  FpnOptions fpn;
};

// rpn/anchor_generator.py AnchorGenerator as built by make_anchor_generator_complex (ATSS and VLDYHEAD).
struct AnchorGeneratorOptions {
  std::vector<std::vector<double>> sizes{{64}, {128}, {256}, {512}, {1024}};  // per level: size * octave^(s/S)
  std::vector<double> aspect_ratios{1.0};                                     // MODEL.RPN.ASPECT_RATIOS
  std::vector<int64_t> strides{8, 16, 32, 64, 128};                           // MODEL.RPN.ANCHOR_STRIDE
};

// From MODEL.SWINT.{EMBED_DIM, DEPTHS, NUM_HEADS, WINDOW_SIZE, MLP_RATIO, APE, VERSION, OUT_CHANNELS},
// MODEL.BACKBONE.{CONV_BODY, OUT_CHANNELS, OUT_FEATURES} and MODEL.FPN.*. Throws glip::Error for anything this
// port does not implement (another CONV_BODY or SWINT.VERSION, FPN GN/ReLU/SPP/PAN/DyHead) and for inconsistent
// dimensions (SWINT.OUT_CHANNELS not EMBED_DIM * 2^i, heads not dividing the stage width, ...).
VisionBackboneOptions vision_backbone_options(const Config& cfg);

// From MODEL.RPN.{ANCHOR_SIZES, ANCHOR_STRIDE, ASPECT_RATIOS, OCTAVE, SCALES_PER_OCTAVE, USE_FPN}.
AnchorGeneratorOptions anchor_generator_options(const Config& cfg);

// Checks that the options describe a buildable network; throws glip::Error naming the offending field.
void validate(const SwinOptions& o);
void validate(const FpnOptions& o);
void validate(const AnchorGeneratorOptions& o);

}  // namespace glip
