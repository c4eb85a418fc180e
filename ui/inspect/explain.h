// "See why": per-box explanations, anchors at a point, NMS fates and "why was nothing found here?", computed from
// a Snapshot (pure, no widgets). Boxes are in ORIGINAL-image pixels unless named *_resized.
//
// Decoding repeats VLDyHead's BoxCoder (weights 10, 10, 5, 5; dw, dh clamped at log(1000/16); "+1" widths) on
// head.box_regression.pL and anchors.pL, then clips to the resized image and scales to the original with
// BoxList.resize's ratios — the candidate's own box, recomputed (tests check it against Candidate::box).
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "ui/inspect/snapshot.h"

namespace glip::inspect {

using Box = std::array<double, 4>;  // x1, y1, x2, y2

struct LabelScore {
  int label = 0;
  std::string name;
  float score = 0;  // aggregated sigmoid(token logits) (SCORE_AGG), before centerness
  float final_score = 0;  // sqrt(score * centerness)
};

// What the head computed at one location of one level.
struct LocationScores {
  Location loc;
  Box anchor_resized{};        // anchors.pL row (resized-image pixels, as generated)
  Box anchor{};                // the same, in original-image pixels
  Box decoded{};               // decoded, clipped, original-image pixels
  float centerness = 0;        // sigmoid
  std::vector<float> token_logits, token_scores;  // over the scored tokens (sigmoid)
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
  float label_score = 0;    // Candidate::label_score
  LocationScores at;        // the candidate's level / anchor
  std::vector<LabelScore> runners_up;  // the other labels at that location, best first
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
  double best_score = -1;     // that closest final score sqrt(label score x centerness), -1 if none
};
WhyNothing whyNothing(const Snapshot& s, double px, double py, double threshold);

// IoU in GLIP's "+1" convention (as NMS computes it).
double iou(const Box& a, const Box& b);
// Decodes one box (resized-image pixels, unclipped) from codes (dx, dy, dw, dh) and an anchor.
Box decodeBox(const std::array<float, 4>& codes, const Box& anchor);

}  // namespace glip::inspect
