// The CUDA kernels' arithmetic on the host. deform_conv_cuda.cu and nms_cuda.cu run the host + device functions of
// deform_conv_im2col.h and nms_mask.h once per grid element; here the same functions run over the whole grid on the
// CPU (the same code, compiled by the host compiler) and what the CUDA ops compute from them (the im2col columns
// times the weight; the host scan of the mask) must equal the CPU kernels, which test_ops_deform_conv and
// test_ops_nms prove against scalar references of the official kernels. What this cannot show (launch bounds,
// device memory, FMA contraction) is checked on a GPU by scripts/device-check.sh.
#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <numeric>
#include <vector>

#include "core/ops/deform_conv/deform_conv.h"
#include "core/ops/deform_conv/deform_conv_im2col.h"
#include "core/ops/nms/nms.h"
#include "core/ops/nms/nms_mask.h"
#include "tests/common/tensors.h"
#include <QtTest>  // after torch: Qt's `slots` macro breaks ATen headers

using namespace glip::ops;
using namespace glip::ops::detail;

namespace {

// modulated_deform_conv2d as deform_conv_cuda.cpp computes it, with the kernel's grid run on the host.
template <typename T>
at::Tensor emulated_deform_conv(const at::Tensor& x, const at::Tensor& off, const at::Tensor& mask,
                                const at::Tensor& weight, const at::Tensor& bias, const DeformConvParams& p) {
  const int64_t N = x.size(0), C = x.size(1), Cout = weight.size(0), kh = weight.size(2), kw = weight.size(3);
  const int64_t K = kh * kw, G = p.groups, Ho = off.size(2), Wo = off.size(3), L = Ho * Wo;
  at::Tensor cols = at::empty({N, C * K, L}, x.options());
  const DeformIm2colArgs<T> a = deform_im2col_args(x.data_ptr<T>(), off.data_ptr<T>(), mask.data_ptr<T>(),
                                                    cols.data_ptr<T>(), x.sizes().vec(), kh, kw, off.size(2),
                                                    off.size(3), p);
  for (int64_t i = 0; i < a.count(); ++i) deform_im2col_element(a, i);
  at::Tensor out = at::matmul(weight.reshape({G, Cout / G, (C / G) * K}).unsqueeze(0), cols.view({N, G, (C / G) * K, L}))
                       .view({N, Cout, Ho, Wo});
  return bias.defined() ? out + bias.view({1, Cout, 1, 1}) : out;
}

}  // namespace

class TestOpsCudaEmulation : public QObject {
  Q_OBJECT
 private slots:
  void initTestCase() { at::manual_seed(20261207); }

  void deformConv_data() {
    QTest::addColumn<int>("stride");
    QTest::addColumn<int>("dilation");
    QTest::addColumn<int>("groups");
    QTest::addColumn<int>("dg");
    QTest::addColumn<double>("range");
    QTest::newRow("GLIP's DyConv (3x3, pad 1)") << 1 << 1 << 1 << 1 << 2.0;
    QTest::newRow("stride 2 (DyConv's downsampling)") << 2 << 1 << 1 << 1 << 2.0;
    QTest::newRow("far outside") << 1 << 1 << 1 << 1 << 12.0;
    QTest::newRow("dg2 g2 d2") << 1 << 2 << 2 << 2 << 3.0;
  }
  void deformConv() {
    QFETCH(int, stride);
    QFETCH(int, dilation);
    QFETCH(int, groups);
    QFETCH(int, dg);
    QFETCH(double, range);
    c10::InferenceMode guard;
    const DeformConvParams p{stride, dilation, dilation, groups, dg};
    const int64_t n = 2, cin = 8, cout = 6, h = 11, w = 9, k = 3;
    for (const at::ScalarType dt : {at::kDouble, at::kFloat}) {
      const at::Tensor x = at::randn({n, cin, h, w}, dt), wt = at::randn({cout, cin / groups, k, k}, dt);
      const at::Tensor bias = at::randn({cout}, dt);
      const int64_t ho = (h + 2 * dilation - (dilation * (k - 1) + 1)) / stride + 1;
      const int64_t wo = (w + 2 * dilation - (dilation * (k - 1) + 1)) / stride + 1;
      const at::Tensor off = glip::test::deform_offsets({n, 2 * dg * k * k, ho, wo}, range, dt);
      const at::Tensor mask = at::rand({n, dg * k * k, ho, wo}, dt);
      const at::Tensor want = modulated_deform_conv2d(x, off, mask, wt, bias, p);
      const at::Tensor got = dt == at::kDouble ? emulated_deform_conv<double>(x, off, mask, wt, bias, p)
                                               : emulated_deform_conv<float>(x, off, mask, wt, bias, p);
      const double err = (got - want).abs().max().item<double>();
      const double scale = want.abs().max().item<double>();
      qInfo("%s: max |emulated CUDA - CPU kernel| = %.3g (max |out| %.3g)", dt == at::kDouble ? "float64" : "float32",
            err, scale);
      QVERIFY(err <= (dt == at::kDouble ? 1e-12 : 1e-5) * std::max(1.0, scale));
    }
  }

  // Exact borders: y == -1 and y == H read 0; y = -0.5 reads half the row below (the upper corners are outside).
  void deformBorders() {
    c10::InferenceMode guard;
    const DeformConvParams p{1, 0, 1, 1, 1};
    const at::Tensor x = at::arange(1, 13, at::kFloat).view({1, 1, 3, 4});
    const at::Tensor wt = at::ones({1, 1, 1, 1}), mask = at::ones({1, 1, 3, 4});
    at::Tensor off = at::zeros({1, 2, 3, 4});
    off[0][0][0][0] = -1.0f;
    off[0][1][0][1] = -2.0f;
    off[0][0][2][0] = 1.0f;
    off[0][0][0][2] = -0.5f;
    off[0][1][1][3] = 0.25f;
    at::Tensor want = x.clone();
    want[0][0][0][0] = 0.f;
    want[0][0][0][1] = 0.f;
    want[0][0][2][0] = 0.f;
    want[0][0][0][2] = 1.5f;
    want[0][0][1][3] = 6.f;
    QCOMPARE((emulated_deform_conv<float>(x, off, mask, wt, at::Tensor(), p) - want).abs().max().item<float>(), 0.f);
  }

  // 40 random sets (repeated scores, few labels, 0..300 boxes: words of 64 and a partial last one): the mask built
  // word by word as the kernel's threads build it, then the host scan, equal the CPU kernel exactly: kept indices,
  // suppressors and IoUs.
  void nmsMaskAndScan() {
    c10::InferenceMode guard;
    int64_t suppressed = 0;
    for (int set = 0; set < 40; ++set) {
      const int64_t n = set == 0 ? 0 : at::randint(1, 300, {1}).item<int64_t>();
      const at::Tensor xy = at::rand({n, 2}) * 200, wh = at::rand({n, 2}) * 60 + 1;
      const at::Tensor boxes = at::cat({xy, xy + wh}, 1).contiguous();
      const at::Tensor scores = (at::rand({n}) * 20).floor() / 20;
      const at::Tensor labels = at::randint(1, 6, {n}, at::kLong);
      const float thr = set % 2 ? 0.6f : 0.3f;
      const NmsResult want = ml_nms_explained(boxes, scores, labels, thr);

      // As nms_cuda.cpp: stable descending sort, boxes and labels in that order, the mask, the host side.
      const at::Tensor order = std::get<1>(at::sort(scores, /*stable=*/true, /*dim=*/0, /*descending=*/true));
      const at::Tensor sb = boxes.index_select(0, order).contiguous(), sl = labels.index_select(0, order).contiguous();
      const int64_t words = nms_words(n);
      std::vector<uint64_t> mask(static_cast<size_t>(n * words));
      for (int64_t row = 0; row < n; ++row)
        for (int64_t wd = 0; wd < words; ++wd)
          mask[static_cast<size_t>(row * words + wd)] =
              nms_mask_word(sb.data_ptr<float>(), sl.data_ptr<int64_t>(), n, row, wd, thr);
      std::vector<int64_t> keep, by(static_cast<size_t>(n));
      std::vector<float> iou(static_cast<size_t>(n));
      nms_explain(mask.data(), order.data_ptr<int64_t>(), sb.data_ptr<float>(), n, &keep, by.data(), iou.data());

      QCOMPARE(static_cast<int64_t>(keep.size()), want.keep.numel());
      for (size_t i = 0; i < keep.size(); ++i) QCOMPARE(keep[i], want.keep[static_cast<int64_t>(i)].item<int64_t>());
      for (int64_t i = 0; i < n; ++i) {
        QCOMPARE(by[static_cast<size_t>(i)], want.suppressed_by[i].item<int64_t>());
        QCOMPARE(iou[static_cast<size_t>(i)], want.suppression_iou[i].item<float>());
      }
      suppressed += n - static_cast<int64_t>(keep.size());
    }
    QVERIFY(suppressed > 100);  // the sets really exercise suppression
  }
};

QTEST_GUILESS_MAIN(TestOpsCudaEmulation)
#include "test_ops_cuda_emulation.moc"
