// `glip models list|download` as processes, against a real HTTP server on 127.0.0.1 (tests/common/http_server.h)
// serving the tiny-a checkpoint through a catalogue written here: list (text and JSON) shows each state, download
// installs (path on stdout, checksum file, `list` says installed), resumes a .part left by an earlier run, and a 404,
// an unknown name, a bad catalogue and a closed port end with one line and exit status 1, leaving nothing installed.
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include "tests/common/checks.h"
#include "tests/common/files.h"
#include "tests/common/http_server.h"
#include "tests/common/paths.h"
#include "tests/common/process.h"
#include <QTemporaryDir>
#include <QtTest>

using namespace glip::test;
namespace fs = std::filesystem;

class TestModelsCli : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;
  LoopbackHttpServer server_;
  std::string tiny_;
  QString catalog_, dir_;

  QString q(const std::string& s) { return QString::fromStdString(s); }
  // A catalogue with "tiny" (served) and "gone" (404) in a folder holding tiny-a's config.
  void write_catalog() {
    std::vector<TinyCatalogModel> models;
    for (const char* name : {"tiny", "gone"})
      models.push_back({name, std::string("Tiny ") + name, server_.url(std::string(name) + ".pth"),
                        static_cast<int64_t>(tiny_.size()), 286, 1.5});
    catalog_ = q(write_tiny_catalog(tmp_.filePath("catalog").toStdString(), models));
  }
  ProcessRun glip(QStringList args) {
    args << "--catalog" << catalog_ << "--dir" << dir_;
    return run_glip(args, 120000);
  }
  nlohmann::json list_json() {
    const ProcessRun r = glip({"models", "list", "--json"});
    if (r.exit_code != 0) qWarning("%s", r.err.c_str());
    return nlohmann::json::parse(r.out);
  }

 private slots:
  void initTestCase() {
    QVERIFY(tmp_.isValid());
    unset_proxy_environment();
    tiny_ = read_file(tiny_path("model_final.pth"));
    server_.serve("/tiny.pth", tiny_);
    write_catalog();
    dir_ = tmp_.filePath("models");
  }

  void listBeforeAnything() {
    const ProcessRun r = glip({"models", "list"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    QVERIFY2(contains(r.out, "Models folder: " + dir_.toStdString()), r.out.c_str());
    QVERIFY2(contains(r.out, "Tiny tiny — 1.5 COCO zero-shot AP — 11.4 MB — not downloaded"), r.out.c_str());
    const nlohmann::json j = list_json();
    QCOMPARE(j.at("models").size(), size_t{2});
    QCOMPARE(j.at("models")[0].at("state").get<std::string>(), std::string("absent"));
    QCOMPARE(j.at("models_dir").get<std::string>(), dir_.toStdString());
  }

  void downloadResumesAndInstalls() {
    fs::create_directories(dir_.toStdString());
    std::ofstream(dir_.toStdString() + "/tiny.pth.part", std::ios::binary) << tiny_.substr(0, 5000000);
    nlohmann::json j = list_json();
    QCOMPARE(j.at("models")[0].at("state").get<std::string>(), std::string("partial"));
    QCOMPARE(j.at("models")[0].at("bytes").get<int64_t>(), int64_t{5000000});
    const ProcessRun r = glip({"models", "download", "tiny"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    const std::string path = dir_.toStdString() + "/tiny.pth";
    QCOMPARE(r.out, path + "\n");
    QVERIFY2(contains(r.err, "resuming") && contains(r.err, "Tiny tiny installed: " + path), r.err.c_str());
    QCOMPARE(server_.requests().back().range, std::string("bytes=5000000-"));
    QVERIFY(read_file(path) == tiny_);
    j = list_json();
    QCOMPARE(j.at("models")[0].at("state").get<std::string>(), std::string("installed"));
    QCOMPARE(j.at("models")[0].at("sha256").get<std::string>().size(), size_t{64});
    // The installed model runs.
    const ProcessRun p = run_glip({"predict", "--config-file", q(tmp_.filePath("catalog/tiny.yaml").toStdString()),
                                   "--weight", q(path), "--image", q(tiny_path("coffee.png")), "--categories", "cup"});
    QVERIFY2(p.exit_code == 0 && contains(p.out, "\"detections\""), p.err.c_str());
    // Already installed: --slim writes the slim copy and prints its path; `list` reports it.
    const ProcessRun s = glip({"models", "download", "tiny", "--slim"});
    QVERIFY2(s.exit_code == 0, s.err.c_str());
    QCOMPARE(s.out, dir_.toStdString() + "/tiny.slim.pth\n");
    QVERIFY(fs::file_size(dir_.toStdString() + "/tiny.slim.pth") < tiny_.size());
  }

  void failures() {
    ProcessRun r = glip({"models", "download", "gone"});
    QCOMPARE(r.exit_code, 1);
    QVERIFY2(contains(r.err, "glip: error: HTTP 404 Not Found for " + server_.url("gone.pth")), r.err.c_str());
    QVERIFY(!fs::exists(dir_.toStdString() + "/gone.pth") && !fs::exists(dir_.toStdString() + "/gone.pth.part"));
    r = glip({"models", "download", "nope"});
    QCOMPARE(r.exit_code, 1);
    QVERIFY2(contains(r.err, "no model named \"nope\"") && contains(r.err, "it has: tiny, gone"), r.err.c_str());
    r = run_glip({"models", "list", "--catalog", q(tiny_config())});
    QCOMPARE(r.exit_code, 1);
    QVERIFY2(contains(r.err, "expected a top-level 'models:' list"), r.err.c_str());
    r = run_glip({"models", "download"});
    QCOMPARE(r.exit_code, 106);  // CLI11 RequiredError: a required argument is missing
    QVERIFY2(contains(r.err, "name is required"), r.err.c_str());
  }

  void offline() {
    std::string url;
    {
      LoopbackHttpServer gone;
      url = gone.url("x.pth");
    }
    std::string text = read_file(catalog_.toStdString());
    const std::string old = server_.url("gone.pth");
    text.replace(text.find(old), old.size(), url);
    std::ofstream(catalog_.toStdString()) << text;
    const ProcessRun r = glip({"models", "download", "gone"});
    QCOMPARE(r.exit_code, 1);
    QVERIFY2(contains(r.err, "cannot connect to 127.0.0.1") && contains(r.err, "are you offline?"), r.err.c_str());
  }

  // The shipped catalogue lists the five released models with their official file names.
  void shippedCatalogue() {
    const ProcessRun r = run_glip({"models", "list", "--json", "--dir", dir_});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    const nlohmann::json j = nlohmann::json::parse(r.out);
    std::vector<std::string> files;
    for (const auto& m : j.at("models")) files.push_back(m.at("file").get<std::string>());
    QCOMPARE(files, (std::vector<std::string>{"glip_tiny_model_o365_goldg.pth", "glip_a_tiny_o365.pth",
                                               "glip_tiny_model_o365.pth", "glip_tiny_model_o365_goldg_cc_sbu.pth",
                                               "glip_large_model.pth"}));
    QVERIFY(j.at("models")[0].at("recommended").get<bool>());
  }
};

QTEST_APPLESS_MAIN(TestModelsCli)
#include "test_models_cli.moc"
