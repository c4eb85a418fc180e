#include "core/head/dyconv.h"

#include <torch/nn/functional/upsampling.h>
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/pooling.h>

#include <cmath>

#include "core/common/error.h"
#include "core/probe/level_name.h"
#include "core/probe/probe.h"
#include "core/ops/deform_conv/deform_conv.h"
#include "core/ops/precision/precision.h"

namespace glip::head {

at::Tensor h_sigmoid(const at::Tensor& x) { return (x + 3).clamp(0, 6) / 6; }

namespace {
struct HSigmoidImpl : torch::nn::Module {
  at::Tensor forward(const at::Tensor& x) { return h_sigmoid(x); }
};
TORCH_MODULE(HSigmoid);

// The official CUDA kernel reads offset[b] / mask[b] through a raw pointer as a contiguous (C, ho, wo) array.
// When the conv output (ho x wo) is smaller than the map the offsets were computed on (h x w), it therefore reads
// the first C*ho*wo values of each batch item's (C, h, w) block. `t` is B x C x h x w with a contiguous inner
// (C, h, w) block (channel slices of a contiguous B x 27 x h x w map qualify).
at::Tensor reinterpret_offsets(const at::Tensor& t, int64_t ho, int64_t wo) {
  const int64_t c = t.size(1), h = t.size(2), w = t.size(3);
  if (ho == h && wo == w) return t;
  if (ho * wo > h * w)
    throw Error("DyConv: a level's conv output (" + std::to_string(ho) + "x" + std::to_string(wo) +
                ") is larger than the offset map it reads (" + std::to_string(h) + "x" + std::to_string(w) + ")");
  if (t.stride(3) != 1 || t.stride(2) != w || t.stride(1) != h * w)
    throw Error("DyConv: internal error: offset map is not contiguous per batch item");
  return t.as_strided({t.size(0), c, ho, wo}, {t.stride(0), ho * wo, wo, 1});  // B x C x ho x wo
}

int64_t conv_out(int64_t n, int64_t stride) { return (n + 2 - 3) / stride + 1; }  // 3x3, padding 1
}  // namespace

ModulatedDeformConvImpl::ModulatedDeformConvImpl(int64_t in, int64_t out, int64_t stride) : stride_(stride) {
  const double stdv = 1.0 / std::sqrt(static_cast<double>(in * 9));
  weight = register_parameter("weight", torch::empty({out, in, 3, 3}).uniform_(-stdv, stdv));
  bias = register_parameter("bias", torch::zeros({out}));
}

at::Tensor ModulatedDeformConvImpl::forward(const at::Tensor& x, const at::Tensor& offset, const at::Tensor& mask) {
  ops::DeformConvParams p;
  p.stride = stride_;
  p.padding = 1;
  p.generic = generic;
  return ops::modulated_deform_conv2d(x, offset, mask, weight, bias, p);  // N x Cout x Ho x Wo
}

Conv3x3NormImpl::Conv3x3NormImpl(int64_t in, int64_t out, int64_t stride, const DyConvOptions& o) {
  if (o.use_deform)
    dconv_ = register_module("conv", ModulatedDeformConv(in, out, stride));
  else
    conv_ = register_module(
        "conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).stride(stride).padding(1)));
  if (o.use_gn) {
    if (o.gn_groups <= 0 || out % o.gn_groups != 0)
      throw Error("DyConv: GroupNorm groups (" + std::to_string(o.gn_groups) + ") must divide the channels (" +
                  std::to_string(out) + ")");
    bn_ = register_module("bn", torch::nn::GroupNorm(torch::nn::GroupNormOptions(o.gn_groups, out)));
  }
}

at::Tensor Conv3x3NormImpl::forward(const at::Tensor& x, const at::Tensor& offset, const at::Tensor& mask) {
  const int64_t stride = conv_ ? (*conv_->options.stride())[0] : 1;
  at::Tensor y = dconv_ ? dconv_->forward(x, offset, mask)                               // N x Cout x Ho x Wo
                        : ops::conv2d(x, conv_->weight, conv_->bias, stride, /*padding=*/1);
  return bn_ ? bn_->forward(y) : y;
}

DyReLUImpl::DyReLUImpl(int64_t inp, int64_t oup) : oup_(oup) {
  const int64_t squeeze = inp / 4;
  fc = register_module("fc", torch::nn::Sequential(torch::nn::Linear(inp, squeeze), torch::nn::ReLU(),
                                                   torch::nn::Linear(squeeze, oup * 4), HSigmoid()));
}

at::Tensor DyReLUImpl::forward(const at::Tensor& x) {
  const int64_t b = x.size(0), c = x.size(1);
  at::Tensor y = fc->forward(at::adaptive_avg_pool2d(x, {1, 1}).view({b, c}));  // B x 4*oup
  y = y.view({b, 4 * oup_, 1, 1});
  auto parts = y.split(oup_, 1);  // a1, b1, a2, b2: B x oup x 1 x 1 each
  at::Tensor a1 = (parts[0] - 0.5) * 2.0 + 1.0;
  at::Tensor a2 = (parts[2] - 0.5) * 2.0 + 0.0;
  at::Tensor b1 = parts[1] - 0.5 + 0.0;
  at::Tensor b2 = parts[3] - 0.5 + 0.0;
  at::Tensor y1 = at::addcmul(b1, x, a1);  // x*a1 + b1: B x C x H x W
  return at::maximum_out(y1, y1, at::addcmul(b2, x, a2));  // max(x*a1 + b1, x*a2 + b2): B x C x H x W
}

DyConvImpl::DyConvImpl(const DyConvOptions& o) : o_(o) {
  DyConv = register_module("DyConv", torch::nn::ModuleList());
  const int64_t strides[3] = {1, 1, 2};
  for (int64_t s : strides) {
    convs_.push_back(Conv3x3Norm(o.in_channels, o.out_channels, s, o));
    DyConv->push_back(convs_.back());
  }
  if (o.use_dyfuse)
    AttnConv = register_module("AttnConv", torch::nn::Sequential(
                                               torch::nn::AdaptiveAvgPool2d(torch::nn::AdaptiveAvgPool2dOptions(1)),
                                               torch::nn::Conv2d(torch::nn::Conv2dOptions(o.in_channels, 1, 1)),
                                               torch::nn::ReLU()));
  if (o.use_dyrelu) relu = register_module("relu", DyReLU(o.in_channels, o.out_channels));
  if (o.use_deform)
    offset = register_module(
        "offset", torch::nn::Conv2d(torch::nn::Conv2dOptions(o.in_channels, 27, 3).stride(1).padding(1)));
}

std::vector<at::Tensor> DyConvImpl::forward(const std::vector<at::Tensor>& visual, TensorProbe* probe,
                                            const std::string& prefix) {
  const size_t n = visual.size();
  std::vector<at::Tensor> out;
  for (size_t l = 0; l < n; ++l) {
    const at::Tensor& feature = visual[l];
    const int64_t h = feature.size(2), w = feature.size(3);
    at::Tensor off, msk;
    if (offset) {
      at::Tensor om = offset->forward(feature).contiguous();  // B x 27 x h x w
      probe_put(probe, prefix + "dyconv.offset_mask." + level_name(l), om);
      off = om.narrow(1, 0, 18);                          // B x 18 x h x w (view)
      msk = om.narrow(1, 18, 9).sigmoid().contiguous();  // B x 9 x h x w
    }
    auto args_for = [&](int64_t ho, int64_t wo) {
      if (!off.defined()) return std::make_pair(at::Tensor(), at::Tensor());
      return std::make_pair(reinterpret_offsets(off, ho, wo).contiguous(), reinterpret_offsets(msk, ho, wo).contiguous());
    };

    std::vector<at::Tensor> temp;
    {
      auto a = args_for(h, w);
      temp.push_back(convs_[1]->forward(feature, a.first, a.second));  // B x C x h x w
    }
    if (l > 0) {
      const at::Tensor& lower = visual[l - 1];
      const int64_t ho = conv_out(lower.size(2), 2), wo = conv_out(lower.size(3), 2);
      auto a = args_for(ho, wo);
      temp.push_back(convs_[2]->forward(lower, a.first, a.second));  // B x C x ho x wo (= h x w)
    }
    if (l + 1 < n) {
      const at::Tensor& upper = visual[l + 1];
      auto a = args_for(upper.size(2), upper.size(3));
      at::Tensor y = convs_[0]->forward(upper, a.first, a.second);  // B x C x h' x w'
      namespace F = torch::nn::functional;
      temp.push_back(F::interpolate(y, F::InterpolateFuncOptions()
                                           .size(std::vector<int64_t>{h, w})
                                           .mode(torch::kBilinear)
                                           .align_corners(true)));  // B x C x h x w
    }
    for (const auto& t : temp)
      if (t.size(2) != h || t.size(3) != w)
        throw Error("DyConv: level " + level_name(l) + " (" + std::to_string(h) + "x" + std::to_string(w) +
                    ") does not match the stride-2 conv of the level below; FPN sizes are inconsistent");

    // mean over the K inputs of input_k * h_sigmoid(AttnConv(input_k)) (or of the inputs), accumulated in place
    at::Tensor mean_fea;
    for (size_t k = 0; k < temp.size(); ++k) {
      at::Tensor w = AttnConv ? h_sigmoid(AttnConv->forward(temp[k])) : at::Tensor();  // B x 1 x 1 x 1
      if (k == 0)
        mean_fea = w.defined() ? temp[k] * w : temp[k].clone();  // B x C x h x w
      else if (w.defined())
        mean_fea.addcmul_(temp[k], w);
      else
        mean_fea.add_(temp[k]);
    }
    mean_fea.div_(static_cast<double>(temp.size()));
    out.push_back(mean_fea);
  }
  for (size_t l = 0; l < n; ++l) {
    out[l] = relu ? relu->forward(out[l]) : at::relu(out[l]);  // B x C x h x w
    probe_put(probe, prefix + "dyconv.visual." + level_name(l), out[l]);
  }
  return out;
}

}  // namespace glip::head
