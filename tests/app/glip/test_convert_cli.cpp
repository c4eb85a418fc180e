// `glip convert` as a process on the tiny-a golden checkpoint (official layout: "model" + "iteration"): the fp32
// copy holds exactly the model's tensors, bit for bit, and `glip predict` gives byte-identical output with it; fp16
// and bf16 copies hold the rounded values, half the bytes, and still load and detect; bad input ends with a reason,
// exit status 1 and no output file. PyTorch's own torch.load reads every conversion (python3-torch).
#include <ATen/ATen.h>

#include <string>

#include "core/io/checkpoint.h"
#include "tests/common/checks.h"
#include "tests/common/paths.h"
#include "tests/common/process.h"
#include <QFileInfo>  // after torch: Qt's `slots` macro breaks ATen headers
#include <QTemporaryDir>
#include <QtTest>

using namespace glip::test;

namespace {
QString q(const std::string& s) { return QString::fromStdString(s); }

ProcessRun predict(const QString& weight) {
  return run_glip({"predict", "--config-file", q(tiny_config()), "--weight", weight, "--image",
                   q(tiny_path("coffee.png")), "--categories", "cup,spoon,dining table", "--threads", "2"});
}
}  // namespace

class TestConvertCli : public QObject {
  Q_OBJECT
  QTemporaryDir tmp;
  glip::io::TensorMap original;

 private slots:
  void initTestCase() {
    QVERIFY(tmp.isValid());
    original = glip::io::load_checkpoint(tiny_path("model_final.pth"));
    QCOMPARE(original.size(), size_t{286});
  }

  void fp32CopyIsTheModelBitForBit() {
    const QString out = tmp.filePath("slim.pth");
    const ProcessRun r = run_glip({"convert", q(tiny_path("model_final.pth")), out});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    QVERIFY2(contains(r.err, "glip convert: 286 tensors") && contains(r.err, "fp32, 0 converted") &&
                 contains(r.err, "left out: 'iteration'"),
             r.err.c_str());
    glip::io::CheckpointInfo info;
    const glip::io::TensorMap slim = glip::io::load_checkpoint(out.toStdString(), &info);
    QVERIFY(!info.had_model_key && info.other_keys.empty());  // a bare state dict, nothing else
    QCOMPARE(slim.size(), original.size());
    for (const auto& [k, t] : original) {
      QVERIFY2(slim.count(k), k.c_str());
      QVERIFY2(slim.at(k).scalar_type() == t.scalar_type() && at::equal(slim.at(k), t), k.c_str());
    }
    // The same detections, to the last digit.
    const ProcessRun a = predict(q(tiny_path("model_final.pth"))), b = predict(out);
    QVERIFY2(a.exit_code == 0 && b.exit_code == 0, (a.err + b.err).c_str());
    QVERIFY(contains(a.out, "\"detections\""));
    QCOMPARE(b.out, a.out);
  }

  void halfPrecisionCopies_data() {
    QTest::addColumn<QString>("dtype");
    QTest::newRow("fp16") << "fp16";
    QTest::newRow("bf16") << "bf16";
  }
  void halfPrecisionCopies() {
    QFETCH(QString, dtype);
    const at::ScalarType st = dtype == "fp16" ? at::kHalf : at::kBFloat16;
    const QString fp32 = tmp.filePath("ref32.pth"), out = tmp.filePath("slim_" + dtype + ".pth");
    QCOMPARE(run_glip({"convert", q(tiny_path("model_final.pth")), fp32}).exit_code, 0);
    const ProcessRun r = run_glip({"convert", q(tiny_path("model_final.pth")), out, "--dtype", dtype});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    const glip::io::TensorMap slim = glip::io::load_checkpoint(out.toStdString());
    size_t floating = 0;
    for (const auto& [k, t] : original) {
      const at::Tensor& s = slim.at(k);
      if (t.is_floating_point()) {
        ++floating;
        QVERIFY2(s.scalar_type() == st && at::equal(s, t.to(st)), k.c_str());
      } else {
        QVERIFY2(s.scalar_type() == t.scalar_type() && at::equal(s, t), k.c_str());  // integer buffers as they were
      }
    }
    QVERIFY2(contains(r.err, std::to_string(floating) + " converted"), r.err.c_str());
    const double ratio = double(QFileInfo(out).size()) / double(QFileInfo(fp32).size());
    qInfo("%s: %.3f of the fp32 file", qPrintable(dtype), ratio);
    QVERIFY(ratio > 0.45 && ratio < 0.6);
    const ProcessRun p = predict(out);  // the weights are widened to fp32 on loading
    QVERIFY2(p.exit_code == 0 && contains(p.out, "\"score\""), p.err.c_str());
  }

  // The official Python side reads them: Debian's PyTorch (python3-torch, installed by scripts/setup.sh) runs
  // torch.load on each conversion the way GLIP's checkpointer does (map_location cpu, a bare state dict), and every
  // tensor equals the official checkpoint's, rounded by torch's own .to(dtype) for fp16/bf16.
  void officialTorchLoad() {
    const QString script = QStringLiteral(R"(
import sys, torch
off = torch.load(sys.argv[1], map_location=torch.device('cpu'))['model']
off = {k[len('module.'):] if k.startswith('module.') else k: v for k, v in off.items()}
for f, name in zip(sys.argv[2::2], sys.argv[3::2]):
    sd = torch.load(f, map_location=torch.device('cpu'))
    assert 'model' not in sd, f
    assert set(sd) == set(off), (f, sorted(set(sd) ^ set(off))[:5])
    dt = {'fp32': None, 'fp16': torch.float16, 'bf16': torch.bfloat16}[name]
    for k, v in off.items():
        w = sd[k]
        want = v.to(dt) if (dt is not None and v.is_floating_point()) else v
        assert w.dtype == want.dtype and w.shape == want.shape and torch.equal(w, want), (f, k)
    print(name, len(sd), 'tensors equal')
)");
    QStringList args{QStringLiteral("-c"), script, q(tiny_path("model_final.pth"))};
    for (const char* dtype : {"fp32", "fp16", "bf16"}) {
      const QString out = tmp.filePath(QStringLiteral("torch_load_%1.pth").arg(dtype));
      const ProcessRun c = run_glip({"convert", q(tiny_path("model_final.pth")), out, "--dtype", dtype});
      QVERIFY2(c.exit_code == 0, c.err.c_str());
      args << out << dtype;
    }
    // Debian's interpreter, where python3-torch installs torch (a python3 earlier in PATH may lack it).
    const QString python = QFileInfo::exists(QStringLiteral("/usr/bin/python3")) ? QStringLiteral("/usr/bin/python3")
                                                                                 : QStringLiteral("python3");
    const ProcessRun r = run_process(python, args, 120000);
    QVERIFY2(r.exit_code == 0, ("torch.load failed (python3-torch is installed by scripts/setup.sh): " + r.err).c_str());
    QVERIFY2(contains(r.out, "fp32 286 tensors equal") && contains(r.out, "fp16 286 tensors equal") &&
                 contains(r.out, "bf16 286 tensors equal"),
             r.out.c_str());
  }

  void badInput() {
    const QString in = q(tiny_path("model_final.pth"));
    struct Case {
      QStringList args;
      std::string reason;
      QString out;
    };
    const QString missingDir = tmp.filePath("no/such/dir/out.pth");
    const QString broken = q(glip::test::data_path("io/layout_no_version.pth"));
    const std::vector<Case> cases = {
        {{"convert", tmp.filePath("missing.pth"), tmp.filePath("o1.pth")}, "missing.pth", tmp.filePath("o1.pth")},
        {{"convert", in, missingDir}, "does not exist", missingDir},
        {{"convert", broken, tmp.filePath("o2.pth")}, "layout_no_version.pth", tmp.filePath("o2.pth")},
    };
    for (const Case& c : cases) {
      const ProcessRun r = run_glip(c.args);
      QVERIFY2(r.exit_code == 1, qPrintable(c.args.join(' ') + ": exit " + QString::number(r.exit_code)));
      QVERIFY2(r.err.rfind("glip: error: ", 0) == 0 && contains(r.err, c.reason), r.err.c_str());
      QVERIFY2(!QFileInfo::exists(c.out), qPrintable(c.out));
    }
    // The input itself as the output: refused, the file untouched.
    const QString copy = tmp.filePath("copy.pth");
    QVERIFY(QFile::copy(in, copy));
    const qint64 size = QFileInfo(copy).size();
    const ProcessRun same = run_glip({"convert", copy, copy, "--dtype", "fp16"});
    QCOMPARE(same.exit_code, 1);
    QVERIFY2(contains(same.err, "is the input file"), same.err.c_str());
    QCOMPARE(QFileInfo(copy).size(), size);
    // Not a dtype: a usage error naming the option.
    const ProcessRun d = run_glip({"convert", in, tmp.filePath("o3.pth"), "--dtype", "int8"});
    QVERIFY(d.exit_code != 0 && d.exit_code != -1);
    QVERIFY2(contains(d.err, "--dtype"), d.err.c_str());
  }
};

QTEST_APPLESS_MAIN(TestConvertCli)
#include "test_convert_cli.moc"
