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
// Provenance: `glip eval --shard K/N` writes a record beside each shard file (<prefix>.shard-K-of-N.meta.json: K,
// N, the run's fingerprint, the shard's images, a hash of the results file). The merge refuses a shard file whose
// name is not the one glip eval writes (a stale "bbox.shard-2-of-03.json"), a missing record, a record for another
// shard (a copy of shard 1 as shard 2), shards of different runs (config, weights, dataset, prompt or N), a results
// file changed after it was written, and detections of images the shard did not run.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/coco/coco.h"

namespace glip::eval {

// "<prefix>.shard-<k>-of-<n>.json", k in 1..n.
std::string shard_file_name(const std::string& prefix, int k, int n);

// "<prefix>.shard-<k>-of-<n>.meta.json": the provenance record beside a shard file.
std::string shard_record_name(const std::string& prefix, int k, int n);

struct ShardRecord {
  int k = 0, n = 0;
  std::string run;                 // fingerprint of the whole run (everything but K), equal in all its shards
  std::vector<int64_t> image_ids;  // the images this shard ran, ascending
  std::string results_hash;        // FNV-1a of the results file's bytes (filled by write_shard_record)
};

// Writes the record of `results_file` (…/<prefix>.shard-K-of-N.json) beside it, hashing the file as it is now.
// Atomic. glip::Error if the results file cannot be read or the name is not a shard file name.
void write_shard_record(const std::string& results_file, ShardRecord record);
ShardRecord read_shard_record(const std::string& path);

struct MergeResult {
  std::vector<coco::Result> detections;   // shard order, file order inside a shard
  int num_shards = 0;
  std::vector<std::string> shard_files;  // paths, K order
  int64_t num_images = 0;                // distinct images with detections
  int64_t duplicate_images = 0;          // (shard, image) pairs dropped as duplicates
  int64_t dropped_detections = 0;        // detections dropped with them
};

// Finds and merges DIR/<prefix>.shard-K-of-N.json. Throws glip::Error if there are none, if N differs between
// files, if a shard is missing, if a shard file is not a valid results file, or if the provenance rules above
// fail.
MergeResult merge_shards(const std::string& dir, const std::string& prefix = "bbox");

}  // namespace glip::eval
