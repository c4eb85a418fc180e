// ops::linear / conv2d / matmul (core/ops/precision). fp32 weights give the plain fp32 products: on the CPU
// linear runs through oneDNN's convolution and a 2-D matmul in row blocks across the pool (a transposed a: in
// ops::gemm_tn's kernel), so against the float64 product each element is within the rigorous bound of a K-term
// float sum, K u sum_k |x_k w_k| (u = 2^-24), and
// elsewhere (conv2d, non-contiguous inputs) they are exactly the ATen ops; a batched matmul splits its items across
// the pool and keeps at::matmul's values exactly. bf16 weights give the
// product of the bf16-rounded operands accumulated in fp32, rounded once to bf16 (relative 2^-9) and returned as
// fp32 with the fp32 bias added: against that exact product computed in fp32, err <= 2^-8 |y| (+ the fp32
// summation-order noise, 1e-5 relative).
#include <ATen/ATen.h>
#include <QtTest>
#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>
#include <dlfcn.h>

#include <cmath>
#include <tuple>
#include <vector>

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
    at::Tensor b = at::randn({24});
    at::Tensor img = at::randn({1, 8, 9, 11}), cw = at::randn({6, 8, 3, 3});
    QVERIFY(at::equal(glip::ops::conv2d(img, cw, b.narrow(0, 0, 6), 2, 1), at::conv2d(img, cw, b.narrow(0, 0, 6), 2, 1)));
    at::Tensor a = at::randn({3, 4, 16}), m = at::randn({3, 16, 5});
    QVERIFY(at::equal(glip::ops::matmul(a, m, at::kFloat), at::matmul(a, m)));  // batched: the ATen op
    at::Tensor x = at::randn({32, 5}).t(), w = at::randn({24, 32});                // non-contiguous x
    QVERIFY(at::equal(glip::ops::linear(x, w, b), at::linear(x, w, b)));
    QVERIFY(!glip::ops::is_bf16(w));
  }

  // Batched products (attention heads) split across the pool give at::matmul's values bit for bit, on 1 and 3
  // threads: VLFuse's folds (a permuted weight view as b), BERT's 4-D heads (a transposed view), a batch of one,
  // items too small for the BLAS (< 400 multiply-adds, which at::bmm computes itself).
  void batched_matmul_keeps_aten_values() {
    c10::InferenceMode guard;
    const int before = at::get_num_threads();
    at::Tensor k = at::randn({8, 194, 256}), w = at::randn({256, 8, 256});
    at::Tensor q4 = at::randn({1, 194, 768}).view({1, 194, 12, 64}).permute({0, 2, 1, 3});
    at::Tensor k4 = at::randn({1, 194, 768}).view({1, 194, 12, 64}).permute({0, 2, 1, 3});
    const std::vector<std::pair<at::Tensor, at::Tensor>> cases = {
        {k, w.permute({1, 2, 0})},                   // H x T x d @ H x d x C (a permuted view)
        {k, at::randn({8, 256, 1})},                 // H x T x d @ H x d x 1
        {q4, k4.transpose(-1, -2)},                  // B x H x T x d @ B x H x d x T
        {at::randn({1, 50, 64}), at::randn({1, 64, 30})},  // one item
        {at::randn({5, 3, 4}), at::randn({5, 4, 2})},      // 24 multiply-adds per item
    };
    for (const int threads : {1, 3}) {
      glip::ops::set_num_threads(threads);
      for (const auto& [a, b] : cases) {
        const at::Tensor got = glip::ops::matmul(a, b, at::kFloat), want = at::matmul(a, b);
        QCOMPARE(got.sizes(), want.sizes());
        QVERIFY(at::equal(got, want));
      }
    }
    glip::ops::set_num_threads(before);
  }

  // One pool: after set_num_threads the BLAS runs in the calling thread (OpenBLAS, which libtorch links here, at
  // one thread), libtorch has the requested threads, and they reach the hand-written kernels' at::parallel_for.
  void one_thread_pool() {
    const int before = at::get_num_threads();
    QVERIFY(glip::ops::set_num_threads(3));
    QCOMPARE(at::get_num_threads(), 3);
    QVERIFY(glip::ops::blas_in_caller());
    // The hand-written kernels' at::parallel_for reaches the pool (they are compiled with libtorch's OpenMP).
    QCOMPARE(glip::ops::parallel_for_threads(), 3);
    QCOMPARE(glip::ops::parallel_for_threads(2), 2);
    using Get = int (*)();
    if (auto get = reinterpret_cast<Get>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"))) QCOMPARE(get(), 1);
    QVERIFY(glip::ops::set_num_threads(0));  // at least one thread
    QCOMPARE(at::get_num_threads(), 1);
    glip::ops::set_num_threads(before);
  }

  // fp32 linear on the CPU (oneDNN) and 2-D matmul (row blocks) against float64, within K u sum |x_k w_k|.
  void fp32_products_within_float_sum_bound() {
    c10::InferenceMode guard;
    const double u = std::ldexp(1.0, -24);
    glip::ops::set_num_threads(3);
    for (const auto& [rows, k, n] : std::vector<std::tuple<int64_t, int64_t, int64_t>>{
             {1, 768, 768}, {7, 64, 40}, {194, 768, 3072}, {300, 96, 64}}) {
      at::Tensor x = at::randn({rows, k}), w = at::randn({n, k}), b = at::randn({n});
      at::Tensor want = at::linear(x.to(at::kDouble), w.to(at::kDouble), b.to(at::kDouble));
      at::Tensor bound = at::mm(x.abs().to(at::kDouble), w.abs().t().to(at::kDouble)).add_(b.abs()).mul_(k * u);
      at::Tensor got = glip::ops::linear(x, w, b);
      QCOMPARE(got.sizes(), (at::IntArrayRef{rows, n}));
      QVERIFY((got.to(at::kDouble) - want).abs().le(bound).all().item<bool>());
      at::Tensor got3 = glip::ops::linear(x.view({1, rows, k}), w, {});  // 3-D input, no bias
      QCOMPARE(got3.sizes(), (at::IntArrayRef{1, rows, n}));
      QVERIFY((got3[0].to(at::kDouble) - (want - b.to(at::kDouble))).abs().le(bound).all().item<bool>());
    }
    // P_l^T v as VLFuse takes it: a transposed view of a (rows not a multiple of the blocks) times v (the gemm_tn
    // kernel where the CPU has AVX-512), and a row-major a (row blocks across the pool).
    for (const int64_t rows : {7, 100, 1552}) {
      for (const bool transposed : {true, false}) {
        at::Tensor e = at::rand({3000, rows}), v = at::randn({3000, 48});
        at::Tensor got = glip::ops::matmul(transposed ? e.t() : e.t().contiguous(), v, at::kFloat);
        at::Tensor want = at::mm(e.t().to(at::kDouble), v.to(at::kDouble));
        at::Tensor bound = at::mm(e.t().to(at::kDouble), v.abs().to(at::kDouble)).mul_(3000 * u);
        QCOMPARE(got.sizes(), (at::IntArrayRef{rows, 48}));
        QVERIFY((got.to(at::kDouble) - want).abs().le(bound).all().item<bool>());
        QVERIFY(max_abs_diff(got, at::zeros_like(got)) > 1);  // not vacuous: every block was written
        QVERIFY(max_abs_diff(got.narrow(0, rows - 1, 1), want.narrow(0, rows - 1, 1).to(at::kFloat)) < 1e-2);
      }
    }
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
