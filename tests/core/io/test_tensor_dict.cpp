// core/io tensor dicts: golden .pt files read by load_tensor_dict equal torch::pickle_load's view of them;
// save_tensor_dict round trips (dtypes, views, 0-dim, empty, 1-entry dicts) and writes atomically.
// torch before Qt: Qt's `slots` macro breaks torch's headers.
#include <torch/serialize.h>
#include <torch/torch.h>

#include "pickle_builder.h"

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <iterator>

#include "core/common/error.h"
#include "core/io/checkpoint.h"
#include "tests/common/checks.h"
#include "tests/common/paths.h"

using glip::io::TensorMap;

namespace {

const std::string kGolden = glip::test::tiny_dir() + "/";

c10::IValue pickle_load_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  return torch::pickle_load(bytes);
}

bool same(const at::Tensor& a, const at::Tensor& b) {
  return a.scalar_type() == b.scalar_type() && a.sizes().equals(b.sizes()) && torch::equal(a, b);
}

// The message of the glip::Error fn() throws, logged.
template <class Fn>
QString error_of(Fn&& fn) {
  const std::string msg = glip::test::error_of(fn);
  qInfo("%s", msg.c_str());
  return QString::fromStdString(msg);
}

}  // namespace

class TestTensorDict : public QObject {
  Q_OBJECT

 private slots:
  // Golden files: our reader and libtorch's pickle_load agree on every entry.
  void golden_files_match_pickle_load() {
    for (const char* file : {"coffee.det.pt", "astronaut.visual.pt", "coffee.coco80.800x1333.pt"}) {
      const std::string path = kGolden + file;
      TensorMap m = glip::io::load_tensor_dict(path);
      c10::Dict<c10::IValue, c10::IValue> ref = pickle_load_file(path).toGenericDict();
      QCOMPARE(m.size(), ref.size());
      for (const auto& item : ref) {
        const std::string key = item.key().toStringRef();
        QVERIFY2(m.count(key), key.c_str());
        QVERIFY2(same(m.at(key), item.value().toTensor()), key.c_str());
      }
      qInfo("%s: %zu tensors equal", file, m.size());
    }
  }

  // Python writes 1-entry dicts with SETITEM, which torch::pickle_load cannot read; we can.
  void one_entry_dict() {
    std::vector<int64_t> data = {4, 5, 6};
    glip::test::Pickle p;
    p.proto().op('}').str("ids").tensor("LongStorage", "0", 3, 0, {3}, {1}).op('s').stop();
    const std::string path = dir_.filePath("one.pt").toStdString();
    glip::test::write_archive(path, &p.bytes(), {{"data/0", glip::test::raw_bytes(data)}});
    TensorMap m = glip::io::load_tensor_dict(path);
    QCOMPARE(m.size(), size_t(1));
    QVERIFY(same(m.at("ids"), torch::tensor(data)));
  }

  void round_trip() {
    at::Tensor base = torch::arange(24, torch::kFloat).reshape({4, 6});
    TensorMap in = {
        {"f32", torch::randn({2, 3, 5})},
        {"f64", torch::randn({7}, torch::kDouble)},
        {"f16", torch::randn({3, 2}).to(torch::kHalf)},
        {"i64", torch::tensor({int64_t(-3), int64_t(1) << 50, int64_t(9)})},
        {"i32", torch::tensor({1, -2}, torch::kInt)},
        {"u8", torch::tensor({0, 255}, torch::kByte)},
        {"bool", torch::tensor({true, false, true})},
        {"scalar", torch::tensor(2.5f)},
        {"empty", torch::empty({0, 4})},
        {"transposed", base.t()},
        {"slice", base.slice(1, 2, 5)},
        {"a.b.c", torch::ones({1})},
    };
    QTemporaryDir dir;
    const std::string path = dir.filePath("dump.pt").toStdString();
    glip::io::save_tensor_dict(path, in);
    TensorMap out = glip::io::load_tensor_dict(path);
    QCOMPARE(out.size(), in.size());
    for (const auto& [k, v] : in) QVERIFY2(same(out.at(k), v), k.c_str());
    // Views are saved without their base: the slice's storage holds 12 floats, not 24.
    QCOMPARE(out.at("slice").storage().nbytes(), size_t(12 * 4));
    // libtorch's own reader agrees (the file is what Python's torch.load reads).
    c10::Dict<c10::IValue, c10::IValue> ref = pickle_load_file(path).toGenericDict();
    QCOMPARE(ref.size(), in.size());
    for (const auto& [k, v] : in) QVERIFY2(same(ref.at(k).toTensor(), v), k.c_str());

    // Overwrite in place; 1-entry dict; no temporary files left behind.
    glip::io::save_tensor_dict(path, {{"only", torch::tensor({7.0f})}});
    out = glip::io::load_tensor_dict(path);
    QCOMPARE(out.size(), size_t(1));
    QVERIFY(same(out.at("only"), torch::tensor({7.0f})));
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{"dump.pt"});
  }

  void inference_tensors() {
    TensorMap in;
    {
      c10::InferenceMode guard;
      in["x"] = torch::randn({3, 3}) * 2;
    }
    const std::string path = dir_.filePath("inf.pt").toStdString();
    glip::io::save_tensor_dict(path, in);
    QVERIFY(same(glip::io::load_tensor_dict(path).at("x"), in.at("x")));
    QVERIFY(QFile::remove(QString::fromStdString(path)));
  }

  void errors() {
    QString msg = error_of([&] { glip::io::save_tensor_dict(dir_.filePath("no/such/dir/x.pt").toStdString(), {}); });
    QVERIFY(msg.contains("x.pt"));
    msg = error_of([&] { glip::io::save_tensor_dict(dir_.filePath("u.pt").toStdString(), {{"u", at::Tensor()}}); });
    QVERIFY(msg.contains("'u' is undefined"));
    msg = error_of([&] { glip::io::load_tensor_dict(kGolden + "model_final.pth"); });
    QVERIFY(msg.contains("entry 'model' has type dict, expected a tensor"));
    msg = error_of([&] { glip::io::load_tensor_dict(kGolden + "coffee.det.json"); });
    QVERIFY(msg.contains("not a zip archive"));
    msg = error_of([&] { glip::io::load_tensor_dict(dir_.filePath("missing.pt").toStdString()); });
    QVERIFY(msg.contains("does not exist"));
  }

 private:
  QTemporaryDir dir_;
};

QTEST_APPLESS_MAIN(TestTensorDict)
#include "test_tensor_dict.moc"
