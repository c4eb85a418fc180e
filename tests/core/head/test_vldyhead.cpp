// VLDyHead against the official outputs on tiny-a (tests/data/golden/tiny-a): the whole head with 256 padded
// tokens and with the text trimmed to its T real tokens, every tower slot in isolation, names and shapes of the
// parameters (tiny-a checkpoint and full GLIP-T), attention maps, bad input.
// torch before QtTest: Qt's `slots` macro breaks torch's headers.
#include <torch/serialize.h>
#include <torch/torch.h>

#include <QtTest>

#include <algorithm>
#include <map>
#include <set>
#include <cmath>
#include <string>
#include <tuple>
#include <vector>

#include "tests/common/files.h"
#include "tests/core/head/head_test_util.h"

#include "core/common/error.h"
#include "core/config/config.h"
#include "core/head/vldyhead.h"
#include "core/io/checkpoint.h"
#include "core/io/state_dict.h"
#include "core/probe/probe.h"

using namespace glip;
using head_test::compare;
using head_test::load_pt;

namespace {
const char* kRuns[] = {"astronaut.det", "astronaut.grd", "coffee.det", "coffee.grd"};
const char* kLevels[] = {"p3", "p4", "p5", "p6", "p7"};

using test::tiny_weights;

head::VLDyHead tiny_head() {
  head::VLDyHead h(head_test::tiny_options());
  io::load_state_dict(*h, tiny_weights(), "rpn.head.");
  h->eval();
  return h;
}

struct Run {
  io::TensorMap golden;  // <run>.pt
  std::vector<at::Tensor> fpn;
  LanguageDict lang;
  int64_t valid = 0;  // attention_mask.sum()
};

Run load_run(const std::string& tag) {
  Run r;
  const std::string image = tag.substr(0, tag.find('.'));
  io::TensorMap vis = load_pt(head_test::tiny_dir() + "/" + image + ".visual.pt");
  r.golden = load_pt(head_test::tiny_dir() + "/" + tag + ".pt");
  for (const char* l : kLevels) r.fpn.push_back(vis.at(std::string("fpn.") + l));
  r.lang.hidden = r.golden.at("lang.hidden");
  r.lang.masks = r.golden.at("lang.masks");
  r.lang.embedded = r.golden.at("lang.embedded");
  r.lang.aggregate = r.golden.at("lang.aggregate");
  r.valid = r.golden.at("text.attention_mask").sum().item<int64_t>();
  return r;
}

// Family of a golden name: "dyhead.3.vlfuse.visual.p4" -> "vlfuse.visual", "head.centerness.p3" -> "head.centerness".
std::string family(const std::string& name) {
  std::string f = name;
  if (f.rfind("dyhead.", 0) == 0) f = f.substr(f.find('.', 7) + 1);
  for (const char* l : kLevels) {
    const std::string suffix = std::string(".") + l;
    if (f.size() > suffix.size() && f.compare(f.size() - suffix.size(), suffix.size(), suffix) == 0)
      f = f.substr(0, f.size() - suffix.size());
  }
  return f;
}

bool is_head_output(const std::string& k) { return k.rfind("dyhead.", 0) == 0 || k.rfind("head.", 0) == 0; }

// Text-length-indexed tensors (dim 1 = tokens) that a trimmed run only has for the first T tokens.
bool is_token_indexed(const std::string& k) {
  return k.find("lang_hidden") != std::string::npos || k.rfind("head.proj_tokens", 0) == 0;
}

std::map<std::string, double>& family_max() {
  static std::map<std::string, double> m;
  return m;
}

// Compares every golden dyhead.* / head.* tensor with the probe's; `trimmed`: token-indexed goldens are cut to T.
void check_all(const Run& r, const TensorProbe& probe, bool trimmed, const std::string& what) {
  int checked = 0;
  for (const auto& [k, want_full] : r.golden) {
    if (!is_head_output(k)) continue;
    QVERIFY2(probe.has(k), (what + ": probe lacks " + k).c_str());
    at::Tensor want = want_full;
    if (trimmed && is_token_indexed(k)) want = want.narrow(1, 0, r.valid);
    const bool logits = k.rfind("head.dot_product_logits", 0) == 0;
    head_test::Cmp c = compare(probe.at(k), want, 1e-4, logits ? 1e-3 : 1e-4);
    QVERIFY2(c.ok, (what + " " + k + ": " + c.msg).c_str());
    double& fm = family_max()[(trimmed ? "trimmed " : "padded  ") + family(k)];
    fm = std::max(fm, c.max_abs);
    ++checked;
  }
  // 12 VLFuse + 2 BERT layer + 5 offset maps + 10 DyConv + 18 head tensors
  QVERIFY2(checked == 47, (what + ": " + std::to_string(checked) + " golden tensors, expected 47").c_str());
}

// Literal translation of the official BiMultiHeadAttention.forward (fuse_helper.py), the reference for the folded
// implementation (with clamps on, stable_softmax_2d off).
head::BiAttentionOutput official_bi_attention(head::BiMultiHeadAttentionImpl& m, const at::Tensor& v,
                                              const at::Tensor& l, const at::Tensor& mask, int64_t heads,
                                              head::BiAttentionMaps* maps, int64_t* clamped) {
  const int64_t bsz = v.size(0), tgt = v.size(1), e = m.v_proj->weight.size(0), hd = e / heads;
  auto shape = [&](const at::Tensor& x) { return x.view({bsz, -1, heads, hd}).transpose(1, 2).contiguous(); };
  at::Tensor q = m.v_proj->forward(v) * std::pow(double(hd), -0.5);
  at::Tensor k = shape(m.l_proj->forward(l)).view({bsz * heads, -1, hd});
  at::Tensor vv = shape(m.values_v_proj->forward(v)).view({bsz * heads, -1, hd});
  at::Tensor vl = shape(m.values_l_proj->forward(l)).view({bsz * heads, -1, hd});
  q = shape(q).view({bsz * heads, tgt, hd});
  const int64_t src = k.size(1);
  at::Tensor w = at::bmm(q, k.transpose(1, 2));
  *clamped = (w.abs() > 50000).sum().item<int64_t>();
  w = w.clamp_min(-50000).clamp_max(50000);
  at::Tensor wt = w.transpose(1, 2);
  at::Tensor wl = (wt - std::get<0>(wt.max(-1, true))).clamp_min(-50000).clamp_max(50000).softmax(-1);
  at::Tensor am = mask.unsqueeze(1).unsqueeze(1).expand({bsz, 1, tgt, src});
  am = am.masked_fill(am == 0, -9e15);
  w = (w.view({bsz, heads, tgt, src}) + am).view({bsz * heads, tgt, src});
  at::Tensor wv = w.softmax(-1);
  at::Tensor ov = at::bmm(wv, vl).view({bsz, heads, tgt, hd}).transpose(1, 2).reshape({bsz, tgt, e});
  at::Tensor ol = at::bmm(wl, vv).view({bsz, heads, src, hd}).transpose(1, 2).reshape({bsz, src, e});
  maps->v2l = wv.view({bsz, heads, tgt, src});
  maps->l2v = wl.view({bsz, heads, src, tgt});
  return {m.out_v_proj->forward(ov), m.out_l_proj->forward(ol)};
}
}  // namespace

class TestVLDyHead : public QObject {
  Q_OBJECT
 private slots:
  void initTestCase() { at::set_num_threads(2); }

  // Parameter names and shapes equal the tiny-a checkpoint's rpn.head.* entries (both directions).
  void stateDictTinyA() {
    head::VLDyHead h(head_test::tiny_options());
    std::map<std::string, std::string> ours = test::module_rows(*h);
    std::set<std::string> ckpt;
    for (const auto& [k, t] : tiny_weights())
      if (k.rfind("rpn.head.", 0) == 0) ckpt.insert(k.substr(9));
    QCOMPARE(ours.size(), ckpt.size());
    for (const auto& k : ckpt) {
      QVERIFY2(ours.count(k), ("missing in the module: " + k).c_str());
      QVERIFY(tiny_weights().at("rpn.head." + k).sizes().equals(h->named_parameters(true)[k].sizes()));
    }
  }

  // Full GLIP-T: names, shapes and kinds equal the rpn.head.* rows of glip_t_state_dict_keys.tsv.
  void stateDictGlipT() {
    const std::map<std::string, std::string> rows = test::state_dict_rows("rpn.head.");
    QCOMPARE(rows.size(), size_t(340));
    head::VLDyHead h(head_test::glip_t_options());
    std::map<std::string, std::string> ours = test::module_rows(*h);
    for (const auto& [k, v] : rows) {
      QVERIFY2(ours.count(k), ("missing in the module: " + k).c_str());
      QVERIFY2(ours.at(k) == v, (k + ": " + ours.at(k) + " vs " + v).c_str());
    }
    QCOMPARE(ours.size(), rows.size());
    QCOMPARE(h->num_label_columns(), int64_t(80));
  }

  void goldenPadded_data() {
    QTest::addColumn<QString>("tag");
    for (const char* r : kRuns) QTest::newRow(r) << QString(r);
  }
  // The official setting: 256 padded tokens. Every golden dyhead.* / head.* tensor.
  void goldenPadded() {
    QFETCH(QString, tag);
    c10::InferenceMode guard;
    Run r = load_run(tag.toStdString());
    QCOMPARE(r.lang.hidden.size(1), int64_t(256));
    head::VLDyHead h = tiny_head();
    TensorProbe probe;
    head::VLDyHeadOutput out = h->forward(r.fpn, r.lang, &probe);
    check_all(r, probe, false, tag.toStdString() + " padded");
    // The returned logits cover all 256 tokens; their first T columns are the golden ones.
    for (size_t l = 0; l < 5; ++l) {
      QCOMPARE(out.dot_product_logits[l].size(2), int64_t(256));
      QVERIFY(out.dot_product_logits[l].narrow(2, 0, r.valid).equal(
          probe.at(std::string("head.dot_product_logits.") + kLevels[l])));
      QVERIFY(out.box_regression[l].equal(probe.at(std::string("head.box_regression.") + kLevels[l])));
    }
  }

  void goldenTrimmed_data() { goldenPadded_data(); }
  // The engine's setting: the text cut to its T real tokens. Visual features, boxes, centerness and the logits
  // of the real tokens must equal the 256-token golden outputs (proof that trimming is exact).
  void goldenTrimmed() {
    QFETCH(QString, tag);
    c10::InferenceMode guard;
    Run r = load_run(tag.toStdString());
    QVERIFY(r.valid < 256);
    QVERIFY(r.lang.masks.narrow(1, 0, r.valid).eq(1).all().item<bool>());
    QVERIFY(r.lang.masks.narrow(1, r.valid, 256 - r.valid).eq(0).all().item<bool>());
    LanguageDict lang;
    lang.hidden = r.lang.hidden.narrow(1, 0, r.valid);
    lang.masks = r.lang.masks.narrow(1, 0, r.valid);
    lang.embedded = r.lang.embedded.narrow(1, 0, r.valid);
    lang.aggregate = r.lang.aggregate;
    head::VLDyHead h = tiny_head();
    TensorProbe probe;
    head::VLDyHeadOutput out = h->forward(r.fpn, lang, &probe);
    check_all(r, probe, true, tag.toStdString() + " trimmed");
    QCOMPARE(out.proj_tokens.size(1), r.valid);
    QCOMPARE(out.dot_product_logits[0].size(2), r.valid);
  }

  void towerIsolation_data() { goldenPadded_data(); }
  // Each tower slot and the prediction heads fed with the previous slot's golden output.
  void towerIsolation() {
    QFETCH(QString, tag);
    c10::InferenceMode guard;
    Run r = load_run(tag.toStdString());
    const io::TensorMap& g = r.golden;
    head::VLDyHead h = tiny_head();
    auto visual_of = [&](const std::string& prefix) {
      std::vector<at::Tensor> v;
      for (const char* l : kLevels) v.push_back(g.at(prefix + l));
      return v;
    };
    // Golden state after each slot (slot -1 = head input).
    std::vector<std::string> vis = {"fpn.", "dyhead.0.vlfuse.visual.", "dyhead.0.vlfuse.visual.",
                                    "dyhead.2.dyconv.visual.", "dyhead.3.vlfuse.visual.", "dyhead.3.vlfuse.visual.",
                                    "dyhead.5.dyconv.visual."};
    std::vector<std::string> lang = {"lang.hidden",
                                     "dyhead.0.vlfuse.lang_hidden",
                                     "dyhead.1.bertlayer.lang_hidden",
                                     "dyhead.1.bertlayer.lang_hidden",
                                     "dyhead.3.vlfuse.lang_hidden",
                                     "dyhead.4.bertlayer.lang_hidden",
                                     "dyhead.4.bertlayer.lang_hidden"};
    io::TensorMap inputs = g;
    io::TensorMap visual_in = load_pt(head_test::tiny_dir() + "/" + tag.toStdString().substr(0, tag.indexOf('.')) +
                                      ".visual.pt");
    for (const char* l : kLevels) inputs[std::string("fpn.") + l] = visual_in.at(std::string("fpn.") + l);
    for (size_t i = 0; i < 6; ++i) {
      head::TowerState in;
      for (const char* l : kLevels) in.visual.push_back(inputs.at(vis[i] + l));
      in.lang_hidden = inputs.at(lang[i]);
      TensorProbe probe;
      h->run_tower_slot(i, in, r.lang.masks, &probe);
      const std::string prefix = "dyhead." + std::to_string(i) + ".";
      int n = 0;
      for (const auto& [k, want] : g) {
        if (k.rfind(prefix, 0) != 0) continue;
        head_test::Cmp c = compare(probe.at(k), want, 1e-4, 1e-4);
        QVERIFY2(c.ok, (tag.toStdString() + " slot " + std::to_string(i) + " " + k + ": " + c.msg).c_str());
        ++n;
      }
      QVERIFY(n >= 1);
    }
    TensorProbe probe;
    h->predict(visual_of("dyhead.5.dyconv.visual."), g.at("dyhead.4.bertlayer.lang_hidden"), r.lang.masks, &probe);
    int n = 0;
    for (const auto& [k, want] : g) {
      if (k.rfind("head.", 0) != 0) continue;
      const bool logits = k.rfind("head.dot_product_logits", 0) == 0;
      head_test::Cmp c = compare(probe.at(k), want, 1e-4, logits ? 1e-3 : 1e-4);
      QVERIFY2(c.ok, (tag.toStdString() + " heads " + k + ": " + c.msg).c_str());
      ++n;
    }
    QCOMPARE(n, 18);
  }

  // Attention maps: recorded only on request, per head, rows are distributions, padded text gets weight 0.
  void attentionMaps() {
    c10::InferenceMode guard;
    Run r = load_run("coffee.grd");
    head::VLDyHead h = tiny_head();
    TensorProbe quiet([](const std::string& n) { return n.find("attn_") == std::string::npos; });
    h->forward(r.fpn, r.lang, &quiet);
    QVERIFY(!quiet.has("dyhead.0.vlfuse.attn_v2l"));
    QVERIFY(quiet.has("dyhead.0.vlfuse.visual.p3"));

    TensorProbe maps([](const std::string& n) { return n.find("attn_") != std::string::npos; });
    h->forward(r.fpn, r.lang, &maps);
    int64_t n_tokens = 0;
    for (const auto& f : r.fpn) n_tokens += f.size(2) * f.size(3);
    for (const char* i : {"0", "3"}) {
      const at::Tensor& v2l = maps.at(std::string("dyhead.") + i + ".vlfuse.attn_v2l");
      const at::Tensor& l2v = maps.at(std::string("dyhead.") + i + ".vlfuse.attn_l2v");
      QCOMPARE(v2l.sizes().vec(), (std::vector<int64_t>{1, 8, n_tokens, 256}));
      QCOMPARE(l2v.sizes().vec(), (std::vector<int64_t>{1, 8, 256, n_tokens}));
      QVERIFY(torch::allclose(v2l.sum(-1), torch::ones({1, 8, n_tokens}), 1e-5, 1e-5));
      QVERIFY(torch::allclose(l2v.sum(-1), torch::ones({1, 8, 256}), 1e-5, 1e-5));
      QVERIFY(v2l.narrow(3, r.valid, 256 - r.valid).eq(0).all().item<bool>());
      QVERIFY(v2l.narrow(3, 0, r.valid).gt(0).any().item<bool>());
    }
    QCOMPARE(int(maps.tensors().size()), 4);
  }

  // The folded attention equals a literal translation of the official forward, also where the ±50000 clamps
  // act (visual tokens scaled by 1e5) and with a padded text mask, for a batch of 2.
  void foldedAttentionMatchesOfficial() {
    c10::InferenceMode guard;
    torch::manual_seed(3);
    head::VLFuseOptions o;
    o.v_dim = 32;
    o.l_dim = 24;
    o.embed_dim = 64;
    o.num_heads = 4;
    head::BiMultiHeadAttention m(o);
    {
      for (auto& p : m->named_parameters()) p.value().normal_(0, 0.3);
    }
    at::Tensor v = torch::randn({2, 50, 32});
    v.narrow(1, 10, 5).mul_(1e5);
    at::Tensor l = torch::randn({2, 7, 24});
    at::Tensor mask = torch::ones({2, 7}, torch::kLong);
    mask[1].narrow(0, 4, 3).zero_();
    head::BiAttentionMaps got_maps, ref_maps;
    int64_t clamped = 0;
    head::BiAttentionOutput ref = official_bi_attention(*m, v, l, mask, 4, &ref_maps, &clamped);
    head::BiAttentionOutput got = m->forward(v, l, mask, &got_maps);
    QVERIFY(clamped > 100);
    for (auto [name, a, b] : {std::make_tuple("delta_v", got.delta_v, ref.delta_v),
                              std::make_tuple("delta_l", got.delta_l, ref.delta_l),
                              std::make_tuple("v2l", got_maps.v2l, ref_maps.v2l),
                              std::make_tuple("l2v", got_maps.l2v, ref_maps.l2v)}) {
      head_test::Cmp c = compare(a, b, 1e-4, 1e-5);
      QVERIFY2(c.ok, (std::string(name) + ": " + c.msg).c_str());
    }
    QVERIFY(got_maps.v2l[1].narrow(2, 4, 3).eq(0).all().item<bool>());
  }

  // Options from the tiny-a config equal the hand-built ones; unsupported settings are refused with glip::Error.
  void optionsFromConfig() {
    Config cfg = Config::defaults();
    cfg.merge_from_file(head_test::tiny_dir() + "/tiny-a.merged.yaml");
    head::BertLayerOptions bert;
    bert.hidden_size = 32;
    bert.num_attention_heads = 2;
    bert.intermediate_size = 64;
    bert.clamp_min_for_underflow = bert.clamp_max_for_overflow = false;  // overwritten from the config
    bert.clamp_activations = false;  // HF's layer; the head's copy always clamps
    head::VLDyHeadOptions o = head::vldyhead_options_from_config(cfg, bert);
    head::VLDyHeadOptions w = head_test::tiny_options();
    QCOMPARE(o.in_channels, w.in_channels);
    QCOMPARE(o.channels, w.channels);
    QCOMPARE(o.num_convs, w.num_convs);
    QCOMPARE(o.num_classes, w.num_classes);
    QCOMPARE(o.num_anchors, int64_t(1));
    QCOMPARE(o.lang_dim, w.lang_dim);
    QCOMPARE(o.gn_groups, int64_t(16));
    QCOMPARE(o.prior_prob, 0.01);
    QVERIFY(o.use_dyrelu && o.use_dyfuse && o.use_deform && o.use_gn && o.use_fused_features_dot_product &&
            o.clamp_dot_product);
    QCOMPARE(o.fuse.v_dim, int64_t(32));
    QCOMPARE(o.fuse.l_dim, int64_t(32));
    QCOMPARE(o.fuse.embed_dim, int64_t(2048));  // hard-coded, whatever JOINT_OUT_SIZE etc. say
    QCOMPARE(o.fuse.num_heads, int64_t(8));
    QCOMPARE(o.fuse.init_values, 0.5);
    QVERIFY(!o.fuse.stable_softmax_2d && o.fuse.clamp_min_for_underflow && o.fuse.clamp_max_for_overflow);
    QVERIFY(o.bert.clamp_min_for_underflow && o.bert.clamp_max_for_overflow && o.bert.clamp_activations);
    QCOMPARE(o.bert.hidden_size, int64_t(32));

    for (const std::vector<std::string>& bad :
         {std::vector<std::string>{"MODEL.DYHEAD.FUSE_CONFIG.TYPE", "\"MHA-S\""},
          std::vector<std::string>{"MODEL.DYHEAD.FUSE_CONFIG.USE_TOKEN_LOSS", "True"},
          std::vector<std::string>{"MODEL.DYHEAD.FUSE_CONFIG.SEPARATE_BIDIRECTIONAL", "True"},
          std::vector<std::string>{"MODEL.RPN.ASPECT_RATIOS", "(0.5, 1.0, 2.0)"},
          std::vector<std::string>{"MODEL.DYHEAD.CHANNELS", "64"},
          std::vector<std::string>{"MODEL.LANGUAGE_BACKBONE.LANG_DIM", "48"}}) {
      Config c = cfg;
      c.merge_from_list(bad);
      QVERIFY_THROWS_EXCEPTION(glip::Error, head::vldyhead_options_from_config(c, bert));
    }
  }

  // Trimming is exact beyond tiny-a: another size (64 channels, 96-d text with 4 BERT heads, 3 tower layers),
  // random weights and padded positions filled with large random hidden states. Outputs on the real tokens of a
  // 40-token padded run equal those of the 13-token trimmed run.
  void trimmedEqualsPaddedRandom() {
    c10::InferenceMode guard;
    torch::manual_seed(11);
    head::VLDyHeadOptions o;
    o.in_channels = o.channels = o.fuse.v_dim = 64;
    o.lang_dim = o.fuse.l_dim = o.bert.hidden_size = 96;
    o.bert.num_attention_heads = 4;
    o.bert.intermediate_size = 128;
    o.num_convs = 3;
    head::VLDyHead h(o);
    for (auto& p : h->named_parameters()) {
      if (p.key().find("bn.") != std::string::npos || p.key().find("LayerNorm") != std::string::npos ||
          p.key().find("layer_norm") != std::string::npos)
        continue;
      p.value().normal_(0, 1.0 / std::sqrt(double(p.value().numel() / p.value().size(0) + 1)));
    }
    std::vector<at::Tensor> fpn;
    for (int64_t s : {24, 12, 6, 3, 2}) fpn.push_back(torch::randn({2, 64, s, s + 1}));
    // P3..P7 sizes must follow the stride-2 convs: 24x25 -> 12x13 -> 6x7 -> 3x4 -> 2x2
    fpn[1] = torch::randn({2, 64, 12, 13});
    fpn[2] = torch::randn({2, 64, 6, 7});
    fpn[3] = torch::randn({2, 64, 3, 4});
    fpn[4] = torch::randn({2, 64, 2, 2});
    const int64_t t = 13, padded = 40;
    LanguageDict pad;
    pad.hidden = torch::randn({2, padded, 96}) * 3;
    pad.masks = torch::zeros({2, padded}, torch::kLong);
    pad.masks.narrow(1, 0, t).fill_(1);
    LanguageDict trim;
    trim.hidden = pad.hidden.narrow(1, 0, t).contiguous();
    trim.masks = pad.masks.narrow(1, 0, t).contiguous();
    head::VLDyHeadOutput a = h->forward(fpn, pad), b = h->forward(fpn, trim);
    auto check = [&](const at::Tensor& x, const at::Tensor& y, const std::string& what, double atol) {
      head_test::Cmp c = compare(x, y, 1e-5, atol);
      QVERIFY2(c.ok, (what + ": " + c.msg).c_str());
    };
    for (size_t l = 0; l < 5; ++l) {
      check(a.fused_visual[l], b.fused_visual[l], "visual " + std::to_string(l), 1e-5);
      check(a.box_regression[l], b.box_regression[l], "box_regression", 1e-5);
      check(a.centerness[l], b.centerness[l], "centerness", 1e-5);
      check(a.dot_product_logits[l].narrow(2, 0, t), b.dot_product_logits[l], "logits", 1e-4);
    }
    check(a.proj_tokens.narrow(1, 0, t), b.proj_tokens, "proj_tokens", 1e-5);
    check(a.proj_tokens_bias.narrow(1, 0, t), b.proj_tokens_bias, "proj_tokens_bias", 1e-5);
    check(a.fused_lang_hidden.narrow(1, 0, t), b.fused_lang_hidden, "lang hidden", 1e-5);
    // and the padded tokens do take part in something: their own rows differ from zero
    QVERIFY(a.fused_lang_hidden.narrow(1, t, padded - t).abs().sum().item<double>() > 0);
  }

  void badInput() {
    c10::InferenceMode guard;
    Run r = load_run("astronaut.det");
    head::VLDyHead h = tiny_head();
    std::vector<at::Tensor> four(r.fpn.begin(), r.fpn.begin() + 4);
    QVERIFY_THROWS_EXCEPTION(glip::Error, h->forward(four, r.lang));
    std::vector<at::Tensor> wrong_c = r.fpn;
    wrong_c[2] = torch::zeros({1, 16, 10, 10});
    QVERIFY_THROWS_EXCEPTION(glip::Error, h->forward(wrong_c, r.lang));
    LanguageDict bad = r.lang;
    bad.masks = bad.masks.narrow(1, 0, 10);
    QVERIFY_THROWS_EXCEPTION(glip::Error, h->forward(r.fpn, bad));
    bad = r.lang;
    bad.hidden = torch::zeros({1, 256, 16});
    QVERIFY_THROWS_EXCEPTION(glip::Error, h->forward(r.fpn, bad));
    // P4 that does not match the stride-2 conv of P3 (40x40 -> 20x20).
    std::vector<at::Tensor> odd = r.fpn;
    odd[1] = torch::zeros({1, 32, 19, 20});
    QVERIFY_THROWS_EXCEPTION(glip::Error, h->forward(odd, r.lang));
  }

  void cleanupTestCase() {
    for (const auto& [f, m] : family_max()) qInfo("max |diff| %-36s %.3g", f.c_str(), m);
  }
};

QTEST_APPLESS_MAIN(TestVLDyHead)
#include "test_vldyhead.moc"
