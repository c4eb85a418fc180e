// core/io align: the official longest-suffix matching (model_serialization.py), made strict; load_weights end to
// end on a small module and on the tiny-a checkpoint's own layout.
// torch before Qt: Qt's `slots` macro breaks torch's headers.
#include <torch/torch.h>

#include <QTemporaryDir>
#include <QtTest>

#include <sstream>

#include "core/common/error.h"
#include "core/io/align.h"
#include "core/io/checkpoint.h"
#include "tests/common/checks.h"
#include "tests/common/files.h"
#include "tests/common/paths.h"

using glip::io::AlignReport;
using glip::io::ShapeMap;
using glip::io::TensorMap;

namespace {

using glip::test::contains;
using glip::test::error_of;

struct TinyNet : torch::nn::Module {
  TinyNet() {
    fc = register_module("fc", torch::nn::Linear(3, 2));
    norm = register_module("norm", torch::nn::BatchNorm1d(2));
  }
  torch::nn::Linear fc{nullptr};
  torch::nn::BatchNorm1d norm{nullptr};
};

}  // namespace

class TestAlign : public QObject {
  Q_OBJECT

 private slots:
  void identical_names() {
    TensorMap ckpt = {{"a.weight", torch::ones({2, 3})}, {"a.bias", torch::zeros({2})}};
    AlignReport rep;
    TensorMap out = glip::io::align_state_dict({{"a.weight", {2, 3}}, {"a.bias", {2}}}, ckpt, &rep);
    QCOMPARE(out.size(), size_t(2));
    QCOMPARE(rep.matched, size_t(2));
    QCOMPARE(rep.by_suffix, size_t(0));
    QVERIFY(rep.ignored_keys.empty());
    QVERIFY(out.at("a.weight").is_same(ckpt.at("a.weight")));  // not copied
  }

  // The example of the official docstring: each model name takes the LONGEST checkpoint suffix.
  void longest_suffix() {
    TensorMap ckpt = {{"res2.conv1.weight", torch::full({4}, 2.0)},
                      {"conv1.weight", torch::full({4}, 1.0)},
                      {"mlm_head.bias", torch::zeros({9})},
                      {"optimizer_leftover", torch::zeros({1})}};
    ShapeMap model = {{"backbone.body.res2.conv1.weight", {4}},
                      {"backbone.body.conv1.weight", {4}},
                      {"head.xconv1.weight", {4}}};  // plain string suffix, as official: "xconv1.weight" ends so
    AlignReport rep;
    TensorMap out = glip::io::align_state_dict(model, ckpt, &rep);
    QVERIFY(out.at("backbone.body.res2.conv1.weight").is_same(ckpt.at("res2.conv1.weight")));
    QVERIFY(out.at("backbone.body.conv1.weight").is_same(ckpt.at("conv1.weight")));
    QVERIFY(out.at("head.xconv1.weight").is_same(ckpt.at("conv1.weight")));
    QCOMPARE(rep.matched, size_t(3));
    QCOMPARE(rep.by_suffix, size_t(3));
    QCOMPARE(rep.ignored_keys, (std::vector<std::string>{"mlm_head.bias", "optimizer_leftover"}));
  }

  void module_prefix() {
    TensorMap all = {{"module.w", torch::ones({1})}, {"module.v", torch::ones({1})}};
    QVERIFY(glip::io::strip_prefix_if_present(all, "module."));
    QCOMPARE(all.size(), size_t(2));
    QVERIFY(all.count("w") && all.count("v"));
    TensorMap mixed = {{"module.w", torch::ones({1})}, {"v", torch::ones({1})}};
    QVERIFY(!glip::io::strip_prefix_if_present(mixed, "module."));
    QVERIFY(mixed.count("module.w"));
    TensorMap none;
    QVERIFY(!glip::io::strip_prefix_if_present(none, "module."));
    // align_state_dict does not strip (load_checkpoint did, once): "module.w" is no suffix of "w".
    const std::string msg = error_of([&] { glip::io::align_state_dict({{"w", {1}}}, mixed); });
    QVERIFY(contains(msg, "not in the checkpoint (1):\n  w"));
  }

  void missing_keys_grouped_and_capped() {
    ShapeMap model;
    for (int i = 0; i < 30; ++i) {
      model["layer" + std::to_string(100 + i) + ".weight"] = {1};
      model["layer" + std::to_string(100 + i) + ".bias"] = {1};
    }
    model["present"] = {1};
    const std::string msg = error_of([&] { glip::io::align_state_dict(model, {{"present", torch::ones({1})}}); });
    QVERIFY(contains(msg, "61 model tensors, 1 checkpoint tensors"));
    QVERIFY(contains(msg, "not in the checkpoint (60):\n  layer100.{bias, weight}\n  layer101.{bias, weight}"));
    QVERIFY(contains(msg, "layer119.{bias, weight}\n  ... and 10 more"));
    QVERIFY(!contains(msg, "layer120"));
    QVERIFY(!contains(msg, "wrong shape"));
  }

  void wrong_shape() {
    std::string msg = error_of([] {
      glip::io::align_state_dict({{"fc.weight", {2, 3}}, {"fc.bias", {2}}},
                                 {{"fc.weight", torch::ones({3, 2})}, {"fc.bias", torch::ones({2})}});
    });
    QVERIFY(contains(msg, "wrong shape (1):\n  fc.weight: model [2, 3], checkpoint 'fc.weight' [3, 2]"));
    QVERIFY(!contains(msg, "not in the checkpoint"));
    // Only the longest match counts (official): a shorter suffix with the right shape does not rescue it.
    msg = error_of([] {
      glip::io::align_state_dict({{"a.fc.bias", {2}}}, {{"fc.bias", torch::ones({5})}, {"bias", torch::ones({2})}});
    });
    QVERIFY(contains(msg, "a.fc.bias: model [2], checkpoint 'fc.bias' [5]"));
    // Scalars versus 1-element tensors are different shapes.
    msg = error_of([] { glip::io::align_state_dict({{"s", {}}}, {{"s", torch::ones({1})}}); });
    QVERIFY(contains(msg, "s: model [], checkpoint 's' [1]"));
  }

  // End to end: a DataParallel-style checkpoint with an extra entry into a small module.
  void load_weights_into_module() {
    torch::manual_seed(0);
    TinyNet net;
    TensorMap ckpt = {{"module.fc.weight", torch::randn({2, 3})},
                      {"module.fc.bias", torch::randn({2})},
                      {"module.norm.weight", torch::randn({2})},
                      {"module.norm.bias", torch::randn({2})},
                      {"module.norm.running_mean", torch::randn({2})},
                      {"module.norm.running_var", torch::rand({2})},
                      {"module.norm.num_batches_tracked", torch::tensor(int64_t(7))},
                      {"module.mlm_head.decoder.weight", torch::randn({5, 2})}};
    QTemporaryDir dir;
    const std::string path = dir.filePath("net.pth").toStdString();
    glip::io::save_tensor_dict(path, ckpt);  // a bare state dict: load_checkpoint takes the top level
    AlignReport rep = glip::io::load_weights(net, path);
    QCOMPARE(rep.matched, size_t(7));
    QCOMPARE(rep.ignored_keys, std::vector<std::string>{"mlm_head.decoder.weight"});
    QVERIFY(torch::equal(net.fc->weight, ckpt.at("module.fc.weight")));
    QVERIFY(torch::equal(net.norm->running_var, ckpt.at("module.norm.running_var")));
    QCOMPARE(net.norm->num_batches_tracked.item<int64_t>(), int64_t(7));

    ckpt.erase("module.norm.running_mean");
    glip::io::save_tensor_dict(path, ckpt);
    const std::string msg = error_of([&] { glip::io::load_weights(net, path); });
    QVERIFY(contains(msg, "net.pth"));
    QVERIFY(contains(msg, "not in the checkpoint (1):\n  norm.running_mean"));
  }

  // The official tiny-a checkpoint against its own layout (names and shapes of the checksum table).
  void tiny_a_layout() {
    ShapeMap model;
    for (const std::vector<std::string>& row : glip::test::read_tsv(glip::test::data_path("model_final.checksums.tsv"))) {
      std::vector<int64_t> dims;  // name, dtype, shape "AxBxC", sha256
      std::istringstream s(row.at(2));
      for (std::string d; std::getline(s, d, 'x');) dims.push_back(std::stoll(d));
      model[row.at(0)] = dims;
    }
    QCOMPARE(model.size(), size_t(286));
    TensorMap ckpt = glip::io::load_checkpoint(glip::test::tiny_path("model_final.pth"));
    AlignReport rep;
    TensorMap out = glip::io::align_state_dict(model, ckpt, &rep);
    QCOMPARE(rep.matched, size_t(286));
    QCOMPARE(rep.by_suffix, size_t(0));
    QVERIFY(rep.ignored_keys.empty());
  }
};

QTEST_APPLESS_MAIN(TestAlign)
#include "test_align.moc"
