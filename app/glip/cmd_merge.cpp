// glip merge — combine sharded results DIR/bbox.shard-K-of-N.json (K = 1..N) into DIR/bbox.json.
//
//   glip merge out/inference [--prefix bbox] [--output out/inference/bbox.json]
//
// Every shard must be present; an image found in several shards is taken from the first (see core/eval/merge.h).
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include "app/glip/commands.h"
#include "core/coco/coco.h"
#include "core/eval/merge.h"

namespace glip::cli {
namespace {

struct MergeOptions {
  std::string dir;
  std::string prefix = "bbox";
  std::string output;  // default DIR/<prefix>.json
};

void run_merge(const MergeOptions& o) {
  const eval::MergeResult m = eval::merge_shards(o.dir, o.prefix);
  const std::string out =
      o.output.empty() ? (std::filesystem::path(o.dir) / (o.prefix + ".json")).string() : o.output;
  coco::write_results(out, m.detections);
  std::cerr << "glip merge: " << m.num_shards << " shard(s), " << m.detections.size() << " detections on "
            << m.num_images << " images";
  if (m.duplicate_images > 0)
    std::cerr << " (" << m.duplicate_images << " repeated image(s) with " << m.dropped_detections
              << " detections dropped)";
  std::cerr << " -> " << out << "\n";
}

}  // namespace

void add_merge_command(CLI::App& app) {
  auto o = std::make_shared<MergeOptions>();
  CLI::App* cmd = app.add_subcommand("merge", "Merge sharded results <prefix>.shard-K-of-N.json into <prefix>.json");
  cmd->add_option("dir", o->dir, "directory holding the shard files")->required();
  cmd->add_option("--prefix", o->prefix, "shard file prefix (default bbox)");
  cmd->add_option("--output", o->output, "merged file (default DIR/<prefix>.json)");
  cmd->callback([o]() { run_merge(*o); });
}

}  // namespace glip::cli
