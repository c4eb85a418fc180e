// core/io checkpoint reader: the official tiny-a checkpoint bit for bit, hand-built archives for every supported
// pickle construct, and bad input (missing, empty, truncated, non-zip, forbidden GLOBAL, unsupported opcode, ...).
// torch before Qt: Qt's `slots` macro breaks torch's headers.
#include <torch/torch.h>

#include "pickle_builder.h"

#include <QCryptographicHash>
#include <QTemporaryDir>
#include <QtTest>

#include <chrono>
#include <functional>
#include <map>
#include <random>

#include "core/common/error.h"
#include "core/io/checkpoint.h"
#include "tests/common/files.h"
#include "tests/common/paths.h"
#include "tests/common/tensors.h"

using glip::io::CheckpointInfo;
using glip::io::TensorMap;
using glip::test::dtype_name;
using glip::test::Pickle;
using glip::test::raw_bytes;
using glip::test::read_file;
using glip::test::shape_str;
using glip::test::write_archive;
using glip::test::write_file;

namespace {

const std::string kModelFinal = glip::test::tiny_path("model_final.pth");

std::string sha256(const at::Tensor& t) {
  at::Tensor c = t.contiguous();
  QByteArray bytes(static_cast<const char*>(c.data_ptr()), static_cast<qsizetype>(c.numel() * c.element_size()));
  return QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex().toStdString();
}

// Expects glip::Error from load_checkpoint whose message contains every one of `parts`.
void expect_error(const std::string& path, std::initializer_list<std::string> parts) {
  try {
    glip::io::load_checkpoint(path);
  } catch (const glip::Error& e) {
    const std::string msg = e.what();
    qInfo("%s", msg.c_str());
    for (const auto& p : parts)
      QVERIFY2(msg.find(p) != std::string::npos, ("'" + p + "' not in: " + msg).c_str());
    return;
  }
  QFAIL(("no glip::Error for " + path).c_str());
}

// Compares every row (name, dtype, shape, sha256) of a checksum table with `m`; returns the number of rows.
size_t compare_with_table(const TensorMap& m, const std::string& path, int64_t* float_params = nullptr) {
  size_t rows = 0;
  for (const std::vector<std::string>& row : glip::test::read_tsv(path)) {
    if (row.size() < 4) throw std::runtime_error(path + ": a row with fewer than 4 fields");
    const std::string &name = row[0], &dtype = row[1], &shape = row[2], &hash = row[3];
    auto it = m.find(name);
    if (it == m.end()) throw std::runtime_error("missing tensor " + name);
    const at::Tensor& t = it->second;
    if (dtype_name(t.scalar_type()) != dtype || shape_str(t.sizes()) != shape || sha256(t) != hash ||
        !t.device().is_cpu())
      throw std::runtime_error("tensor " + name + " differs: " + dtype_name(t.scalar_type()) + " " +
                               shape_str(t.sizes()) + " " + sha256(t) + ", expected " + dtype + " " + shape + " " +
                               hash);
    if (float_params && t.is_floating_point()) *float_params += t.numel();
    ++rows;
  }
  return rows;
}

std::string pickle_with_model(const std::function<void(Pickle&)>& body) {
  Pickle p;
  p.proto().op('}').mark().str("model").ordered_dict().mark();
  body(p);
  p.op('u').op('u').stop();
  return p.bytes();
}

}  // namespace

class TestCheckpoint : public QObject {
  Q_OBJECT

 private slots:
  void init() { QVERIFY(dir_.isValid()); }

  // Every tensor of the official checkpoint against a table computed once with Python's torch.load.
  void model_final_bit_exact() {
    c10::InferenceMode guard;
    CheckpointInfo info;
    const auto t0 = std::chrono::steady_clock::now();
    TensorMap m = glip::io::load_checkpoint(kModelFinal, &info);
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    qInfo("model_final.pth: %zu tensors, %zu storages, %llu bytes read in %.1f ms", m.size(), info.storages_read,
          static_cast<unsigned long long>(info.bytes_read), ms);
    QCOMPARE(m.size(), size_t(286));
    QVERIFY(info.had_model_key);
    QVERIFY(info.stripped_module_prefix);
    QCOMPARE(info.iteration.value_or(-1), int64_t(300000));
    QCOMPARE(info.other_keys, std::vector<std::string>{"'iteration'"});
    QCOMPARE(info.storages_in_file, size_t(286));
    QCOMPARE(info.storages_read, size_t(286));

    int64_t float_params = 0;
    size_t rows = 0;
    try {
      rows = compare_with_table(m, glip::test::data_path("model_final.checksums.tsv"), &float_params);
    } catch (const std::exception& e) {
      QFAIL(e.what());
    }
    QCOMPARE(rows, size_t(286));
    QCOMPARE(float_params, int64_t(2780080));
    for (const auto& [k, v] : m) QVERIFY2(k.rfind("module.", 0) != 0, k.c_str());
  }

  // A file written by Python's torch.save with pickle protocol 4 (FRAME, STACK_GLOBAL, MEMOIZE,
  // SHORT_BINUNICODE), every storage dtype, views sharing a storage and a real AdamW optimizer state.
  void python_protocol4_variety() {
    c10::InferenceMode guard;
    CheckpointInfo info;
    TensorMap m = glip::io::load_checkpoint(glip::test::data_path("io/python_variety_p4.pth"), &info);
    QCOMPARE(m.size(), size_t(24));
    size_t rows = 0;
    try {
      rows = compare_with_table(m, glip::test::data_path("io/python_variety_p4.checksums.tsv"));
    } catch (const std::exception& e) {
      QFAIL(e.what());
    }
    QCOMPARE(rows, size_t(24));
    QVERIFY(info.stripped_module_prefix);
    QCOMPARE(info.iteration.value_or(-1), int64_t(123));
    QCOMPARE(info.other_keys, (std::vector<std::string>{"'optimizer'", "'scheduler'", "'iteration'"}));
    QCOMPARE(info.storages_in_file, size_t(40));  // 22 under "model" + 18 of the optimizer state
    QCOMPARE(info.storages_read, size_t(22));
    QCOMPARE(m.at("view.t").storage().data(), m.at("view.full").storage().data());
    QCOMPARE(m.at("view.slice").storage().data(), m.at("view.full").storage().data());
    QCOMPARE(m.at("view.slice").strides().vec(), (std::vector<int64_t>{10, 2}));
    QCOMPARE(m.at("view.slice").storage_offset(), int64_t(12));
  }

  // Random corruption of a real data.pkl (byte flips, cuts): glip::Error or a successful load, nothing else.
  void mutated_pickles_never_crash() {
    caffe2::serialize::PyTorchStreamReader reader(glip::test::data_path("io/python_variety_p4.pth"));
    std::map<std::string, std::string> records;
    std::string pickle;
    for (const std::string& name : reader.getAllRecords()) {
      auto [ptr, n] = reader.getRecord(name);
      std::string bytes(static_cast<const char*>(ptr.get()), n);
      if (name == "data.pkl")
        pickle = bytes;
      else if (name.rfind("data/", 0) == 0)
        records[name] = bytes;
    }
    QVERIFY(pickle.size() > 1000);
    std::mt19937 rng(1234);
    size_t loaded = 0, refused = 0;
    for (int iter = 0; iter < 400; ++iter) {
      std::string bad = pickle;
      const int flips = 1 + static_cast<int>(rng() % 4);
      for (int k = 0; k < flips; ++k) bad[rng() % bad.size()] = static_cast<char>(rng() % 256);
      if (iter % 5 == 0) bad.resize(rng() % bad.size());
      const std::string path = dir_.filePath(QString("fuzz%1.pth").arg(iter)).toStdString();
      write_archive(path, &bad, records);
      try {
        glip::io::load_checkpoint(path);
        ++loaded;
      } catch (const glip::Error&) {
        ++refused;
      }
      QFile::remove(QString::fromStdString(path));
    }
    qInfo("400 corrupted pickles: %zu loaded, %zu refused with glip::Error", loaded, refused);
    QCOMPARE(loaded + refused, size_t(400));
    QVERIFY(refused > 200);
  }

  // Every construct the reader supports, in one hand-built archive with known values.
  void synthetic_protocol2_archive() {
    c10::InferenceMode guard;
    std::vector<float> s0(12);
    for (int i = 0; i < 12; ++i) s0[i] = static_cast<float>(i) * 0.5f - 1.0f;
    std::vector<at::Half> s1 = {at::Half(1.5f), at::Half(-2.0f), at::Half(0.25f), at::Half(8.0f)};
    std::vector<double> s2 = {3.141592653589793};
    std::vector<int64_t> s3 = {-5, 1LL << 40, 7, 0, 9, -1};
    std::vector<uint8_t> s4 = {1, 0, 1};

    Pickle p;
    p.proto().op('}').op(0x94).mark();
    p.str("model").ordered_dict().op(0x94).mark();
    // a: transposed view with an offset into storage 0; b: the whole storage 0 (shared, read once)
    p.short_str("module.a").tensor("FloatStorage", "0", 12, 2, {2, 3}, {1, 4});
    p.short_str("module.b").tensor("FloatStorage", "0", 12, 0, {12}, {1});
    // c: an nn.Parameter around a half tensor
    p.short_str("module.c").global("torch._utils", "_rebuild_parameter").mark();
    p.tensor("HalfStorage", "1", 4, 0, {2, 2}, {2, 1}).op(0x88).ordered_dict().op('t').op('R');
    // d: a 0-dim double; its key is a SHORT_BINSTRING
    p.op('U').op(8).raw("module.d").tensor("DoubleStorage", "2", 1, 0, {}, {});
    // e: int64 with a torch.Size size (TUPLE3, MEMOIZE, TUPLE1, REDUCE) and a stride tuple
    p.str("module.e").global("torch._utils", "_rebuild_tensor_v2").mark().storage("LongStorage", "3", 6).int1(0);
    p.global("torch", "Size").int1(1).int1(2).int1(3).op(0x87).op(0x94).op(0x85).op('R');
    p.int_tuple({6, 3, 1}).op(0x89).ordered_dict().op('t').op('R');
    // f: bool via BINSTRING key
    p.op('T').raw(std::string("\x08\x00\x00\x00", 4)).raw("module.f").tensor("BoolStorage", "4", 3, 1, {2}, {1});
    p.op('u');
    // state_dict()._metadata, set with BUILD; it has a 1-entry dict (SETITEM)
    p.op('}').str("_metadata").ordered_dict().str("").op('}').str("version").int1(1).op('s').op('s').op('s');
    p.op('b');
    // optimizer: references storage "9", which the archive does not even contain
    p.str("optimizer").op('}').str("state").op('}').int1(0).op('}').str("exp_avg");
    p.tensor("FloatStorage", "9", 100, 0, {100}, {1}).op('s').op('s').op('s');
    p.str("param_groups").op(']').op('}').mark().str("lr").binfloat(0.01).str("betas").binfloat(0.9).binfloat(0.999);
    p.op(0x86).str("foreach").op('N').str("amsgrad").op(0x89).str("params").op(']').mark().int1(0).int1(1).op('e');
    p.op('u').op('a').op('s');
    p.str("iteration").long1(5000000000LL);
    p.op('u').stop();

    const std::string path = dir_.filePath("synthetic.pth").toStdString();
    write_archive(path, &p.bytes(),
                  {{"data/0", raw_bytes(s0)}, {"data/1", raw_bytes(s1)}, {"data/2", raw_bytes(s2)},
                   {"data/3", raw_bytes(s3)}, {"data/4", raw_bytes(s4)}});
    CheckpointInfo info;
    TensorMap m = glip::io::load_checkpoint(path, &info);
    QCOMPARE(m.size(), size_t(6));
    QVERIFY(info.stripped_module_prefix);
    QCOMPARE(info.iteration.value_or(-1), int64_t(5000000000LL));
    QCOMPARE(info.storages_in_file, size_t(6));
    QCOMPARE(info.storages_read, size_t(5));  // storage 9 (optimizer only) is never read
    QCOMPARE(info.bytes_read, uint64_t(12 * 4 + 4 * 2 + 8 + 6 * 8 + 3));
    QCOMPARE(info.other_keys, (std::vector<std::string>{"'optimizer'", "'iteration'"}));

    at::Tensor base = torch::tensor(std::vector<float>(s0.begin(), s0.end()));
    const at::Tensor& a = m.at("a");
    QCOMPARE(a.sizes().vec(), (std::vector<int64_t>{2, 3}));
    QCOMPARE(a.strides().vec(), (std::vector<int64_t>{1, 4}));
    QCOMPARE(a.storage_offset(), int64_t(2));
    QVERIFY(torch::equal(a, base.as_strided({2, 3}, {1, 4}, 2)));
    QVERIFY(torch::equal(m.at("b"), base));
    QCOMPARE(a.storage().data(), m.at("b").storage().data());  // one buffer for both
    QCOMPARE(m.at("c").scalar_type(), at::kHalf);
    QVERIFY(torch::equal(m.at("c").to(at::kFloat), torch::tensor({1.5f, -2.0f, 0.25f, 8.0f}).view({2, 2})));
    QCOMPARE(m.at("d").dim(), int64_t(0));
    QCOMPARE(m.at("d").item<double>(), 3.141592653589793);
    QCOMPARE(m.at("e").scalar_type(), at::kLong);
    QVERIFY(torch::equal(m.at("e"), torch::tensor(s3).view({1, 2, 3})));
    QCOMPARE(m.at("f").scalar_type(), at::kBool);
    QVERIFY(torch::equal(m.at("f"), torch::tensor({false, true})));
  }

  // No "model" key: the top level is the state dict (official DetectronCheckpointer behaviour).
  void bare_state_dict() {
    std::vector<float> s0 = {1, 2, 3};
    Pickle p;
    p.proto().global("collections", "OrderedDict").op(')').op('R').mark();
    p.str("backbone.w").tensor("FloatStorage", "0", 3, 0, {3}, {1}).str("note").int1(1).op('u').stop();
    const std::string path = dir_.filePath("bare.pth").toStdString();
    write_archive(path, &p.bytes(), {{"data/0", raw_bytes(s0)}});
    CheckpointInfo info;
    TensorMap m = glip::io::load_checkpoint(path, &info);
    QCOMPARE(m.size(), size_t(1));
    QVERIFY(!info.had_model_key);
    QVERIFY(!info.stripped_module_prefix);  // not every key has "module."
    QVERIFY(torch::equal(m.at("backbone.w"), torch::tensor({1.f, 2.f, 3.f})));
    QCOMPARE(info.other_keys, std::vector<std::string>{"'note'"});
  }

  void missing_empty_directory() {
    expect_error(dir_.filePath("nope.pth").toStdString(), {"nope.pth", "does not exist"});
    const std::string empty = dir_.filePath("empty.pth").toStdString();
    write_file(empty, "");
    expect_error(empty, {"empty.pth", "empty"});
    expect_error(dir_.path().toStdString(), {"directory"});
  }

  void non_zip_and_legacy() {
    const std::string text = dir_.filePath("notes.pth").toStdString();
    write_file(text, "MODEL:\n  WEIGHT: x\n");
    expect_error(text, {"not a zip archive"});
    const std::string legacy = dir_.filePath("legacy.pth").toStdString();
    write_file(legacy, std::string("\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19.", 15));
    expect_error(legacy, {"legacy"});
  }

  void truncated() {
    const std::string data = read_file(kModelFinal);
    QVERIFY(data.size() > 1000000);
    for (size_t len : {size_t(3), size_t(100), size_t(4000), data.size() / 2, data.size() - 100, data.size() - 22,
                       data.size() - 1}) {
      const std::string path = dir_.filePath(QString("cut%1.pth").arg(len)).toStdString();
      write_file(path, data.substr(0, len));
      expect_error(path, {"cut", len < 4 ? "not a zip archive" : "damaged or truncated zip archive"});
    }
  }

  void zip_without_data_pkl() {
    const std::string path = dir_.filePath("nopkl.pth").toStdString();
    write_archive(path, nullptr, {{"data/0", "abcd"}});
    expect_error(path, {"no data.pkl"});
  }

  // Zip bombs are refused from the zip directory, before anything is inflated (files made with Python's zipfile:
  // 100 MiB of zeros deflated to ~100 KiB, as data.pkl and as a tensor record).
  void zip_bombs_refused_before_inflating() {
    expect_error(glip::test::data_path("io/bomb_pickle.pth"), {"data.pkl", "would inflate to 100 MiB", "64 MiB"});
    expect_error(glip::test::data_path("io/bomb_record.pth"), {"archive/data/0", "would inflate", "zip bomb"});
  }

  // The archive layout torch.save writes (one folder, a version record with a supported number) is checked from the
  // zip directory before libtorch's reader is built: that reader's constructor leaks when it throws (found by
  // fuzz_checkpoint under LeakSanitizer) and lets a non-numeric version escape as std::invalid_argument. Files made
  // with Python's zipfile; layout_ok.pth (an empty dict) passes the layout checks.
  void torch_layout_checked_first() {
    const auto io = [](const char* name) { return glip::test::data_path(std::string("io/") + name); };
    expect_error(io("layout_ok.pth"), {"no 'model' entry and no tensors"});  // past the layout, into the pickle
    expect_error(io("layout_no_version.pth"), {"no version record", "not written by torch.save"});
    expect_error(io("layout_version_99.pth"), {"format version 99 is not supported", "reads 1 to"});
    expect_error(io("layout_version_text.pth"), {"version record is not a number"});
    expect_error(io("layout_version_deflated.pth"), {"'archive/version' is compressed"});
    expect_error(io("layout_version_crc.pth"), {"CRC error in record 'archive/version'"});
    expect_error(io("layout_no_folder.pth"), {"zip record 'data.pkl' is not in an archive folder"});
    expect_error(io("layout_twice.pth"), {"record 'archive/data.pkl' appears twice"});
    expect_error(io("layout_twice_case.pth"), {"record 'archive/VERSION' appears twice (names ignore case)"});
    expect_error(io("layout_encrypted.pth"), {"record 'archive/version' is encrypted or patched"});
    // A ZIP64 end record (found by its locator) counts the records even when the 32-bit fields are not saturated,
    // for libtorch's reader as for ours: here it says 0 records.
    expect_error(io("layout_zip64_empty.pth"), {"zip archive has no records"});
    // The DOS directory attribute on a record with bytes: libtorch's reader would hand back uninitialised memory
    // (found by fuzz_checkpoint: "Couldn't parse the version @ as Long Long").
    expect_error(io("layout_directory_flag.pth"), {"'archive/version' is marked as a directory but declares 2 bytes"});
  }

  void forbidden_globals() {
    const std::string marker = dir_.filePath("pwned").toStdString();
    struct Case {
      std::string pickle, name;
    };
    std::vector<Case> cases;
    {
      Pickle p;
      p.proto().raw("cos\nsystem\n").str("touch " + marker).op(0x85).op('R').stop();
      cases.push_back({p.bytes(), "'os.system'"});
    }
    {
      Pickle p;
      p.proto().global("builtins", "eval").str("open('" + marker + "','w')").op(0x85).op('R').stop();
      cases.push_back({p.bytes(), "'builtins.eval'"});
    }
    {
      Pickle p;  // protocol-4 STACK_GLOBAL goes through the same whitelist
      p.proto().short_str("posix").short_str("system").op(0x93).str("touch " + marker).op(0x85).op('R').stop();
      cases.push_back({p.bytes(), "'posix.system'"});
    }
    // hidden after a valid model, inside the optimizer part
    cases.push_back({pickle_with_model([](Pickle& p) {
                       p.str("w").tensor("FloatStorage", "0", 1, 0, {1}, {1}).op('u').str("optimizer");
                       p.global("torch.nn.modules.conv", "Conv2d").op(')').op('R').mark();
                     }),
                     "'torch.nn.modules.conv.Conv2d'"});
    // a storage class name that is not a storage
    cases.push_back({pickle_with_model([](Pickle& p) { p.str("w").tensor("UntypedStorage", "0", 1, 0, {1}, {1}); }),
                     "'torch.UntypedStorage'"});
    for (size_t i = 0; i < cases.size(); ++i) {
      const std::string path = dir_.filePath(QString("evil%1.pth").arg(i)).toStdString();
      write_archive(path, &cases[i].pickle, {{"data/0", std::string(4, '\0')}});
      expect_error(path, {"forbidden GLOBAL", cases[i].name, "offset"});
    }
    QVERIFY(!QFile::exists(QString::fromStdString(marker)));
  }

  void unsupported_opcodes() {
    struct Case {
      std::string pickle, expect;
    };
    std::vector<Case> cases = {
        {std::string("\x80\x02i os\nsystem\n"), "offset 2: unsupported pickle opcode INST (0x69)"},
        {std::string("\x80\x02}0.", 5), "offset 3: unsupported pickle opcode POP (0x30)"},
        {std::string("\x80\x02(}\x81.", 6), "offset 4: unsupported pickle opcode NEWOBJ (0x81)"},
        {std::string("\x80\x02\xff.", 4), "offset 2: unsupported pickle opcode (unknown) (0xff)"},
        {std::string("\x80\x09}.", 4), "offset 0: unsupported pickle protocol 9"},
    };
    for (size_t i = 0; i < cases.size(); ++i) {
      const std::string path = dir_.filePath(QString("op%1.pth").arg(i)).toStdString();
      write_archive(path, &cases[i].pickle, {});
      expect_error(path, {"data.pkl", cases[i].expect});
    }
  }

  void malformed_pickles() {
    struct Case {
      std::string pickle, expect;
    };
    std::vector<Case> cases = {
        {std::string("\x80\x02}X\xff\x00\x00\x00" "ab", 10), "truncated pickle"},
        {std::string("\x80\x02", 2), "truncated pickle"},
        {std::string("\x80\x02h\x05.", 5), "memo entry 5"},
        {std::string("\x80\x02s.", 4), "stack underflow"},
        {std::string("\x80\x02]K\x01K\x02s.", 9), "SETITEM on a list"},
        {std::string("\x80\x02]\x85.", 5), "top level has type tuple"},
        {std::string("\x80\x02}.", 4), "no 'model' entry and no tensors"},
        {std::string("\x80\x02}X\x05\x00\x00\x00modelK\x07s.", 17), "entry 'model' has type int"},
    };
    cases.push_back({pickle_with_model([](Pickle& p) { p.str("w").int1(3); }), "'w' has type int, expected a tensor"});
    cases.push_back({pickle_with_model([](Pickle& p) { p.str("w").tensor("FloatStorage", "7", 1, 0, {1}, {1}); }),
                     "'data/7' of tensor 'w' is missing"});
    cases.push_back({pickle_with_model([](Pickle& p) { p.str("w").tensor("FloatStorage", "0", 2, 0, {2}, {1}); }),
                     "has 4 bytes, expected 2 x 4"});
    cases.push_back({pickle_with_model([](Pickle& p) { p.str("w").tensor("FloatStorage", "0", 1, 0, {2}, {1}); }),
                     "reaches beyond its storage"});
    cases.push_back(
        {pickle_with_model([](Pickle& p) { p.str("w").tensor("FloatStorage", "0", 1, 0, {1, 1}, {1}); }),
         "sizes and strides differ"});
    cases.push_back({pickle_with_model([](Pickle& p) {
                       p.str("w").tensor("FloatStorage", "0", 1, 0, {1}, {1});
                       p.str("v").tensor("LongStorage", "0", 1, 0, {1}, {1});
                     }),
                     "two different types"});
    for (size_t i = 0; i < cases.size(); ++i) {
      const std::string path = dir_.filePath(QString("bad%1.pth").arg(i)).toStdString();
      write_archive(path, &cases[i].pickle, {{"data/0", std::string(4, '\0')}});
      expect_error(path, {cases[i].expect});
    }
  }

 private:
  QTemporaryDir dir_;
};

QTEST_APPLESS_MAIN(TestCheckpoint)
#include "test_checkpoint.moc"
