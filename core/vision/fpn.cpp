#include "core/vision/fpn.h"

#include <ATen/ATen.h>
#include <torch/nn/functional/upsampling.h>

#include <string>

#include "core/common/error.h"
#include "core/ops/precision/precision.h"
#include "core/probe/level_name.h"
#include "core/probe/probe.h"

namespace glip {

namespace {
torch::nn::Conv2d conv(int64_t in, int64_t out, int64_t k, int64_t stride) {
  return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, k).stride(stride).padding((k - 1) / 2));
}
// c(x) in the precision of c's weight (ops::conv2d); the padding is conv()'s (k - 1) / 2.
at::Tensor run_conv(const torch::nn::Conv2d& c, const at::Tensor& x) {
  return ops::conv2d(x, c->weight, c->bias, (*c->options.stride())[0], (c->weight.size(2) - 1) / 2);
}
}  // namespace

LastLevelP6P7Impl::LastLevelP6P7Impl(int64_t in_channels, int64_t out_channels)
    : use_P5(in_channels == out_channels) {
  p6 = register_module("p6", conv(in_channels, out_channels, 3, 2));
  p7 = register_module("p7", conv(out_channels, out_channels, 3, 2));
}

std::vector<at::Tensor> LastLevelP6P7Impl::forward(const at::Tensor& c5, const at::Tensor& p5) {
  at::Tensor a = run_conv(p6, use_P5 ? p5 : c5);                                       // B x C x ceil(h/2) x ceil(w/2)
  at::Tensor b = run_conv(p7, at::relu(a));                                            // B x C x ceil(h/4) x ceil(w/4)
  return {a, b};
}

FpnImpl::FpnImpl(const FpnOptions& o) : options_(o) {
  validate(o);
  for (size_t i = 0; i < o.in_channels_list.size(); ++i) {
    if (o.in_channels_list[i] == 0) continue;
    const std::string k = std::to_string(i + 1);
    inner_blocks.push_back(register_module("fpn_inner" + k, conv(o.in_channels_list[i], o.out_channels, 1, 1)));
    layer_blocks.push_back(register_module("fpn_layer" + k, conv(o.out_channels, o.out_channels, 3, 1)));
  }
  top_blocks = register_module("top_blocks", LastLevelP6P7(o.p6p7_in_channels, o.out_channels));
}

std::vector<at::Tensor> FpnImpl::forward(const std::vector<at::Tensor>& x, TensorProbe* probe) {
  if (x.size() != options_.in_channels_list.size())
    throw Error("FPN: expected " + std::to_string(options_.in_channels_list.size()) + " feature maps, got " +
                std::to_string(x.size()));
  const size_t n = inner_blocks.size();
  at::Tensor last_inner = run_conv(inner_blocks[n - 1], x.back());                     // B x C x h5 x w5
  std::vector<at::Tensor> results{run_conv(layer_blocks[n - 1], last_inner)};          // [P5]
  // GLIP zips x[:-1][::-1] with inner_blocks[:-1][::-1]: pairs counted from the end, the shorter list wins.
  for (size_t j = 0; j + 1 < n && j + 1 < x.size(); ++j) {
    const at::Tensor& feature = x[x.size() - 2 - j];
    at::Tensor lateral = run_conv(inner_blocks[n - 2 - j], feature);                   // B x C x h x w
    at::Tensor top_down = last_inner;
    if (lateral.size(2) != last_inner.size(2) || lateral.size(3) != last_inner.size(3)) {
      namespace F = torch::nn::functional;
      top_down = F::interpolate(last_inner, F::InterpolateFuncOptions()
                                                .size(std::vector<int64_t>{lateral.size(2), lateral.size(3)})
                                                .mode(torch::kNearest));           // B x C x h x w
    }
    last_inner = lateral + top_down;                                               // B x C x h x w
    results.insert(results.begin(), run_conv(layer_blocks[n - 2 - j], last_inner));
  }
  auto extra = top_blocks(x.back(), results.back());                               // [P6, P7]
  results.insert(results.end(), extra.begin(), extra.end());
  for (auto& r : results) r = r.contiguous();  // channels-last inputs give channels-last maps; hand out NCHW
  if (probe)
    for (size_t i = 0; i < results.size(); ++i) probe_put(probe, "fpn." + level_name(i), results[i]);
  return results;
}

}  // namespace glip
