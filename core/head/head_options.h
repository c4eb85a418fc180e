// Options of GLIP's VLDyHead (modeling/rpn/vldyhead.py) and its parts, for the GLIP-T configuration path:
// MHA-B early fusion, the head's own BertEncoderLayer, DyConv with modulated deformable conv, GroupNorm, DyReLU,
// and fused-feature dot-product token logits. No torch here: the engine and the UI may include it freely.
#pragma once
#include <cstdint>

#include "core/language/options.h"

namespace glip {
class Config;
}

namespace glip::head {

// The head's BertEncoderLayer is glip::BertLayer (core/language/bert.h) with GLIP's clamps: sizes come from the
// language model's BERT config.json (BertConfig.from_pretrained(MODEL.LANGUAGE_BACKBONE.MODEL_TYPE)), the attention
// clamps from FUSE_CONFIG.CLAMP_BERTATTN_{MIN_FOR_UNDERFLOW, MAX_FOR_OVERFLOW}, the activation clamps always.
using glip::BertLayerOptions;

// VLFuse "MHA-B" (utils/fuse_helper.py BiAttentionBlockForCheckpoint + BiMultiHeadAttention).
struct VLFuseOptions {
  int64_t v_dim = 256;       // FUSE_CONFIG.JOINT_EMB_SIZE
  int64_t l_dim = 768;       // LANGUAGE_BACKBONE.LANG_DIM
  int64_t embed_dim = 2048;  // hard-coded in the official VLFuse.init_configs, whatever the config says
  int64_t num_heads = 8;     // hard-coded as well
  double init_values = 1.0 / 6;  // layer-scale init 1/NUM_CONVS (the checkpoint overwrites it)
  bool stable_softmax_2d = false;       // FUSE_CONFIG.STABLE_SOFTMAX_2D
  bool clamp_min_for_underflow = true;  // FUSE_CONFIG.CLAMP_MIN_FOR_UNDERFLOW
  bool clamp_max_for_overflow = true;   // FUSE_CONFIG.CLAMP_MAX_FOR_OVERFLOW
};

// DyConv (vldyhead.py) with Conv3x3Norm convolutions.
struct DyConvOptions {
  int64_t in_channels = 256;
  int64_t out_channels = 256;
  int64_t gn_groups = 16;   // MODEL.GROUP_NORM.NUM_GROUPS when use_gn
  bool use_gn = true;       // DYHEAD.USE_GN (otherwise no norm)
  bool use_dyrelu = true;   // DYHEAD.USE_DYRELU (otherwise ReLU)
  bool use_dyfuse = true;   // DYHEAD.USE_DYFUSE (AttnConv scale-aware weighting)
  bool use_deform = true;   // DYHEAD.USE_DFCONV (modulated deformable 3x3 convs + offset conv)
};

struct VLDyHeadOptions {
  int64_t in_channels = 256;  // BACKBONE.OUT_CHANNELS
  int64_t channels = 256;     // DYHEAD.CHANNELS
  int64_t num_convs = 6;      // DYHEAD.NUM_CONVS: the tower is [VLFuse, BertEncoderLayer, DyConv] x num_convs
  bool early_fuse = true;     // FUSE_CONFIG.EARLY_FUSE_ON; off (GLIP-T (A)): the tower is [DyConv] x num_convs
  int64_t num_classes = 81;   // DYHEAD.NUM_CLASSES; cls_logits has num_classes-1 outputs (kept for its shape)
  int64_t num_anchors = 1;    // len(RPN.ASPECT_RATIOS) * RPN.SCALES_PER_OCTAVE; must be 1 (dot-product head)
  int64_t lang_dim = 768;     // LANGUAGE_BACKBONE.LANG_DIM
  double prior_prob = 0.01;   // DYHEAD.PRIOR_PROB (initial biases only)
  double log_scale = 0.0;     // DYHEAD.LOG_SCALE (initial value; the checkpoint overwrites it)
  bool use_fused_features_dot_product = true;  // FUSE_CONFIG.USE_FUSED_FEATURES_DOT_PRODUCT
  bool clamp_dot_product = true;               // FUSE_CONFIG.CLAMP_DOT_PRODUCT
  bool use_dyrelu = true, use_dyfuse = true, use_deform = true, use_gn = true;
  int64_t gn_groups = 16;
  VLFuseOptions fuse;
  BertLayerOptions bert{768, 12, 3072, 1e-12, true, true, true};  // bert-base-uncased, all clamps on
};

// Builds the head options from a GLIP config. `bert` carries the sizes of the language model's BERT
// (config.json of MODEL.LANGUAGE_BACKBONE.MODEL_TYPE); its clamp flags are set from the config (the activation
// clamps always on).
// Throws glip::Error for configurations this port does not implement (fusion types other than MHA-B,
// SEPARATE_BIDIRECTIONAL, token/contrastive/MLM losses, ADD_LINEAR_LAYER, CONV_FUNC, sync batch norms, more than
// one anchor per location, a language model other than bert-base-uncased).
VLDyHeadOptions vldyhead_options_from_config(const Config& cfg, const BertLayerOptions& bert);

}  // namespace glip::head
