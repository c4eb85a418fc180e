// "See why": per-box explanations, anchors at a point, NMS fates and "why was nothing found here?", computed from
// a Snapshot (pure, no widgets). Boxes are in ORIGINAL-image pixels unless named *Resized.
//
// What GLIP computed at a location (decoded box, centerness, token and label scores) comes from the engine
// (glip::score_location: core/post's own decoding and SCORE_AGG aggregation on the probes); this file only
// arranges it: names, ranking, candidates, verdicts.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "ui/inspect/snapshot.h"

namespace glip::inspect {

using BoxXyxy = std::array<double, 4>;  // x1, y1, x2, y2

struct LabelScore {
  int label = 0;
  std::string name;
  float score = 0;  // aggregated sigmoid(token logits) (SCORE_AGG), before centerness
  float finalScore = 0;  // sqrt(score * centerness)
};

// What the head computed at one location of one level.
struct LocationScores {
  Location loc;
  BoxXyxy anchorResized{};        // anchors.pL row (resized-image pixels, as generated)
  BoxXyxy anchor{};                // the same, in original-image pixels
  BoxXyxy decoded{};               // decoded, clipped, original-image pixels
  float centerness = 0;        // sigmoid
  std::vector<float> tokenLogits, tokenScores;  // over the scored tokens (sigmoid)
  std::vector<LabelScore> labels;                 // every label of the probed chunk, best first
};

LocationScores scoresAt(const Snapshot& s, int level, int64_t anchor);
// Every level's location covering original-image pixel (px, py) (one per level, P3..P7).
std::vector<LocationScores> anchorsAt(const Snapshot& s, double px, double py);

struct SuppressedCandidate {
  int candidate = -1;
  int label = 0;
  float score = 0;
  float iou = 0;
};

struct BoxExplanation {
  int detection = -1, candidate = -1;
  int label = 0;
  std::string phrase;
  float score = 0;          // final
  float labelScore = 0;     // Candidate::label_score
  LocationScores at;        // the candidate's level / anchor
  std::vector<LabelScore> runnersUp;  // the other labels at that location, best first
  std::vector<SuppressedCandidate> suppressed;  // candidates this box suppressed in NMS, highest IoU first
};

// glip::Error if the index is out of range or the detection has no candidate.
BoxExplanation explainDetection(const Snapshot& s, int detection);

// Candidates suppressed by candidate `kept` (Candidate::suppressed_by == kept).
std::vector<SuppressedCandidate> suppressedBy(const Snapshot& s, int kept);

// "Why was nothing found here?": the best label at each level's location under the point, and why it did not
// become a detection at `threshold`.
struct WhyNothing {
  enum class Verdict { NoTokens, BelowCandidateThreshold, NotInTopCandidates, Suppressed, CutByTopK,
                       BelowDisplayThreshold, Detected };
  struct Entry {
    LocationScores at;
    LabelScore best;          // best label at this location
    int candidate = -1;       // the candidate at this location for `best.label`, -1 if none
    Verdict verdict = Verdict::NoTokens;
    std::string reason;       // the verdict in English (the dock formats its own translated text)
  };
  std::vector<Entry> levels;  // P3..P7
  std::string summary;        // one line: the closest any label came
  double bestScore = -1;     // that closest final score sqrt(label score x centerness), -1 if none
};
WhyNothing whyNothing(const Snapshot& s, double px, double py, double threshold);

}  // namespace glip::inspect
