// ATSS post-processing against the official outputs of the tiny-a runs: the golden head outputs, anchors,
// positive map and image size go in; post.pre_nms.* (as sets), final.resized.* and final.orig.* (in order) must
// come out.
#include <ATen/ATen.h>  // before QtTest (Qt's `slots` macro)
#include <QtTest>
#include <c10/core/InferenceMode.h>

#include <map>
#include <string>
#include <vector>

#include "core/probe/probe.h"
#include "core/post/atss_postprocessor.h"
#include "tests/common/paths.h"
#include "tests/common/tensors.h"

using namespace glip::post;

namespace {

using glip::test::load_pt;
using glip::test::max_abs_diff;

const char* kLevels[] = {"p3", "p4", "p5", "p6", "p7"};

}  // namespace

class TestAtssGolden : public QObject {
  Q_OBJECT
 private slots:
  void golden_runs_data() {
    QTest::addColumn<QString>("image");
    QTest::addColumn<QString>("kind");
    for (const char* img : {"astronaut", "coffee"})
      for (const char* kind : {"det", "grd"}) QTest::newRow((std::string(img) + "." + kind).c_str()) << img << kind;
  }
  void golden_runs() {
    QFETCH(QString, image);
    QFETCH(QString, kind);
    c10::InferenceMode guard;
    const std::string dir = glip::test::tiny_dir() + "/";
    auto vis = load_pt(dir + image.toStdString() + ".visual.pt");
    auto g = load_pt(dir + image.toStdString() + "." + kind.toStdString() + ".pt");

    std::vector<AtssLevelInput> levels;
    for (const char* l : kLevels) {
      const std::string s(l);
      levels.push_back({g.at("head.box_regression." + s), g.at("head.centerness." + s),
                        g.at("head.dot_product_logits." + s), vis.at("anchors." + s)});
    }
    PositiveMap pm;
    const at::Tensor labels = g.at("text.positive_map.labels"), dense = g.at("text.positive_map.dense");
    for (int64_t k = 0; k < labels.size(0); ++k) {
      const at::Tensor idx = dense[k].nonzero().squeeze(1);
      pm[labels[k].item<int64_t>()] = std::vector<int64_t>(idx.data_ptr<int64_t>(), idx.data_ptr<int64_t>() + idx.numel());
    }
    const at::Tensor hw = vis.at("image.size_hw"), ohw = vis.at("image.orig_size_hw");
    const ImageSizeHW size{hw[0].item<int64_t>(), hw[1].item<int64_t>()};
    const ImageSizeHW orig{ohw[0].item<int64_t>(), ohw[1].item<int64_t>()};

    glip::TensorProbe probe;
    AtssOutput out = atss_postprocess(levels, pm, size, AtssParams{}, &probe);
    OriginalDetections o = to_original_image(out.detections, size, orig, &probe);

    // Pre-NMS candidates as sets: match each golden candidate to an unused one of the same level and label.
    const at::Tensor g_lv = g.at("post.pre_nms.level"), g_lb = g.at("post.pre_nms.labels");
    const at::Tensor g_sc = g.at("post.pre_nms.scores"), g_bx = g.at("post.pre_nms.boxes_xyxy");
    const at::Tensor lv = probe.at("post.pre_nms.level"), lb = probe.at("post.pre_nms.labels");
    const at::Tensor sc = probe.at("post.pre_nms.scores"), bx = probe.at("post.pre_nms.boxes_xyxy");
    QCOMPARE(lv.size(0), g_lv.size(0));
    std::vector<bool> used(static_cast<size_t>(lv.size(0)), false);
    double worst_box = 0, worst_score = 0;
    for (int64_t i = 0; i < g_lv.size(0); ++i) {
      int64_t best = -1;
      double best_d = 1e9;
      for (int64_t j = 0; j < lv.size(0); ++j) {
        if (used[j] || lv[j].item<int64_t>() != g_lv[i].item<int64_t>() ||
            lb[j].item<int64_t>() != g_lb[i].item<int64_t>())
          continue;
        const double d = max_abs_diff(bx[j], g_bx[i]) + max_abs_diff(sc[j], g_sc[i]);
        if (d < best_d) best_d = d, best = j;
      }
      QVERIFY2(best >= 0, qPrintable(QString("golden candidate %1 has no counterpart").arg(i)));
      used[best] = true;
      worst_box = std::max(worst_box, max_abs_diff(bx[best], g_bx[i]));
      worst_score = std::max(worst_score, max_abs_diff(sc[best], g_sc[i]));
    }
    const bool same_order = at::equal(lv, g_lv) && at::equal(lb, g_lb) && max_abs_diff(bx, g_bx) <= 1e-4;
    qInfo("%lld candidates: max |box| %.3g px, max |score| %.3g; same order as official: %s",
          static_cast<long long>(lv.size(0)), worst_box, worst_score, same_order ? "yes" : "no");
    QVERIFY(worst_box <= 1e-4);
    QVERIFY(worst_score <= 1e-5);

    // Final detections in the official order.
    for (const char* stage : {"final.resized", "final.orig"}) {
      const std::string s(stage);
      QCOMPARE(probe.at(s + ".labels").size(0), g.at(s + ".labels").size(0));
      QVERIFY(at::equal(probe.at(s + ".labels"), g.at(s + ".labels")));
      const double db = max_abs_diff(probe.at(s + ".boxes_xyxy"), g.at(s + ".boxes_xyxy"));
      const double ds = max_abs_diff(probe.at(s + ".scores"), g.at(s + ".scores"));
      double dw = 0;
      if (s == "final.orig") dw = max_abs_diff(probe.at(s + ".boxes_xywh"), g.at(s + ".boxes_xywh"));
      qInfo("%s: %lld detections, max |box| %.3g px, max |xywh| %.3g, max |score| %.3g", stage,
            static_cast<long long>(probe.at(s + ".labels").size(0)), db, dw, ds);
      QVERIFY(db <= 1e-4);
      QVERIFY(dw <= 1e-4);
      QVERIFY(ds <= 1e-5);
    }
    QVERIFY(at::equal(o.labels, out.detections.labels));

    // The explanation table is consistent with the result.
    const auto& c = out.candidates;
    const at::Tensor kept = (c.suppressed_by == -1) & ~c.removed_by_top_k;
    QVERIFY(at::equal(kept.nonzero().squeeze(1), out.detections.candidate_index));
    QVERIFY(at::allclose(c.scores, at::sqrt(c.label_scores * c.centerness)));
    qInfo("NMS suppressed %lld, top-K cut %lld; above threshold per level: %lld %lld %lld %lld %lld",
          static_cast<long long>((c.suppressed_by >= 0).sum().item<int64_t>()),
          static_cast<long long>(c.removed_by_top_k.sum().item<int64_t>()),
          static_cast<long long>(out.above_threshold[0]), static_cast<long long>(out.above_threshold[1]),
          static_cast<long long>(out.above_threshold[2]), static_cast<long long>(out.above_threshold[3]),
          static_cast<long long>(out.above_threshold[4]));
  }
};

QTEST_APPLESS_MAIN(TestAtssGolden)
#include "test_atss_post_golden.moc"
