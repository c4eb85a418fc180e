#include "ui/inspect/explain.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "ui/inspect/overlays.h"

namespace glip::inspect {

double iou(const Box& a, const Box& b) {
  const double area_a = (a[2] - a[0] + 1) * (a[3] - a[1] + 1), area_b = (b[2] - b[0] + 1) * (b[3] - b[1] + 1);
  const double w = std::max(0.0, std::min(a[2], b[2]) - std::max(a[0], b[0]) + 1);
  const double h = std::max(0.0, std::min(a[3], b[3]) - std::max(a[1], b[1]) + 1);
  const double inter = w * h;
  return inter / (area_a + area_b - inter);
}

Box decodeBox(const std::array<float, 4>& codes, const Box& anchor_d) {
  // float arithmetic in the order of core/post decode_boxes (the same float ops as the official tensors).
  const float a0 = float(anchor_d[0]), a1 = float(anchor_d[1]), a2 = float(anchor_d[2]), a3 = float(anchor_d[3]);
  const float widths = a2 - a0 + 1, heights = a3 - a1 + 1;
  const float ctr_x = (a2 + a0) / 2, ctr_y = (a3 + a1) / 2;
  const float dx = codes[0] / 10.0f, dy = codes[1] / 10.0f;
  const float clip = float(std::log(1000. / 16));
  const float dw = std::min(codes[2] / 5.0f, clip), dh = std::min(codes[3] / 5.0f, clip);
  const float pcx = dx * widths + ctr_x, pcy = dy * heights + ctr_y;
  const float pw = std::exp(dw) * widths, ph = std::exp(dh) * heights;
  return {pcx - 0.5f * (pw - 1), pcy - 0.5f * (ph - 1), pcx + 0.5f * (pw - 1), pcy + 0.5f * (ph - 1)};
}

namespace {

Box toOriginal(const Snapshot& s, const Box& b) {
  const float rw = float(s.scale_x()), rh = float(s.scale_y());
  return {float(b[0]) * rw, float(b[1]) * rh, float(b[2]) * rw, float(b[3]) * rh};
}

std::vector<LabelScore> labelScores(const Snapshot& s, const std::vector<float>& token_scores, float centerness) {
  std::vector<LabelScore> out;
  for (const auto& [label, toks] : s.label_tokens) {
    if (toks.empty()) continue;
    float acc = s.score_agg_max ? -1.0f : 0.0f;
    for (int64_t k : toks) {
      if (k >= int64_t(token_scores.size())) throw Error("label token " + std::to_string(k) + " is not scored");
      acc = s.score_agg_max ? std::max(acc, token_scores[size_t(k)]) : acc + token_scores[size_t(k)];
    }
    LabelScore ls;
    ls.label = label;
    ls.name = s.label_name(label);
    ls.score = s.score_agg_max ? acc : acc / float(toks.size());
    ls.final_score = std::sqrt(ls.score * centerness);
    out.push_back(ls);
  }
  std::stable_sort(out.begin(), out.end(), [](const LabelScore& a, const LabelScore& b) { return a.score > b.score; });
  return out;
}

int findCandidate(const Snapshot& s, int level, int64_t anchor, int label) {
  for (size_t i = 0; i < s.result.candidates.size(); ++i) {
    const Candidate& c = s.result.candidates[i];
    if (c.chunk == 0 && c.level == level && c.anchor == anchor && c.label == label) return int(i);
  }
  return -1;
}

std::string fmt(const char* f, double a, double b = 0, double c = 0) {
  char buf[256];
  std::snprintf(buf, sizeof buf, f, a, b, c);
  return buf;
}

}  // namespace

LocationScores scoresAt(const Snapshot& s, int level, int64_t anchor) {
  LocationScores r;
  r.loc = s.location_of(level, anchor);
  if (r.loc.level < 0)
    throw Error("no location " + std::to_string(anchor) + " on FPN level P" + std::to_string(level + 3));
  const std::string ln = level_name(level);
  const TensorView& anchors = s.probe("anchors." + ln);
  const LevelGeometry& g = s.levels[size_t(level)];
  if (anchors.shape.size() != 2 || anchors.shape[0] != g.h * g.w || anchors.shape[1] != 4)
    throw Error("anchors." + ln + " is not (h*w) x 4");
  for (int k = 0; k < 4; ++k) r.anchor_resized[size_t(k)] = anchors.data[anchor * 4 + k];
  r.anchor = toOriginal(s, r.anchor_resized);

  const TensorView& reg = s.probe("head.box_regression." + ln);  // 1 x 4 x h x w
  if (reg.shape.size() != 4 || reg.shape[1] != 4) throw Error("head.box_regression." + ln + " is not 1 x 4 x h x w");
  std::array<float, 4> codes{};
  for (int k = 0; k < 4; ++k) codes[size_t(k)] = reg.data[k * g.h * g.w + anchor];
  Box d = decodeBox(codes, r.anchor_resized);
  const float xmax = float(s.result.resized_width - 1), ymax = float(s.result.resized_height - 1);
  for (int k = 0; k < 4; ++k) d[size_t(k)] = std::clamp(float(d[size_t(k)]), 0.0f, k % 2 == 0 ? xmax : ymax);
  r.decoded = toOriginal(s, d);

  r.centerness = sigmoid(s.probe("head.centerness." + ln).data[anchor]);
  r.token_logits = tokenLogits(s, level, anchor);
  r.token_scores.reserve(r.token_logits.size());
  for (float x : r.token_logits) r.token_scores.push_back(sigmoid(x));
  r.labels = labelScores(s, r.token_scores, r.centerness);
  return r;
}

std::vector<LocationScores> anchorsAt(const Snapshot& s, double px, double py) {
  std::vector<LocationScores> out;
  for (int l = 0; l < int(s.levels.size()); ++l) {
    const Location loc = s.location_at(l, px, py);
    if (loc.level >= 0) out.push_back(scoresAt(s, l, loc.index));
  }
  return out;
}

std::vector<SuppressedCandidate> suppressedBy(const Snapshot& s, int kept) {
  std::vector<SuppressedCandidate> out;
  for (size_t i = 0; i < s.result.candidates.size(); ++i) {
    const Candidate& c = s.result.candidates[i];
    if (c.suppressed_by == kept && kept >= 0) out.push_back({int(i), c.label, c.score, c.suppression_iou});
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const SuppressedCandidate& a, const SuppressedCandidate& b) { return a.iou > b.iou; });
  return out;
}

BoxExplanation explainDetection(const Snapshot& s, int detection) {
  if (detection < 0 || detection >= int(s.result.detections.size()))
    throw Error("detection " + std::to_string(detection) + " does not exist (" +
                std::to_string(s.result.detections.size()) + " detections)");
  const Detection& d = s.result.detections[size_t(detection)];
  if (d.candidate < 0 || d.candidate >= int(s.result.candidates.size()))
    throw Error("detection " + std::to_string(detection) + " has no candidate record");
  const Candidate& c = s.result.candidates[size_t(d.candidate)];
  if (c.chunk != 0)
    throw Error("detection " + std::to_string(detection) + " comes from prompt chunk " + std::to_string(c.chunk) +
                ", which the probe did not record (only chunk 0 is probed)");
  BoxExplanation e;
  e.detection = detection;
  e.candidate = d.candidate;
  e.label = d.label;
  e.phrase = d.phrase;
  e.score = d.score;
  e.label_score = c.label_score;
  e.at = scoresAt(s, c.level, c.anchor);
  for (const LabelScore& l : e.at.labels)
    if (l.label != d.label) e.runners_up.push_back(l);
  e.suppressed = suppressedBy(s, d.candidate);
  return e;
}

WhyNothing whyNothing(const Snapshot& s, double px, double py, double threshold) {
  WhyNothing w;
  double best = -1;
  std::string bestText;
  for (LocationScores& at : anchorsAt(s, px, py)) {
    WhyNothing::Entry e;
    e.at = std::move(at);
    if (e.at.labels.empty()) {
      e.reason = "no label has tokens in the probed prompt chunk";
      w.levels.push_back(std::move(e));
      continue;
    }
    e.best = e.at.labels.front();
    e.candidate = findCandidate(s, e.at.loc.level, e.at.loc.index, e.best.label);
    const std::string head = "P" + std::to_string(e.at.loc.level + 3) + ": '" + e.best.name + "' ";
    if (e.best.score <= s.candidate_threshold) {
      e.verdict = WhyNothing::Verdict::BelowCandidateThreshold;
      e.reason = head + fmt("%.3f, not above the candidate threshold %.3f", e.best.score, s.candidate_threshold);
    } else if (e.candidate < 0) {
      e.verdict = WhyNothing::Verdict::NotInTopCandidates;
      e.reason = head + fmt("%.3f, not among the level's top candidates", e.best.score);
    } else {
      const Candidate& c = s.result.candidates[size_t(e.candidate)];
      if (c.suppressed_by >= 0) {
        const Candidate& k = s.result.candidates[size_t(c.suppressed_by)];
        e.verdict = WhyNothing::Verdict::Suppressed;
        e.reason = head + fmt("(score %.3f) suppressed by candidate #%.0f", c.score, c.suppressed_by) +
                   fmt(" (score %.3f, IoU %.2f > %.2f)", k.score, c.suppression_iou, s.nms_threshold);
      } else if (!c.kept) {
        e.verdict = WhyNothing::Verdict::CutByTopK;
        e.reason = head + fmt("(score %.3f) cut by the per-image top-k", c.score);
      } else if (c.score < threshold) {
        e.verdict = WhyNothing::Verdict::BelowDisplayThreshold;
        e.reason = head + fmt("detected, score %.3f below the display threshold %.3f", c.score, threshold);
      } else {
        e.verdict = WhyNothing::Verdict::Detected;
        e.reason = head + fmt("is a detection (score %.3f)", c.score);
      }
    }
    if (e.best.final_score > best) {
      best = e.best.final_score;
      bestText = "'" + e.best.name + "' on P" + std::to_string(e.at.loc.level + 3);
    }
    w.levels.push_back(std::move(e));
  }
  w.best_score = best;
  w.summary = best < 0 ? std::string("nothing was scored here")
                       : "closest: " + bestText + fmt(", score %.3f (threshold %.3f)", best, threshold);
  return w;
}

}  // namespace glip::inspect
