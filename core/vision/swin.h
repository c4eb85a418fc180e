// Swin Transformer v1 as in GLIP (maskrcnn_benchmark/modeling/backbone/swint.py), inference only.
//
// Names equal the checkpoint's `backbone.body.*`: patch_embed.{proj,norm}, layers.<i>.blocks.<j>.{norm1, attn.
// {relative_position_bias_table, relative_position_index, qkv, proj}, norm2, mlp.{fc1,fc2}},
// layers.<i>.downsample.{norm,reduction}, and norm<i> for every output stage i except stage2 of a "*RETINANET"
// backbone (GLIP's norm0 is an Identity there). Drop path and dropout are the identity at inference.
//
// Quirks kept: each block pads to a multiple of the window *after* norm1 and padded tokens are not masked in
// non-shifted windows; the shifted-window mask uses -100; blocks shift even when the map is smaller than a window;
// PatchMerging pads odd sizes and concatenates (0,0), (1,0), (0,1), (1,1) in (row, col) order.
#pragma once
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

#include <string>
#include <utility>
#include <vector>

#include "core/vision/options.h"

namespace glip {

class TensorProbe;

class WindowAttentionImpl : public torch::nn::Module {
 public:
  WindowAttentionImpl(int64_t dim, int64_t window_size, int64_t num_heads);
  // windows: B*nW x N x C (N = window_size^2); for shifted windows mask: M x N x N (0 / -100) and mask_index: nW
  // int64 (window w of an image uses mask[mask_index[w]]), else both undefined  ->  B*nW x N x C.
  // attn = softmax((q*scale @ k^T + relative position bias) + mask), as GLIP adds them.
  at::Tensor forward(const at::Tensor& windows, const at::Tensor& mask = {}, const at::Tensor& mask_index = {});
  // nH x N x N, gathered from the table by relative_position_index.
  at::Tensor relative_position_bias() const;

  at::Tensor relative_position_bias_table;  // (2w-1)^2 x nH
  at::Tensor relative_position_index;       // N x N int64
  torch::nn::Linear qkv{nullptr}, proj{nullptr};
  int64_t num_heads = 0, window_size = 0;
  double scale = 1.0;
  bool fast = true;  // fused CPU kernel + oneDNN linears (see SwinOptions::fast_cpu_kernels)
};
TORCH_MODULE(WindowAttention);

class MlpImpl : public torch::nn::Module {
 public:
  MlpImpl(int64_t dim, int64_t hidden);
  at::Tensor forward(const at::Tensor& x);  // ... x C -> ... x C (fc1, exact GELU, fc2)
  torch::nn::Linear fc1{nullptr}, fc2{nullptr};
  bool fast = true;
};
TORCH_MODULE(Mlp);

// How the tokens of one H x W map are cut into (cyclically shifted) windows: pad to Hp x Wp, roll by -shift,
// partition. `gather` gives, for every window row (B*nW*N, images one after the other), the token it holds in the
// flattened B*(H*W) x C map, or -1 for padding (a zero row). Real tokens appear exactly once.
struct SwinWindowPlan {
  int64_t B = 0, H = 0, W = 0, Hp = 0, Wp = 0, shift = 0, window_size = 0;
  bool padded = false;    // Hp > H or Wp > W
  at::Tensor gather;      // B*nW*N int64
  at::Tensor masks;       // M x N x N, the distinct shift masks (0 / -100); undefined when shift == 0
  at::Tensor mask_index;  // nW int64: window w uses masks[mask_index[w]]
};
SwinWindowPlan make_swin_window_plan(int64_t B, int64_t H, int64_t W, int64_t window_size, int64_t shift);

class SwinBlockImpl : public torch::nn::Module {
 public:
  SwinBlockImpl(int64_t dim, int64_t num_heads, int64_t window_size, int64_t shift_size, double mlp_ratio);
  // x: B x (H*W) x C; plan made for this block's shift  ->  B x (H*W) x C
  at::Tensor forward(const at::Tensor& x, const SwinWindowPlan& plan);

  torch::nn::LayerNorm norm1{nullptr}, norm2{nullptr};
  WindowAttention attn{nullptr};
  Mlp mlp{nullptr};
  int64_t window_size = 7, shift_size = 0;
  bool fast = true;
};
TORCH_MODULE(SwinBlock);

class PatchMergingImpl : public torch::nn::Module {
 public:
  explicit PatchMergingImpl(int64_t dim);
  // x: B x (H*W) x C  ->  B x (ceil(H/2)*ceil(W/2)) x 2C
  at::Tensor forward(const at::Tensor& x, int64_t H, int64_t W);
  torch::nn::LayerNorm norm{nullptr};
  torch::nn::Linear reduction{nullptr};
  bool fast = true;
};
TORCH_MODULE(PatchMerging);

class SwinStageImpl : public torch::nn::Module {  // GLIP's BasicLayer
 public:
  SwinStageImpl(int64_t dim, int64_t depth, int64_t num_heads, int64_t window_size, double mlp_ratio,
                bool downsample);
  struct Output {
    at::Tensor x;      // B x (H*W) x C, stage output before the output norm
    at::Tensor x_down; // B x (H'*W') x 2C after PatchMerging (undefined for the last stage)
    int64_t H = 0, W = 0, H_down = 0, W_down = 0;
  };
  Output forward(const at::Tensor& x, int64_t H, int64_t W);

  torch::nn::ModuleList blocks{nullptr};
  PatchMerging downsample{nullptr};
  int64_t window_size = 7;
};
TORCH_MODULE(SwinStage);

class PatchEmbedImpl : public torch::nn::Module {
 public:
  PatchEmbedImpl(int64_t patch_size, int64_t in_chans, int64_t embed_dim);
  // image B x 3 x H x W (padded up to a multiple of the patch size)  ->  B x (Hp*Wp) x C, after the norm
  at::Tensor forward(const at::Tensor& image, int64_t& Hp, int64_t& Wp);
  torch::nn::Conv2d proj{nullptr};
  torch::nn::LayerNorm norm{nullptr};
  int64_t patch_size = 4;
};
TORCH_MODULE(PatchEmbed);

struct SwinOutput {
  std::vector<std::string> names;    // "stage2".."stage5" (those in out_features)
  std::vector<at::Tensor> features;  // B x C_i x H_i x W_i each (channels-last memory with fast_cpu_kernels)
};

class SwinTransformerImpl : public torch::nn::Module {
 public:
  explicit SwinTransformerImpl(const SwinOptions& options);
  // image: B x in_chans x H x W float32. Probes: swin.stage2..5. Throws glip::Error for a wrong image tensor.
  SwinOutput forward(const at::Tensor& image, TensorProbe* probe = nullptr);

  const SwinOptions& options() const { return options_; }
  std::vector<int64_t> out_channels() const;  // channels of each output, in order
  // Switches every submodule between the fast CPU paths and the plain ATen formulation (SwinOptions).
  void set_fast_cpu_kernels(bool on);

  PatchEmbed patch_embed{nullptr};
  at::Tensor absolute_pos_embed;  // 1 x C x (224/4) x (224/4), only with APE
  torch::nn::ModuleList layers{nullptr};
  std::vector<torch::nn::LayerNorm> out_norms;  // norm<i> per output stage (null = identity)

 private:
  SwinOptions options_;
};
TORCH_MODULE(SwinTransformer);

// The shifted-window attention mask of GLIP's BasicLayer: nW x N x N with 0 inside a region, -100 across.
at::Tensor swin_shift_mask(int64_t Hp, int64_t Wp, int64_t window_size, int64_t shift_size);
// The same as distinct masks (M x N x N, M <= 4) and, per window, the index of its mask (nW int64).
std::pair<at::Tensor, at::Tensor> swin_shift_masks_compact(int64_t Hp, int64_t Wp, int64_t window_size,
                                                            int64_t shift_size);

}  // namespace glip
