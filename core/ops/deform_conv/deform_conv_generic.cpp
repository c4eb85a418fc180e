#include "core/ops/deform_conv/deform_conv_generic.h"

#include <ATen/ATen.h>

namespace glip::ops::detail {

at::Tensor modulated_deform_conv2d_generic(const at::Tensor& input_, const at::Tensor& offset, const at::Tensor& mask,
                                           const at::Tensor& weight, const at::Tensor& bias, const DeformConvParams& p) {
  const at::Tensor input = input_.contiguous();
  const int64_t N = input.size(0), C = input.size(1), H = input.size(2), W = input.size(3);
  const int64_t Cout = weight.size(0), kh = weight.size(2), kw = weight.size(3), K = kh * kw;
  const int64_t dg = p.deformable_groups, Cg = C / dg, G = p.groups;
  const int64_t Ho = offset.size(2), Wo = offset.size(3), L = Ho * Wo;
  const auto fopt = input.options();
  const auto iopt = input.options().dtype(at::kLong);

  // Integer sampling base of each tap and output location (exact in float): h_in + i * dilation, w_in + j * dilation.
  const at::Tensor ys = at::arange(Ho, iopt) * p.stride - p.padding;                          // Ho
  const at::Tensor xs = at::arange(Wo, iopt) * p.stride - p.padding;                          // Wo
  const at::Tensor ti = (at::arange(kh, iopt) * p.dilation).repeat_interleave(kw);            // K: i * dilation
  const at::Tensor tj = (at::arange(kw, iopt) * p.dilation).repeat({kh});                     // K: j * dilation
  const at::Tensor base_y = (ti.view({K, 1, 1}) + ys.view({1, Ho, 1})).to(fopt.dtype());      // K x Ho x 1
  const at::Tensor base_x = (tj.view({K, 1, 1}) + xs.view({1, 1, Wo})).to(fopt.dtype());      // K x 1 x Wo
  const at::Tensor off = offset.view({N, dg, K, 2, Ho, Wo});
  const at::Tensor h = base_y + off.select(3, 0);                                             // N x dg x K x Ho x Wo
  const at::Tensor w = base_x + off.select(3, 1);

  // Bilinear weights as the kernel computes them, each corner's weight zeroed where it lies outside the image.
  const at::Tensor h_low = h.floor(), w_low = w.floor();
  const at::Tensor lh = h - h_low, lw = w - w_low, hh = 1 - lh, hw = 1 - lw;
  const at::Tensor hl = h_low.to(at::kLong), wl = w_low.to(at::kLong), hhi = hl + 1, whi = wl + 1;
  const at::Tensor inside = (h > -1) & (w > -1) & (h < H) & (w < W);                          // else the sample is 0
  const at::Tensor in = input.view({N, dg, Cg, H * W});
  auto corner = [&](const at::Tensor& y, const at::Tensor& x, const at::Tensor& wt) {
    const at::Tensor ok = (y >= 0) & (y <= H - 1) & (x >= 0) & (x <= W - 1) & inside;
    const at::Tensor idx = (y.clamp(0, H - 1) * W + x.clamp(0, W - 1)).view({N, dg, 1, K * L}).expand({N, dg, Cg, K * L});
    const at::Tensor v = at::gather(in, 3, idx);                                              // N x dg x Cg x K*L
    return (wt * ok.to(wt.scalar_type())).view({N, dg, 1, K * L}) * v;
  };
  at::Tensor val = corner(hl, wl, hh * hw);
  val = val + corner(hl, whi, hh * lw);
  val = val + corner(hhi, wl, lh * hw);
  val = val + corner(hhi, whi, lh * lw);
  val = val * mask.reshape({N, dg, 1, K * L});                                                // modulation
  // Columns in the weight's (Cin, kh, kw) order, per convolution group: N x G x (Cin/G * K) x L.
  const at::Tensor cols = val.view({N, C, K, L}).view({N, G, (C / G) * K, L});
  const at::Tensor wmat = weight.reshape({G, Cout / G, (C / G) * K});
  at::Tensor out = at::matmul(wmat.unsqueeze(0), cols).view({N, Cout, Ho, Wo});               // N x Cout x Ho x Wo
  if (bias.defined()) out = out + bias.view({1, Cout, 1, 1});
  return out;
}

}  // namespace glip::ops::detail
