// ops::fusion_softmax_ (core/ops/fusion_softmax): VLFuse's two softmaxes after the clamps. The CPU kernel and the
// device-generic ATen formulation against a float64 reference written out here with loops (softmax per row and
// head over T of clamp(s) + mask; exp(clamp(s) - column max) and 1 / column sum over the rows), and against each
// other at GLIP-T's width (8 heads x 194 tokens) on 1 and 3 threads: same values up to float rounding
// (relative 1e-5: exp ~1 ulp, sums of up to 3000 terms).
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <QtTest>
#include <c10/core/InferenceMode.h>

#include <cmath>
#include <limits>
#include <vector>

#include "core/common/error.h"
#include "core/ops/fusion_softmax/fusion_softmax.h"
#include "tests/common/tensors.h"

using glip::ops::FusionSoftmax;

namespace {
constexpr float kInf = std::numeric_limits<float>::infinity();

struct Ref {
  at::Tensor p_v, e, inv;
};

// float64 loops, straight from the definition.
Ref reference(const at::Tensor& s_in, int64_t heads, const at::Tensor& madd_in, double lo, double hi) {
  const at::Tensor s = s_in.to(at::kDouble).contiguous();
  const int64_t n = s.size(0), ht = s.size(1), t = ht / heads;
  auto x = s.accessor<double, 2>();
  std::vector<double> madd(t, 0.0);
  if (madd_in.defined())
    for (int64_t i = 0; i < t; ++i) madd[i] = madd_in[i].item<double>();
  auto clamp = [&](double v) { return std::min(std::max(v, lo), hi); };
  at::Tensor p = at::empty({n, ht}, at::kDouble), e = at::empty({n, ht}, at::kDouble), inv = at::empty({ht}, at::kDouble);
  auto pa = p.accessor<double, 2>();
  auto ea = e.accessor<double, 2>();
  for (int64_t r = 0; r < n; ++r)
    for (int64_t h = 0; h < heads; ++h) {
      double m = -1e300, sum = 0;
      for (int64_t i = 0; i < t; ++i) m = std::max(m, clamp(x[r][h * t + i]) + madd[i]);
      for (int64_t i = 0; i < t; ++i) sum += std::exp(clamp(x[r][h * t + i]) + madd[i] - m);
      for (int64_t i = 0; i < t; ++i) pa[r][h * t + i] = std::exp(clamp(x[r][h * t + i]) + madd[i] - m) / sum;
    }
  for (int64_t j = 0; j < ht; ++j) {
    double m = -1e300, sum = 0;
    for (int64_t r = 0; r < n; ++r) m = std::max(m, clamp(x[r][j]));
    for (int64_t r = 0; r < n; ++r) sum += (ea[r][j] = std::exp(clamp(x[r][j]) - m));
    inv[j] = 1.0 / sum;
  }
  return {p, e, inv};
}

FusionSoftmax run(const at::Tensor& s, int64_t heads, const at::Tensor& madd, float lo, float hi, bool generic,
                  at::Tensor* e) {
  at::Tensor work = s.clone();
  FusionSoftmax out = glip::ops::fusion_softmax_(work, heads, madd, lo, hi, generic);
  *e = work;
  return out;
}
}  // namespace

class TestFusionSoftmax : public QObject {
  Q_OBJECT
 private slots:
  void initTestCase() { at::manual_seed(11); }

  // Against the float64 loops: tails (T = 19: one vector and 3 lanes; T = 5: under one vector), clamps that
  // bite, a text mask with masked tokens, both back-ends, 1 and 3 threads.
  void matchesDefinition() {
    c10::InferenceMode guard;
    const int before = at::get_num_threads();
    for (const int64_t t : {19, 5, 32}) {
      const int64_t heads = 2, n = 57;
      at::Tensor s = at::randn({n, heads * t}) * 4;
      s[3][1] = 70000.0f;   // above the clamp
      s[5][2] = -90000.0f;  // below it
      at::Tensor madd = at::ones({t});
      madd[t - 1] = -9e15f;  // a masked token
      madd[0] = -9e15f;
      for (const bool masked : {false, true})
        for (const bool generic : {false, true})
          for (const int threads : {1, 3}) {
            at::set_num_threads(threads);
            const at::Tensor m = masked ? madd : at::Tensor();
            const Ref ref = reference(s, heads, m, -50000, 50000);
            at::Tensor e;
            const FusionSoftmax got = run(s, heads, m, -50000.0f, 50000.0f, generic, &e);
            const QByteArray tag = QByteArray::number(t) + (masked ? " masked" : "") + (generic ? " generic" : " cpu") +
                                   " threads " + QByteArray::number(threads);
            QVERIFY2(glip::test::allclose(got.p_v, ref.p_v, 1e-5, 1e-7).empty(), tag);
            QVERIFY2(glip::test::allclose(e, ref.e, 1e-5, 1e-7).empty(), tag);
            QVERIFY2(glip::test::allclose(got.inv_colsum, ref.inv, 1e-5, 0).empty(), tag);
            if (masked) QVERIFY2(got.p_v.view({n, heads, t}).select(2, 0).abs().max().item<float>() == 0, tag);
          }
    }
    // No clamps (lo = -inf, hi = inf): the 70000 stays, and dominates its column and row.
    at::Tensor s = at::randn({20, 3 * 7});
    s[2][4] = 70000.0f;
    const Ref ref = reference(s, 3, {}, -kInf, kInf);
    at::Tensor e;
    const FusionSoftmax got = run(s, 3, {}, -kInf, kInf, false, &e);
    QVERIFY(glip::test::allclose(got.p_v, ref.p_v, 1e-5, 1e-7).empty());
    QVERIFY(glip::test::allclose(e, ref.e, 1e-5, 1e-7).empty());
    QCOMPARE(got.p_v[2][4].item<float>(), 1.0f);
    at::set_num_threads(before);
  }

  // GLIP-T's width: the CPU kernel equals the ATen formulation (itself checked above) on 3000 rows.
  void kernelEqualsGenericAtGlipTWidth() {
    c10::InferenceMode guard;
    const int before = at::get_num_threads();
    const int64_t heads = 8, t = 194, n = 3000;
    at::Tensor s = at::randn({n, heads * t}) * 6;
    at::Tensor madd = at::ones({t});
    madd.narrow(0, 190, 4).fill_(-9e15f);
    for (const int threads : {1, 3}) {
      at::set_num_threads(threads);
      at::Tensor e_cpu, e_gen;
      const FusionSoftmax cpu = run(s, heads, madd, -50000.0f, 50000.0f, false, &e_cpu);
      const FusionSoftmax gen = run(s, heads, madd, -50000.0f, 50000.0f, true, &e_gen);
      QVERIFY(glip::test::allclose(cpu.p_v, gen.p_v, 1e-5, 1e-7).empty());
      QVERIFY(glip::test::allclose(e_cpu, e_gen, 1e-5, 1e-7).empty());
      QVERIFY(glip::test::allclose(cpu.inv_colsum, gen.inv_colsum, 1e-5, 0).empty());
      QVERIFY(glip::test::max_abs_diff(cpu.p_v, at::zeros_like(cpu.p_v)) > 0.1);  // not vacuous
    }
    at::set_num_threads(before);
  }

  void badShapes() {
    at::Tensor s = at::zeros({4, 10});
    QVERIFY_THROWS_EXCEPTION(glip::Error, glip::ops::fusion_softmax_(s, 3, {}, -1, 1));
    QVERIFY_THROWS_EXCEPTION(glip::Error, glip::ops::fusion_softmax_(s, 2, at::zeros({4}), -1, 1));
  }
};

QTEST_APPLESS_MAIN(TestFusionSoftmax)
#include "test_fusion_softmax.moc"
