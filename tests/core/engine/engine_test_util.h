// Helpers for the engine tests: the tiny-a model, golden runs (json + .pt), detection and tensor comparisons.
#pragma once
#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "core/engine/engine.h"
#include "core/text/bert_tokenizer.h"
#include "tests/common/files.h"
#include "tests/common/paths.h"
#include "tests/common/tensors.h"
#include "tests/common/tiny_model.h"

namespace glip::engine_test {

using test::load_json;
using test::tiny_config;
using test::tiny_dir;

// A golden set's folder: tests/data/golden/<set> (tiny-a: GLIP-T (C) at toy width; tiny-ta: GLIP-T (A)).
inline std::string golden_dir(const std::string& set) { return test::data_path("golden/" + set); }

// A golden set's model with its golden weights (MODEL.WEIGHT of the merged config), one per set, override list,
// precision and kernels.
inline std::shared_ptr<const Model> tiny_model(const std::vector<std::string>& overrides = {},
                                               const std::string& set = "tiny-a",
                                               Precision precision = Precision::fp32,
                                               Kernels kernels = Kernels::native) {
  static std::mutex mu;
  static std::map<std::tuple<std::string, std::vector<std::string>, Precision, Kernels>, std::shared_ptr<const Model>>
      cache;
  std::lock_guard<std::mutex> lock(mu);
  auto& m = cache[{set, overrides, precision, kernels}];
  if (!m) {
    ModelParams p = test::tiny_params("", overrides);
    p.config_file = golden_dir(set) + "/" + set + ".merged.yaml";
    p.precision = precision;
    p.kernels = kernels;
    m = Model::load(p);
  }
  return m;
}

// A golden run: tests/data/golden/tiny-a/<tag>.json (+ .pt), the image and how it was run.
struct GoldenRun {
  std::string set = "tiny-a";          // the golden set (folder under tests/data/golden)
  std::string dir;                     // its folder
  std::string tag;                     // astronaut.det, coffee.coco80.800x1333, ...
  std::string image;                   // astronaut / coffee
  std::vector<std::string> overrides;  // config overrides of the run
  nlohmann::json json;
  Prompt prompt;                       // rebuilt from the json (categories or caption + char spans)
};

// Overrides from the json's "config_override" ("INPUT.MIN_SIZE_TEST=800 INPUT.MAX_SIZE_TEST=1333").
inline std::vector<std::string> parse_overrides(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  std::string kv;
  while (in >> kv) {
    const auto eq = kv.find('=');
    if (eq == std::string::npos) throw std::runtime_error("bad override " + kv);
    out.push_back(kv.substr(0, eq));
    out.push_back(kv.substr(eq + 1));
  }
  return out;
}

inline GoldenRun golden_run(const std::string& tag, const std::string& set = "tiny-a") {
  GoldenRun r;
  r.set = set;
  r.dir = golden_dir(set);
  r.tag = tag;
  r.image = tag.substr(0, tag.find('.'));
  r.json = load_json(r.dir + "/" + tag + ".json");
  const nlohmann::json& p = r.json.at("prompt");
  if (p.contains("config_override")) r.overrides = parse_overrides(p.at("config_override").get<std::string>());
  // label_names: {"1": name, ...}; in label order.
  std::map<int, std::string> names;
  for (const auto& [k, v] : p.at("label_names").items()) names[std::stoi(k)] = v.get<std::string>();
  std::vector<std::string> ordered;
  for (const auto& [k, v] : names) {
    if (k != static_cast<int>(ordered.size()) + 1) throw std::runtime_error(tag + ": labels are not 1..K");
    ordered.push_back(v);
  }
  if (p.contains("char_spans")) {
    std::vector<std::array<int64_t, 2>> spans;
    for (const auto& label_spans : p.at("char_spans")) {
      if (label_spans.size() != 1) throw std::runtime_error(tag + ": expected one span per phrase");
      spans.push_back({label_spans[0][0].get<int64_t>(), label_spans[0][1].get<int64_t>()});
    }
    r.prompt = Prompt::grounding(p.at("caption").get<std::string>(), spans);
  } else {
    r.prompt = Prompt::categories(ordered);
  }
  if (r.prompt.labels.size() != ordered.size()) throw std::runtime_error(tag + ": label count differs");
  for (size_t i = 0; i < ordered.size(); ++i)
    if (r.prompt.labels[i].name != ordered[i])
      throw std::runtime_error(tag + ": label " + std::to_string(i + 1) + " is \"" + r.prompt.labels[i].name +
                               "\", golden \"" + ordered[i] + "\"");
  return r;
}

// The golden photos (the same files in every set: tiny-a's copy).
inline RgbImage golden_image(const std::string& name) { return image::load_image(tiny_dir() + "/" + name + ".png"); }

// ---------------------------------------------------------------------------------------------------------------
// Prompts past MAX_QUERY_LEN (256 tokens).

// A 302-word caption whose last two noun phrases lie past the 254 WordPieces that fit: "an astronaut holding a
// helmet", 290 x " and", " a red flag and a white spacesuit". The phrases (as the phrase heuristic finds them) and
// their spans; `prefix` is the caption cut where the model's truncation cuts it (after the last kept WordPiece),
// which tokenizes to the same 256 input ids.
struct LongCaption {
  std::string caption, prefix;
  std::vector<std::string> names;                // an astronaut, a helmet | a red flag, a white spacesuit (cut)
  std::vector<std::array<int64_t, 2>> spans;
};

inline LongCaption long_caption() {
  LongCaption c;
  c.caption = "an astronaut holding a helmet";
  for (int i = 0; i < 290; ++i) c.caption += " and";
  c.caption += " a red flag and a white spacesuit";
  c.names = {"an astronaut", "a helmet", "a red flag", "a white spacesuit"};
  for (size_t i = 0; i < c.names.size(); ++i) {
    const size_t at = i < 2 ? c.caption.find(c.names[i]) : c.caption.rfind(c.names[i]);  // ASCII: bytes = chars
    c.spans.push_back({static_cast<int64_t>(at), static_cast<int64_t>(at + c.names[i].size())});
  }
  const text::Encoding e = text::BertTokenizer::bert_base_uncased().encode(c.caption, 256);
  int64_t kept = 0;
  for (const text::CharSpan& s : e.spans)
    if (s.valid()) kept = std::max(kept, s.end);
  c.prefix = c.caption.substr(0, static_cast<size_t>(kept));
  return c;
}

// A category name of `words` words, one WordPiece each: "<first> table table ...".
inline std::string long_category(const std::string& first, int words = 300) {
  std::string s = first;
  for (int i = 1; i < words; ++i) s += " table";
  return s;
}

// ---------------------------------------------------------------------------------------------------------------
// Final detections vs golden json: a one-to-one matching, in (score desc, label) order, where each golden
// detection takes an unused engine detection with the same label, score within score_tol and every box coordinate
// within box_tol (the closest box). Equal sizes + a full matching = identical label multisets. A detection matched
// at a different sorted position is a near tie (its score gap to the neighbour is reported).

struct GoldenDet {
  int label;
  std::string phrase;
  float score;
  std::array<double, 4> box;
};

// The detections of a JSON entry ({"detections": [{label, phrase, score, box_xyxy}, ...]}) in file order, as
// GoldenDet (double boxes) or as engine Detections (float boxes).
template <class Det>
std::vector<Det> json_detections(const nlohmann::json& entry) {
  std::vector<Det> out;
  for (const auto& d : entry.at("detections")) {
    Det x;
    x.label = d.at("label").get<int>();
    x.phrase = d.at("phrase").get<std::string>();
    x.score = d.at("score").get<float>();
    for (int k = 0; k < 4; ++k) x.box[k] = d.at("box_xyxy")[k].get<typename decltype(x.box)::value_type>();
    out.push_back(x);
  }
  return out;
}

inline std::vector<GoldenDet> golden_detections(const nlohmann::json& j) {
  std::vector<GoldenDet> out = json_detections<GoldenDet>(j);
  std::stable_sort(out.begin(), out.end(), [](const GoldenDet& a, const GoldenDet& b) {
    return a.score != b.score ? a.score > b.score : a.label < b.label;
  });
  return out;
}

struct DetMatch {
  bool ok = true;
  std::string error;
  double max_box = 0, max_score = 0;
  std::vector<std::string> near_ties;  // matched at another sorted position
};

inline DetMatch match_detections(const std::vector<Detection>& got, const std::vector<GoldenDet>& want,
                                 double box_tol, double score_tol) {
  DetMatch m;
  if (got.size() != want.size()) {
    m.ok = false;
    m.error = "engine has " + std::to_string(got.size()) + " detections, golden " + std::to_string(want.size());
    return m;
  }
  std::vector<bool> used(got.size(), false);
  for (size_t i = 0; i < want.size(); ++i) {
    const GoldenDet& g = want[i];
    int best = -1;
    double best_box = 1e30;
    for (size_t j = 0; j < got.size(); ++j) {
      if (used[j] || got[j].label != g.label) continue;
      if (std::abs(static_cast<double>(got[j].score) - g.score) > score_tol) continue;
      double bd = 0;
      for (int k = 0; k < 4; ++k) bd = std::max(bd, std::abs(static_cast<double>(got[j].box[k]) - g.box[k]));
      if (bd <= box_tol && bd < best_box) {
        best = static_cast<int>(j);
        best_box = bd;
      }
    }
    if (best < 0) {
      m.ok = false;
      std::ostringstream e;
      e << "golden detection #" << i << " (label " << g.label << " \"" << g.phrase << "\", score " << g.score
        << ", box " << g.box[0] << " " << g.box[1] << " " << g.box[2] << " " << g.box[3]
        << ") has no engine match; engine #" << i << ": label " << got[i].label << " score " << got[i].score
        << ", box " << got[i].box[0] << " " << got[i].box[1] << " " << got[i].box[2] << " " << got[i].box[3];
      m.error = e.str();
      return m;
    }
    used[best] = true;
    const Detection& d = got[best];
    if (d.phrase != g.phrase) {
      m.ok = false;
      m.error = "detection #" + std::to_string(i) + ": phrase \"" + d.phrase + "\", golden \"" + g.phrase + "\"";
      return m;
    }
    m.max_box = std::max(m.max_box, best_box);
    m.max_score = std::max(m.max_score, std::abs(static_cast<double>(d.score) - g.score));
    if (static_cast<size_t>(best) != i) {
      std::ostringstream t;
      t << "golden #" << i << " (label " << g.label << ", score " << g.score << ") matched engine #" << best
        << " (score " << d.score << ", engine #" << i << " has label " << got[i].label << " score " << got[i].score
        << ")";
      m.near_ties.push_back(t.str());
    }
  }
  return m;
}

}  // namespace glip::engine_test
