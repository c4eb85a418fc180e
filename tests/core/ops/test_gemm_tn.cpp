// ops::gemm_tn (core/ops/gemm_tn): C = A^T B for A: K x M, B: K x N. The CPU kernel (AVX-512 register tiles, K in
// blocks, row panels across the pool) against
//  - exact integer products: small integers whose every partial sum is exact in fp32, so any indexing, packing or
//    blocking error shows as an inequality (shapes cut every block and tile boundary: M around the 6-row panel,
//    K around the 128-row block, N = 16..80 around the 64-column slice);
//  - a float64 product of random floats, within the rigorous bound of a K-term float sum, K u sum_k |a_k b_k|, at
//    VLFuse's shape (22k x 1552 times 22k x 256 in a scaled-down K) on 1 and 3 threads;
//  - the device-generic path (at::mm of the transposed view), which `generic` and other dtypes / widths take.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <QtTest>
#include <c10/core/InferenceMode.h>

#include <cmath>
#include <string>
#include <tuple>
#include <vector>

#include "core/common/error.h"
#include "core/ops/gemm_tn/gemm_tn.h"
#include "tests/common/tensors.h"

using glip::test::max_abs_diff;

class TestGemmTn : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    at::manual_seed(11);
    if (!glip::ops::gemm_tn_cpu_kernel_available())
      qWarning("this CPU has no AVX-512: gemm_tn takes its generic path, the kernel cases test at::mm");
  }

  void exact_on_integers() {
    c10::InferenceMode guard;
    for (const int threads : {1, 3}) {
      at::set_num_threads(threads);
      for (const auto& [k, m, n] : std::vector<std::tuple<int64_t, int64_t, int64_t>>{
               {1, 1, 16}, {127, 5, 16}, {128, 6, 32}, {129, 7, 48}, {300, 13, 64}, {257, 37, 80},
               {384, 100, 256}, {1000, 1552, 16}}) {
        // Entries in [-4, 4]: |partial sums| <= 16 K < 2^24, so fp32 sums them exactly in any order.
        at::Tensor a = at::randint(-4, 5, {k, m}), b = at::randint(-4, 5, {k, n});
        at::Tensor want = at::mm(a.t().to(at::kDouble), b.to(at::kDouble));
        at::Tensor got = glip::ops::gemm_tn(a.to(at::kFloat), b.to(at::kFloat));
        const std::string shape = std::to_string(k) + "x" + std::to_string(m) + "x" + std::to_string(n);
        QVERIFY2(got.sizes() == (at::IntArrayRef{m, n}), shape.c_str());
        QVERIFY2(at::equal(got.to(at::kDouble), want), ("not exact at " + shape).c_str());
      }
    }
  }

  void within_float_sum_bound() {
    c10::InferenceMode guard;
    const double u = std::ldexp(1.0, -24);
    for (const int threads : {1, 3}) {
      at::set_num_threads(threads);
      // VLFuse's e (>= 0, softmax numerators) and v (layer-normed features) in a scaled-down K.
      const int64_t k = 3001, m = 1552, n = 256;
      at::Tensor a = at::rand({k, m}), b = at::randn({k, n});
      at::Tensor want = at::mm(a.t().to(at::kDouble), b.to(at::kDouble));
      at::Tensor bound = at::mm(a.t().to(at::kDouble), b.abs().to(at::kDouble)).mul_(k * u);
      at::Tensor got = glip::ops::gemm_tn(a, b);
      QVERIFY((got.to(at::kDouble) - want).abs().le(bound).all().item<bool>());
      QVERIFY(max_abs_diff(got, at::zeros_like(got)) > 1);  // not vacuous
    }
  }

  void generic_path_and_fallbacks() {
    c10::InferenceMode guard;
    at::set_num_threads(2);
    at::Tensor a = at::randn({200, 30}), b = at::randn({200, 64});
    QVERIFY(at::equal(glip::ops::gemm_tn(a, b, /*generic=*/true), at::mm(a.t(), b)));
    at::Tensor b40 = at::randn({200, 40});  // width not a multiple of 16
    QVERIFY(at::equal(glip::ops::gemm_tn(a, b40), at::mm(a.t(), b40)));
    at::Tensor ad = a.to(at::kDouble), bd = b.to(at::kDouble);  // other dtypes
    QVERIFY(at::equal(glip::ops::gemm_tn(ad, bd), at::mm(ad.t(), bd)));
    at::Tensor at_ = at::randn({30, 200}).t();  // not contiguous
    QVERIFY(at::equal(glip::ops::gemm_tn(at_, b), at::mm(at_.t(), b)));
    // K = 0: zeros.
    at::Tensor z = glip::ops::gemm_tn(at::empty({0, 7}), at::empty({0, 32}));
    QVERIFY(z.sizes() == (at::IntArrayRef{7, 32}) && z.eq(0).all().item<bool>());
    // Mismatched K: a specific error, not a crash.
    bool threw = false;
    try {
      glip::ops::gemm_tn(at::randn({5, 3}), at::randn({6, 16}));
    } catch (const glip::Error& e) {
      threw = std::string(e.what()).find("same K") != std::string::npos;
    }
    QVERIFY(threw);
  }
};

QTEST_APPLESS_MAIN(TestGemmTn)
#include "test_gemm_tn.moc"
