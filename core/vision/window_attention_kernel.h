// Fused CPU window attention for Swin (see window_attention_kernel.cpp).
#pragma once
#include <ATen/Tensor.h>

#include <cstdint>

namespace glip {

// True when the fused kernel handles windows of N tokens (N <= 144: windows up to 12, GLIP-L's) with this head
// width (16, 24, 32 or 64).
bool fused_window_attention_supported(int64_t N, int64_t head_dim);

// qkv: Wn x N x 3C (contiguous float32, as the qkv Linear writes it: q | k | v, heads of C/num_heads inside);
// bias: nH x N x N (relative position bias); mask: M x N x N and mask_index: nW int64 (window w of an image uses
// mask[mask_index[w % nW]]), or both undefined.  ->  Wn x N x C, heads concatenated (= GLIP's
// (attn @ v).transpose(1, 2).reshape(Wn, N, C)), attn = softmax((q*scale @ k^T + bias) + mask).
at::Tensor fused_window_attention(const at::Tensor& qkv, const at::Tensor& bias, const at::Tensor& mask,
                                  const at::Tensor& mask_index, int64_t num_heads, double scale);

}  // namespace glip
