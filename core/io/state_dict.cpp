#include "core/io/state_dict.h"

#include <sstream>
#include <vector>

#include "core/common/error.h"
#include "core/common/shape.h"

namespace glip::io {

void load_state_dict(torch::nn::Module& module, const TensorMap& tensors, const std::string& prefix) {
  torch::NoGradGuard no_grad;
  std::vector<std::string> missing, mismatched;
  auto copy_all = [&](const torch::OrderedDict<std::string, at::Tensor>& named) {
    for (const auto& item : named) {
      auto it = tensors.find(prefix + item.key());
      if (it == tensors.end()) {
        missing.push_back(prefix + item.key());
        continue;
      }
      at::Tensor dst = item.value();
      if (!dst.sizes().equals(it->second.sizes())) {
        mismatched.push_back(prefix + item.key() + " (model " + shape_str(dst.sizes()) + ", checkpoint " +
                             shape_str(it->second.sizes()) + ")");
        continue;
      }
      dst.copy_(it->second);
    }
  };
  copy_all(module.named_parameters(/*recurse=*/true));
  copy_all(module.named_buffers(/*recurse=*/true));
  if (missing.empty() && mismatched.empty()) return;
  std::ostringstream msg;
  msg << "cannot load weights into '" << module.name() << "'";
  if (!missing.empty()) {
    msg << "; missing " << missing.size() << ":";
    for (const auto& m : missing) msg << "\n  " << m;
  }
  if (!mismatched.empty()) {
    msg << "\nshape mismatch " << mismatched.size() << ":";
    for (const auto& m : mismatched) msg << "\n  " << m;
  }
  throw Error(msg.str());
}

}  // namespace glip::io
