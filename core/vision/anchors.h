// FPN anchors as maskrcnn_benchmark/modeling/rpn/anchor_generator.py (AnchorGenerator built by
// make_anchor_generator_complex): legacy "+1" box convention, xyxy, float32.
//
// The module owns the buffers cell_anchors.<level> (A x 4, A = #sizes x #ratios), which the checkpoint stores as
// `rpn.anchor_generator.cell_anchors.<level>`: register it as "anchor_generator" inside the module named "rpn".
#pragma once
#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include <memory>
#include <utility>
#include <vector>

#include "core/vision/options.h"

namespace glip {

class TensorProbe;

// generate_anchors(stride, sizes, aspect_ratios): the A x 4 cell anchors around (0, 0, stride-1, stride-1),
// computed in double precision with numpy's round-half-to-even, returned as float32.
at::Tensor generate_cell_anchors(int64_t stride, const std::vector<double>& sizes,
                                 const std::vector<double>& aspect_ratios);

class AnchorGeneratorImpl : public torch::nn::Module {
 public:
  explicit AnchorGeneratorImpl(const AnchorGeneratorOptions& options);

  // Anchors of each level for feature maps of the given (height, width): (h*w*A) x 4 each, locations row-major,
  // anchors of one location consecutive; anchor = cell anchor + (x*stride, y*stride, x*stride, y*stride).
  std::vector<at::Tensor> grid_anchors(const std::vector<std::pair<int64_t, int64_t>>& grid_sizes) const;
  // Same for the feature maps' spatial sizes (B x C x h x w each). Probes anchors.p3.. (first level = p3).
  std::vector<at::Tensor> forward(const std::vector<at::Tensor>& feature_maps, TensorProbe* probe = nullptr) const;

  int64_t num_anchors_per_location(size_t level) const;
  const AnchorGeneratorOptions& options() const { return options_; }

  std::shared_ptr<torch::nn::Module> cell_anchors;  // buffers "0".."L-1" (GLIP's BufferList)

 private:
  std::vector<at::Tensor> cells() const;  // the buffers, in level order
  AnchorGeneratorOptions options_;
};
TORCH_MODULE(AnchorGenerator);

}  // namespace glip
