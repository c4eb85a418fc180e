// ops::linear / conv2d / matmul (core/ops/precision): fp32 weights give exactly the plain ATen ops; bf16 weights give
// the product of the bf16-rounded operands accumulated in fp32, rounded once to bf16 (relative 2^-9) and returned
// as fp32 with the fp32 bias added: against that exact product computed in fp32, err <= 2^-8 |y| (+ the fp32
// summation-order noise, 1e-5 relative).
#include <ATen/ATen.h>
#include <QtTest>
#include <c10/core/InferenceMode.h>

#include <cmath>

#include "core/ops/precision/precision.h"
#include "tests/common/tensors.h"

using glip::test::max_abs_diff;

namespace {
at::Tensor rounded(const at::Tensor& t) { return t.to(at::kBFloat16).to(at::kFloat); }

// max over elements of |got - want| - (2^-8 |want - bias_part| + 1e-5 |want| + 1e-6); <= 0 when within the bound.
double excess(const at::Tensor& got, const at::Tensor& product, const at::Tensor& want) {
  return ((got - want).abs() - (product.abs() * std::ldexp(1.0, -8) + want.abs() * 1e-5 + 1e-6)).max().item<double>();
}
}  // namespace

class TestPrecision : public QObject {
  Q_OBJECT
 private slots:
  void initTestCase() { at::manual_seed(7); }

  void fp32_is_plain_aten() {
    c10::InferenceMode guard;
    at::Tensor x = at::randn({5, 7, 32}), w = at::randn({24, 32}), b = at::randn({24});
    QVERIFY(at::equal(glip::ops::linear(x, w, b), at::linear(x, w, b)));
    at::Tensor img = at::randn({1, 8, 9, 11}), cw = at::randn({6, 8, 3, 3});
    QVERIFY(at::equal(glip::ops::conv2d(img, cw, b.narrow(0, 0, 6), 2, 1), at::conv2d(img, cw, b.narrow(0, 0, 6), 2, 1)));
    at::Tensor a = at::randn({3, 4, 16}), m = at::randn({3, 16, 5});
    QVERIFY(at::equal(glip::ops::matmul(a, m, at::kFloat), at::matmul(a, m)));
    QVERIFY(!glip::ops::is_bf16(w));
  }

  void bf16_linear() {
    c10::InferenceMode guard;
    at::Tensor x = at::randn({300, 96}), w16 = at::randn({64, 96}).to(at::kBFloat16), b = at::randn({64});
    at::Tensor got = glip::ops::linear(x.view({3, 100, 96}), w16, b).view({300, 64});
    QCOMPARE(got.scalar_type(), at::kFloat);
    at::Tensor product = at::linear(rounded(x), w16.to(at::kFloat));
    QVERIFY(excess(got, product, product + b) <= 0);
    QVERIFY(max_abs_diff(got, at::linear(x, w16.to(at::kFloat), b)) > 1e-4);  // the input was rounded
    QVERIFY(excess(glip::ops::linear(x, w16, {}), product, product) <= 0);    // no bias
  }

  void bf16_conv2d() {
    c10::InferenceMode guard;
    at::Tensor x = at::randn({1, 32, 17, 12}), w16 = at::randn({16, 32, 3, 3}).to(at::kBFloat16);
    at::Tensor b = at::randn({16});
    for (const auto format : {at::MemoryFormat::Contiguous, at::MemoryFormat::ChannelsLast}) {
      at::Tensor xi = x.contiguous(format);
      at::Tensor got = glip::ops::conv2d(xi, w16, b, 2, 1);
      QCOMPARE(got.scalar_type(), at::kFloat);
      QCOMPARE(got.sizes(), (at::IntArrayRef{1, 16, 9, 6}));
      at::Tensor product = at::conv2d(rounded(x), w16.to(at::kFloat), {}, 2, 1);
      QVERIFY(excess(got, product, product + b.view({1, -1, 1, 1})) <= 0);
    }
  }

  void bf16_matmul() {
    c10::InferenceMode guard;
    at::Tensor a = at::randn({4, 50, 32}), m = at::randn({4, 32, 40});
    at::Tensor got = glip::ops::matmul(a, m, at::kBFloat16);
    QCOMPARE(got.scalar_type(), at::kFloat);
    at::Tensor product = at::matmul(rounded(a), rounded(m));
    QVERIFY(excess(got, product, product) <= 0);
    QVERIFY(max_abs_diff(got, at::matmul(a, m)) > 1e-4);
  }
};

QTEST_APPLESS_MAIN(TestPrecision)
#include "test_precision.moc"
