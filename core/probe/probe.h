// glip::TensorProbe — opt-in recorder of intermediate tensors, keyed by the golden files' names
// ("swin.stage3", "fpn.p3", "bert.hidden_states.0", "lang.hidden", "dyhead.0.vlfuse.visual.p3",
//  "head.dot_product_logits.p3", "post.pre_nms.scores", ...). Modules take a `TensorProbe*` that may be null;
// recording costs nothing when the probe is absent or the name is filtered out.
#pragma once
#include <ATen/Tensor.h>

#include <functional>
#include <map>
#include <string>
#include <utility>

namespace glip {

class TensorProbe {
 public:
  using Filter = std::function<bool(const std::string&)>;
  TensorProbe() = default;
  explicit TensorProbe(Filter filter) : filter_(std::move(filter)) {}

  bool wants(const std::string& name) const { return !filter_ || filter_(name); }
  // Stores a detached contiguous copy-free reference (tensors produced under InferenceMode are not mutated later).
  void put(const std::string& name, const at::Tensor& t) {
    if (wants(name)) tensors_[name] = t;
  }
  bool has(const std::string& name) const { return tensors_.count(name) != 0; }
  const at::Tensor& at(const std::string& name) const { return tensors_.at(name); }
  const std::map<std::string, at::Tensor>& tensors() const { return tensors_; }
  std::map<std::string, at::Tensor>& tensors() { return tensors_; }
  void clear() { tensors_.clear(); }

 private:
  Filter filter_;
  std::map<std::string, at::Tensor> tensors_;
};

// Helper for modules: records only when a probe is attached.
inline void probe_put(TensorProbe* probe, const std::string& name, const at::Tensor& t) {
  if (probe) probe->put(name, t);
}

}  // namespace glip
