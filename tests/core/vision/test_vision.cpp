// Vision backbone: Swin-T, FPN and anchors against the official outputs (tests/data/golden/tiny-a), window
// bookkeeping against an independent pad/roll/partition, full-size GLIP-T names and speed.
// torch before QtTest: Qt's `slots` macro breaks torch's headers.
#include <torch/serialize.h>
#include <torch/torch.h>

#include <QtTest>

#include <chrono>
#include <string>

#include "tests/core/language/golden_util.h"

#include "core/common/error.h"
#include "core/io/state_dict.h"
#include "core/model/probe.h"
#include "core/vision/anchors.h"
#include "core/vision/backbone.h"

using glip::test::load_pt;
using glip::test::max_abs_diff;

namespace {
const std::string kTiny = std::string(GLIP_TEST_DATA_DIR) + "/golden/tiny-a";

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
    at::Tensor xz = at::cat({x, at::zeros({B, 1, C})}, 1);
    at::Tensor win = xz.reshape({-1, C}).index_select(0, p.gather).view({-1, ws * ws, C});
    QVERIFY(at::equal(win, reference_windows(x, H, W, ws, shift)));
    at::Tensor back = win.reshape({-1, C}).index_select(0, p.scatter).view({B, H * W, C});
    QVERIFY(at::equal(back, x));
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
    QTest::newRow("astronaut") << "astronaut";
    QTest::newRow("coffee") << "coffee";
  }
  void golden() {
    QFETCH(QString, image);
    c10::InferenceMode guard;
    const auto& weights = glip::test::tiny_weights();
    glip::VisionBackbone bb(tiny_options());
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

  // Full-size Swin+FPN on a 800x1333 image (padded to 800x1344 as GLIP does), 2 threads.
  void fullSizeSpeed() {
    c10::InferenceMode guard;
    at::set_num_threads(2);
    glip::VisionBackbone bb(glip::VisionBackboneOptions{});
    at::Tensor image = at::randn({1, 3, 800, 1344});
    double best = 1e9;
    std::vector<at::Tensor> p;
    for (int i = 0; i < 3; ++i) {
      const auto t0 = std::chrono::steady_clock::now();
      p = bb->forward(image);
      best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    QCOMPARE(p.size(), size_t(5));
    QVERIFY(p[0].sizes().equals({1, 256, 100, 168}));
    QVERIFY(p[4].sizes().equals({1, 256, 7, 11}));
    for (const auto& t : p) QVERIFY(at::isfinite(t).all().item<bool>());
    qInfo("full-size Swin-T + FPN at 800x1344, 2 threads: best of 3 = %.3f s", best);
  }
};

QTEST_APPLESS_MAIN(TestVision)
#include "test_vision.moc"
