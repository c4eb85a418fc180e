// CPU modulated deformable convolution: bilinear-gather im2col into a (Cin*kh*kw) x (Ho*Wo) column buffer, then
// one GEMM per group (as maskrcnn_benchmark's modulated_deform_conv_cuda_forward), then the bias.
//
// Sampling equals modulated_deformable_im2col_gpu_kernel + dmcn_im2col_bilinear:
//   h_im = ho*stride - pad + i*dilation + dy,  w_im = wo*stride - pad + j*dilation + dx
//   if (h_im > -1 && w_im > -1 && h_im < H && w_im < W): bilinear from the 4 corners, a corner outside the
//   image reads 0; otherwise the sample is 0. The sample is multiplied by the mask.
// Implementation: each image is copied into a 1-pixel zero border, so every corner of an in-range sample lies
// inside the bordered plane and corners outside the image read that zero border: the same arithmetic as the
// kernel (w*0 terms included) without per-corner branches. The sampling table (corner base index, 4 bilinear
// weights, mask) depends only on (deformable group, tap, output position), so it is built once per position
// block and reused for all channels of the deformable group. Blocks of output positions run in parallel.
#include "core/ops/deform_conv/deform_conv_cpu.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace glip::ops::detail {
namespace {

constexpr int64_t kBlock = 256;  // output positions per parallel work item

template <typename T>
struct Geometry {
  int64_t cin, h, w, kh, kw, ho, wo, stride, pad, dil, dg;
};

// im_pad: Cin x (H+2) x (W+2) with a zero border; off: 2*dg*kk x P; msk: dg*kk x P; col: (Cin*kk) x P.
template <typename T>
void deformable_im2col(const T* im_pad, const T* off, const T* msk, const Geometry<T>& g, T* col) {
  const int64_t kk = g.kh * g.kw, npos = g.ho * g.wo, hp = g.h + 2, wp = g.w + 2;
  const int64_t cpg = g.cin / g.dg;  // channels per deformable group
  at::parallel_for(0, (npos + kBlock - 1) / kBlock, 1, [&](int64_t b0, int64_t b1) {
    std::vector<int64_t> base(static_cast<size_t>(kk * kBlock));
    std::vector<T> wt(static_cast<size_t>(kk * kBlock * 5));  // w1 w2 w3 w4 mask, tap-major
    for (int64_t blk = b0; blk < b1; ++blk) {
      const int64_t p0 = blk * kBlock, np = std::min(kBlock, npos - p0);
      for (int64_t d = 0; d < g.dg; ++d) {
        const T* off_d = off + d * 2 * kk * npos;
        const T* msk_d = msk + d * kk * npos;
        for (int64_t k = 0; k < kk; ++k) {
          const int64_t i = k / g.kw, j = k % g.kw;
          int64_t* bk = base.data() + k * kBlock;
          T* wk = wt.data() + k * kBlock * 5;
          for (int64_t q = 0; q < np; ++q) {
            const int64_t pos = p0 + q, oh = pos / g.wo, ow = pos % g.wo;
            const T dy = off_d[(2 * k) * npos + pos];
            const T dx = off_d[(2 * k + 1) * npos + pos];
            const T h_im = static_cast<T>(oh * g.stride - g.pad + i * g.dil) + dy;
            const T w_im = static_cast<T>(ow * g.stride - g.pad + j * g.dil) + dx;
            T* wq = wk + q * 5;
            wq[4] = msk_d[k * npos + pos];
            if (h_im > -1 && w_im > -1 && h_im < static_cast<T>(g.h) && w_im < static_cast<T>(g.w)) {
              const int64_t h_low = static_cast<int64_t>(std::floor(h_im));
              const int64_t w_low = static_cast<int64_t>(std::floor(w_im));
              const T lh = h_im - static_cast<T>(h_low), lw = w_im - static_cast<T>(w_low);
              const T hh = 1 - lh, hw = 1 - lw;
              wq[0] = hh * hw;
              wq[1] = hh * lw;
              wq[2] = lh * hw;
              wq[3] = lh * lw;
              bk[q] = (h_low + 1) * wp + (w_low + 1);
            } else {
              wq[0] = wq[1] = wq[2] = wq[3] = 0;
              bk[q] = 0;  // the zero corner of the border
            }
          }
        }
        for (int64_t c = d * cpg; c < (d + 1) * cpg; ++c) {
          const T* plane = im_pad + c * hp * wp;
          for (int64_t k = 0; k < kk; ++k) {
            const int64_t* bk = base.data() + k * kBlock;
            const T* wk = wt.data() + k * kBlock * 5;
            T* out = col + (c * kk + k) * npos + p0;
            for (int64_t q = 0; q < np; ++q) {
              const T* v = plane + bk[q];
              const T* wq = wk + q * 5;
              out[q] = (wq[0] * v[0] + wq[1] * v[1] + wq[2] * v[wp] + wq[3] * v[wp + 1]) * wq[4];
            }
          }
        }
      }
    }
  });
}

}  // namespace

at::Tensor modulated_deform_conv2d_cpu(const at::Tensor& input_, const at::Tensor& offset_, const at::Tensor& mask_,
                                       const at::Tensor& weight_, const at::Tensor& bias, const DeformConvParams& p) {
  const at::Tensor input = input_.contiguous(), offset = offset_.contiguous(), mask = mask_.contiguous();
  const at::Tensor weight = weight_.contiguous();
  const int64_t n = input.size(0), cin = input.size(1), h = input.size(2), w = input.size(3);
  const int64_t cout = weight.size(0), kh = weight.size(2), kw = weight.size(3), kk = kh * kw;
  const int64_t groups = p.groups;
  const int64_t ho = (h + 2 * p.padding - (p.dilation * (kh - 1) + 1)) / p.stride + 1;
  const int64_t wo = (w + 2 * p.padding - (p.dilation * (kw - 1) + 1)) / p.stride + 1;
  const int64_t npos = ho * wo;

  at::Tensor output = at::empty({n, cout, ho, wo}, input.options());
  at::Tensor columns = at::empty({cin * kk, npos}, input.options());
  const at::Tensor w_g = weight.view({groups, cout / groups, (cin / groups) * kk});  // G x Cout/G x Cin/G*kk
  at::Tensor padded = at::constant_pad_nd(input, {1, 1, 1, 1}, 0).contiguous();      // N x Cin x H+2 x W+2

  AT_DISPATCH_FLOATING_TYPES(input.scalar_type(), "modulated_deform_conv2d_cpu", [&] {
    const Geometry<scalar_t> geo{cin, h, w, kh, kw, ho, wo, p.stride, p.padding, p.dilation, p.deformable_groups};
    for (int64_t b = 0; b < n; ++b) {
      deformable_im2col<scalar_t>(padded[b].data_ptr<scalar_t>(), offset[b].data_ptr<scalar_t>(),
                                  mask[b].data_ptr<scalar_t>(), geo, columns.data_ptr<scalar_t>());
      const at::Tensor col_g = columns.view({groups, (cin / groups) * kk, npos});  // G x Cin/G*kk x P
      at::Tensor out_g = output[b].view({groups, cout / groups, npos});           // G x Cout/G x P
      for (int64_t gi = 0; gi < groups; ++gi) {
        at::Tensor out_slice = out_g[gi];
        at::mm_out(out_slice, w_g[gi], col_g[gi]);  // Cout/G x P
      }
    }
  });
  if (bias.defined()) output.add_(bias.contiguous().view({1, cout, 1, 1}));
  return output;
}

}  // namespace glip::ops::detail
