// Language backbone: HF BertModel + GLIP BertEncoder against the official outputs (tests/data/golden/tiny-a).
// torch before QtTest: Qt's `slots` macro breaks torch's headers.
#include <torch/serialize.h>
#include <torch/torch.h>

#include <QtTest>

#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "tests/common/files.h"
#include "tests/common/paths.h"
#include "tests/common/tensors.h"

#include "core/common/error.h"
#include "core/io/state_dict.h"
#include "core/language/bert_encoder.h"
#include "core/probe/probe.h"

using glip::test::load_pt;
using glip::test::max_abs_diff;

namespace {
const std::string kTiny = glip::test::tiny_dir();

glip::LanguageBackboneOptions tiny_options() {
  glip::LanguageBackboneOptions o;
  o.bert = glip::load_bert_config(kTiny + "/bert-base-uncased/config.json");
  o.n_layers = 1;
  return o;
}
}  // namespace

class TestLanguage : public QObject {
  Q_OBJECT
 private slots:
  void initTestCase() { at::set_num_threads(2); }

  void bertConfigJson() {
    glip::BertConfig c = glip::load_bert_config(kTiny + "/bert-base-uncased/config.json");
    QCOMPARE(c.hidden_size, int64_t(32));
    QCOMPARE(c.num_hidden_layers, int64_t(2));
    QCOMPARE(c.num_attention_heads, int64_t(2));
    QCOMPARE(c.intermediate_size, int64_t(64));
    QCOMPARE(c.vocab_size, int64_t(30522));
    QCOMPARE(c.max_position_embeddings, int64_t(512));
    QCOMPARE(c.type_vocab_size, int64_t(2));
    QCOMPARE(c.layer_norm_eps, 1e-12);
    QVERIFY_THROWS_EXCEPTION(glip::Error, glip::load_bert_config(kTiny + "/no-such-dir/config.json"));
    QVERIFY_THROWS_EXCEPTION(glip::Error, glip::load_bert_config(kTiny + "/tiny-a.yaml"));  // not JSON
  }

  void badInput() {
    c10::InferenceMode guard;
    glip::BertEncoder enc(tiny_options());
    auto ids = torch::tensor({{101, 30522, 102}}, at::kLong);  // 30522 is outside the vocabulary
    auto mask = torch::ones({1, 3}, at::kLong);
    QVERIFY_THROWS_EXCEPTION(glip::Error, enc->forward(ids, mask));
    QVERIFY_THROWS_EXCEPTION(glip::Error, enc->forward(torch::ones({1, 513}, at::kLong), torch::ones({1, 513}, at::kLong)));
    QVERIFY_THROWS_EXCEPTION(glip::Error, enc->forward(torch::ones({1, 4}, at::kLong), mask));
    QVERIFY_THROWS_EXCEPTION(glip::Error, enc->forward(torch::ones({1, 3}, at::kFloat), mask));
    auto o = tiny_options();
    o.n_layers = 3;
    QVERIFY_THROWS_EXCEPTION(glip::Error, glip::BertEncoder{o});
  }

  void golden_data() {
    QTest::addColumn<QString>("run");
    for (const char* r : {"astronaut.det", "astronaut.grd", "coffee.det", "coffee.grd"}) QTest::newRow(r) << r;
  }
  void golden() {
    QFETCH(QString, run);
    c10::InferenceMode guard;
    glip::BertEncoder enc(tiny_options());
    glip::io::load_state_dict(*enc, glip::test::tiny_weights(), "language_backbone.body.");
    const auto g = load_pt(kTiny + "/" + run.toStdString() + ".pt");
    const at::Tensor ids = g.at("text.input_ids"), mask = g.at("text.attention_mask");
    const int64_t T = mask.sum().item<int64_t>();
    QCOMPARE(ids.size(1), int64_t(256));

    for (int64_t len : {int64_t(256), T}) {
      glip::TensorProbe probe;
      enc->forward(ids.narrow(1, 0, len), mask.narrow(1, 0, len), &probe);
      double worst = 0;
      for (const auto& [name, ref_full] : g) {
        if (name.rfind("bert.", 0) != 0 && name.rfind("lang.", 0) != 0) continue;
        QVERIFY2(probe.has(name), name.c_str());
        at::Tensor ref = name == "lang.aggregate" ? ref_full : ref_full.narrow(1, 0, len);
        const at::Tensor& got = probe.at(name);
        QVERIFY2(got.sizes().equals(ref.sizes()), name.c_str());
        if (got.scalar_type() == at::kLong) {
          QVERIFY2(at::equal(got, ref), name.c_str());
          continue;
        }
        const double d = max_abs_diff(got, ref);
        worst = std::max(worst, d);
        QVERIFY2(at::allclose(got, ref, 1e-4, 1e-4), (name + " max|diff| " + std::to_string(d)).c_str());
      }
      qInfo("%s T=%lld: max |diff| over bert.* and lang.* = %.3g", run.toStdString().c_str(),
            static_cast<long long>(len), worst);
    }
  }

  // Two captions of different lengths in one batch: each row equals its own run.
  void batchOfTwo() {
    c10::InferenceMode guard;
    glip::BertEncoder enc(tiny_options());
    glip::io::load_state_dict(*enc, glip::test::tiny_weights(), "language_backbone.body.");
    const auto a = load_pt(kTiny + "/astronaut.det.pt"), c = load_pt(kTiny + "/coffee.grd.pt");
    const at::Tensor ids = at::cat({a.at("text.input_ids"), c.at("text.input_ids")}, 0);
    const at::Tensor mask = at::cat({a.at("text.attention_mask"), c.at("text.attention_mask")}, 0);
    glip::LanguageDict both = enc->forward(ids, mask);
    glip::LanguageDict da = enc->forward(ids.narrow(0, 0, 1), mask.narrow(0, 0, 1));
    glip::LanguageDict dc = enc->forward(ids.narrow(0, 1, 1), mask.narrow(0, 1, 1));
    QVERIFY(at::allclose(both.hidden[0], da.hidden[0], 1e-5, 1e-5));
    QVERIFY(at::allclose(both.hidden[1], dc.hidden[0], 1e-5, 1e-5));
    QVERIFY(at::allclose(both.aggregate[1], dc.aggregate[0], 1e-5, 1e-5));
    QVERIFY(at::allclose(both.embedded[1], dc.embedded[0], 1e-5, 1e-5));
  }

  // One BertLayer serves HF's BertModel and GLIP's head (its BertEncoderLayer): the head's +-50000 clamps are
  // options. Within the clamp range both give the same bits; beyond it the clamped layer stops where GLIP clamps.
  void bertLayerClamps() {
    c10::InferenceMode guard;
    glip::BertLayerOptions o;
    o.hidden_size = 8;
    o.num_attention_heads = 2;
    o.intermediate_size = 16;
    glip::BertLayerOptions c = o;
    c.clamp_min_for_underflow = c.clamp_max_for_overflow = c.clamp_activations = true;
    torch::manual_seed(3);
    glip::BertLayer plain(o), clamped(c);
    const auto src = plain->named_parameters();
    for (auto& p : clamped->named_parameters()) p.value().copy_(src[p.key()]);
    const at::Tensor h = torch::randn({2, 5, 8});
    const at::Tensor padding = torch::tensor({1, 1, 1, 1, 1, 1, 1, 1, 0, 0}).view({2, 5});  // B x T
    const at::Tensor mask = glip::bert_extended_attention_mask(padding);
    QVERIFY(at::equal(plain->forward(h, mask), clamped->forward(h, mask)));

    // GELU outputs beyond 50000: clamped in the head's copy only.
    for (glip::BertLayer& l : {std::ref(plain), std::ref(clamped)}) l->intermediate->dense->weight.mul_(1e6);
    QVERIFY(plain->intermediate->forward(h).max().item<float>() > 50000);
    QCOMPARE(clamped->intermediate->forward(h).max().item<float>(), 50000.0f);
    // Attention scores beyond 50000: clamped before the mask, so the softmax flattens.
    for (glip::BertLayer& l : {std::ref(plain), std::ref(clamped)}) {
      l->attention->self->query->weight.mul_(1e4);
      l->attention->self->key->weight.mul_(1e4);
    }
    QVERIFY(!at::equal(plain->attention->self->forward(h, mask), clamped->attention->self->forward(h, mask)));

    QVERIFY_THROWS_EXCEPTION(glip::Error, plain->forward(h, torch::zeros({2, 5})));  // mask not B x 1 x 1 x T
    o.num_attention_heads = 3;
    QVERIFY_THROWS_EXCEPTION(glip::Error, (void)glip::BertLayer(o));
  }

  // Full-size GLIP-T BERT (bert-base-uncased): names, shapes, dtypes and param/buffer kinds equal the official
  // state dict's language_backbone.* rows.
  void fullSizeNames() {
    glip::LanguageBackboneOptions o;  // bert-base-uncased dims, N_LAYERS 1
    glip::BertEncoder enc(o);
    const auto rows = glip::test::state_dict_rows("language_backbone.body.");
    QVERIFY(rows.size() > 100);
    const auto ours = glip::test::module_rows(*enc);
    QCOMPARE(ours.size(), rows.size());
    for (const auto& [name, desc] : rows) {
      auto it = ours.find(name);
      QVERIFY2(it != ours.end(), ("missing " + name).c_str());
      QVERIFY2(it->second == desc, (name + ": ours " + it->second + ", official " + desc).c_str());
    }
  }
};

QTEST_APPLESS_MAIN(TestLanguage)
#include "test_language.moc"
