// Merging sharded inference results: a run split over N processes writes <prefix>.shard-K-of-N.json (K = 1..N,
// each a bbox results file); `glip merge DIR` combines them into DIR/<prefix>.json.
//
//   std::string name = glip::eval::shard_file_name("bbox", 2, 4);      // "bbox.shard-2-of-4.json"
//   glip::eval::MergeResult m = glip::eval::merge_shards("out/inference");
//   glip::coco::write_results("out/inference/bbox.json", m.detections);
//
// Rules: every shard 1..N must be present (else glip::Error listing the missing ones), all shard files in DIR must
// agree on N, and an image is taken from the first shard (lowest K) that has detections for it: detections of the
// same image in later shards (samplers that pad the last batch repeat images) are dropped.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/coco/coco.h"

namespace glip::eval {

// "<prefix>.shard-<k>-of-<n>.json", k in 1..n.
std::string shard_file_name(const std::string& prefix, int k, int n);

struct MergeResult {
  std::vector<coco::Result> detections;   // shard order, file order inside a shard
  int num_shards = 0;
  std::vector<std::string> shard_files;  // paths, K order
  int64_t num_images = 0;                // distinct images with detections
  int64_t duplicate_images = 0;          // (shard, image) pairs dropped as duplicates
  int64_t dropped_detections = 0;        // detections dropped with them
};

// Finds and merges DIR/<prefix>.shard-K-of-N.json. Throws glip::Error if there are none, if N differs between
// files, if a shard is missing or if a shard file is not a valid results file.
MergeResult merge_shards(const std::string& dir, const std::string& prefix = "bbox");

}  // namespace glip::eval
