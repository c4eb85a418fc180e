// modulated_deform_conv2d: equality with at::conv2d for zero offsets / unit mask, and with an independent naive
// scalar reference of maskrcnn_benchmark's modulated_deformable_im2col_gpu_kernel for random offsets and masks.
// Every case runs twice: the CPU kernel, then the device-generic ATen implementation (DeformConvParams::generic).
#include <ATen/ATen.h>
#include <QtTest>
#include <c10/core/InferenceMode.h>

#include <cmath>

#include "core/common/error.h"
#include "tests/common/kernel_passes.h"
#include "core/ops/deform_conv/deform_conv.h"
#include "tests/common/tensors.h"

using glip::ops::DeformConvParams;
using glip::test::max_abs_diff;

namespace {

bool g_generic = false;  // which implementation this pass tests
at::Tensor deform(const at::Tensor& x, const at::Tensor& off, const at::Tensor& mask, const at::Tensor& w,
                  const at::Tensor& b, DeformConvParams p) {
  p.generic = g_generic;
  return glip::ops::modulated_deform_conv2d(x, off, mask, w, b, p);
}

// Written from the CUDA kernel's formula, one sample at a time, with the per-corner checks (no shared code).
float kernel_bilinear(const float* im, int height, int width, float h, float w) {
  const int h_low = static_cast<int>(std::floor(h)), w_low = static_cast<int>(std::floor(w));
  const int h_high = h_low + 1, w_high = w_low + 1;
  const float lh = h - h_low, lw = w - w_low, hh = 1 - lh, hw = 1 - lw;
  float v1 = 0, v2 = 0, v3 = 0, v4 = 0;
  if (h_low >= 0 && w_low >= 0) v1 = im[h_low * width + w_low];
  if (h_low >= 0 && w_high <= width - 1) v2 = im[h_low * width + w_high];
  if (h_high <= height - 1 && w_low >= 0) v3 = im[h_high * width + w_low];
  if (h_high <= height - 1 && w_high <= width - 1) v4 = im[h_high * width + w_high];
  return hh * hw * v1 + hh * lw * v2 + lh * hw * v3 + lh * lw * v4;
}

at::Tensor naive_reference(const at::Tensor& input, const at::Tensor& offset, const at::Tensor& mask,
                           const at::Tensor& weight, const at::Tensor& bias, const DeformConvParams& p) {
  const at::Tensor in = input.contiguous(), off = offset.contiguous(), msk = mask.contiguous();
  const at::Tensor wt = weight.contiguous().to(at::kDouble);
  const int n = in.size(0), cin = in.size(1), h = in.size(2), w = in.size(3);
  const int cout = wt.size(0), cpg_in = wt.size(1), kh = wt.size(2), kw = wt.size(3);
  const int ho = off.size(2), wo = off.size(3);
  const int g = p.groups, dg = p.deformable_groups, cpdg = cin / dg;
  at::Tensor out = at::zeros({n, cout, ho, wo}, at::kDouble);
  auto o = out.accessor<double, 4>();
  auto wa = wt.accessor<double, 4>();
  const float* inp = in.data_ptr<float>();
  auto oa = off.accessor<float, 4>();
  auto ma = msk.accessor<float, 4>();
  for (int b = 0; b < n; ++b)
    for (int co = 0; co < cout; ++co) {
      const int grp = co / (cout / g);
      for (int y = 0; y < ho; ++y)
        for (int x = 0; x < wo; ++x) {
          double acc = bias.defined() ? bias[co].item<double>() : 0.0;
          for (int cl = 0; cl < cpg_in; ++cl) {
            const int c = grp * cpg_in + cl, d = c / cpdg;
            for (int i = 0; i < kh; ++i)
              for (int j = 0; j < kw; ++j) {
                const int k = i * kw + j;
                const float dy = oa[b][d * 2 * kh * kw + 2 * k][y][x];
                const float dx = oa[b][d * 2 * kh * kw + 2 * k + 1][y][x];
                const float m = ma[b][d * kh * kw + k][y][x];
                const float h_im = (y * p.stride - p.padding) + i * p.dilation + dy;
                const float w_im = (x * p.stride - p.padding) + j * p.dilation + dx;
                float val = 0;
                if (h_im > -1 && w_im > -1 && h_im < h && w_im < w)
                  val = kernel_bilinear(inp + (static_cast<int64_t>(b) * cin + c) * h * w, h, w, h_im, w_im);
                acc += wa[co][cl][i][j] * static_cast<double>(val * m);
              }
          }
          o[b][co][y][x] = acc;
        }
    }
  return out.to(at::kFloat);
}

int64_t out_size(int64_t in, int64_t k, const DeformConvParams& p) {
  return (in + 2 * p.padding - (p.dilation * (k - 1) + 1)) / p.stride + 1;
}

at::Tensor make_offsets(int64_t n, int64_t c, int64_t ho, int64_t wo, double r) {
  return glip::test::deform_offsets({n, c, ho, wo}, r);
}

}  // namespace

class TestDeformConv : public QObject {
  Q_OBJECT
 private slots:
  void initTestCase() { at::manual_seed(1234); }

  void zero_offsets_equal_conv2d_data() {
    QTest::addColumn<int>("k");
    QTest::addColumn<int>("stride");
    QTest::addColumn<int>("padding");
    QTest::addColumn<int>("dilation");
    QTest::addColumn<int>("groups");
    QTest::newRow("3x3 s1 p1") << 3 << 1 << 1 << 1 << 1;
    QTest::newRow("3x3 s2 p1") << 3 << 2 << 1 << 1 << 1;
    QTest::newRow("3x3 s1 p0") << 3 << 1 << 0 << 1 << 1;
    QTest::newRow("3x3 s2 p2 d2") << 3 << 2 << 2 << 2 << 1;
    QTest::newRow("3x3 s1 p1 g2") << 3 << 1 << 1 << 1 << 2;
    QTest::newRow("3x3 s2 p3 d3 g4") << 3 << 2 << 3 << 3 << 4;
    QTest::newRow("1x1 s1 p0") << 1 << 1 << 0 << 1 << 1;
    QTest::newRow("5x5 s1 p2") << 5 << 1 << 2 << 1 << 1;
  }
  void zero_offsets_equal_conv2d() {
    QFETCH(int, k);
    QFETCH(int, stride);
    QFETCH(int, padding);
    QFETCH(int, dilation);
    QFETCH(int, groups);
    c10::InferenceMode guard;
    DeformConvParams p{stride, padding, dilation, groups, 1};
    const int64_t n = 2, cin = 8, cout = 12, h = 13, w = 17;
    at::Tensor x = at::randn({n, cin, h, w});
    at::Tensor wt = at::randn({cout, cin / groups, k, k}) / std::sqrt(cin * k * k / groups);
    at::Tensor bias = at::randn({cout});
    const int64_t ho = out_size(h, k, p), wo = out_size(w, k, p);
    at::Tensor off = at::zeros({n, 2 * k * k, ho, wo});
    at::Tensor mask = at::ones({n, k * k, ho, wo});
    at::Tensor got = deform(x, off, mask, wt, bias, p);
    at::Tensor want = at::conv2d(x, wt, bias, stride, padding, dilation, groups);
    QCOMPARE(got.sizes(), want.sizes());
    const double err = max_abs_diff(got, want);
    qInfo("max |deform - conv2d| = %.3g", err);
    QVERIFY(err < 1e-5);
    // Without bias.
    QVERIFY(max_abs_diff(deform(x, off, mask, wt, at::Tensor(), p),
                         at::conv2d(x, wt, {}, stride, padding, dilation, groups)) < 1e-5);
  }

  void random_offsets_match_kernel_formula_data() {
    QTest::addColumn<int>("stride");
    QTest::addColumn<int>("dilation");
    QTest::addColumn<int>("groups");
    QTest::addColumn<int>("dg");
    QTest::addColumn<double>("range");
    QTest::newRow("dg1 small") << 1 << 1 << 1 << 1 << 1.5;
    QTest::newRow("dg1 far outside") << 1 << 1 << 1 << 1 << 12.0;
    QTest::newRow("dg2") << 1 << 1 << 1 << 2 << 4.0;
    QTest::newRow("dg2 g2 s2") << 2 << 1 << 2 << 2 << 4.0;
    QTest::newRow("dg2 d2") << 1 << 2 << 1 << 2 << 3.0;
  }
  void random_offsets_match_kernel_formula() {
    QFETCH(int, stride);
    QFETCH(int, dilation);
    QFETCH(int, groups);
    QFETCH(int, dg);
    QFETCH(double, range);
    c10::InferenceMode guard;
    DeformConvParams p{stride, dilation, dilation, groups, dg};
    const int64_t n = 2, cin = 8, cout = 6, h = 11, w = 9, k = 3;
    at::Tensor x = at::randn({n, cin, h, w});
    at::Tensor wt = at::randn({cout, cin / groups, k, k});
    at::Tensor bias = at::randn({cout});
    const int64_t ho = out_size(h, k, p), wo = out_size(w, k, p);
    at::Tensor off = make_offsets(n, 2 * dg * k * k, ho, wo, range);
    at::Tensor mask = at::rand({n, dg * k * k, ho, wo});
    at::Tensor got = deform(x, off, mask, wt, bias, p);
    at::Tensor want = naive_reference(x, off, mask, wt, bias, p);
    const double err = max_abs_diff(got, want);
    qInfo("max |deform - naive| = %.3g (max |out| %.3g)", err, want.abs().max().item<double>());
    QVERIFY(err < 1e-4);
    // The result really depends on the offsets (the reference is not trivially equal to conv2d).
    QVERIFY(max_abs_diff(want, at::conv2d(x, wt, bias, stride, dilation, dilation, groups)) > 1e-2);
  }

  // Exact boundary: h_im == -1 and h_im == H must read 0, h_im just inside must not.
  void boundary_samples() {
    c10::InferenceMode guard;
    DeformConvParams p{1, 0, 1, 1, 1};
    at::Tensor x = at::arange(1, 13, at::kFloat).view({1, 1, 3, 4});
    at::Tensor wt = at::ones({1, 1, 1, 1});
    at::Tensor mask = at::ones({1, 1, 3, 4});
    at::Tensor off = at::zeros({1, 2, 3, 4});
    off[0][0][0][0] = -1.0f;   // h_im = -1 -> 0
    off[0][1][0][1] = -2.0f;   // w_im = -1 -> 0
    off[0][0][2][0] = 1.0f;    // h_im = 3 = H -> 0
    off[0][0][0][2] = -0.5f;   // h_im = -0.5: half of x[0][2] (upper corners read 0)
    off[0][1][1][3] = 0.25f;   // w_im = 3.25: right corners outside, 0.75 * x[1][3]
    at::Tensor got = deform(x, off, mask, wt, at::Tensor(), p);
    at::Tensor want = x.clone();
    want[0][0][0][0] = 0.f;
    want[0][0][0][1] = 0.f;
    want[0][0][2][0] = 0.f;
    want[0][0][0][2] = 0.5f * 3.f;
    want[0][0][1][3] = 0.75f * 8.f;
    QVERIFY(max_abs_diff(got, want) < 1e-6);
    QVERIFY(max_abs_diff(got, naive_reference(x, off, mask, wt, at::Tensor(), p)) < 1e-6);
  }

  // DyConv[0] on level l+1 reads the level-l offset/mask buffers as a contiguous prefix: the caller builds a
  // non-owning view of the prefix; the mask is a channel slice of the 27-channel offset conv output.
  void dyconv_prefix_view() {
    c10::InferenceMode guard;
    DeformConvParams p{1, 1, 1, 1, 1};
    const int64_t c = 8, hl = 10, wl = 14, hs = 5, ws = 7;
    at::Tensor om = at::randn({1, 27, hl, wl}) * 2;  // level-l offset conv output
    at::Tensor off_l = om.narrow(1, 0, 18).contiguous();
    at::Tensor mask_l = om.narrow(1, 18, 9).sigmoid();
    at::Tensor off_view = off_l.view({-1}).narrow(0, 0, 18 * hs * ws).view({1, 18, hs, ws});
    at::Tensor mask_view = mask_l.view({-1}).narrow(0, 0, 9 * hs * ws).view({1, 9, hs, ws});
    QVERIFY(off_view.data_ptr() == off_l.data_ptr());  // a view, not a copy
    at::Tensor x = at::randn({1, c, hs, ws});
    at::Tensor wt = at::randn({c, c, 3, 3});
    at::Tensor bias = at::randn({c});
    at::Tensor got = deform(x, off_view, mask_view, wt, bias, p);
    at::Tensor want = naive_reference(x, off_view.clone(), mask_view.clone(), wt, bias, p);
    QVERIFY(max_abs_diff(got, want) < 1e-4);
    // Non-contiguous mask slice straight from the 27-channel output (level-l shapes).
    at::Tensor xl = at::randn({1, c, hl, wl});
    at::Tensor mask_slice = om.narrow(1, 18, 9);
    QVERIFY(mask_slice.storage_offset() == 18 * hl * wl);  // reads from inside the 27-channel buffer
    at::Tensor got_l = deform(xl, om.narrow(1, 0, 18), mask_slice, wt, bias, p);
    QVERIFY(max_abs_diff(got_l, naive_reference(xl, off_l, mask_slice.contiguous(), wt, bias, p)) < 1e-4);
  }

  // Large enough that the implementation processes the output in several row bands.
  void multi_band_image() {
    c10::InferenceMode guard;
    DeformConvParams p{1, 1, 1, 1, 1};
    const int64_t cin = 64, cout = 3, h = 100, w = 168;
    at::Tensor x = at::randn({1, cin, h, w});
    at::Tensor wt = at::randn({cout, cin, 3, 3});
    at::Tensor bias = at::randn({cout});
    at::Tensor off = make_offsets(1, 18, h, w, 3.0);
    at::Tensor mask = at::rand({1, 9, h, w});
    const double err = max_abs_diff(deform(x, off, mask, wt, bias, p),
                                    naive_reference(x, off, mask, wt, bias, p));
    qInfo("max |deform - naive| = %.3g", err);
    QVERIFY(err < 1e-4);
  }

  // float64 runs the same code path in double precision.
  void double_precision() {
    c10::InferenceMode guard;
    DeformConvParams p{1, 1, 1, 1, 2};
    at::Tensor x = at::randn({1, 4, 9, 7});
    at::Tensor wt = at::randn({5, 4, 3, 3});
    at::Tensor off = make_offsets(1, 36, 9, 7, 3.0);
    at::Tensor mask = at::rand({1, 18, 9, 7});
    at::Tensor got = deform(x.to(at::kDouble), off.to(at::kDouble), mask.to(at::kDouble),
                                             wt.to(at::kDouble), at::Tensor(), p);
    QCOMPARE(got.scalar_type(), at::kDouble);
    QVERIFY(max_abs_diff(got.to(at::kFloat), naive_reference(x, off, mask, wt, at::Tensor(), p)) < 1e-4);
  }

  // A bf16 weight with a float32 input (ModelParams::precision bf16): the samples are computed in fp32 and
  // rounded to bf16, the product accumulates in fp32, the bias is rounded to bf16, the result is float32. Against
  // the exact result with the bf16-rounded weight, each output may then differ by the rounding of its samples,
  // of the bias and of the output itself (relative 2^-9 each, 2^-8 taken): err <= 2^-8 (sum|w||sample| + |b| + |y|),
  // where sum|w||sample| <= the same deformable convolution of |x| with |w| (bilinear weights and mask are >= 0).
  void bf16_weight() {
    c10::InferenceMode guard;
    DeformConvParams p{1, 1, 1, 1, 1};
    const int64_t n = 1, cin = 16, cout = 8, h = 13, w = 10;
    at::Tensor x = at::randn({n, cin, h, w});
    at::Tensor wt16 = at::randn({cout, cin, 3, 3}).to(at::kBFloat16);
    at::Tensor bias = at::randn({cout});
    at::Tensor off = make_offsets(n, 18, h, w, 3.0);
    at::Tensor mask = at::rand({n, 9, h, w});
    at::Tensor got = deform(x, off, mask, wt16, bias, p);
    QCOMPARE(got.scalar_type(), at::kFloat);
    at::Tensor wt = wt16.to(at::kFloat);
    at::Tensor want = naive_reference(x, off, mask, wt, bias, p);
    at::Tensor mag = naive_reference(x.abs(), off, mask, wt.abs(), at::Tensor(), p);
    at::Tensor bound = (mag + bias.abs().view({1, -1, 1, 1}) + want.abs()) * std::ldexp(1.0, -8);
    const double excess = ((got - want).abs() - bound).max().item<double>();
    qInfo("bf16: max |deform - naive| = %.3g, max bound %.3g", max_abs_diff(got, want), bound.max().item<double>());
    QVERIFY(excess <= 0);
    // The CPU kernel did run in bf16: the fp32 kernel with the same (rounded) weight gives other values. The
    // generic version widens a bf16 weight to fp32 (documented): the fp32 result.
    if (!g_generic)
      QVERIFY(max_abs_diff(got, deform(x, off, mask, wt, bias, p)) > 1e-4);
    else
      QVERIFY(max_abs_diff(got, deform(x, off, mask, wt, bias, p)) == 0);
    // bf16 weights need a float32 input on the CPU.
    QVERIFY_THROWS_EXCEPTION(glip::Error, deform(x.to(at::kDouble), off.to(at::kDouble),
                                                                  mask.to(at::kDouble), wt16, {}, p));
  }

  void bad_input_throws() {
    c10::InferenceMode guard;
    DeformConvParams p;
    at::Tensor x = at::randn({1, 4, 8, 8});
    at::Tensor wt = at::randn({4, 4, 3, 3});
    at::Tensor off = at::zeros({1, 18, 8, 8}), mask = at::ones({1, 9, 8, 8});
    QVERIFY_THROWS_EXCEPTION(glip::Error, deform(x, off.narrow(2, 0, 4), mask, wt, {}, p));
    QVERIFY_THROWS_EXCEPTION(glip::Error, deform(x, off, mask.narrow(1, 0, 8), wt, {}, p));
    QVERIFY_THROWS_EXCEPTION(glip::Error, deform(x, off, mask, at::randn({4, 3, 3, 3}), {}, p));
    QVERIFY_THROWS_EXCEPTION(glip::Error, deform(x, off, mask, wt, at::randn({5}), p));
    QVERIFY_THROWS_EXCEPTION(glip::Error, deform(x.to(at::kHalf), off, mask, wt, {}, p));
    QVERIFY_THROWS_EXCEPTION(glip::Error, deform(x[0], off, mask, wt, {}, p));
  }
};

int main(int argc, char** argv) {
  TestDeformConv t;
  return glip::test::exec_cpu_and_generic(t, g_generic, "modulated_deform_conv2d", argc, argv);
}
#include "test_deform_conv.moc"
