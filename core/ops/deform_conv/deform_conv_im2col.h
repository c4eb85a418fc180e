// The per-element work of the CUDA modulated deformable convolution (deform_conv_cuda.cu), as host + device code:
// the deformable im2col of maskrcnn_benchmark's modulated_deformable_im2col kernel, with the same semantics as the
// CPU kernel (deform_conv_cpu.h) and the ATen-only path (deform_conv_generic.h):
//   - for tap k = i*kw + j of deformable group g, offset channel (g*K + k)*2 = dy, (g*K + k)*2 + 1 = dx, mask
//     channel g*K + k (K = kh*kw);
//   - the sample point is (ho*stride - pad + i*dilation + dy, wo*stride - pad + j*dilation + dx); it reads 0 unless
//     -1 < y < H and -1 < x < W, else the bilinear value with each corner outside the image read as 0, the corners
//     summed in the order (low, low), (low, high), (high, low), (high, high); the value is multiplied by the mask.
// The convolution itself is then a GEMM of the weight with these columns (ATen's, on the device).
#pragma once
#include <math.h>

#include <cstdint>
#include <vector>

#include "core/ops/common/device_fn.h"

namespace glip::ops::detail {

template <typename T>
struct DeformIm2colArgs {
  const T* input = nullptr;   // N x C x H x W, contiguous
  const T* offset = nullptr;  // N x 2*dg*K x Ho x Wo, contiguous
  const T* mask = nullptr;    // N x dg*K x Ho x Wo, contiguous
  T* columns = nullptr;       // N x (C*K) x (Ho*Wo): row c*K + k, the weight's (Cin, kh, kw) order
  int64_t n = 0, channels = 0, height = 0, width = 0;
  int64_t kernel_h = 0, kernel_w = 0, stride = 1, padding = 0, dilation = 1, deformable_groups = 1;
  int64_t out_h = 0, out_w = 0;
  GLIP_HD int64_t count() const { return n * channels * out_h * out_w; }  // one element per (image, channel, location)
};

// The arguments of a launch: pointers to contiguous data, the input's N x C x H x W, the kernel, the output size and
// the convolution parameters (DeformConvParams or any struct with its field names). Host only.
template <typename T, typename Params>
DeformIm2colArgs<T> deform_im2col_args(const T* input, const T* offset, const T* mask, T* columns,
                                       const std::vector<int64_t>& nchw, int64_t kernel_h, int64_t kernel_w,
                                       int64_t out_h, int64_t out_w, const Params& p) {
  DeformIm2colArgs<T> a;
  a.input = input;
  a.offset = offset;
  a.mask = mask;
  a.columns = columns;
  a.n = nchw.at(0);
  a.channels = nchw.at(1);
  a.height = nchw.at(2);
  a.width = nchw.at(3);
  a.kernel_h = kernel_h;
  a.kernel_w = kernel_w;
  a.stride = p.stride;
  a.padding = p.padding;
  a.dilation = p.dilation;
  a.deformable_groups = p.deformable_groups;
  a.out_h = out_h;
  a.out_w = out_w;
  return a;
}

GLIP_HD float floor_of(float v) { return floorf(v); }
GLIP_HD double floor_of(double v) { return floor(v); }

// Bilinear sample of one channel plane at (y, x), which lies strictly inside (-1, H) x (-1, W).
template <typename T>
GLIP_HD T deform_bilinear(const T* plane, int64_t height, int64_t width, T y, T x) {
  const int64_t y_low = static_cast<int64_t>(floor_of(y)), x_low = static_cast<int64_t>(floor_of(x));
  const int64_t y_high = y_low + 1, x_high = x_low + 1;
  const T ly = y - static_cast<T>(y_low), lx = x - static_cast<T>(x_low);
  const T hy = 1 - ly, hx = 1 - lx;
  const T v1 = (y_low >= 0 && x_low >= 0) ? plane[y_low * width + x_low] : T(0);
  const T v2 = (y_low >= 0 && x_high <= width - 1) ? plane[y_low * width + x_high] : T(0);
  const T v3 = (y_high <= height - 1 && x_low >= 0) ? plane[y_high * width + x_low] : T(0);
  const T v4 = (y_high <= height - 1 && x_high <= width - 1) ? plane[y_high * width + x_high] : T(0);
  return hy * hx * v1 + hy * lx * v2 + ly * hx * v3 + ly * lx * v4;
}

// Element `index` of the grid (image, channel, output location): its K column entries.
template <typename T>
GLIP_HD void deform_im2col_element(const DeformIm2colArgs<T>& a, int64_t index) {
  const int64_t L = a.out_h * a.out_w, K = a.kernel_h * a.kernel_w;
  const int64_t l = index % L, c = (index / L) % a.channels, b = index / (L * a.channels);
  const int64_t ho = l / a.out_w, wo = l % a.out_w;
  const int64_t g = c / (a.channels / a.deformable_groups);
  const T* plane = a.input + (b * a.channels + c) * a.height * a.width;
  const T* off = a.offset + (b * a.deformable_groups + g) * 2 * K * L;
  const T* msk = a.mask + (b * a.deformable_groups + g) * K * L;
  T* col = a.columns + ((b * a.channels + c) * K) * L + l;
  const int64_t y0 = ho * a.stride - a.padding, x0 = wo * a.stride - a.padding;
  for (int64_t i = 0; i < a.kernel_h; ++i)
    for (int64_t j = 0; j < a.kernel_w; ++j) {
      const int64_t k = i * a.kernel_w + j;
      const T y = static_cast<T>(y0 + i * a.dilation) + off[(2 * k) * L + l];
      const T x = static_cast<T>(x0 + j * a.dilation) + off[(2 * k + 1) * L + l];
      T v = 0;
      if (y > -1 && x > -1 && y < static_cast<T>(a.height) && x < static_cast<T>(a.width))
        v = deform_bilinear(plane, a.height, a.width, y, x);
      col[k * L] = v * msk[k * L + l];
    }
}

// The CUDA launch (deform_conv_cuda.cu; only in builds with a CUDA compiler): the grid-stride kernel over
// args.count() elements on `stream` (a cudaStream_t). Returns nullptr, or the CUDA error's text.
const char* launch_deform_im2col(const DeformIm2colArgs<float>& args, void* stream);
const char* launch_deform_im2col(const DeformIm2colArgs<double>& args, void* stream);

}  // namespace glip::ops::detail
