// Model catalogue, models folder, downloads and installs, against a real HTTP server on 127.0.0.1 started here
// (tests/common/http_server.h) that serves checkpoints written by the test:
//  - a download in one go, one whose connection drops mid-file (resumed with a Range request, byte-identical), one
//    cancelled and resumed by a second call, a server that ignores Range (starts over), a 404, a body that is always
//    cut short (error, .part kept), a closed port (the offline message), an HTTP proxy given and from http_proxy;
//  - install_model: verified (tensor count + strict load) before the rename, SHA-256 recorded (equal to
//    coreutils' sha256sum), a corrupt file and another model's checkpoint fail verification and are not installed;
//    the installed model loads and detects;
//  - the catalogue's own errors; the models folder's XDG rules; SHA-256 on the FIPS 180-4 examples.
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "core/common/error.h"
#include "core/common/sha256.h"
#include "core/engine/models.h"
#include "tests/common/checks.h"
#include "tests/common/files.h"
#include "tests/common/http_server.h"
#include "tests/common/paths.h"
#include "tests/common/process.h"
#include <QTemporaryDir>
#include <QtTest>

using namespace glip;
using glip::test::contains;
using glip::test::error_of;
using glip::test::LoopbackHttpServer;
namespace fs = std::filesystem;

namespace {

std::string slurp(const std::string& path) { return glip::test::read_file(path); }

}  // namespace

class TestModels : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;
  std::string tiny_;     // tiny-a's checkpoint bytes (official layout, 286 model tensors)
  std::string other_;    // tiny-ta's (382 tensors): a real checkpoint of another model
  std::unique_ptr<LoopbackHttpServer> server_;
  int dirs_ = 0;

  // A fresh folder under the test's temp dir.
  std::string fresh_dir() { return tmp_.filePath(QString("d%1").arg(dirs_++)).toStdString(); }

  // A catalogue in a fresh folder: tiny-a's config (+ its BERT folder) as "tiny", served at `url`.
  Catalog catalog(const std::string& url, int64_t tensors = 286) {
    test::TinyCatalogModel m{"tiny", "Tiny GLIP", url, static_cast<int64_t>(tiny_.size()), tensors};
    m.recommended = true;
    return load_catalog(test::write_tiny_catalog(fresh_dir(), {m}));
  }

 private slots:
  void initTestCase() {
    QVERIFY(tmp_.isValid());
    test::unset_proxy_environment();
    tiny_ = slurp(test::tiny_path("model_final.pth"));
    other_ = slurp(test::data_path("golden/tiny-ta/model_final.pth"));
    server_ = std::make_unique<LoopbackHttpServer>();
    server_->serve("/tiny.pth", tiny_);
    server_->serve("/other.pth", other_);
  }

  void sha256Vectors() {
    auto hex = [](const std::string& s) {
      Sha256 h;
      h.update(s.data(), s.size());
      return h.hex();
    };
    QCOMPARE(hex(""), std::string("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
    QCOMPARE(hex("abc"), std::string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    QCOMPARE(hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
             std::string("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"));
    Sha256 m;  // one million 'a', fed in uneven pieces
    const std::string a(999, 'a');
    for (int i = 0; i < 1000; ++i) {
      m.update(a.data(), 999);
      m.update(a.data(), 1);
    }
    QCOMPARE(m.hex(), std::string("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
  }

  void downloadWhole() {
    const std::string part = fresh_dir() + ".part";
    int calls = 0;
    bool monotonic = true;
    int64_t last = 0, total = 0;
    DownloadOptions o;
    o.progress = [&](const DownloadProgress& p) {
      ++calls;
      monotonic = monotonic && p.received >= last;
      last = p.received;
      total = p.total;
      return true;
    };
    const DownloadResult r = download_file(server_->url("tiny.pth"), part, o);
    QCOMPARE(r.bytes, static_cast<int64_t>(tiny_.size()));
    QCOMPARE(r.resumes, 0);
    QVERIFY(slurp(part) == tiny_);
    QVERIFY(monotonic);
    QVERIFY(calls >= 1);  // at least the final report
    QCOMPARE(last, static_cast<int64_t>(tiny_.size()));
    QCOMPARE(total, static_cast<int64_t>(tiny_.size()));
  }

  // The connection drops at 3 MB (twice): the download resumes with Range requests and the bytes are identical.
  void droppedConnectionResumes() {
    LoopbackHttpServer::Behaviour b;
    b.drop_at = 3000000;
    b.drops = 2;
    server_->serve("/drop.pth", tiny_, b);
    const size_t before = server_->requests().size();
    const std::string part = fresh_dir() + ".part";
    const DownloadResult r = download_file(server_->url("drop.pth"), part);
    QCOMPARE(r.bytes, static_cast<int64_t>(tiny_.size()));
    QVERIFY(r.resumes >= 1);
    QVERIFY(slurp(part) == tiny_);
    const auto reqs = server_->requests();
    QVERIFY(reqs.size() >= before + 2);
    QCOMPARE(reqs[before].range, std::string());
    QCOMPARE(reqs[before + 1].range, std::string("bytes=3000000-"));
  }

  // Cancelled once a megabyte arrived (the server pauses there, so the progress callback runs before the end):
  // glip::Cancelled, the .part keeps what arrived; a second call resumes.
  void cancelThenResume() {
    LoopbackHttpServer::Behaviour b;
    b.pause_at = 1000000;
    b.pause_ms = 1500;
    server_->serve("/cancel.pth", tiny_, b);
    const std::string part = fresh_dir() + ".part";
    DownloadOptions o;
    o.progress = [](const DownloadProgress& p) { return p.received < 1000000; };
    const std::string e = [&]() -> std::string {
      try {
        download_file(server_->url("cancel.pth"), part, o);
      } catch (const Cancelled& c) {
        return c.what();
      }
      return "";
    }();
    QVERIFY2(contains(e, "download cancelled; 1.0 MB kept in") && contains(e, ".part"), e.c_str());
    const int64_t kept = static_cast<int64_t>(fs::file_size(part));
    QCOMPARE(kept, int64_t{1000000});
    server_->serve("/cancel.pth", tiny_);  // no pause this time
    QVERIFY(tiny_.compare(0, kept, slurp(part)) == 0);
    const DownloadResult r = download_file(server_->url("cancel.pth"), part);
    QCOMPARE(r.resumed_from, kept);
    QCOMPARE(r.resumes, 1);
    QVERIFY(slurp(part) == tiny_);
  }

  // A server that ignores Range answers 200: the file starts over instead of being appended to.
  void serverWithoutRange() {
    LoopbackHttpServer::Behaviour b;
    b.ignore_range = true;
    server_->serve("/norange.pth", tiny_, b);
    const std::string part = fresh_dir() + ".part";
    std::ofstream(part, std::ios::binary) << tiny_.substr(0, 12345);
    const DownloadResult r = download_file(server_->url("norange.pth"), part);
    QCOMPARE(r.resumed_from, int64_t{12345});
    QCOMPARE(server_->requests().back().range, std::string());  // the second request asked for the whole file
    QVERIFY(slurp(part) == tiny_);
  }

  void notFound() {
    const std::string part = fresh_dir() + ".part";
    const std::string e = error_of([&] { download_file(server_->url("missing.pth"), part); });
    QVERIFY2(contains(e, "HTTP 404 Not Found") && contains(e, "/missing.pth"), e.c_str());
    QVERIFY(!fs::exists(part));  // nothing arrived: no .part left behind
  }

  // Every response is cut short: after the retries, an error that says how far it got; the .part stays.
  void truncatedBody() {
    LoopbackHttpServer::Behaviour b;
    b.truncate_always = true;
    server_->serve("/short.pth", tiny_, b);
    const std::string part = fresh_dir() + ".part";
    DownloadOptions o;
    o.retries = 2;
    const std::string e = error_of([&] { download_file(server_->url("short.pth"), part, o); });
    qInfo("%s", e.c_str());
    QVERIFY2(contains(e, "the connection closed after") && contains(e, "run the download again to resume"), e.c_str());
    const int64_t kept = static_cast<int64_t>(fs::file_size(part));
    QVERIFY(kept > static_cast<int64_t>(tiny_.size()) / 2 && kept < static_cast<int64_t>(tiny_.size()));
    QVERIFY(tiny_.compare(0, kept, slurp(part)) == 0);
  }

  void closedPort() {
    std::string url;
    {
      LoopbackHttpServer s;
      url = s.url("tiny.pth");
    }  // stopped: the port refuses connections
    const std::string part = fresh_dir() + ".part";
    const std::string e = error_of([&] { download_file(url, part); });
    QVERIFY2(contains(e, "cannot connect to 127.0.0.1") && contains(e, "are you offline?"), e.c_str());
    QVERIFY(!fs::exists(part));
  }

  // Through an HTTP proxy (the loopback server answers absolute-form requests): an unresolvable host works only
  // if the request went to the proxy. Given in the options, then from http_proxy.
  void proxy() {
    const std::string url = "http://glip-models.invalid/tiny.pth";
    const std::string proxy = "http://127.0.0.1:" + std::to_string(server_->port());
    DownloadOptions o;
    o.proxy = proxy;
    std::string part = fresh_dir() + ".part";
    download_file(url, part, o);
    QVERIFY(slurp(part) == tiny_);
    QCOMPARE(server_->requests().back().target, url);
    qputenv("http_proxy", QByteArray::fromStdString(proxy));
    part = fresh_dir() + ".part";
    download_file(url, part);
    qunsetenv("http_proxy");
    QVERIFY(slurp(part) == tiny_);
    QCOMPARE(server_->requests().back().target, url);
  }

  // Downloaded, verified, checksummed, renamed; a second install is a no-op; the model loads and detects.
  void installVerifiesAndRecords() {
    const Catalog cat = catalog(server_->url("tiny.pth"));
    const CatalogModel& m = cat.at("tiny");
    const std::string dir = fresh_dir();
    QCOMPARE(model_status(m, dir).state, InstallState::Absent);
    const InstalledModel got = install_model(cat, m, dir);
    QCOMPARE(got.path, dir + "/tiny.pth");
    QVERIFY(slurp(got.path) == tiny_);
    QVERIFY(!fs::exists(got.path + ".part"));
    // The recorded checksum is coreutils' (an independent implementation).
    const test::ProcessRun sum = test::run_process("sha256sum", {QString::fromStdString(got.path)});
    QCOMPARE(sum.exit_code, 0);
    QCOMPARE(got.sha256, sum.out.substr(0, 64));
    QCOMPARE(slurp(got.path + ".sha256"), got.sha256 + "  tiny.pth\n");
    const ModelStatus st = model_status(m, dir);
    QCOMPARE(st.state, InstallState::Installed);
    QCOMPARE(st.recorded_sha256, got.sha256);
    QCOMPARE(st.bytes, static_cast<int64_t>(tiny_.size()));
    const size_t requests = server_->requests().size();
    QCOMPARE(install_model(cat, m, dir).sha256, got.sha256);
    QCOMPARE(server_->requests().size(), requests);  // already installed: no request
    auto model = Model::load(catalog_model_params(cat, m, got.path));
    Session s(model);
    const RgbImage img = image::load_image(test::tiny_path("coffee.png"));
    const Prompt prompt = Prompt::categories({"cup", "spoon"});
    const DetectResult full = s.detect(img, prompt);
    QVERIFY(!full.detections.empty());
    // The slim copy: smaller, preferred for loading, the same detections bit for bit.
    QVERIFY(st.slim_path.empty() && st.load_path() == got.path);
    const std::string slim = slim_model(m, dir);
    QCOMPARE(slim, dir + "/tiny.slim.pth");
    QVERIFY(fs::file_size(slim) < fs::file_size(got.path));
    QCOMPARE(model_status(m, dir).load_path(), slim);
    Session s2(Model::load(catalog_model_params(cat, m, slim)));
    const DetectResult again = s2.detect(img, prompt);
    QCOMPARE(again.detections.size(), full.detections.size());
    for (size_t i = 0; i < full.detections.size(); ++i) {
      QCOMPARE(again.detections[i].score, full.detections[i].score);
      QVERIFY(again.detections[i].box == full.detections[i].box);
    }
    QVERIFY(contains(error_of([&] { slim_model(m, fresh_dir()); }), "is not installed"));
  }

  // A partial download shows as such and the install resumes it.
  void installResumesPartial() {
    const Catalog cat = catalog(server_->url("tiny.pth"));
    const CatalogModel& m = cat.at("tiny");
    const std::string dir = fresh_dir();
    fs::create_directories(dir);
    std::ofstream(dir + "/tiny.pth.part", std::ios::binary) << tiny_.substr(0, 4000000);
    const ModelStatus st = model_status(m, dir);
    QCOMPARE(st.state, InstallState::Partial);
    QCOMPARE(st.bytes, int64_t{4000000});
    const InstalledModel got = install_model(cat, m, dir);
    QCOMPARE(got.download.resumed_from, int64_t{4000000});
    QVERIFY(slurp(got.path) == tiny_);
  }

  // Corrupt bytes (a zip whose records are garbage) and another model's real checkpoint: verification fails, the
  // download is deleted, nothing is installed, no checksum recorded.
  void corruptIsNotInstalled_data() {
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("expect");
    QTest::newRow("corrupt") << "/corrupt.pth" << "failed verification";
    QTest::newRow("another model") << "/other.pth" << "it holds 382 model tensors, Tiny GLIP has 286";
  }
  void corruptIsNotInstalled() {
    QFETCH(QString, path);
    QFETCH(QString, expect);
    std::string bad = tiny_;
    for (size_t i = bad.size() / 3; i < bad.size(); i += 997) bad[i] = static_cast<char>(bad[i] ^ 0x5a);
    bad.replace(bad.size() - 200, 200, std::string(200, '\0'));  // the zip's central directory, gone
    server_->serve("/corrupt.pth", bad);
    const Catalog cat = catalog(server_->url(path.toStdString()));
    const CatalogModel& m = cat.at("tiny");
    const std::string dir = fresh_dir();
    const std::string e = error_of([&] { install_model(cat, m, dir); });
    qInfo("%s", e.c_str());
    QVERIFY2(contains(e, "failed verification and was not installed") && contains(e, expect.toStdString()),
             e.c_str());
    QVERIFY(!fs::exists(dir + "/tiny.pth"));
    QVERIFY(!fs::exists(dir + "/tiny.pth.part"));
    QVERIFY(!fs::exists(dir + "/tiny.pth.sha256"));
    QCOMPARE(model_status(m, dir).state, InstallState::Absent);
  }

  void badCatalogues() {
    const fs::path dir = fresh_dir();
    fs::create_directories(dir);
    std::ofstream(dir / "c.yaml") << "config";
    auto err = [&](const std::string& text) {
      std::ofstream(dir / "catalog.yaml") << text;
      return error_of([&] { load_catalog((dir / "catalog.yaml").string()); });
    };
    const std::string entry = "  - name: a\n    title: A\n    config: c.yaml\n    file: a.pth\n    url: http://x/a\n"
                              "    size_bytes: 10\n    tensors: 3\n";
    QVERIFY(err("models:\n" + entry).empty());
    QVERIFY(contains(err("models: [\n"), "not valid YAML"));
    QVERIFY(contains(err("other: 1\n"), "expected a top-level 'models:' list"));
    QVERIFY(contains(err("models: []\n"), "lists no model"));
    QVERIFY(contains(err("models:\n" + entry + entry), "the name \"a\" is used twice"));
    std::string e = err("models:\n  - name: a\n    title: A\n");
    QVERIFY2(contains(e, "entry 1: 'config' is missing"), e.c_str());
    e = err("models:\n" + std::string(entry).replace(entry.find("a.pth"), 5, "../a.pth"));
    QVERIFY2(contains(e, "'file' must be a plain file name"), e.c_str());
    e = err("models:\n" + std::string(entry).replace(entry.find("c.yaml"), 6, "no.yaml"));
    QVERIFY2(contains(e, "its config 'no.yaml' is not in"), e.c_str());
    e = err("models:\n" + std::string(entry).replace(entry.find("tensors: 3"), 10, "tensors: x"));
    QVERIFY2(contains(e, "'tensors' must be a number"), e.c_str());
    QVERIFY(contains(error_of([&] { load_catalog((dir / "none.yaml").string()); }), "none.yaml"));
    std::ofstream(dir / "catalog.yaml") << "models:\n" << entry;
    const std::string missing = error_of([&] { load_catalog((dir / "catalog.yaml").string()).at("b"); });
    QVERIFY2(contains(missing, "no model named \"b\"") && contains(missing, "it has: a"), missing.c_str());
  }

  // XDG base directories: GLIP_MODELS_HOME, else $XDG_DATA_HOME (absolute only), else ~/.local/share.
  void modelsDir() {
    const QByteArray home = qgetenv("HOME"), xdg = qgetenv("XDG_DATA_HOME"), own = qgetenv("GLIP_MODELS_HOME");
    qunsetenv("GLIP_MODELS_HOME");
    qputenv("HOME", "/home/u");
    qunsetenv("XDG_DATA_HOME");
    QCOMPARE(default_models_dir(), std::string("/home/u/.local/share/glip-studio/models"));
    qputenv("XDG_DATA_HOME", "/data");
    QCOMPARE(default_models_dir(), std::string("/data/glip-studio/models"));
    qputenv("XDG_DATA_HOME", "relative");  // the spec says: ignore a relative path
    QCOMPARE(default_models_dir(), std::string("/home/u/.local/share/glip-studio/models"));
    qputenv("GLIP_MODELS_HOME", "/models");
    QCOMPARE(default_models_dir(), std::string("/models"));
    qputenv("HOME", home);
    xdg.isNull() ? qunsetenv("XDG_DATA_HOME") : qputenv("XDG_DATA_HOME", xdg);
    own.isNull() ? qunsetenv("GLIP_MODELS_HOME") : qputenv("GLIP_MODELS_HOME", own);
  }

  void formats() {
    QCOMPARE(format_bytes(3700000000), std::string("3.7 GB"));
    QCOMPARE(format_bytes(512000000), std::string("512 MB"));
    QCOMPARE(format_bytes(1500000), std::string("1.5 MB"));
    QCOMPARE(format_bytes(12000), std::string("12.0 kB"));
    QCOMPARE(format_duration(45), std::string("45 s"));
    QCOMPARE(format_duration(200), std::string("3 min 20 s"));
    QCOMPARE(format_duration(3900), std::string("1 h 05 min"));
  }
};

QTEST_APPLESS_MAIN(TestModels)
#include "test_models.moc"
