#include "tests/common/tensors.h"

#include <torch/nn/module.h>
#include <torch/serialize.h>

#include <algorithm>
#include <sstream>
#include <vector>

#include "core/io/checkpoint.h"
#include "tests/common/files.h"
#include "tests/common/paths.h"

namespace glip::test {

std::map<std::string, at::Tensor> load_pt(const std::string& path) {
  const std::string bytes = read_file(path);
  std::map<std::string, at::Tensor> out;
  for (const auto& kv : torch::pickle_load(std::vector<char>(bytes.begin(), bytes.end())).toGenericDict())
    out[kv.key().toStringRef()] = kv.value().toTensor();
  return out;
}

at::Tensor deform_offsets(at::IntArrayRef shape, double r, at::ScalarType dtype) {
  at::Tensor off = (at::rand(shape, dtype) * 2 - 1) * r;
  const at::Tensor pick = at::rand(shape, dtype);
  off = at::where(pick < 0.15, at::round(off), off);
  return at::where((pick >= 0.15) & (pick < 0.25), at::round(off * 2) / 2, off);
}

double max_abs_diff(const at::Tensor& a, const at::Tensor& b) {
  if (a.numel() == 0) return 0.0;
  return (a.to(at::kDouble) - b.to(at::kDouble)).abs().max().item<double>();
}

std::string allclose(const at::Tensor& got, const at::Tensor& want, double rtol, double atol, double* max_abs) {
  if (!got.sizes().equals(want.sizes())) {
    std::ostringstream m;
    m << "shape " << got.sizes() << " vs reference " << want.sizes();
    return m.str();
  }
  if (got.numel() == 0) return "";
  const at::Tensor a = got.to(at::kDouble), b = want.to(at::kDouble);
  const at::Tensor d = (a - b).abs();
  if (max_abs) *max_abs = std::max(*max_abs, d.max().item<double>());
  const at::Tensor excess = d - (atol + rtol * b.abs());
  const int64_t worst = excess.flatten().argmax().item<int64_t>();
  if (excess.flatten()[worst].item<double>() <= 0) return "";
  std::ostringstream m;
  m << "element " << worst << ": " << a.flatten()[worst].item<double>() << " vs reference "
    << b.flatten()[worst].item<double>() << " (|diff| " << d.flatten()[worst].item<double>() << ", max |diff| "
    << d.max().item<double>() << ")";
  return m.str();
}

std::string shape_str(at::IntArrayRef sizes) {
  std::string out;
  for (size_t i = 0; i < sizes.size(); ++i) out += (i ? "x" : "") + std::to_string(sizes[i]);
  return out;
}

std::string dtype_name(at::ScalarType t) {
  switch (t) {
    case at::kFloat: return "float32";
    case at::kDouble: return "float64";
    case at::kHalf: return "float16";
    case at::kBFloat16: return "bfloat16";
    case at::kShort: return "int16";
    case at::kChar: return "int8";
    case at::kLong: return "int64";
    case at::kInt: return "int32";
    case at::kByte: return "uint8";
    case at::kBool: return "bool";
    default: return "other";
  }
}

std::map<std::string, std::string> module_rows(const torch::nn::Module& m) {
  std::map<std::string, std::string> rows;
  for (const auto& p : m.named_parameters(true))
    rows[p.key()] = shape_str(p.value().sizes()) + " " + dtype_name(p.value().scalar_type()) + " param";
  for (const auto& b : m.named_buffers(true))
    rows[b.key()] = shape_str(b.value().sizes()) + " " + dtype_name(b.value().scalar_type()) + " buffer";
  return rows;
}

const std::map<std::string, at::Tensor>& tiny_weights() {
  static const std::map<std::string, at::Tensor> w = io::load_checkpoint(tiny_path("model_final.pth"));
  return w;
}

}  // namespace glip::test
