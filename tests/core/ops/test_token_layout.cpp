// ops::levels_to_tokens / tokens_to_levels (core/ops/token_layout): VLFuse's change of layout between the feature
// levels and the visual tokens. Both back-ends against a reference written out here with loops (token n of level l
// at position p = y*w + x is level[b][c][y][x]; the residual is base + float(gamma * delta), rounded as two fp32
// operations), bit for bit, on 1 and 3 threads, with level sizes that are not multiples of the 16 x 16 tiles or the
// 64-position blocks, two images, and GLIP-T's P3..P7 shapes; and the errors for mismatched shapes.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <QtTest>
#include <c10/core/InferenceMode.h>

#include <vector>

#include "core/common/error.h"
#include "core/ops/token_layout/token_layout.h"

namespace {

std::vector<at::Tensor> random_levels(int64_t b, int64_t c, const std::vector<std::pair<int64_t, int64_t>>& hw) {
  std::vector<at::Tensor> levels;
  for (const auto& [h, w] : hw) levels.push_back(at::randn({b, c, h, w}));
  return levels;
}

at::Tensor reference_tokens(const std::vector<at::Tensor>& levels) {
  const int64_t b = levels[0].size(0), c = levels[0].size(1);
  int64_t n = 0;
  for (const auto& l : levels) n += l.size(2) * l.size(3);
  at::Tensor out = at::empty({b, n, c});
  auto o = out.accessor<float, 3>();
  for (int64_t bi = 0; bi < b; ++bi) {
    int64_t start = 0;
    for (const auto& l : levels) {
      auto a = l.accessor<float, 4>();
      const int64_t w = l.size(3);
      for (int64_t ch = 0; ch < c; ++ch)
        for (int64_t y = 0; y < l.size(2); ++y)
          for (int64_t x = 0; x < w; ++x) o[bi][start + y * w + x][ch] = a[bi][ch][y][x];
      start += l.size(2) * w;
    }
  }
  return out;
}

std::vector<at::Tensor> reference_levels(const at::Tensor& base, const at::Tensor& gamma, const at::Tensor& delta,
                                         const std::vector<at::Tensor>& shapes) {
  auto bs = base.accessor<float, 3>();
  auto ds = delta.accessor<float, 3>();
  auto g = gamma.accessor<float, 1>();
  std::vector<at::Tensor> out;
  int64_t start = 0;
  for (const auto& s : shapes) {
    const int64_t h = s.size(2), w = s.size(3);
    at::Tensor l = at::empty({base.size(0), base.size(2), h, w});
    auto a = l.accessor<float, 4>();
    for (int64_t bi = 0; bi < base.size(0); ++bi)
      for (int64_t ch = 0; ch < base.size(2); ++ch)
        for (int64_t y = 0; y < h; ++y)
          for (int64_t x = 0; x < w; ++x) {
            volatile float scaled = g[ch] * ds[bi][start + y * w + x][ch];  // rounded to fp32 first
            a[bi][ch][y][x] = bs[bi][start + y * w + x][ch] + scaled;
          }
    out.push_back(l);
    start += h * w;
  }
  return out;
}

}  // namespace

class TestTokenLayout : public QObject {
  Q_OBJECT
 private slots:
  void initTestCase() { at::manual_seed(3); }

  void matches_reference_data() {
    QTest::addColumn<int>("threads");
    QTest::addColumn<int>("batch");
    QTest::addColumn<int>("channels");
    QTest::addColumn<bool>("glip_t");
    for (int threads : {1, 3}) {
      QTest::newRow(qPrintable(QString("odd sizes, %1 thread(s)").arg(threads))) << threads << 2 << 19 << false;
      QTest::newRow(qPrintable(QString("GLIP-T P3..P7, %1 thread(s)").arg(threads))) << threads << 1 << 256 << true;
    }
  }

  void matches_reference() {
    QFETCH(int, threads);
    QFETCH(int, batch);
    QFETCH(int, channels);
    QFETCH(bool, glip_t);
    c10::InferenceMode guard;
    const int before = at::get_num_threads();
    at::set_num_threads(threads);
    const std::vector<std::pair<int64_t, int64_t>> hw =
        glip_t ? std::vector<std::pair<int64_t, int64_t>>{{100, 168}, {50, 84}, {25, 42}, {13, 21}, {7, 11}}
               : std::vector<std::pair<int64_t, int64_t>>{{9, 13}, {5, 7}, {1, 1}, {17, 4}};
    const std::vector<at::Tensor> levels = random_levels(batch, channels, hw);
    const at::Tensor want_tokens = reference_tokens(levels);
    for (const bool generic : {false, true})
      QVERIFY(at::equal(glip::ops::levels_to_tokens(levels, generic), want_tokens));

    const at::Tensor base = at::randn(want_tokens.sizes()), delta = at::randn(want_tokens.sizes());
    const at::Tensor gamma = at::randn({channels});
    const std::vector<at::Tensor> want = reference_levels(base, gamma, delta, levels);
    for (const bool generic : {false, true}) {
      const std::vector<at::Tensor> got = glip::ops::tokens_to_levels(base, gamma, delta, levels, generic);
      QCOMPARE(got.size(), want.size());
      for (size_t i = 0; i < got.size(); ++i) {
        QVERIFY(got[i].is_contiguous());
        QCOMPARE(got[i].sizes(), want[i].sizes());
        QVERIFY2(at::equal(got[i], want[i]), qPrintable(QString("level %1, generic %2").arg(i).arg(generic)));
      }
    }
    at::set_num_threads(before);
  }

  // Non-contiguous or non-fp32 inputs take the generic path and give its values.
  void other_layouts_take_generic_path() {
    c10::InferenceMode guard;
    const std::vector<at::Tensor> levels = {at::randn({1, 6, 4, 5}).transpose(2, 3), at::randn({1, 6, 2, 3})};
    QVERIFY(at::equal(glip::ops::levels_to_tokens(levels), reference_tokens({levels[0].contiguous(), levels[1]})));
    const at::Tensor base = at::randn({1, 26, 6}, at::kDouble), delta = at::randn({1, 26, 6}, at::kDouble);
    const at::Tensor gamma = at::randn({6}, at::kDouble);
    const std::vector<at::Tensor> got = glip::ops::tokens_to_levels(base, gamma, delta, levels);
    QCOMPARE(got[1].scalar_type(), at::kDouble);
    QVERIFY(at::allclose(got[1], (base + gamma * delta).narrow(1, 20, 6).transpose(1, 2).reshape({1, 6, 2, 3})));
  }

  void errors() {
    c10::InferenceMode guard;
    QVERIFY_THROWS_EXCEPTION(glip::Error, glip::ops::levels_to_tokens({}));
    QVERIFY_THROWS_EXCEPTION(glip::Error, glip::ops::levels_to_tokens({at::randn({1, 4, 2, 2}), at::randn({1, 5, 2, 2})}));
    const at::Tensor t = at::randn({1, 8, 4});
    const std::vector<at::Tensor> shapes = {at::empty({1, 4, 2, 3})};  // 6 positions, not 8
    QVERIFY_THROWS_EXCEPTION(glip::Error, glip::ops::tokens_to_levels(t, at::randn({4}), t, shapes));
    QVERIFY_THROWS_EXCEPTION(glip::Error, glip::ops::tokens_to_levels(t, at::randn({3}), t, {at::empty({1, 4, 2, 4})}));
  }
};

QTEST_GUILESS_MAIN(TestTokenLayout)
#include "test_token_layout.moc"
