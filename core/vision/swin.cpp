#include "core/vision/swin.h"

#include <ATen/ATen.h>
#include <torch/nn/functional/upsampling.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <tuple>

#include "core/common/error.h"
#include "core/probe/probe.h"
#include "core/ops/precision/precision.h"
#include "core/vision/fast_ops.h"
#include "core/vision/window_attention_kernel.h"

namespace glip {

namespace {
torch::nn::LayerNorm layer_norm(int64_t dim) {
  return torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim}).eps(1e-5));
}
at::Tensor linear(const at::Tensor& x, const torch::nn::Linear& l, bool fast) {
  return fast ? ops::linear(x, l->weight, l->bias) : at::linear(x, l->weight, l->bias);
}
int64_t round_up(int64_t v, int64_t m) { return (v + m - 1) / m * m; }
// Tokens per chunk in a block. Chunking only bounds the memory of huge inputs: every chunk costs another round of
// oneDNN weight reorders, and measurements at 800x1344 were fastest unchunked (the first stage has 67200 tokens).
constexpr int64_t kChunkTokens = int64_t(1) << 18;
}  // namespace

// ---------------------------------------------------------------------------------------------------------------
std::pair<at::Tensor, at::Tensor> swin_shift_masks_compact(int64_t Hp, int64_t Wp, int64_t ws, int64_t shift) {
  // Region ids as GLIP's img_mask: rows/cols [0, P-ws), [P-ws, P-shift), [P-shift, P) -> 0, 1, 2.
  auto region = [&](int64_t P) {
    at::Tensor r = at::arange(P, at::kLong);
    return (r >= P - ws).to(at::kLong) + (r >= P - shift).to(at::kLong);
  };
  at::Tensor ids = region(Hp).view({Hp, 1}) * 3 + region(Wp).view({1, Wp});             // Hp x Wp
  ids = ids.view({Hp / ws, ws, Wp / ws, ws}).permute({0, 2, 1, 3}).reshape({-1, ws * ws});  // nW x N
  auto uniq = at::unique_dim(ids, 0, /*sorted=*/true, /*return_inverse=*/true);
  const at::Tensor& u = std::get<0>(uniq);                                               // M x N
  at::Tensor diff = u.unsqueeze(1) - u.unsqueeze(2);                                     // M x N x N
  at::Tensor masks = at::where(diff != 0, at::full({}, -100.0, at::kFloat), at::zeros({}, at::kFloat));
  return {masks, std::get<1>(uniq).reshape({-1})};
}

at::Tensor swin_shift_mask(int64_t Hp, int64_t Wp, int64_t ws, int64_t shift) {
  auto [masks, index] = swin_shift_masks_compact(Hp, Wp, ws, shift);
  return masks.index_select(0, index);                                                   // nW x N x N
}

SwinWindowPlan make_swin_window_plan(int64_t B, int64_t H, int64_t W, int64_t ws, int64_t shift) {
  SwinWindowPlan p;
  p.B = B, p.H = H, p.W = W, p.shift = shift, p.window_size = ws;
  p.Hp = round_up(H, ws), p.Wp = round_up(W, ws);
  p.padded = p.Hp != H || p.Wp != W;
  const int64_t nWh = p.Hp / ws, nWw = p.Wp / ws, HW = H * W;
  // Window row (wh, ww, i, j) holds rolled position (wh*ws+i, ww*ws+j) = padded position ((y+shift)%Hp, ...).
  at::Tensor y = (at::arange(nWh, at::kLong).view({nWh, 1, 1, 1}) * ws + at::arange(ws, at::kLong).view({1, 1, ws, 1}) +
                  shift) % p.Hp;                                                           // nWh x 1 x ws x 1
  at::Tensor x = (at::arange(nWw, at::kLong).view({1, nWw, 1, 1}) * ws + at::arange(ws, at::kLong).view({1, 1, 1, ws}) +
                  shift) % p.Wp;                                                           // 1 x nWw x 1 x ws
  at::Tensor inside = (y < H) & (x < W);                                                   // nWh x nWw x ws x ws
  at::Tensor src = at::where(inside, y * W + x, at::full({}, -1, at::kLong)).reshape({-1});   // nW*N
  const int64_t rows = src.numel();
  at::Tensor img = at::arange(B, at::kLong).view({B, 1}) * HW;                             // B x 1
  p.gather = at::where(src >= 0, src.view({1, rows}) + img, at::full({}, -1, at::kLong)).reshape({-1});
  if (shift > 0) std::tie(p.masks, p.mask_index) = swin_shift_masks_compact(p.Hp, p.Wp, ws, shift);
  return p;
}

// ---------------------------------------------------------------------------------------------------------------
WindowAttentionImpl::WindowAttentionImpl(int64_t dim, int64_t ws, int64_t heads)
    : num_heads(heads), window_size(ws), scale(std::pow(static_cast<double>(dim / heads), -0.5)) {
  relative_position_bias_table =
      register_parameter("relative_position_bias_table", at::zeros({(2 * ws - 1) * (2 * ws - 1), heads}));
  at::Tensor c = at::arange(ws, at::kLong);
  at::Tensor ch = c.view({ws, 1}).expand({ws, ws}).reshape({-1});  // row of token n
  at::Tensor cw = c.view({1, ws}).expand({ws, ws}).reshape({-1});  // column of token n
  at::Tensor dh = ch.view({-1, 1}) - ch.view({1, -1}) + (ws - 1);  // N x N
  at::Tensor dw = cw.view({-1, 1}) - cw.view({1, -1}) + (ws - 1);  // N x N
  relative_position_index = register_buffer("relative_position_index", dh * (2 * ws - 1) + dw);
  qkv = register_module("qkv", torch::nn::Linear(dim, 3 * dim));
  proj = register_module("proj", torch::nn::Linear(dim, dim));
}

at::Tensor WindowAttentionImpl::relative_position_bias() const {
  const int64_t N = window_size * window_size;
  return relative_position_bias_table.index_select(0, relative_position_index.reshape({-1}))  // N*N x nH
      .view({N, N, num_heads})
      .permute({2, 0, 1})
      .contiguous();                                                                        // nH x N x N
}

at::Tensor WindowAttentionImpl::forward(const at::Tensor& windows, const at::Tensor& mask,
                                       const at::Tensor& mask_index) {
  const int64_t Wn = windows.size(0), N = windows.size(1), C = windows.size(2), d = C / num_heads;
  at::Tensor qkv3 = linear(windows, qkv, fast);                                       // Wn x N x 3C
  at::Tensor bias = relative_position_bias();                                       // nH x N x N
  if (fast && qkv3.is_contiguous() && qkv3.scalar_type() == at::kFloat && qkv3.device().is_cpu() &&
      fused_window_attention_supported(N, d))
    return linear(fused_window_attention(qkv3, bias, mask, mask_index, num_heads, scale), proj, true);  // Wn x N x C
  // Plain ATen formulation (other devices, dtypes and window/head sizes).
  at::Tensor qkv5 = qkv3.view({Wn, N, 3, num_heads, d}).permute({2, 0, 3, 1, 4});  // 3 x Wn x nH x N x d
  at::Tensor q = qkv5[0] * scale;                                                   // Wn x nH x N x d
  at::Tensor attn = at::matmul(q, qkv5[1].transpose(-2, -1));                      // Wn x nH x N x N
  attn = attn + bias.unsqueeze(0);                                                  // Wn x nH x N x N
  if (mask.defined()) {
    const int64_t nW = mask_index.numel();
    at::Tensor m = mask.index_select(0, mask_index).to(attn.device());             // nW x N x N
    attn = (attn.view({Wn / nW, nW, num_heads, N, N}) + m.unsqueeze(1).unsqueeze(0)).view({Wn, num_heads, N, N});
  }
  attn = at::softmax(attn, -1);                                                     // Wn x nH x N x N
  at::Tensor out = at::matmul(attn, qkv5[2]);                                       // Wn x nH x N x d
  return linear(out.transpose(1, 2).reshape({Wn, N, C}), proj, fast);                  // Wn x N x C
}

MlpImpl::MlpImpl(int64_t dim, int64_t hidden) {
  fc1 = register_module("fc1", torch::nn::Linear(dim, hidden));
  fc2 = register_module("fc2", torch::nn::Linear(hidden, dim));
}

at::Tensor MlpImpl::forward(const at::Tensor& x) {
  at::Tensor h = linear(x, fc1, fast);                                              // ... x hidden
  if (fast)
    at::gelu_out(h, h);                                                             // in place: one big buffer less
  else
    h = at::gelu(h);
  return linear(h, fc2, fast);                                                      // ... x C
}

// ---------------------------------------------------------------------------------------------------------------
SwinBlockImpl::SwinBlockImpl(int64_t dim, int64_t heads, int64_t ws, int64_t shift, double mlp_ratio)
    : window_size(ws), shift_size(shift) {
  norm1 = register_module("norm1", layer_norm(dim));
  attn = register_module("attn", WindowAttention(dim, ws, heads));
  norm2 = register_module("norm2", layer_norm(dim));
  mlp = register_module("mlp", Mlp(dim, static_cast<int64_t>(dim * mlp_ratio)));
}

at::Tensor SwinBlockImpl::forward(const at::Tensor& x, const SwinWindowPlan& plan) {
  const int64_t B = x.size(0), L = x.size(1), C = x.size(2), N = window_size * window_size;
  const int64_t nW = plan.gather.numel() / (B * N);  // windows per image
  at::Tensor xf = x.reshape({B * L, C});                                            // BL x C
  at::Tensor h = norm1(xf);                                                         // BL x C
  at::Tensor out = at::empty_like(xf);                                              // BL x C
  // Attention in chunks of windows (keeps qkv and scores in cache): gather the (shifted, zero-padded) windows,
  // attend, project, and add the result to the shortcut at the tokens' places.
  const int64_t total = B * nW, step = std::max<int64_t>(1, kChunkTokens / N);
  for (int64_t w0 = 0; w0 < total; w0 += step) {
    const int64_t n = std::min(step, total - w0);
    at::Tensor idx = plan.gather.narrow(0, w0 * N, n * N);                          // n*N
    at::Tensor win = gather_rows(h, idx, fast).view({n, N, C});                        // n x N x C
    at::Tensor mask_index;
    if (plan.masks.defined())                                                       // mask of each window
      mask_index = plan.mask_index.index_select(0, at::arange(w0, w0 + n, at::kLong).remainder(nW));
    win = attn(win, plan.masks, mask_index);                                        // n x N x C
    scatter_add_rows_(out, xf, win.view({n * N, C}), idx, fast);                       // out = x + attn
  }
  // MLP in chunks of tokens, added in place.
  for (int64_t t0 = 0; t0 < B * L; t0 += kChunkTokens) {
    at::Tensor part = out.narrow(0, t0, std::min(kChunkTokens, B * L - t0));        // T x C
    part.add_(mlp(norm2(part)));                                                    // T x C
  }
  return out.view({B, L, C});                                                       // B x L x C
}

PatchMergingImpl::PatchMergingImpl(int64_t dim) {
  reduction = register_module("reduction", torch::nn::Linear(torch::nn::LinearOptions(4 * dim, 2 * dim).bias(false)));
  norm = register_module("norm", layer_norm(4 * dim));
}

at::Tensor PatchMergingImpl::forward(const at::Tensor& x, int64_t H, int64_t W) {
  const int64_t B = x.size(0), C = x.size(2);
  at::Tensor g = x.view({B, H, W, C});                                              // B x H x W x C
  if (H % 2 || W % 2) g = at::constant_pad_nd(g, {0, 0, 0, W % 2, 0, H % 2});       // B x 2H' x 2W' x C
  const int64_t H2 = g.size(1) / 2, W2 = g.size(2) / 2;
  // (dy, dx) = (0,0), (1,0), (0,1), (1,1) -> channel block dx*2 + dy
  g = g.view({B, H2, 2, W2, 2, C}).permute({0, 1, 3, 4, 2, 5}).reshape({B, H2 * W2, 4 * C});  // B x H'W' x 4C
  at::Tensor n = norm(g);                                                           // B x H'W' x 4C
  return fast ? ops::linear(n, reduction->weight, {}) : at::linear(n, reduction->weight);  // B x H'W' x 2C
}

SwinStageImpl::SwinStageImpl(int64_t dim, int64_t depth, int64_t heads, int64_t ws, double mlp_ratio, bool down)
    : window_size(ws) {
  blocks = register_module("blocks", torch::nn::ModuleList());
  for (int64_t i = 0; i < depth; ++i) blocks->push_back(SwinBlock(dim, heads, ws, i % 2 ? ws / 2 : 0, mlp_ratio));
  if (down) downsample = register_module("downsample", PatchMerging(dim));
}

SwinStageImpl::Output SwinStageImpl::forward(const at::Tensor& x, int64_t H, int64_t W) {
  const int64_t B = x.size(0);
  SwinWindowPlan plain = make_swin_window_plan(B, H, W, window_size, 0);
  SwinWindowPlan shifted;
  if (blocks->size() > 1) shifted = make_swin_window_plan(B, H, W, window_size, window_size / 2);
  Output o;
  o.x = x;
  for (size_t i = 0; i < blocks->size(); ++i) o.x = blocks[i]->as<SwinBlock>()->forward(o.x, i % 2 ? shifted : plain);
  o.H = H, o.W = W;
  if (downsample) {
    o.x_down = downsample(o.x, H, W);
    o.H_down = (H + 1) / 2, o.W_down = (W + 1) / 2;
  }
  return o;
}

// ---------------------------------------------------------------------------------------------------------------
PatchEmbedImpl::PatchEmbedImpl(int64_t patch, int64_t in_chans, int64_t embed_dim) : patch_size(patch) {
  proj = register_module("proj", torch::nn::Conv2d(torch::nn::Conv2dOptions(in_chans, embed_dim, patch).stride(patch)));
  norm = register_module("norm", layer_norm(embed_dim));
}

at::Tensor PatchEmbedImpl::forward(const at::Tensor& image, int64_t& Hp, int64_t& Wp) {
  const int64_t H = image.size(2), W = image.size(3);
  at::Tensor x = image;
  if (W % patch_size || H % patch_size)
    x = at::constant_pad_nd(x, {0, (patch_size - W % patch_size) % patch_size, 0,
                                (patch_size - H % patch_size) % patch_size});       // B x 3 x H' x W'
  x = proj(x);                                                                      // B x C x Hp x Wp
  Hp = x.size(2), Wp = x.size(3);
  return norm(x.flatten(2).transpose(1, 2));                                        // B x Hp*Wp x C
}

// ---------------------------------------------------------------------------------------------------------------
SwinTransformerImpl::SwinTransformerImpl(const SwinOptions& o) : options_(o) {
  validate(o);
  patch_embed = register_module("patch_embed", PatchEmbed(o.patch_size, o.in_chans, o.embed_dim));
  if (o.ape) {
    const int64_t g = o.pretrain_img_size / o.patch_size;
    absolute_pos_embed = register_parameter("absolute_pos_embed", at::zeros({1, o.embed_dim, g, g}));
  }
  layers = register_module("layers", torch::nn::ModuleList());
  const int64_t n = static_cast<int64_t>(o.depths.size());
  for (int64_t i = 0; i < n; ++i)
    layers->push_back(SwinStage(o.embed_dim << i, o.depths[i], o.num_heads[i], o.window_size, o.mlp_ratio, i < n - 1));
  const bool retinanet = o.backbone_arch.size() >= 9 &&
                         o.backbone_arch.compare(o.backbone_arch.size() - 9, 9, "RETINANET") == 0;
  out_norms.assign(n, torch::nn::LayerNorm(nullptr));
  for (int64_t i = 0; i < n; ++i) {
    const std::string stage = "stage" + std::to_string(i + 2);
    bool wanted = false;
    for (const auto& f : o.out_features) wanted = wanted || f == stage;
    if (!wanted || (i == 0 && retinanet)) continue;
    out_norms[i] = register_module("norm" + std::to_string(i), layer_norm(o.embed_dim << i));
  }
  set_fast_cpu_kernels(o.fast_cpu_kernels);
}

void SwinTransformerImpl::set_fast_cpu_kernels(bool on) {
  options_.fast_cpu_kernels = on;
  for (const auto& m : modules(/*include_self=*/false)) {
    if (auto* a = m->as<WindowAttention>()) a->fast = on;
    if (auto* b = m->as<SwinBlock>()) b->fast = on;
    if (auto* p = m->as<Mlp>()) p->fast = on;
    if (auto* d = m->as<PatchMerging>()) d->fast = on;
  }
}

std::vector<int64_t> SwinTransformerImpl::out_channels() const {
  std::vector<int64_t> c;
  for (size_t i = 0; i < options_.depths.size(); ++i)
    for (const auto& f : options_.out_features)
      if (f == "stage" + std::to_string(i + 2)) c.push_back(options_.embed_dim << i);
  return c;
}

SwinOutput SwinTransformerImpl::forward(const at::Tensor& image, TensorProbe* probe) {
  if (!image.defined() || image.dim() != 4 || image.size(1) != options_.in_chans ||
      image.scalar_type() != at::kFloat || image.size(2) < 1 || image.size(3) < 1)
    throw Error("Swin: the image must be a B x " + std::to_string(options_.in_chans) + " x H x W float32 tensor");
  int64_t H = 0, W = 0;
  at::Tensor x = patch_embed->forward(image, H, W);                                 // B x HW x C
  if (options_.ape) {
    namespace F = torch::nn::functional;
    at::Tensor pos = F::interpolate(absolute_pos_embed, F::InterpolateFuncOptions()
                                                            .size(std::vector<int64_t>{H, W})
                                                            .mode(torch::kBicubic)
                                                            .align_corners(false));  // 1 x C x H x W
    x = x + pos.flatten(2).transpose(1, 2);                                          // B x HW x C
  }
  SwinOutput out;
  for (size_t i = 0; i < layers->size(); ++i) {
    auto o = layers[i]->as<SwinStage>()->forward(x, H, W);
    const std::string name = "stage" + std::to_string(i + 2);
    bool wanted = false;
    for (const auto& f : options_.out_features) wanted = wanted || f == name;
    if (wanted) {
      at::Tensor f = out_norms[i] ? out_norms[i](o.x) : o.x;                        // B x HW x C
      f = f.view({-1, o.H, o.W, f.size(2)}).permute({0, 3, 1, 2});                 // B x C x H x W, NHWC memory
      if (!options_.fast_cpu_kernels) f = f.contiguous();  // (oneDNN convolves the channels-last view directly)
      probe_put(probe, "swin." + name, f);
      out.names.push_back(name);
      out.features.push_back(f);
    }
    x = o.x_down, H = o.H_down, W = o.W_down;
  }
  return out;
}

}  // namespace glip
