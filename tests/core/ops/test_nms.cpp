// ml_nms on hand-derived cases: "+1" areas, IoU exactly at the threshold, labels, ties, greedy order, output order.
// Every case runs twice: the CPU kernel, then the device-generic ATen version (`generic`); and both agree exactly on
// random sets (keep, suppressor, IoU).
#include <ATen/ATen.h>
#include <QtTest>
#include <c10/core/InferenceMode.h>

#include <vector>

#include "core/common/error.h"
#include "tests/common/kernel_passes.h"
#include "core/ops/nms/nms.h"

namespace {

bool g_generic = false;  // which implementation this pass tests
glip::ops::NmsResult ml_nms_explained(const at::Tensor& b, const at::Tensor& s, const at::Tensor& l, double t) {
  return glip::ops::ml_nms_explained(b, s, l, t, g_generic);
}
at::Tensor ml_nms(const at::Tensor& b, const at::Tensor& s, const at::Tensor& l, double t) {
  return glip::ops::ml_nms(b, s, l, t, g_generic);
}

at::Tensor boxes(std::vector<float> v) { return at::tensor(v, at::kFloat).view({-1, 4}); }
at::Tensor scores(std::vector<float> v) { return at::tensor(v, at::kFloat); }
at::Tensor labels(std::vector<int64_t> v) { return at::tensor(v, at::kLong); }
std::vector<int64_t> vec(const at::Tensor& t) {
  const at::Tensor c = t.contiguous();
  return std::vector<int64_t>(c.data_ptr<int64_t>(), c.data_ptr<int64_t>() + c.numel());
}
using V = std::vector<int64_t>;

}  // namespace

class TestNms : public QObject {
  Q_OBJECT
 private slots:
  // A = (0,0,9,9): area 10*10 = 100. B = (0,0,9,5): area 10*6 = 60, inside A -> IoU 0.6 exactly: kept at 0.6.
  // C = (0,0,9,6): area 70 -> IoU 0.7: suppressed by A.
  void threshold_is_strict() {
    c10::InferenceMode guard;
    at::Tensor b = boxes({0, 0, 9, 9, 0, 0, 9, 5, 0, 0, 9, 6});
    auto r = ml_nms_explained(b, scores({0.9f, 0.8f, 0.7f}), labels({1, 1, 1}), 0.6);
    QCOMPARE(vec(r.keep), (V{0, 1}));
    QCOMPARE(vec(r.suppressed_by), (V{-1, -1, 0}));
    QCOMPARE(r.suppression_iou[2].item<float>(), 0.7f);
    QCOMPARE(r.suppression_iou[0].item<float>(), 0.f);
  }

  // "+1" areas: A = (0,0,3,3) area 16, B = (0,0,3,2) area 12 -> IoU 0.75 (without +1: 9 vs 6 -> 0.667).
  // D = (1,1,2,2), E = (2,2,3,3): with +1 they touch in one pixel: 1 / (4+4-1) = 1/7 (without +1: 0).
  void plus_one_areas() {
    c10::InferenceMode guard;
    auto r = ml_nms_explained(boxes({0, 0, 3, 3, 0, 0, 3, 2}), scores({0.5f, 0.4f}), labels({3, 3}), 0.7);
    QCOMPARE(vec(r.keep), (V{0}));
    QCOMPARE(r.suppression_iou[1].item<float>(), 0.75f);
    auto r2 = ml_nms_explained(boxes({1, 1, 2, 2, 2, 2, 3, 3}), scores({0.5f, 0.4f}), labels({3, 3}), 0.1);
    QCOMPARE(vec(r2.keep), (V{0}));
    QCOMPARE(r2.suppression_iou[1].item<float>(), 1.f / 7.f);
    QCOMPARE(vec(ml_nms(boxes({1, 1, 2, 2, 2, 2, 3, 3}), scores({0.5f, 0.4f}), labels({3, 3}), 0.15)), (V{0, 1}));
  }

  void different_labels_never_suppress() {
    c10::InferenceMode guard;
    at::Tensor b = boxes({5, 5, 20, 20, 5, 5, 20, 20, 5, 5, 20, 20});
    QCOMPARE(vec(ml_nms(b, scores({0.3f, 0.9f, 0.5f}), labels({1, 2, 1}), 0.5)), (V{1, 2}));
  }

  // Equal scores: the earlier index comes first (stable sort) and suppresses the later one.
  void ties_keep_input_order() {
    c10::InferenceMode guard;
    at::Tensor b = boxes({0, 0, 10, 10, 0, 0, 10, 10, 0, 0, 10, 10});
    auto r = ml_nms_explained(b, scores({0.5f, 0.7f, 0.5f}), labels({1, 1, 1}), 0.5);
    QCOMPARE(vec(r.keep), (V{1}));
    QCOMPARE(vec(r.suppressed_by), (V{1, -1, 1}));
    auto r2 = ml_nms_explained(b, scores({0.5f, 0.5f, 0.5f}), labels({1, 1, 1}), 0.5);
    QCOMPARE(vec(r2.keep), (V{0}));
    QCOMPARE(vec(r2.suppressed_by), (V{-1, 0, 0}));
  }

  // Greedy: A suppresses B; B would suppress C but is itself suppressed, so C (IoU(A,C) low) survives.
  // A = (0,0,9,9), B = (3,0,12,9): inter 7*10=70, IoU 70/130 = 0.538; C = (6,0,15,9): IoU(B,C) 0.538,
  // IoU(A,C) = 40/160 = 0.25. Output indices ascending although C outscores nothing.
  void greedy_chain_and_ascending_output() {
    c10::InferenceMode guard;
    at::Tensor b = boxes({6, 0, 15, 9, 3, 0, 12, 9, 0, 0, 9, 9});  // C, B, A
    auto r = ml_nms_explained(b, scores({0.2f, 0.5f, 0.9f}), labels({4, 4, 4}), 0.5);
    QCOMPARE(vec(r.keep), (V{0, 2}));
    QCOMPARE(vec(r.suppressed_by), (V{-1, 2, -1}));
    QCOMPARE(r.suppression_iou[1].item<float>(), 70.f / 130.f);
  }

  // The suppressor reported is the highest-scoring kept box that overlaps.
  void suppressor_is_first_kept_overlap() {
    c10::InferenceMode guard;
    // K1 = (0,0,9,9) 0.9; K2 = (20,0,29,9) 0.8 (disjoint from K1); X = (5,0,24,9) 0.1 overlaps both
    // (X area 20*10 = 200, intersection 5*10 = 50 with each: IoU 50/250 = 0.2).
    at::Tensor b = boxes({0, 0, 9, 9, 20, 0, 29, 9, 5, 0, 24, 9});
    auto r = ml_nms_explained(b, scores({0.9f, 0.8f, 0.1f}), labels({1, 1, 1}), 0.15);
    QCOMPARE(vec(r.suppressed_by), (V{-1, -1, 0}));
    QCOMPARE(r.suppression_iou[2].item<float>(), 50.f / 250.f);
  }

  // Random sets (clustered boxes, 5 labels, repeated scores): the generic version equals the CPU kernel exactly.
  void generic_equals_cpu() {
    c10::InferenceMode guard;
    at::manual_seed(7);
    for (int trial = 0; trial < 20; ++trial) {
      const int64_t n = 50 + 40 * trial;
      at::Tensor xy = at::rand({n, 2}) * 200, wh = at::rand({n, 2}) * 60 + 1;
      at::Tensor b = at::cat({xy, xy + wh}, 1).round();  // integer corners: exact ties of IoU happen
      at::Tensor s = (at::rand({n}) * 20).floor() / 20;   // repeated scores: the stable order matters
      at::Tensor l = at::randint(1, 6, {n}, at::kLong);
      for (double thr : {0.3, 0.6}) {
        auto a = glip::ops::ml_nms_explained(b, s, l, thr, false), g = glip::ops::ml_nms_explained(b, s, l, thr, true);
        QVERIFY(at::equal(a.keep, g.keep));
        QVERIFY(at::equal(a.suppressed_by, g.suppressed_by));
        QVERIFY(at::equal(a.suppression_iou, g.suppression_iou));
      }
    }
  }

  void empty_and_errors() {
    c10::InferenceMode guard;
    auto r = ml_nms_explained(at::zeros({0, 4}), at::zeros({0}), at::zeros({0}, at::kLong), 0.6);
    QCOMPARE(r.keep.numel(), int64_t{0});
    QCOMPARE(r.keep.scalar_type(), at::kLong);
    QVERIFY_THROWS_EXCEPTION(glip::Error, ml_nms(at::zeros({3, 5}), at::zeros({3}), at::zeros({3}, at::kLong), 0.5));
    QVERIFY_THROWS_EXCEPTION(glip::Error, ml_nms(at::zeros({3, 4}), at::zeros({2}), at::zeros({3}, at::kLong), 0.5));
    QVERIFY_THROWS_EXCEPTION(glip::Error, ml_nms(at::zeros({3, 4}), at::zeros({3}), at::zeros({3}), 0.5));
  }
};

int main(int argc, char** argv) {
  TestNms t;
  return glip::test::exec_cpu_and_generic(t, g_generic, "ml_nms", argc, argv);
}
#include "test_nms.moc"
