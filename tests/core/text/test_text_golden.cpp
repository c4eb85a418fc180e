// glip_text against the official tensors: text.input_ids, text.attention_mask, text.positive_map.labels/dense of
// the golden runs (torch is linked only to read the .pt files; glip_text itself has no torch).
// torch before QtTest: Qt's `slots` macro breaks torch's headers.
#include <torch/serialize.h>
#include <torch/torch.h>

#include <QtTest>

#include <nlohmann/json.hpp>

#include <map>
#include <string>

#include "core/text/prompt.h"
#include "tests/common/files.h"
#include "tests/common/paths.h"
#include "tests/common/tensors.h"

using namespace glip::text;

using glip::test::load_pt;
using glip::test::tiny_path;

namespace {
nlohmann::json load_prompt_json(const std::string& path) { return glip::test::load_json(path).at("prompt"); }

at::Tensor to_tensor(const std::vector<int64_t>& v) { return torch::tensor(v, at::kLong); }

// The prompt the official code built for a golden run, rebuilt from its caption / names / spans.
TokenizedPrompt rebuild(const std::string& tag) {
  const auto g = load_prompt_json(tiny_path(tag + ".json"));
  if (g.contains("char_spans") && !g.at("char_spans").is_null()) {
    std::vector<Phrase> phrases;
    for (const auto& spans : g.at("char_spans")) {
      Phrase ph;
      for (const auto& s : spans) ph.spans.push_back({s[0].get<int64_t>(), s[1].get<int64_t>()});
      phrases.push_back(ph);
    }
    return grounding_prompt(g.at("caption").get<std::string>(), phrases);
  }
  std::vector<std::string> names;
  const auto& label_names = g.at("label_names");
  for (size_t i = 1; i <= label_names.size(); ++i) names.push_back(label_names.at(std::to_string(i)).get<std::string>());
  auto prompts = detection_prompts(names);
  if (prompts.size() != 1) throw std::runtime_error(tag + ": expected one prompt");
  return prompts[0];
}
}  // namespace

class TestTextGolden : public QObject {
  Q_OBJECT
 private slots:
  void golden_runs_data() {
    QTest::addColumn<QString>("tag");
    for (const char* t : {"astronaut.det", "astronaut.grd", "coffee.det", "coffee.grd", "coffee.coco80.800x1333"})
      QTest::newRow(t) << QString(t);
  }
  void golden_runs() {
    QFETCH(QString, tag);
    const std::string t = tag.toStdString();
    const auto pt = load_pt(tiny_path(t + ".pt"));
    const TokenizedPrompt p = rebuild(t);
    QVERIFY(p.warnings.empty());

    const at::Tensor ids = pt.at("text.input_ids");
    const at::Tensor mask = pt.at("text.attention_mask");
    QCOMPARE(ids.sizes().vec(), (std::vector<int64_t>{1, 256}));
    QVERIFY(torch::equal(to_tensor(p.encoding.input_ids).unsqueeze(0), ids));
    QVERIFY(torch::equal(to_tensor(p.encoding.attention_mask).unsqueeze(0), mask));

    const DensePositiveMap d = dense_positive_map(p.positive_map, 256);
    QVERIFY(torch::equal(to_tensor(d.labels), pt.at("text.positive_map.labels")));
    const at::Tensor dense = torch::from_blob(const_cast<float*>(d.values.data()),
                                              {static_cast<int64_t>(d.labels.size()), 256}, at::kFloat);
    QVERIFY(torch::equal(dense, pt.at("text.positive_map.dense")));
    qInfo("%s: %lld tokens, %zu labels: input_ids, attention_mask, positive_map identical", t.c_str(),
          static_cast<long long>(mask.sum().item<int64_t>()), d.labels.size());
    if (t == "coffee.coco80.800x1333") QCOMPARE(p.encoding.num_tokens(), int64_t{194});
  }
};

QTEST_APPLESS_MAIN(TestTextGolden)
#include "test_text_golden.moc"
