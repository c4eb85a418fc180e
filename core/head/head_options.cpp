#include "core/head/head_options.h"

#include <string>

#include "core/common/error.h"
#include "core/config/config.h"

namespace glip::head {

namespace {
void require(bool ok, const std::string& what) {
  if (!ok) throw Error("VLDyHead: unsupported configuration: " + what);
}
}  // namespace

VLDyHeadOptions vldyhead_options_from_config(const Config& cfg, const BertLayerOptions& bert) {
  const std::string fc = "MODEL.DYHEAD.FUSE_CONFIG.";
  const bool early_fuse = cfg.get_bool(fc + "EARLY_FUSE_ON");
  const std::string type = cfg.get_str(fc + "TYPE");  // read by the official code only with early fusion
  require(!early_fuse || type == "MHA-B", fc + "TYPE is \"" + type + "\"; only \"MHA-B\" is implemented");
  require(!cfg.get_bool(fc + "SEPARATE_BIDIRECTIONAL"), fc + "SEPARATE_BIDIRECTIONAL must be False");
  require(cfg.get_bool(fc + "USE_DOT_PRODUCT_TOKEN_LOSS"), fc + "USE_DOT_PRODUCT_TOKEN_LOSS must be True");
  require(!cfg.get_bool(fc + "USE_TOKEN_LOSS"), fc + "USE_TOKEN_LOSS must be False");
  require(!cfg.get_bool(fc + "USE_CONTRASTIVE_ALIGN_LOSS"), fc + "USE_CONTRASTIVE_ALIGN_LOSS must be False");
  require(!cfg.get_bool(fc + "MLM_LOSS"), fc + "MLM_LOSS must be False");
  require(!cfg.get_bool(fc + "ADD_LINEAR_LAYER"), fc + "ADD_LINEAR_LAYER must be False");
  require(cfg.get_str("MODEL.DYHEAD.CONV_FUNC").empty(), "MODEL.DYHEAD.CONV_FUNC must be empty");
  require(!cfg.get_bool("MODEL.DYHEAD.USE_NSYNCBN") && !cfg.get_bool("MODEL.DYHEAD.USE_SYNCBN"),
          "MODEL.DYHEAD.USE_NSYNCBN / USE_SYNCBN must be False (use USE_GN)");
  const std::string lm = cfg.get_str("MODEL.LANGUAGE_BACKBONE.MODEL_TYPE");
  require(lm == "bert-base-uncased", "MODEL.LANGUAGE_BACKBONE.MODEL_TYPE is \"" + lm +
                                         "\"; only \"bert-base-uncased\" is implemented");

  VLDyHeadOptions o;
  o.in_channels = cfg.get_int("MODEL.BACKBONE.OUT_CHANNELS");
  o.channels = cfg.get_int("MODEL.DYHEAD.CHANNELS");
  o.num_convs = cfg.get_int("MODEL.DYHEAD.NUM_CONVS");
  o.early_fuse = early_fuse;
  require(o.num_convs >= 1, "MODEL.DYHEAD.NUM_CONVS must be at least 1");
  o.num_classes = cfg.get_int("MODEL.DYHEAD.NUM_CLASSES");
  require(o.num_classes >= 2, "MODEL.DYHEAD.NUM_CLASSES must be at least 2");
  o.num_anchors = static_cast<int64_t>(cfg.get_float_list("MODEL.RPN.ASPECT_RATIOS").size()) *
                  cfg.get_int("MODEL.RPN.SCALES_PER_OCTAVE");
  require(o.num_anchors == 1, "the dot-product token head needs one anchor per location (got " +
                                  std::to_string(o.num_anchors) + " from RPN.ASPECT_RATIOS x SCALES_PER_OCTAVE)");
  o.lang_dim = cfg.get_int("MODEL.LANGUAGE_BACKBONE.LANG_DIM");
  o.prior_prob = cfg.get_float("MODEL.DYHEAD.PRIOR_PROB");
  o.log_scale = cfg.get_float("MODEL.DYHEAD.LOG_SCALE");
  o.use_fused_features_dot_product = cfg.get_bool(fc + "USE_FUSED_FEATURES_DOT_PRODUCT");
  o.clamp_dot_product = cfg.get_bool(fc + "CLAMP_DOT_PRODUCT");
  o.use_dyrelu = cfg.get_bool("MODEL.DYHEAD.USE_DYRELU");
  o.use_dyfuse = cfg.get_bool("MODEL.DYHEAD.USE_DYFUSE");
  o.use_deform = cfg.get_bool("MODEL.DYHEAD.USE_DFCONV");
  o.use_gn = cfg.get_bool("MODEL.DYHEAD.USE_GN");
  o.gn_groups = cfg.get_int("MODEL.GROUP_NORM.NUM_GROUPS");
  if (o.use_gn)
    require(o.gn_groups > 0 && o.channels % o.gn_groups == 0,
            "MODEL.GROUP_NORM.NUM_GROUPS must divide MODEL.DYHEAD.CHANNELS");

  o.fuse.v_dim = cfg.get_int(fc + "JOINT_EMB_SIZE");
  require(o.fuse.v_dim == o.in_channels && o.fuse.v_dim == o.channels,
          fc + "JOINT_EMB_SIZE must equal MODEL.BACKBONE.OUT_CHANNELS and MODEL.DYHEAD.CHANNELS");
  o.fuse.l_dim = o.lang_dim;
  o.fuse.embed_dim = 2048;  // VLFuse.init_configs
  o.fuse.num_heads = 8;
  o.fuse.init_values = 1.0 / static_cast<double>(o.num_convs);
  o.fuse.stable_softmax_2d = cfg.get_bool(fc + "STABLE_SOFTMAX_2D");
  o.fuse.clamp_min_for_underflow = cfg.get_bool(fc + "CLAMP_MIN_FOR_UNDERFLOW");
  o.fuse.clamp_max_for_overflow = cfg.get_bool(fc + "CLAMP_MAX_FOR_OVERFLOW");

  o.bert = bert;
  o.bert.clamp_min_for_underflow = cfg.get_bool(fc + "CLAMP_BERTATTN_MIN_FOR_UNDERFLOW");
  o.bert.clamp_max_for_overflow = cfg.get_bool(fc + "CLAMP_BERTATTN_MAX_FOR_OVERFLOW");
  o.bert.clamp_activations = true;  // rpn/modeling_bert.py BertIntermediate / BertOutput, hard-coded
  require(o.bert.hidden_size == o.lang_dim, "the BERT hidden size (" + std::to_string(o.bert.hidden_size) +
                                                ") must equal MODEL.LANGUAGE_BACKBONE.LANG_DIM (" +
                                                std::to_string(o.lang_dim) + ")");
  require(o.bert.num_attention_heads > 0 && o.bert.hidden_size % o.bert.num_attention_heads == 0,
          "the BERT hidden size must be a multiple of its number of attention heads");
  return o;
}

}  // namespace glip::head
