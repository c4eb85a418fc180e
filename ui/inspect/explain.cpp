#include "ui/inspect/explain.h"

#include <algorithm>
#include <cstdio>


namespace glip::inspect {

namespace {

BoxXyxy toBox(const std::array<float, 4>& b) { return {b[0], b[1], b[2], b[3]}; }

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
  r.loc = s.locationOf(level, anchor);
  if (r.loc.level < 0)
    throw Error("no location " + std::to_string(anchor) + " on FPN level P" + std::to_string(level + 3));
  const LocationOutputs o = score_location(s.probes, s.chunk, s.model, s.result, level, anchor);
  r.anchorResized = toBox(o.anchor_resized);
  r.anchor = toBox(o.anchor);
  r.decoded = toBox(o.box);
  r.centerness = o.centerness;
  r.tokenLogits = o.token_logits;
  r.tokenScores = o.token_scores;
  for (const auto& [label, score] : o.label_scores) {
    LabelScore ls;
    ls.label = label;
    ls.name = s.labelName(label);
    ls.score = score;
    ls.finalScore = final_score(score, r.centerness);
    r.labels.push_back(ls);
  }
  std::stable_sort(r.labels.begin(), r.labels.end(),
                   [](const LabelScore& x, const LabelScore& y) { return x.score > y.score; });
  return r;
}

std::vector<LocationScores> anchorsAt(const Snapshot& s, double px, double py) {
  std::vector<LocationScores> out;
  for (int l = 0; l < int(s.levels.size()); ++l) {
    const Location loc = s.locationAt(l, px, py);
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
  e.labelScore = c.label_score;
  e.at = scoresAt(s, c.level, c.anchor);
  for (const LabelScore& l : e.at.labels)
    if (l.label != d.label) e.runnersUp.push_back(l);
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
    if (e.best.score <= s.model.candidate_threshold) {
      e.verdict = WhyNothing::Verdict::BelowCandidateThreshold;
      e.reason = head + fmt("%.3f, not above the candidate threshold %.3f", e.best.score, s.model.candidate_threshold);
    } else if (e.candidate < 0) {
      e.verdict = WhyNothing::Verdict::NotInTopCandidates;
      e.reason = head + fmt("%.3f, not among the level's top candidates", e.best.score);
    } else {
      const Candidate& c = s.result.candidates[size_t(e.candidate)];
      if (c.suppressed_by >= 0) {
        const Candidate& k = s.result.candidates[size_t(c.suppressed_by)];
        e.verdict = WhyNothing::Verdict::Suppressed;
        e.reason = head + fmt("(score %.3f) suppressed by candidate #%.0f", c.score, c.suppressed_by) +
                   fmt(" (score %.3f, IoU %.2f > %.2f)", k.score, c.suppression_iou, s.model.nms_threshold);
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
    if (e.best.finalScore > best) {
      best = e.best.finalScore;
      bestText = "'" + e.best.name + "' on P" + std::to_string(e.at.loc.level + 3);
    }
    w.levels.push_back(std::move(e));
  }
  w.bestScore = best;
  w.summary = best < 0 ? std::string("nothing was scored here")
                       : "closest: " + bestText + fmt(", score %.3f (threshold %.3f)", best, threshold);
  return w;
}

}  // namespace glip::inspect
