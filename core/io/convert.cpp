#include "core/io/convert.h"

#include <ATen/ATen.h>

#include <filesystem>
#include <system_error>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/io/checkpoint.h"

namespace glip::io {

ConvertStats convert_checkpoint(const std::string& in, const std::string& out, at::ScalarType dtype) {
  if (dtype != at::kFloat && dtype != at::kHalf && dtype != at::kBFloat16)
    throw Error("convert: the dtype must be fp32, fp16 or bf16");
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(out, ec) && fs::equivalent(in, out, ec))
    throw Error("convert: the output '" + out + "' is the input file; write the slim copy elsewhere");
  require_writable_destination(out);  // before reading gigabytes

  CheckpointInfo info;
  TensorMap tensors = load_checkpoint(in, &info);
  ConvertStats stats;
  stats.dropped = info.other_keys;
  for (auto& [name, t] : tensors) {
    if (t.is_floating_point() && t.scalar_type() != dtype) {
      t = t.to(dtype);
      ++stats.converted;
    }
    stats.bytes += static_cast<uint64_t>(t.numel()) * t.element_size();
  }
  stats.tensors = tensors.size();
  save_tensor_dict(out, tensors);
  return stats;
}

}  // namespace glip::io
