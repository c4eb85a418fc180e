#include "core/ops/deform_conv/deform_conv_cuda.h"

#include <ATen/ATen.h>
#include <ATen/Dispatch.h>
#include <ATen/cuda/CUDAContext.h>

#include <string>

#include "core/common/error.h"
#include "core/ops/deform_conv/deform_conv_im2col.h"

namespace glip::ops::detail {

at::Tensor modulated_deform_conv2d_cuda(const at::Tensor& input_, const at::Tensor& offset_, const at::Tensor& mask_,
                                        const at::Tensor& weight, const at::Tensor& bias, const DeformConvParams& p) {
  const at::Tensor input = input_.contiguous(), offset = offset_.contiguous(), mask = mask_.contiguous();
  const int64_t N = input.size(0), C = input.size(1);
  const int64_t Cout = weight.size(0), kh = weight.size(2), kw = weight.size(3), K = kh * kw, G = p.groups;
  const int64_t Ho = offset.size(2), Wo = offset.size(3), L = Ho * Wo;
  at::Tensor columns = at::empty({N, C * K, L}, input.options());  // N x (C*K) x L
  AT_DISPATCH_FLOATING_TYPES(input.scalar_type(), "modulated_deform_conv2d_cuda", [&] {
    const DeformIm2colArgs<scalar_t> a = deform_im2col_args(
        input.data_ptr<scalar_t>(), offset.data_ptr<scalar_t>(), mask.data_ptr<scalar_t>(),
        columns.data_ptr<scalar_t>(), input.sizes().vec(), kh, kw, Ho, Wo, p);
    if (const char* err = launch_deform_im2col(a, at::cuda::getCurrentCUDAStream().stream()))
      throw glip::Error(std::string("modulated_deform_conv2d (CUDA): ") + err);
  });
  const at::Tensor wmat = weight.reshape({G, Cout / G, (C / G) * K});
  at::Tensor out = at::matmul(wmat.unsqueeze(0), columns.view({N, G, (C / G) * K, L})).view({N, Cout, Ho, Wo});
  if (bias.defined()) out = out + bias.view({1, Cout, 1, 1});
  return out;  // N x Cout x Ho x Wo
}

}  // namespace glip::ops::detail
