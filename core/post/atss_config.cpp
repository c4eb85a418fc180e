// AtssParams from a glip::Config (make_atss_postprocessor, is_train=False).
#include <string>

#include "core/common/error.h"
#include "core/config/config.h"
#include "core/post/atss_postprocessor.h"

namespace glip::post {

AtssParams atss_params_from_config(const glip::Config& cfg) {
  AtssParams p;
  p.inference_threshold = cfg.get_float("MODEL.ATSS.INFERENCE_TH");
  p.pre_nms_top_n = cfg.get_int("MODEL.ATSS.PRE_NMS_TOP_N");
  p.nms_threshold = cfg.get_float("MODEL.ATSS.NMS_TH");
  p.detections_per_image = cfg.get_int("MODEL.ATSS.DETECTIONS_PER_IMG");
  p.min_size = 0;
  const std::string agg = cfg.get_str("MODEL.DYHEAD.SCORE_AGG");
  if (agg == "MEAN")
    p.score_agg = ScoreAgg::kMean;
  else if (agg == "MAX")
    p.score_agg = ScoreAgg::kMax;
  else if (agg == "ONEHOT")
    p.score_agg = ScoreAgg::kOneHot;
  else
    throw glip::Error("MODEL.DYHEAD.SCORE_AGG: unknown score aggregation '" + agg + "' (expected MEAN, MAX or ONEHOT)");
  if (cfg.has("TEST.MDETR_STYLE_AGGREGATE_CLASS_NUM") && cfg.get_int("TEST.MDETR_STYLE_AGGREGATE_CLASS_NUM") != -1)
    throw glip::Error("TEST.MDETR_STYLE_AGGREGATE_CLASS_NUM: MDETR-style score aggregation is not supported (use -1)");
  if (p.pre_nms_top_n < 0) throw glip::Error("MODEL.ATSS.PRE_NMS_TOP_N must be >= 0");
  return p;
}

}  // namespace glip::post
