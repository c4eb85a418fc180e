// Helpers for the head tests: golden files, tiny-a options and weights, tolerance checks.
#pragma once
#include <torch/torch.h>

#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/head/head_options.h"
#include "core/io/tensor_map.h"
#include "tests/common/paths.h"
#include "tests/common/tensors.h"

namespace glip::head_test {

using test::load_pt;
using test::tiny_dir;

// tiny-a (tests/data/golden/tiny-a/tiny-a.merged.yaml + bert-base-uncased/config.json), built by hand.
inline head::VLDyHeadOptions tiny_options() {
  head::VLDyHeadOptions o;
  o.in_channels = o.channels = 32;
  o.num_convs = 2;
  o.num_classes = 81;
  o.num_anchors = 1;
  o.lang_dim = 32;
  o.prior_prob = 0.01;
  o.log_scale = 0.0;
  o.gn_groups = 16;
  o.fuse.v_dim = 32;
  o.fuse.l_dim = 32;
  o.fuse.embed_dim = 2048;
  o.fuse.num_heads = 8;
  o.fuse.init_values = 0.5;
  o.bert.hidden_size = 32;
  o.bert.num_attention_heads = 2;
  o.bert.intermediate_size = 64;
  o.bert.layer_norm_eps = 1e-12;
  return o;
}

// GLIP-T sizes (glip_Swin_T_O365_GoldG.yaml with bert-base-uncased).
inline head::VLDyHeadOptions glip_t_options() {
  head::VLDyHeadOptions o;  // defaults are GLIP-T
  o.fuse.init_values = 1.0 / 6;
  return o;
}

// Elementwise |a - b| <= atol + rtol*|b|; returns the max |a - b| and the worst violation ratio via `worst`.
struct Cmp {
  double max_abs = 0;
  bool ok = true;
  std::string msg;
};

inline Cmp compare(const at::Tensor& got, const at::Tensor& want, double rtol, double atol) {
  Cmp c;
  if (!got.sizes().equals(want.sizes())) {
    std::ostringstream m;
    m << "shape " << got.sizes() << " vs golden " << want.sizes();
    c.ok = false;
    c.msg = m.str();
    return c;
  }
  if (got.numel() == 0) return c;
  at::Tensor g = got.to(at::kDouble), w = want.to(at::kDouble);
  at::Tensor d = (g - w).abs();
  c.max_abs = d.max().item<double>();
  at::Tensor bad = d > (atol + rtol * w.abs());
  if (bad.any().item<bool>()) {
    c.ok = false;
    std::ostringstream m;
    m << bad.sum().item<int64_t>() << " of " << got.numel() << " elements out of tolerance, max |diff| "
      << c.max_abs;
    c.msg = m.str();
  }
  return c;
}

}  // namespace glip::head_test
