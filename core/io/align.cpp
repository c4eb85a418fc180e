#include "core/io/align.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>
#include <sstream>

#include "core/common/error.h"
#include "core/common/shape.h"
#include "core/io/checkpoint.h"
#include "core/io/state_dict.h"

namespace glip::io {

namespace {

constexpr size_t kMaxListed = 20;

// "a.b.{bias, weight}" lines, grouped by the part before the last '.', like the official log.
std::vector<std::string> grouped(const std::vector<std::string>& keys) {
  std::map<std::string, std::vector<std::string>> groups;
  for (const auto& k : keys) {
    const size_t dot = k.rfind('.');
    if (dot == std::string::npos)
      groups[k];
    else
      groups[k.substr(0, dot)].push_back(k.substr(dot + 1));
  }
  std::vector<std::string> out;
  for (auto& [head, tails] : groups) {
    std::sort(tails.begin(), tails.end());
    if (tails.empty()) {
      out.push_back(head);
    } else if (tails.size() == 1) {
      out.push_back(head + "." + tails[0]);
    } else {
      std::string s = head + ".{";
      for (size_t i = 0; i < tails.size(); ++i) s += (i ? ", " : "") + tails[i];
      out.push_back(s + "}");
    }
  }
  return out;
}

void append_capped(std::ostringstream& msg, const std::vector<std::string>& lines) {
  for (size_t i = 0; i < lines.size() && i < kMaxListed; ++i) msg << "\n  " << lines[i];
  if (lines.size() > kMaxListed) msg << "\n  ... and " << lines.size() - kMaxListed << " more";
}

}  // namespace

TensorMap align_state_dict(const ShapeMap& model, const TensorMap& checkpoint, AlignReport* report) {
  AlignReport local;
  AlignReport& rep = report ? *report : local;
  rep = AlignReport{};

  // No "module." stripping here: load_checkpoint did it once, as the official load_state_dict does.
  const TensorMap& ckpt = checkpoint;

  TensorMap out;
  std::set<std::string> used;
  std::vector<std::string> missing, mismatched;
  for (const auto& [name, shape] : model) {
    // The longest checkpoint name that `name` ends with: try the suffixes from the longest (name itself) down.
    TensorMap::const_iterator hit = ckpt.end();
    for (size_t start = 0; start < name.size() && hit == ckpt.end(); ++start) hit = ckpt.find(name.substr(start));
    if (hit == ckpt.end()) {
      missing.push_back(name);
      continue;
    }
    used.insert(hit->first);
    if (!hit->second.sizes().equals(shape)) {
      mismatched.push_back(name + ": model " + shape_str(shape) + ", checkpoint '" + hit->first + "' " +
                           shape_str(hit->second.sizes()));
      continue;
    }
    out.emplace(name, hit->second);
    ++rep.matched;
    if (hit->first != name) ++rep.by_suffix;
  }
  for (const auto& [k, v] : ckpt)
    if (!used.count(k)) rep.ignored_keys.push_back(k);

  if (missing.empty() && mismatched.empty()) return out;
  std::ostringstream msg;
  msg << "the checkpoint does not fit the model (" << model.size() << " model tensors, " << ckpt.size()
      << " checkpoint tensors; is the config the one this checkpoint was trained with?)";
  if (!missing.empty()) {
    msg << "\nnot in the checkpoint (" << missing.size() << "):";
    append_capped(msg, grouped(missing));
  }
  if (!mismatched.empty()) {
    msg << "\nwrong shape (" << mismatched.size() << "):";
    append_capped(msg, mismatched);
  }
  throw Error(msg.str());
}

ShapeMap module_shapes(const torch::nn::Module& module) {
  ShapeMap shapes;
  for (const auto& item : module.named_parameters(/*recurse=*/true)) shapes[item.key()] = item.value().sizes().vec();
  for (const auto& item : module.named_buffers(/*recurse=*/true)) shapes[item.key()] = item.value().sizes().vec();
  return shapes;
}

AlignReport load_weights(torch::nn::Module& module, const std::string& checkpoint_path) {
  CheckpointInfo info;
  const TensorMap ckpt = load_checkpoint(checkpoint_path, &info);
  AlignReport report;
  TensorMap aligned;
  try {
    aligned = align_state_dict(module_shapes(module), ckpt, &report);
  } catch (const Error& e) {
    throw Error("cannot load '" + checkpoint_path + "': " + e.what());
  }
  load_state_dict(module, aligned);
  std::string ignored;
  for (size_t i = 0; i < report.ignored_keys.size() && i < 3; ++i)
    ignored += (i ? ", " : " (") + report.ignored_keys[i];
  if (!ignored.empty()) ignored += report.ignored_keys.size() > 3 ? ", ...)" : ")";
  std::string others;
  for (const auto& k : info.other_keys) others += (others.empty() ? "; also skipped: " : ", ") + k;
  spdlog::info("loaded {} tensors from '{}' ({} by suffix, {:.1f} MB read); {} unused state-dict entries{}{}",
               report.matched, checkpoint_path, report.by_suffix, static_cast<double>(info.bytes_read) / 1e6,
               report.ignored_keys.size(), ignored, others);
  return report;
}

}  // namespace glip::io
