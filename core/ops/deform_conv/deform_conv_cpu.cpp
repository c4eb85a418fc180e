// CPU modulated deformable convolution.
//
// Sampling equals maskrcnn_benchmark's modulated_deformable_im2col_gpu_kernel + dmcn_im2col_bilinear:
//   h_im = ho*stride - pad + i*dilation + dy,  w_im = wo*stride - pad + j*dilation + dx
//   if (h_im > -1 && w_im > -1 && h_im < H && w_im < W): (w1*v1 + w2*v2 + w3*v3 + w4*v4) from the 4 corners, a
//   corner outside the image reads 0; otherwise the sample is 0. The sample is then multiplied by the mask.
//
// Layout (for speed; the arithmetic of each sample is the kernel's):
//   1. The input is copied channels-last with a 1-pixel zero border: (H+2) x (W+2) x Cin. Every corner of an
//      in-range sample lies inside the bordered plane, corners outside the image read the zero border (the same
//      w*0 terms as the kernel, no per-corner branches), and the 4 corners of a sample are 4 contiguous Cin-vectors.
//   2. The sampled values are written to a channels-last "expanded" image E of size (Ho*kh) x (Wo*kw) x Cin with
//      E[ho*kh + i][wo*kw + j][c] = sample(c, tap (i,j), output (ho,wo)), i.e. the im2col column buffer arranged so
//      that a dense kh x kw convolution with stride (kh,kw) over E is exactly the deformable convolution:
//        out[co][ho][wo] = sum_{c,i,j} weight[co][c][i][j] * E[ho*kh+i][wo*kw+j][c]  (+ bias).
//      That convolution runs in at::conv2d (oneDNN on CPU, channels-last), as fast as a dense conv of the same
//      shape, instead of a generic GEMM over a (Cin*kh*kw) x (Ho*Wo) buffer.
//   3. Output rows are processed in bands so that E stays bounded (6 MB per thread, at most 24 MB; see
//      kBandBytesMax); bands are sampled in parallel (at::parallel_for over output rows) and convolved band by
//      band with a channels-last weight (no per-band weight reorder). Each band's channels-last conv output is
//      transposed into the NCHW result by a tiled transpose.
// The sampling table (corner base, 4 bilinear weights, mask) depends only on (deformable group, tap, position) and
// is computed once per position for all channels of its deformable group.
#include "core/ops/deform_conv/deform_conv_cpu.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <ATen/record_function.h>

#include <algorithm>
#include <cmath>
#include <type_traits>

#include "core/ops/common/simd.h"
#include "core/ops/common/transpose.h"

namespace glip::ops::detail {
namespace {

struct Geometry {
  int64_t cin, h, w, kh, kw, ho, wo, stride, pad, dil, dg;
};

// im: (H+2) x (W+2) x Cin channels-last with a zero border. off: 2*dg*kk x Ho*Wo; msk: dg*kk x Ho*Wo.
// Fills output row `oh` of E's band that starts at output row r0: E band = ((r1-r0)*kh) x (Wo*kw) x Cin.
// Samples are computed in T and stored as E_t (T, or bf16 for a bf16 convolution).
template <typename T, typename E_t>
GLIP_INLINE void sample_row(const T* im, const T* off, const T* msk, const Geometry& g, int64_t r0, int64_t oh,
                            E_t* e) {
  const int64_t kk = g.kh * g.kw, npos = g.ho * g.wo, wp = g.w + 2, cin = g.cin, cpdg = cin / g.dg;
  const int64_t e_row = g.wo * g.kw * cin;  // elements per row of E
  const T fh = static_cast<T>(g.h), fw = static_cast<T>(g.w);
  for (int64_t ow = 0; ow < g.wo; ++ow) {
    const int64_t pos = oh * g.wo + ow;
    for (int64_t i = 0; i < g.kh; ++i) {
      E_t* dst_row = e + ((oh - r0) * g.kh + i) * e_row + ow * g.kw * cin;
      for (int64_t j = 0; j < g.kw; ++j) {
        const int64_t k = i * g.kw + j;
        E_t* dst = dst_row + j * cin;
        for (int64_t d = 0; d < g.dg; ++d) {
          const T dy = off[(d * 2 * kk + 2 * k) * npos + pos];
          const T dx = off[(d * 2 * kk + 2 * k + 1) * npos + pos];
          const T m = msk[(d * kk + k) * npos + pos];
          const T h_im = static_cast<T>(oh * g.stride - g.pad + i * g.dil) + dy;
          const T w_im = static_cast<T>(ow * g.stride - g.pad + j * g.dil) + dx;
          E_t* out = dst + d * cpdg;
          if (!(h_im > -1 && w_im > -1 && h_im < fh && w_im < fw)) {
            // the kernel's val = 0, times the mask
            for (int64_t c = 0; c < cpdg; ++c) out[c] = static_cast<E_t>(T(0) * m);
            continue;
          }
          const int64_t h_low = static_cast<int64_t>(std::floor(h_im));
          const int64_t w_low = static_cast<int64_t>(std::floor(w_im));
          const T lh = h_im - static_cast<T>(h_low), lw = w_im - static_cast<T>(w_low);
          const T hh = 1 - lh, hw = 1 - lw;
          const T w1 = hh * hw, w2 = hh * lw, w3 = lh * hw, w4 = lh * lw;
          const T* v1 = im + ((h_low + 1) * wp + (w_low + 1)) * cin + d * cpdg;
          const T* v2 = v1 + cin;
          const T* v3 = v1 + wp * cin;
          const T* v4 = v3 + cin;
          for (int64_t c = 0; c < cpdg; ++c)
            out[c] = static_cast<E_t>((w1 * v1[c] + w2 * v2[c] + w3 * v3[c] + w4 * v4[c]) * m);
        }
      }
    }
  }
}

// The fp32 rows compiled for AVX-512, AVX2 and baseline x86-64 (GLIP_CLONES): the channel loop, 4 contiguous
// Cin-vectors in and one out per tap, is the sampler's work. The sources build without -ffp-contract (ISO C++
// mode), so every clone computes the same values.
GLIP_CLONES void sample_row_f32(const float* im, const float* off, const float* msk, const Geometry& g, int64_t r0,
                                int64_t oh, float* e) {
  sample_row<float, float>(im, off, msk, g, r0, oh, e);
}
GLIP_CLONES void sample_row_f32_bf16(const float* im, const float* off, const float* msk, const Geometry& g,
                                     int64_t r0, int64_t oh, c10::BFloat16* e) {
  sample_row<float, c10::BFloat16>(im, off, msk, g, r0, oh, e);
}

// Output rows [r0, r1) of E, in parallel over rows.
template <typename T, typename E_t>
void sample_band(const T* im, const T* off, const T* msk, const Geometry& g, int64_t r0, int64_t r1, E_t* e) {
  at::parallel_for(r0, r1, 1, [&](int64_t y0, int64_t y1) {
    for (int64_t oh = y0; oh < y1; ++oh) {
      if constexpr (std::is_same_v<T, float> && std::is_same_v<E_t, float>)
        sample_row_f32(im, off, msk, g, r0, oh, e);
      else if constexpr (std::is_same_v<T, float> && std::is_same_v<E_t, c10::BFloat16>)
        sample_row_f32_bf16(im, off, msk, g, r0, oh, e);
      else
        sample_row<T, E_t>(im, off, msk, g, r0, oh, e);
    }
  });
}

// src: Cin x H x W (contiguous) -> dst: (H+2) x (W+2) x Cin with a zero border.
template <typename T>
void to_padded_channels_last(const T* src, int64_t cin, int64_t h, int64_t w, T* dst) {
  const int64_t wp = w + 2, row = wp * cin;
  std::fill(dst, dst + row, T(0));
  std::fill(dst + (h + 1) * row, dst + (h + 2) * row, T(0));
  at::parallel_for(0, h, 1, [&](int64_t y0, int64_t y1) {
    for (int64_t y = y0; y < y1; ++y) {
      T* d = dst + (y + 1) * row;
      std::fill(d, d + cin, T(0));
      std::fill(d + (w + 1) * cin, d + row, T(0));
      transpose_block(src + y * w, cin, w, h * w, d + cin, cin);  // d[1 + x][c] = src[c][y][x]
    }
  });
}

// src: npos x cout (a channels-last conv output band) -> dst: cout x npos with row stride ldd (the NCHW output).
template <typename S, typename T>
void band_to_nchw(const S* src, int64_t npos, int64_t cout, T* dst, int64_t ldd) {
  constexpr int64_t kChunk = 64;
  at::parallel_for(0, (npos + kChunk - 1) / kChunk, 1, [&](int64_t t0, int64_t t1) {
    for (int64_t t = t0; t < t1; ++t) {
      const int64_t p0 = t * kChunk, p1 = std::min(npos, p0 + kChunk);
      transpose_block(src + p0 * cout, p1 - p0, cout, cout, dst + p0, ldd);
    }
  });
}

// Bound on the expanded-image band: kBandBytesPerThread x at::get_num_threads(), at most kBandBytesMax. The
// sampler writes a band and the convolution reads it straight back, so a band that stays in the last-level cache
// is fastest; each band is also one round of parallel regions (sampling, oneDNN, output transpose), so a band per
// thread must be large enough to amortise their synchronisation. kBandBytesMax (24 MB) keeps the buffer under
// glibc's largest mmap threshold (32 MB), so it is reused from the heap instead of being page-faulted in on every
// call. Measured at the GLIP-T P3 shape (1 x 256 x 100 x 168) on a shared 2-core EPYC: 1 thread 4-8 MB and 2
// threads 12-40 MB were best; a whole-image buffer (155 MB at P3) was ~40% slower than 16 MB bands at 1 thread.
// Peak scratch memory: the bordered input ((H+2) x (W+2) x Cin) plus one band (<= 24 MB) plus its conv output.
constexpr int64_t kBandBytesPerThread = int64_t{6} << 20;
constexpr int64_t kBandBytesMax = int64_t{24} << 20;

}  // namespace

at::Tensor modulated_deform_conv2d_cpu(const at::Tensor& input, const at::Tensor& offset_, const at::Tensor& mask_,
                                       const at::Tensor& weight, const at::Tensor& bias, const DeformConvParams& p) {
  RECORD_FUNCTION("glip::modulated_deform_conv2d", std::vector<c10::IValue>());
  const at::Tensor offset = offset_.contiguous(), mask = mask_.contiguous();
  const int64_t n = input.size(0), cin = input.size(1), h = input.size(2), w = input.size(3);
  const int64_t cout = weight.size(0), kh = weight.size(2), kw = weight.size(3);
  const int64_t ho = (h + 2 * p.padding - (p.dilation * (kh - 1) + 1)) / p.stride + 1;
  const int64_t wo = (w + 2 * p.padding - (p.dilation * (kw - 1) + 1)) / p.stride + 1;
  const Geometry geo{cin, h, w, kh, kw, ho, wo, p.stride, p.padding, p.dilation, p.deformable_groups};

  const at::Tensor in = input.contiguous();
  at::Tensor padded = at::empty({h + 2, w + 2, cin}, input.options());  // one image, channels-last, zero border
  at::Tensor output = at::empty({n, cout, ho, wo}, input.options());
  // bf16 weight (ModelParams::precision): E is sampled in fp32, stored in bf16, convolved in bf16 (fp32
  // accumulation); the bias joins the convolution rounded to bf16, and the output is converted back to fp32.
  const bool bf16 = weight.scalar_type() == at::kBFloat16 && input.scalar_type() == at::kFloat;
  const auto e_options = input.options().dtype(bf16 ? at::kBFloat16 : input.scalar_type());
  const at::Tensor conv_bias = bf16 && bias.defined() ? bias.to(at::kBFloat16) : bias;
  const int64_t row_bytes = kh * wo * kw * cin * static_cast<int64_t>(e_options.dtype().itemsize());
  const int64_t band_bytes = std::min(kBandBytesMax, kBandBytesPerThread * std::max(1, at::get_num_threads()));
  const int64_t band = std::max<int64_t>(1, std::min<int64_t>(ho, band_bytes / std::max<int64_t>(row_bytes, 1)));
  // oneDNN reads a channels-last weight without reordering it from NCHW for every band.
  const at::Tensor wt = weight.contiguous(at::MemoryFormat::ChannelsLast);
  at::Tensor e_buf = at::empty({1, band * kh, wo * kw, cin}, e_options);

  auto run = [&](auto scalar, auto e_scalar) {
    using scalar_t = decltype(scalar);
    using e_t = decltype(e_scalar);
    for (int64_t b = 0; b < n; ++b) {
      to_padded_channels_last<scalar_t>(in[b].data_ptr<scalar_t>(), cin, h, w, padded.data_ptr<scalar_t>());
      const scalar_t* im = padded.data_ptr<scalar_t>();
      const scalar_t* off = offset[b].data_ptr<scalar_t>();
      const scalar_t* msk = mask[b].data_ptr<scalar_t>();
      for (int64_t r0 = 0; r0 < ho; r0 += band) {
        const int64_t r1 = std::min(ho, r0 + band);
        sample_band<scalar_t, e_t>(im, off, msk, geo, r0, r1, e_buf.data_ptr<e_t>());
        // 1 x Cin x rows*kh x Wo*kw with channels-last strides, so at::conv2d takes its channels-last path
        // (the batch stride must stay the full buffer's for the strides to be recognised as channels-last).
        const at::Tensor e = e_buf.narrow(1, 0, (r1 - r0) * kh).permute({0, 3, 1, 2});
        const at::Tensor y = at::conv2d(e, wt, conv_bias, at::IntArrayRef{kh, kw}, at::IntArrayRef{0},
                                        at::IntArrayRef{1}, p.groups);  // 1 x Cout x rows x Wo
        if (y.is_contiguous(at::MemoryFormat::ChannelsLast))  // rows*Wo x Cout in memory
          band_to_nchw<e_t, scalar_t>(y.data_ptr<e_t>(), (r1 - r0) * wo, cout,
                                      output[b].data_ptr<scalar_t>() + r0 * wo, ho * wo);
        else
          output[b].narrow(1, r0, r1 - r0).copy_(y[0]);
      }
    }
  };
  if (bf16)
    run(float{}, c10::BFloat16{});
  else
    AT_DISPATCH_FLOATING_TYPES(input.scalar_type(), "modulated_deform_conv2d_cpu",
                               [&] { run(scalar_t{}, scalar_t{}); });
  return output;
}

}  // namespace glip::ops::detail
