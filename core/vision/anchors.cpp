#include "core/vision/anchors.h"

#include <ATen/ATen.h>

#include <array>
#include <cmath>
#include <string>

#include "core/common/error.h"
#include "core/probe/level_name.h"
#include "core/probe/probe.h"

namespace glip {

namespace {
using Box = std::array<double, 4>;
struct Whc { double w, h, x, y; };
Whc whctrs(const Box& a) {
  const double w = a[2] - a[0] + 1, h = a[3] - a[1] + 1;
  return {w, h, a[0] + 0.5 * (w - 1), a[1] + 0.5 * (h - 1)};
}
Box mkanchor(double w, double h, double x, double y) {
  return {x - 0.5 * (w - 1), y - 0.5 * (h - 1), x + 0.5 * (w - 1), y + 0.5 * (h - 1)};
}
}  // namespace

at::Tensor generate_cell_anchors(int64_t stride, const std::vector<double>& sizes,
                                 const std::vector<double>& ratios) {
  const Box base{0, 0, static_cast<double>(stride) - 1, static_cast<double>(stride) - 1};
  const Whc b = whctrs(base);
  std::vector<float> v;
  for (double r : ratios) {  // _ratio_enum, then _scale_enum per ratio anchor
    const double ws = std::nearbyint(std::sqrt(b.w * b.h / r)), hs = std::nearbyint(ws * r);
    const Whc a = whctrs(mkanchor(ws, hs, b.x, b.y));
    for (double s : sizes) {
      const double scale = s / static_cast<double>(stride);
      for (double c : mkanchor(a.w * scale, a.h * scale, a.x, a.y)) v.push_back(static_cast<float>(c));
    }
  }
  return at::tensor(v, at::kFloat).view({-1, 4});
}

AnchorGeneratorImpl::AnchorGeneratorImpl(const AnchorGeneratorOptions& o) : options_(o) {
  validate(o);
  cell_anchors = register_module("cell_anchors", std::make_shared<torch::nn::Module>("BufferList"));
  for (size_t i = 0; i < o.strides.size(); ++i)
    cell_anchors->register_buffer(std::to_string(i), generate_cell_anchors(o.strides[i], o.sizes[i], o.aspect_ratios));
}

std::vector<at::Tensor> AnchorGeneratorImpl::cells() const { return cell_anchors->buffers(/*recurse=*/false); }

int64_t AnchorGeneratorImpl::num_anchors_per_location(size_t level) const { return cells().at(level).size(0); }

std::vector<at::Tensor> AnchorGeneratorImpl::grid_anchors(
    const std::vector<std::pair<int64_t, int64_t>>& grid_sizes) const {
  const std::vector<at::Tensor> cell_anchors_ = cells();
  if (grid_sizes.size() > cell_anchors_.size())
    throw Error("anchor generator: " + std::to_string(grid_sizes.size()) + " feature maps but only " +
                std::to_string(cell_anchors_.size()) + " anchor levels");
  std::vector<at::Tensor> out;
  for (size_t l = 0; l < grid_sizes.size(); ++l) {
    const auto [h, w] = grid_sizes[l];
    const double stride = static_cast<double>(options_.strides[l]);
    const at::Tensor& base = cell_anchors_[l];
    at::Tensor sx = at::arange(0, static_cast<double>(w) * stride, stride, at::kFloat);   // w
    at::Tensor sy = at::arange(0, static_cast<double>(h) * stride, stride, at::kFloat);   // h
    at::Tensor gx = sx.view({1, w}).expand({h, w}).reshape({-1});                        // h*w
    at::Tensor gy = sy.view({h, 1}).expand({h, w}).reshape({-1});                        // h*w
    at::Tensor shifts = at::stack({gx, gy, gx, gy}, 1);                                  // h*w x 4
    out.push_back((shifts.view({-1, 1, 4}) + base.view({1, -1, 4}).to(shifts.device())).reshape({-1, 4}));
  }
  return out;
}

std::vector<at::Tensor> AnchorGeneratorImpl::forward(const std::vector<at::Tensor>& maps, TensorProbe* probe) const {
  std::vector<std::pair<int64_t, int64_t>> sizes;
  for (const auto& m : maps) sizes.emplace_back(m.size(-2), m.size(-1));
  auto out = grid_anchors(sizes);
  for (size_t i = 0; i < out.size(); ++i) probe_put(probe, "anchors." + level_name(i), out[i]);
  return out;
}

}  // namespace glip
