// Vision backbone: Swin-T, FPN and anchors against the official outputs (tests/data/golden/tiny-a), window
// bookkeeping against an independent pad/roll/partition, full-size GLIP-T names and speed.
// torch before QtTest: Qt's `slots` macro breaks torch's headers.
#include <torch/serialize.h>
#include <torch/torch.h>

#include <QtTest>

#include <chrono>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <cmath>
#include <tuple>
#include <string>

#include "tests/common/files.h"
#include "tests/common/paths.h"
#include "tests/common/tensors.h"

#include "core/common/error.h"
#include "core/io/state_dict.h"
#include "core/probe/probe.h"
#include "core/vision/anchors.h"
#include "core/vision/backbone.h"
#include "core/vision/fast_ops.h"
#include "core/vision/window_attention_kernel.h"

using glip::test::load_pt;
using glip::test::max_abs_diff;

namespace {
const std::string kTiny = glip::test::tiny_dir();

// tests/data/golden/tiny-a/tiny-a.merged.yaml
glip::VisionBackboneOptions tiny_options() {
  glip::VisionBackboneOptions o;
  o.swin.embed_dim = 24;
  o.swin.depths = {2, 1, 2, 1};
  o.swin.num_heads = {1, 2, 3, 6};
  o.swin.window_size = 7;
  o.swin.mlp_ratio = 4;
  o.fpn.in_channels_list = {0, 48, 96, 192};
  o.fpn.out_channels = 32;
  o.fpn.p6p7_in_channels = 32;
  return o;
}

// GLIP's block preprocessing written out literally: pad (B,H,W,C) at the bottom/right, roll by -shift, partition.
at::Tensor reference_windows(const at::Tensor& x, int64_t H, int64_t W, int64_t ws, int64_t shift) {
  const int64_t B = x.size(0), C = x.size(2);
  at::Tensor g = x.view({B, H, W, C});
  const int64_t pr = (ws - W % ws) % ws, pb = (ws - H % ws) % ws;
  g = at::constant_pad_nd(g, {0, 0, 0, pr, 0, pb});
  const int64_t Hp = g.size(1), Wp = g.size(2);
  if (shift > 0) g = at::roll(g, {-shift, -shift}, {1, 2});
  return g.view({B, Hp / ws, ws, Wp / ws, ws, C}).permute({0, 1, 3, 2, 4, 5}).reshape({-1, ws * ws, C});
}
}  // namespace

class TestVision : public QObject {
  Q_OBJECT
 private slots:
  void initTestCase() { at::set_num_threads(2); }

  // Hand count: a 14x14 map, window 7, shift 3. The bottom-right window has regions of 4x4, 4x3, 3x4 and 3x3
  // tokens, so 16^2 + 12^2 + 12^2 + 9^2 = 625 pairs share a region and 2401 - 625 = 1776 get -100.
  void shiftMask() {
    at::Tensor m = glip::swin_shift_mask(14, 14, 7, 3);
    QCOMPARE(m.size(0), int64_t(4));
    QCOMPARE(m[0].eq(0).sum().item<int64_t>(), int64_t(2401));
    QCOMPARE(m[3].eq(-100).sum().item<int64_t>(), int64_t(1776));
    QCOMPARE(m[3].eq(0).sum().item<int64_t>(), int64_t(625));
    // window 1 (top-right): columns 7..10 vs 11..13 -> 2 regions of 7x4 and 7x3 tokens: 28^2 + 21^2 = 1225
    QCOMPARE(m[1].eq(0).sum().item<int64_t>(), int64_t(1225));
  }

  void windowPlan_data() {
    QTest::addColumn<int>("H");
    QTest::addColumn<int>("W");
    QTest::addColumn<int>("shift");
    QTest::newRow("14x14") << 14 << 14 << 0;
    QTest::newRow("14x14 shifted") << 14 << 14 << 3;
    QTest::newRow("10x17 padded") << 10 << 17 << 0;
    QTest::newRow("10x17 padded shifted") << 10 << 17 << 3;
    QTest::newRow("3x5 smaller than a window, shifted") << 3 << 5 << 3;
  }
  void windowPlan() {
    QFETCH(int, H);
    QFETCH(int, W);
    QFETCH(int, shift);
    const int64_t B = 2, C = 5, ws = 7;
    at::Tensor x = at::randn({B, H * W, C});
    glip::SwinWindowPlan p = glip::make_swin_window_plan(B, H, W, ws, shift);
    at::Tensor win = glip::gather_rows(x.reshape({-1, C}), p.gather).view({-1, ws * ws, C});
    QVERIFY(at::equal(win, reference_windows(x, H, W, ws, shift)));
    // the generic (non-contiguous input) path gives the same rows
    at::Tensor xt = x.reshape({-1, C}).t().contiguous().t();
    QVERIFY(at::equal(glip::gather_rows(xt, p.gather).view({-1, ws * ws, C}), win));
    at::Tensor back = at::zeros({B * H * W, C});
    glip::scatter_add_rows_(back, at::zeros_like(back), win.view({-1, C}), p.gather);
    QVERIFY(at::equal(back.view({B, H * W, C}), x));
    if (shift > 0) {
      auto [masks, index] = glip::swin_shift_masks_compact(p.Hp, p.Wp, ws, shift);
      QVERIFY(masks.size(0) <= 4);
      QVERIFY(at::equal(masks.index_select(0, index), glip::swin_shift_mask(p.Hp, p.Wp, ws, shift)));
    }
  }

  // The fused CPU kernel against GLIP's formula in plain ATen ops: softmax((q*scale @ k^T + bias) + mask) @ v.
  void fusedAttention_data() {
    QTest::addColumn<int>("heads");
    QTest::addColumn<int>("head_dim");
    QTest::addColumn<bool>("masked");
    QTest::addColumn<int>("window");
    QTest::newRow("3x32") << 3 << 32 << false << 7;
    QTest::newRow("3x32 masked") << 3 << 32 << true << 7;
    QTest::newRow("2x24 masked") << 2 << 24 << true << 7;
    QTest::newRow("1x16") << 1 << 16 << false << 7;
    QTest::newRow("2x64 masked") << 2 << 64 << true << 7;
    QTest::newRow("window 8, 2x32 masked") << 2 << 32 << true << 8;  // N = 64: the small kernel's full width
    // GLIP-L: window 12, N = 144, head width 32
    QTest::newRow("window 12, 6x32") << 6 << 32 << false << 12;
    QTest::newRow("window 12, 6x32 masked") << 6 << 32 << true << 12;
    QTest::newRow("window 12, 2x16 masked") << 2 << 16 << true << 12;
    QTest::newRow("window 12, 1x64 masked") << 1 << 64 << true << 12;
    QTest::newRow("window 9, 2x24 masked") << 2 << 24 << true << 9;  // N = 81: padded to 144
  }
  void fusedAttention() {
    QFETCH(int, heads);
    QFETCH(int, head_dim);
    QFETCH(bool, masked);
    QFETCH(int, window);
    c10::InferenceMode guard;
    const int64_t Wn = 12, nW = 6, N = int64_t(window) * window, C = heads * head_dim;
    QVERIFY(glip::fused_window_attention_supported(N, head_dim));
    const double scale = 1.0 / std::sqrt(static_cast<double>(head_dim));
    at::Tensor qkv = at::randn({Wn, N, 3 * C}) * 2;
    at::Tensor bias = at::randn({heads, N, N});
    at::Tensor masks, index;
    if (masked) std::tie(masks, index) = glip::swin_shift_masks_compact(2 * window, 3 * window, window, window / 2);
    QVERIFY(!masked || index.numel() == nW);
    at::Tensor got = glip::fused_window_attention(qkv, bias, masks, index, heads, scale);
    auto reference = [&](const at::Tensor& qkv_in, const at::Tensor& bias_in, const at::Tensor& masks_in) {
      at::Tensor q5 = qkv_in.view({Wn, N, 3, heads, head_dim}).permute({2, 0, 3, 1, 4});
      at::Tensor attn = at::matmul(q5[0] * scale, q5[1].transpose(-2, -1)) + bias_in.unsqueeze(0);
      if (masked)
        attn = (attn.view({Wn / nW, nW, heads, N, N}) + masks_in.index_select(0, index).unsqueeze(1).unsqueeze(0))
                   .view({Wn, heads, N, N});
      return at::matmul(at::softmax(attn, -1), q5[2]).transpose(1, 2).reshape({Wn, N, C});
    };
    // Exact-ish reference in float64; the kernel must be as accurate as the float32 ATen formulation.
    at::Tensor ref64 = reference(qkv.to(at::kDouble), bias.to(at::kDouble),
                                 masked ? masks.to(at::kDouble) : at::Tensor());
    const double err_aten = max_abs_diff(reference(qkv, bias, masks), ref64);
    const double err_fused = max_abs_diff(got, ref64);
    qInfo("max |diff| to float64: fused %.3g, ATen float32 %.3g", err_fused, err_aten);
    QVERIFY(err_fused <= std::max(3 * err_aten, 1e-6));
  }

  void fusedAttentionSupport() {
    QVERIFY(glip::fused_window_attention_supported(49, 32));
    QVERIFY(glip::fused_window_attention_supported(144, 32));
    QVERIFY(!glip::fused_window_attention_supported(145, 32));  // window 13: the ATen formulation
    QVERIFY(!glip::fused_window_attention_supported(49, 2));    // tiny-l's head width
    QVERIFY(!glip::fused_window_attention_supported(0, 32));
  }

  void badInput() {
    c10::InferenceMode guard;
    glip::VisionBackbone bb(tiny_options());
    QVERIFY_THROWS_EXCEPTION(glip::Error, bb->forward(at::zeros({1, 4, 64, 64})));
    QVERIFY_THROWS_EXCEPTION(glip::Error, bb->forward(at::zeros({3, 64, 64})));
    QVERIFY_THROWS_EXCEPTION(glip::Error, bb->forward(at::zeros({1, 3, 64, 64}, at::kDouble)));
    auto o = tiny_options();
    o.fpn.in_channels_list = {0, 48, 96, 100};
    QVERIFY_THROWS_EXCEPTION(glip::Error, glip::VisionBackbone{o});
    o = tiny_options();
    o.swin.num_heads = {1, 2, 5, 6};  // 96 channels, 5 heads
    QVERIFY_THROWS_EXCEPTION(glip::Error, glip::VisionBackbone{o});
    glip::AnchorGeneratorOptions a;
    a.strides = {8, 16};
    QVERIFY_THROWS_EXCEPTION(glip::Error, glip::AnchorGenerator{a});
  }

  // Cell anchors by hand: stride 8, size 64, ratio 1: base (0,0,7,7), centre 3.5, width 64 -> 3.5 -+ 31.5.
  void cellAnchors() {
    at::Tensor a = glip::generate_cell_anchors(8, {64}, {1.0});
    QVERIFY(at::equal(a, at::tensor({-28.f, -28.f, 35.f, 35.f}).view({1, 4})));
    // ratio 0.5 on stride 16: w = round(sqrt(256/0.5)) = round(22.63) = 23, h = round(11.5) = 12 (half to even)
    at::Tensor b = glip::generate_cell_anchors(16, {16}, {0.5});
    QVERIFY(at::equal(b, at::tensor({7.5f - 11.f, 7.5f - 5.5f, 7.5f + 11.f, 7.5f + 5.5f}).view({1, 4})));
  }

  void golden_data() {
    QTest::addColumn<QString>("image");
    QTest::addColumn<bool>("fast");
    QTest::newRow("astronaut") << "astronaut" << true;
    QTest::newRow("coffee") << "coffee" << true;
    QTest::newRow("astronaut, plain ATen") << "astronaut" << false;
    QTest::newRow("coffee, plain ATen") << "coffee" << false;
  }
  void golden() {
    QFETCH(QString, image);
    QFETCH(bool, fast);
    c10::InferenceMode guard;
    const auto& weights = glip::test::tiny_weights();
    auto options = tiny_options();
    options.swin.fast_cpu_kernels = fast;
    glip::VisionBackbone bb(options);
    glip::io::load_state_dict(*bb, weights, "backbone.");
    glip::AnchorGenerator ag(glip::AnchorGeneratorOptions{});
    for (int l = 0; l < 5; ++l)  // generated = stored in the checkpoint
      QVERIFY(at::equal(ag->cell_anchors->named_buffers()[std::to_string(l)],
                        weights.at("rpn.anchor_generator.cell_anchors." + std::to_string(l))));
    glip::io::load_state_dict(*ag, weights, "rpn.anchor_generator.");

    const auto g = load_pt(kTiny + "/" + image.toStdString() + ".visual.pt");
    glip::TensorProbe probe;
    std::vector<at::Tensor> p = bb->forward(g.at("image.tensor"), &probe);
    QCOMPARE(p.size(), size_t(5));
    ag->forward(p, &probe);
    for (const char* prefix : {"swin.stage", "fpn.p"}) {
      double worst = 0;
      for (const auto& [name, ref] : g) {
        if (name.rfind(prefix, 0) != 0) continue;
        QVERIFY2(probe.has(name), name.c_str());
        const at::Tensor& got = probe.at(name);
        QVERIFY2(got.sizes().equals(ref.sizes()), name.c_str());
        const double d = max_abs_diff(got, ref);
        worst = std::max(worst, d);
        QVERIFY2(at::allclose(got, ref, 1e-4, 1e-4), (name + " max|diff| " + std::to_string(d)).c_str());
      }
      qInfo("%s: max |diff| over %s* = %.3g", image.toStdString().c_str(), prefix, worst);
    }
    for (int l = 3; l <= 7; ++l) {
      const std::string name = "anchors.p" + std::to_string(l);
      QVERIFY2(at::equal(probe.at(name), g.at(name)), name.c_str());
      QVERIFY(at::equal(p[l - 3], probe.at("fpn.p" + std::to_string(l))));
    }
  }

  // A batch of two images gives each image's single-image result (window bookkeeping and masks per image).
  void batchOfTwo() {
    c10::InferenceMode guard;
    glip::VisionBackbone bb(tiny_options());
    glip::io::load_state_dict(*bb, glip::test::tiny_weights(), "backbone.");
    const at::Tensor a = load_pt(kTiny + "/coffee.visual.pt").at("image.tensor");  // 1 x 3 x 320 x 480
    const at::Tensor b = a.flip({3}) * 0.5;
    for (bool fast : {true, false}) {
      bb->body->set_fast_cpu_kernels(fast);
      std::vector<at::Tensor> both = bb->forward(at::cat({a, b}, 0));
      std::vector<at::Tensor> pa = bb->forward(a), pb = bb->forward(b);
      for (size_t l = 0; l < both.size(); ++l) {
        QVERIFY(at::allclose(both[l][0], pa[l][0], 1e-5, 1e-5));
        QVERIFY(at::allclose(both[l][1], pb[l][0], 1e-5, 1e-5));
      }
    }
  }

  // Full-size GLIP-T (models/glip_Swin_T_O365_GoldG.yaml: Swin-T 96/(2,2,6,2)/(3,6,12,24), OUT_CHANNELS 256).
  void fullSizeNames() {
    glip::VisionBackbone bb(glip::VisionBackboneOptions{});
    const auto rows = glip::test::state_dict_rows("backbone.");
    QVERIFY(rows.size() > 100);
    const auto ours = glip::test::module_rows(*bb);
    QCOMPARE(ours.size(), rows.size());
    for (const auto& [name, desc] : rows) {
      auto it = ours.find(name);
      QVERIFY2(it != ours.end(), ("missing " + name).c_str());
      QVERIFY2(it->second == desc, (name + ": ours " + it->second + ", official " + desc).c_str());
    }
    glip::AnchorGenerator ag(glip::AnchorGeneratorOptions{});
    QVERIFY(glip::test::module_rows(*ag) == glip::test::state_dict_rows("rpn.anchor_generator."));
  }

  // Full-size Swin+FPN on a 800x1333 image (padded to 800x1344 as GLIP does), 2 threads; the fast CPU paths
  // against the plain ATen formulation, interleaved so that both see the same machine load. Then the fast path
  // again with glibc malloc kept off mmap (M_MMAP_MAX 0): without it every >32 MB intermediate (and much of the
  // rest, through heap trimming) is a fresh mapping, ~500k page faults per forward.
  void fullSizeSpeed() {
    c10::InferenceMode guard;
    at::set_num_threads(2);
    glip::VisionBackbone bb(glip::VisionBackboneOptions{});
    at::Tensor image = at::randn({1, 3, 800, 1344});
    double best_fast = 1e9, best_plain = 1e9, best_heap = 1e9;
    std::vector<at::Tensor> fast, plain;
    auto timed = [&](bool on, double& best, std::vector<at::Tensor>& out) {
      bb->body->set_fast_cpu_kernels(on);
      const auto t0 = std::chrono::steady_clock::now();
      out = bb->forward(image);
      best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    };
    for (int i = 0; i < 3; ++i) {
      timed(true, best_fast, fast);
      timed(false, best_plain, plain);
    }
#ifdef __GLIBC__
    mallopt(M_MMAP_MAX, 0);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    std::vector<at::Tensor> heap;
    double warm_up = 0;
    timed(true, warm_up, heap);  // first run fills the heap
    for (int i = 0; i < 3; ++i) timed(true, best_heap, heap);
    mallopt(M_MMAP_MAX, 65536);
    mallopt(M_TRIM_THRESHOLD, 128 * 1024);
    malloc_trim(0);
#endif
    QCOMPARE(fast.size(), size_t(5));
    QVERIFY(fast[0].sizes().equals({1, 256, 100, 168}));
    QVERIFY(fast[4].sizes().equals({1, 256, 7, 11}));
    double worst = 0;
    for (size_t l = 0; l < fast.size(); ++l) {
      QVERIFY(fast[l].is_contiguous());
      QVERIFY(at::isfinite(fast[l]).all().item<bool>());
      worst = std::max(worst, max_abs_diff(fast[l], plain[l]) / plain[l].abs().max().item<double>());
    }
    qInfo("full-size Swin-T + FPN at 800x1344, 2 threads, best of 3: fast %.3f s (%.3f s with malloc kept off "
          "mmap), plain ATen %.3f s; max |fast - plain| / max |P| = %.2g",
          best_fast, best_heap, best_plain, worst);
    QVERIFY(worst < 1e-4);
  }
};

QTEST_APPLESS_MAIN(TestVision)
#include "test_vision.moc"
