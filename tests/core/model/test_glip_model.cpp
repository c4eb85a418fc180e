// GlipModel assembly and weight loading:
//  - the golden tiny-a model_final.pth loads (every tensor, bit for bit) through Model::load;
//  - a checkpoint with a missing key, a wrong shape, or of another architecture fails with a glip::Error that
//    names the keys;
//  - the FULL-SIZE GLIP-T and GLIP-L built from models/glip_Swin_T_O365_GoldG.yaml and models/glip_Swin_L.yaml
//    (random init) have the official state-dict names, shapes, dtypes and kinds
//    (tests/data/golden/glip_{t,l}_state_dict_keys.tsv);
//  - peak RSS while loading tiny-a (reported).
#include <c10/core/InferenceMode.h>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/config/config.h"
#include "core/engine/engine.h"
#include "core/engine/engine_impl.h"
#include "core/engine/models.h"  // model_impl(): the loaded network (internal to core)
#include "core/head/dyconv.h"
#include "core/vision/swin.h"
#include "core/io/align.h"
#include "core/io/checkpoint.h"
#include "core/model/glip_model.h"
#include "tests/common/checks.h"
#include "tests/common/files.h"
#include "tests/common/paths.h"
#include "tests/common/tensors.h"
#include "tests/common/tiny_model.h"
#include <QtTest>  // after torch: Qt's `slots` macro breaks ATen headers

using namespace glip;

namespace {

using test::contains;
using test::tiny_dir;
using test::tiny_params;

// kB value of a /proc/self/status line ("VmHWM:", "VmRSS:").
long proc_status_kb(const char* field) {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind(field, 0) == 0) return std::stol(line.substr(std::strlen(field)));
  return -1;
}

// The glip::Error message of loading `p`, or "" when it loads.
std::string load_error(const ModelParams& p) {
  try {
    Model::load(p);
  } catch (const Cancelled&) {
    return "";
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}


}  // namespace

class TestGlipModel : public QObject {
  Q_OBJECT

  io::TensorMap ckpt_;  // tiny-a, names without "module."
  QTemporaryDir tmp_;

  std::string save(const std::string& name, const io::TensorMap& t) {
    const std::string path = tmp_.filePath(QString::fromStdString(name)).toStdString();
    io::save_tensor_dict(path, t);
    return path;
  }

 private slots:
  // First, in a fresh process: the peak RSS of Model::load(tiny-a).
  void initTestCase() {
    const long rss_before = proc_status_kb("VmRSS:");
    {
      std::ofstream reset("/proc/self/clear_refs");
      reset << "5";  // resets VmHWM to the current RSS (Linux >= 4.0)
    }
    const long hwm_before = proc_status_kb("VmHWM:");
    auto m = Model::load(tiny_params());
    // RSS first: the high-water mark, read after it, can only be at or above it (read the other way round, memory
    // another thread touches between the two reads makes RSS exceed the mark read before it).
    const long rss_after = proc_status_kb("VmRSS:");
    const long hwm = proc_status_kb("VmHWM:");
    qInfo("Model::load(tiny-a): RSS %.1f MB before, %.1f MB after; peak RSS during the load %.1f MB "
          "(peak before %.1f MB); %s",
          rss_before / 1024.0, rss_after / 1024.0, hwm / 1024.0, hwm_before / 1024.0, m->description().c_str());
    QVERIFY(hwm >= rss_after);
    ckpt_ = io::load_checkpoint(tiny_dir() + "/model_final.pth");
    QCOMPARE(ckpt_.size(), size_t{286});
    QVERIFY(tmp_.isValid());
  }

  // 4. The golden checkpoint loads: every model tensor equals the checkpoint's (bit for bit).
  void goldenCheckpointLoads() {
    auto m = Model::load(tiny_params());
    const GlipModelImpl& net = *model_impl(*m).net;
    const io::ShapeMap shapes = io::module_shapes(net);
    QCOMPARE(shapes.size(), size_t{286});
    size_t checked = 0;
    for (const auto& p : net.named_parameters(true)) {
      QVERIFY2(ckpt_.count(p.key()), p.key().c_str());
      QVERIFY2(torch::equal(p.value(), ckpt_.at(p.key())), p.key().c_str());
      ++checked;
    }
    for (const auto& b : net.named_buffers(true)) {
      QVERIFY2(ckpt_.count(b.key()), b.key().c_str());
      QVERIFY2(torch::equal(b.value(), ckpt_.at(b.key())), b.key().c_str());
      ++checked;
    }
    QCOMPARE(checked, size_t{286});
    int64_t floats = 0;
    for (const auto& [k, v] : ckpt_)
      if (v.scalar_type() == at::kFloat) floats += v.numel();
    QCOMPARE(floats, int64_t{2780080});  // README: 2,780,080 float values
    QVERIFY(m->parameter_count() > 2700000 && m->parameter_count() <= floats);
    QVERIFY(contains(m->description(), "model_final.pth"));
    // The same file given explicitly, and through load_glip_weights.
    QVERIFY(load_error(tiny_params(tiny_dir() + "/model_final.pth")).empty());
    GlipModel fresh(glip_model_options(model_config(*m)));
    QCOMPARE(load_glip_weights(*fresh, tiny_dir() + "/model_final.pth"), size_t{286});
    // A bare state dict written by save_tensor_dict loads too (and gives the same tensors).
    QVERIFY(load_error(tiny_params(save("bare.pth", ckpt_))).empty());
  }

  // ModelParams::precision bf16: exactly the weights of the layers convert_gemm_weights names are bf16 (and
  // equal the checkpoint's values rounded), everything else is the checkpoint's fp32 tensor.
  void bf16Weights() {
    if (!bf16_supported()) QSKIP("no bf16 on this CPU");
    ModelParams p = tiny_params();
    p.precision = Precision::bf16;
    auto m = Model::load(p);
    const GlipModelImpl& net = *model_impl(*m).net;
    auto low = [](const std::string& k) {
      auto has = [&](const char* s) { return k.find(s) != std::string::npos; };
      if (k.size() < 7 || k.compare(k.size() - 7, 7, ".weight") != 0) return false;
      if (has("backbone.fpn.")) return true;
      if (!has("rpn.head.dyhead_tower.")) return false;
      return has(".DyConv.") || has(".attention.self.") || has(".attention.output.dense") ||
             has(".intermediate.dense") || (has(".output.dense") && !has("attention")) ||
             has(".b_attn.attn.l_proj") || has(".b_attn.attn.values_l_proj") || has(".b_attn.attn.out_l_proj");
    };
    size_t bf16 = 0;
    for (const auto& t : net.named_parameters(true)) {
      const std::string& k = t.key();
      const bool want = low(k) && t.value().dim() >= 2;
      QVERIFY2((t.value().scalar_type() == at::kBFloat16) == want, k.c_str());
      const at::Tensor ref = want ? ckpt_.at(k).to(at::kBFloat16) : ckpt_.at(k);
      QVERIFY2(torch::equal(t.value(), ref), k.c_str());
      bf16 += want;
    }
    qInfo("%zu weights in bf16", bf16);
    // tiny-a: FPN 6 convs + P6/P7; per fusion slot DyConv 3 convs, BERT 6, VLFuse 3 (the language BERT: fp32).
    QVERIFY(bf16 > 20);
    for (const auto& t : net.named_parameters(true))
      if (t.key().rfind("backbone.body.", 0) == 0 || t.key().find("cls_logits") != std::string::npos ||
          t.key().find(".offset.") != std::string::npos || t.key().find("v_proj") != std::string::npos ||
          t.key().rfind("language_backbone.", 0) == 0)
        QVERIFY2(t.value().scalar_type() == at::kFloat, t.key().c_str());
  }

  // GLIP-T (A) (tiny-ta: EARLY_FUSE_ON False): a tower of DyConv only; the official checkpoint's 382 tensors load
  // strictly, 3,049,510 float parameters as its README says.
  void glipTowerWithoutEarlyFusion() {
    ModelParams p = tiny_params();
    p.config_file = glip::test::data_path("golden/tiny-ta/tiny-ta.merged.yaml");
    auto m = Model::load(p);
    const GlipModelImpl& net = *model_impl(*m).net;
    QCOMPARE(io::module_shapes(net).size(), size_t{382});
    QCOMPARE(m->parameter_count(), int64_t{3049510});
    QCOMPARE(m->info().fusion_layers, int64_t{0});
    QCOMPARE(Model::load(tiny_params())->info().fusion_layers, int64_t{2});  // tiny-a: DYHEAD.NUM_CONVS 2
    for (const auto& t : net.named_parameters(true)) {
      QVERIFY2(t.key().find("b_attn") == std::string::npos, t.key().c_str());
      if (t.key().rfind("rpn.head.dyhead_tower.", 0) == 0)  // slots 0..5, each a DyConv
        QVERIFY2(t.key().find(".DyConv.") != std::string::npos || t.key().find(".AttnConv.") != std::string::npos ||
                     t.key().find(".relu.") != std::string::npos || t.key().find(".offset.") != std::string::npos,
                 t.key().c_str());
    }
    QVERIFY(net.named_parameters(true).contains("rpn.head.dyhead_tower.5.offset.weight"));
    QVERIFY(!net.named_parameters(true).contains("rpn.head.dyhead_tower.6.offset.weight"));
  }

  // GLIP-L at toy width (tiny-l: window 12, depths 2-2-18-2, 8 fusion blocks): the official checkpoint's 862
  // tensors load strictly (a missing or extra tensor would throw), 2,434,532 float parameters as its README says.
  void glipLargeGoldenCheckpoint() {
    ModelParams p = tiny_params();
    p.config_file = glip::test::data_path("golden/tiny-l/tiny-l.merged.yaml");
    auto m = Model::load(p);
    QCOMPARE(io::module_shapes(*model_impl(*m).net).size(), size_t{862});
    QCOMPARE(m->parameter_count(), int64_t{2434532});
    QCOMPARE(m->info().fusion_layers, int64_t{8});
  }

  // ModelParams::kernels generic switches every hand-written CPU path off: Swin's fused attention / oneDNN linears,
  // DyConv's deformable convolutions, the post-processor's NMS; native leaves them on. bf16 is native only.
  void genericKernelsSwitch() {
    for (const Kernels k : {Kernels::native, Kernels::generic}) {
      ModelParams p = tiny_params();
      p.kernels = k;
      p.warm_up = false;
      auto m = Model::load(p);
      const bool generic = k == Kernels::generic;
      size_t attention = 0, deform = 0;
      for (const auto& mod : model_impl(*m).net->modules(false)) {
        if (auto* a = mod->as<WindowAttentionImpl>()) {
          ++attention;
          QCOMPARE(a->fast, !generic);
        }
        if (auto* d = mod->as<head::ModulatedDeformConvImpl>()) {
          ++deform;
          QCOMPARE(d->generic, generic);
        }
      }
      QVERIFY(attention > 0 && deform > 0);
      QCOMPARE(model_impl(*m).atss.generic_nms, generic);
    }
    Kernels k;
    QVERIFY(parse_kernels("generic", &k) && k == Kernels::generic && std::string(kernels_name(k)) == "generic");
    QVERIFY(!parse_kernels("fast", &k));
    if (bf16_supported()) {
      ModelParams p = tiny_params();
      p.kernels = Kernels::generic;
      p.precision = Precision::bf16;
      QVERIFY(contains(load_error(p), "the generic kernels run fp32"));
    }
  }

  // A checkpoint without some keys: glip::Error naming each missing key.
  void missingKey() {
    io::TensorMap t = ckpt_;
    const std::string k1 = "rpn.head.bias_lang", k2 = "backbone.body.layers.1.blocks.0.attn.proj.weight";
    QVERIFY(t.erase(k1) == 1 && t.erase(k2) == 1);
    const std::string e = load_error(tiny_params(save("missing.pth", t)));
    qInfo("missing keys -> %s", e.c_str());
    QVERIFY2(contains(e, k1) && contains(e, k2), e.c_str());
    QVERIFY(contains(e, "missing.pth"));
    GlipModel m(glip_model_options(model_config(*Model::load(tiny_params()))));
    QVERIFY_THROWS_EXCEPTION(Error, load_glip_weights(*m, tmp_.filePath("missing.pth").toStdString()));
  }

  // A tensor of the wrong shape: glip::Error naming it with both shapes.
  void wrongShape() {
    io::TensorMap t = ckpt_;
    const std::string k = "rpn.head.dyhead_tower.0.b_attn.attn.v_proj.weight";
    QVERIFY2(t.count(k), k.c_str());
    const at::Tensor orig = t.at(k);
    t[k] = torch::zeros({orig.size(0) + 1, orig.size(1)});
    const std::string e = load_error(tiny_params(save("shape.pth", t)));
    qInfo("wrong shape -> %s", e.c_str());
    QVERIFY2(contains(e, k), e.c_str());
    std::ostringstream want;
    want << "[" << orig.size(0) << ", " << orig.size(1) << "]";
    QVERIFY2(contains(e, want.str()) && contains(e, "[" + std::to_string(orig.size(0) + 1) + ", "), e.c_str());
  }

  // Checkpoints of other architectures.
  void otherArchitecture() {
    // A ResNet classifier's state dict: nothing matches; the error lists the model's keys (grouped, capped).
    io::TensorMap resnet{{"conv1.weight", torch::zeros({64, 3, 7, 7})},
                         {"bn1.weight", torch::ones({64})},
                         {"layer1.0.conv1.weight", torch::zeros({64, 64, 3, 3})},
                         {"fc.weight", torch::zeros({1000, 2048})},
                         {"fc.bias", torch::zeros({1000})}};
    const std::string e1 = load_error(tiny_params(save("resnet.pth", resnet)));
    qInfo("resnet checkpoint -> %.400s", e1.c_str());
    QVERIFY2(contains(e1, "not in the checkpoint (286)"), e1.c_str());
    QVERIFY2(contains(e1, "backbone.body."), e1.c_str());
    QVERIFY2(contains(e1, "more"), e1.c_str());  // capped list

    // tiny-a weights into a model with 3 fusion/DyConv blocks: dyhead_tower.6..8 are missing.
    const std::string e2 = load_error(tiny_params("", {"MODEL.DYHEAD.NUM_CONVS", "3"}));
    qInfo("NUM_CONVS 3 -> %.600s", e2.c_str());
    QVERIFY2(contains(e2, "rpn.head.dyhead_tower.6.") && contains(e2, "rpn.head.dyhead_tower.8."), e2.c_str());
    QVERIFY2(!contains(e2, "dyhead_tower.5."), e2.c_str());

    // tiny-a weights into a wider Swin: shape mismatches, named.
    const std::string e3 =
        load_error(tiny_params("", {"MODEL.SWINT.EMBED_DIM", "48", "MODEL.SWINT.OUT_CHANNELS", "(48, 96, 192, 384)"}));
    qInfo("EMBED_DIM 48 -> %.600s", e3.c_str());
    QVERIFY2(contains(e3, "wrong shape (94)") && contains(e3, "model_final.pth") &&
                 contains(e3, "backbone.body.layers.0.blocks.0.attn.proj.weight: model [48, 48], checkpoint "
                              "'backbone.body.layers.0.blocks.0.attn.proj.weight' [24, 24]"),
             e3.c_str());

    // Another meta-architecture in the config, a file that is not a checkpoint, no file.
    QVERIFY(contains(load_error(tiny_params("", {"MODEL.META_ARCHITECTURE", "GeneralizedRCNN"})), "GeneralizedVLRCNN"));
    QVERIFY(contains(load_error(tiny_params(tiny_dir() + "/tiny-a.yaml")), "tiny-a.yaml"));
    QVERIFY(contains(load_error(tiny_params(tiny_dir() + "/no-such.pth")), "no-such.pth"));
  }

  // The FULL-SIZE models (random init) have exactly the official state dicts: names, shapes, dtypes, kinds.
  void fullSizeStateDict_data() {
    QTest::addColumn<QString>("config");
    QTest::addColumn<QString>("table");
    QTest::addColumn<int>("entries");
    QTest::newRow("GLIP-T") << "glip_Swin_T_O365_GoldG.yaml" << "glip_t_state_dict_keys.tsv" << 746;
    QTest::newRow("GLIP-L") << "glip_Swin_L.yaml" << "glip_l_state_dict_keys.tsv" << 1022;
  }
  void fullSizeStateDict() {
    QFETCH(QString, config);
    QFETCH(QString, table);
    QFETCH(int, entries);
    const std::map<std::string, std::string> want = test::state_dict_rows("", table.toStdString());
    QCOMPARE(want.size(), size_t(entries));

    Config cfg = Config::defaults();
    cfg.merge_from_file(test::source_path("models/" + config.toStdString()));
    c10::InferenceMode guard;
    GlipModel m(glip_model_options(cfg));
    const std::map<std::string, std::string> got = test::module_rows(*m);
    // state_dict_shapes / module_shapes describe the same layout.
    const auto sds = state_dict_shapes(*m);
    QCOMPARE(sds.size(), got.size());
    QCOMPARE(io::module_shapes(*m).size(), got.size());
    std::string diff;
    for (const auto& [k, v] : want) {
      auto it = got.find(k);
      if (it == got.end()) diff += "\n  missing: " + k + " " + v;
      else if (it->second != v) diff += "\n  " + k + ": " + it->second + " vs official " + v;
    }
    for (const auto& [k, v] : got)
      if (!want.count(k)) diff += "\n  extra: " + k + " " + v;
    QVERIFY2(diff.empty(), diff.c_str());
    int64_t n = 0;
    for (const auto& p : m->parameters()) n += p.numel();
    qInfo("%s: %zu state-dict entries, %.1f M parameters", QTest::currentDataTag(), got.size(), n / 1e6);
  }

  // The official configs shipped in models/ (issue 14) build as they are; their parameter counts: GLIP-T (B) and
  // (C) share one architecture, GLIP-T (A) is (C) without its fusion layers (VLFuse and the head's BERT layers),
  // GLIP-L has the official 430.4 M parameters.
  void officialConfigsBuild() {
    std::map<std::string, std::string> backbone;
    auto build = [&](const char* file) {
      Config cfg = Config::defaults();
      cfg.merge_from_file(test::source_path(std::string("models/") + file));
      backbone[file] = model_info_from_config(cfg).backbone;
      c10::InferenceMode guard;
      GlipModel m(glip_model_options(cfg));
      std::map<std::string, int64_t> params;
      for (const auto& p : m->named_parameters(true)) params[p.key()] = p.value().numel();
      return params;
    };
    auto total = [](const std::map<std::string, int64_t>& p) {
      int64_t n = 0;
      for (const auto& [k, v] : p) n += v;
      return n;
    };
    const auto c = build("glip_Swin_T_O365_GoldG.yaml");
    const auto b = build("glip_Swin_T_O365.yaml");
    const auto a = build("glip_A_Swin_T_O365.yaml");
    QCOMPARE(b, c);
    int64_t fusion = 0;  // C's tower slots other than DyConv
    for (const auto& [k, v] : c)
      if (k.rfind("rpn.head.dyhead_tower.", 0) == 0 &&
          (k.find(".b_attn.") != std::string::npos || k.find(".attention.") != std::string::npos ||
           k.find(".intermediate.") != std::string::npos || k.find(".output.") != std::string::npos))
        fusion += v;
    QVERIFY(fusion > 0);
    QCOMPARE(total(a), total(c) - fusion);
    for (const auto& [k, v] : a) QVERIFY2(k.find(".b_attn.") == std::string::npos, k.c_str());
    const auto l = build("glip_Swin_L.yaml");
    qInfo("parameters: GLIP-T (A) %.2f M, (B) = (C) %.2f M, GLIP-L %.2f M", total(a) / 1e6, total(c) / 1e6,
          total(l) / 1e6);
    QCOMPARE(std::llround(total(l) / 1e5), 4304LL);  // 430.4 M
    // The name the model is shown with ("GLIP Swin-L/BERT, ...").
    QCOMPARE(backbone["glip_Swin_L.yaml"], std::string("Swin-L"));
    for (const char* t : {"glip_Swin_T_O365_GoldG.yaml", "glip_Swin_T_O365.yaml", "glip_A_Swin_T_O365.yaml"})
      QCOMPARE(backbone[t], std::string("Swin-T"));
    ModelParams p = tiny_params();
    p.config_file = glip::test::data_path("golden/tiny-l/tiny-l.merged.yaml");
    QCOMPARE(Model::load(p)->info().backbone, std::string("Swin (C12, 2-2-18-2)"));
    QVERIFY2(contains(Model::load(p)->description(), "GLIP Swin (C12, 2-2-18-2)/BERT, 2.43"),
             Model::load(p)->description().c_str());
  }

  // models/catalog.yaml: each released model's tensor count is that of its config's state dict (GLIP-T and GLIP-L:
  // the official key lists), so a download is verified against the right number.
  void catalogTensorCounts() {
    const Catalog cat = load_catalog(test::source_path("models/catalog.yaml"));
    QCOMPARE(cat.models.size(), size_t{5});
    QVERIFY(cat.recommended() && cat.recommended()->name == "glip-t-c");
    std::map<std::string, size_t> counted;  // per config: GLIP-T (C) and GLIP-T share one
    for (const CatalogModel& m : cat.models) {
      if (!counted.count(m.config)) {
        Config cfg = Config::defaults();
        cfg.merge_from_file((std::filesystem::path(cat.folder) / m.config).string());
        c10::InferenceMode guard;
        GlipModel net(glip_model_options(cfg));
        counted[m.config] = test::module_rows(*net).size();
      }
      const size_t n = counted.at(m.config);
      qInfo("%s (%s): %zu tensors", m.name.c_str(), m.config.c_str(), n);
      QCOMPARE(static_cast<size_t>(m.tensors), n);
      if (m.config == "glip_Swin_L.yaml") QCOMPARE(n, test::state_dict_rows("", "glip_l_state_dict_keys.tsv").size());
      if (m.config == "glip_Swin_T_O365_GoldG.yaml") QCOMPARE(n, test::state_dict_rows().size());
    }
  }
};

QTEST_APPLESS_MAIN(TestGlipModel)
#include "test_glip_model.moc"
