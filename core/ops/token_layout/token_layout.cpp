#include "core/ops/token_layout/token_layout.h"

#include <ATen/ATen.h>

#include <string>

#include "core/common/error.h"
#include "core/common/shape.h"

namespace glip::ops {

namespace {
bool cpu_float_contiguous(const at::Tensor& t) {
  return t.device().is_cpu() && t.scalar_type() == at::kFloat && t.is_contiguous();
}
}  // namespace

at::Tensor levels_to_tokens(const std::vector<at::Tensor>& levels, bool generic) {
  if (levels.empty()) throw Error("levels_to_tokens: no levels");
  bool cpu = !generic;
  for (const at::Tensor& l : levels) {
    if (!l.defined() || l.dim() != 4 || l.size(0) != levels[0].size(0) || l.size(1) != levels[0].size(1))
      throw Error("levels_to_tokens: every level must be B x C x h x w with the first one's B and C, got " +
                  (l.defined() ? shape_str(l.sizes()) : std::string("an undefined tensor")));
    cpu = cpu && cpu_float_contiguous(l) && l.device() == levels[0].device();
  }
  if (cpu) return detail::levels_to_tokens_cpu(levels);
  std::vector<at::Tensor> flat;
  for (const at::Tensor& l : levels) flat.push_back(l.flatten(2).transpose(1, 2));  // B x hw x C
  return at::cat(flat, 1);                                                         // B x N x C
}

std::vector<at::Tensor> tokens_to_levels(const at::Tensor& base, const at::Tensor& gamma, const at::Tensor& delta,
                                         const std::vector<at::Tensor>& shapes, bool generic) {
  if (base.dim() != 3 || !delta.sizes().equals(base.sizes()) || gamma.dim() != 1 || gamma.size(0) != base.size(2))
    throw Error("tokens_to_levels: base and delta must be B x N x C and gamma C, got " + shape_str(base.sizes()) +
                ", " + shape_str(delta.sizes()) + ", " + shape_str(gamma.sizes()));
  int64_t n = 0;
  for (const at::Tensor& s : shapes) {
    if (s.dim() != 4) throw Error("tokens_to_levels: level shapes must be B x C x h x w, got " + shape_str(s.sizes()));
    n += s.size(2) * s.size(3);
  }
  if (n != base.size(1))
    throw Error("tokens_to_levels: the levels hold " + std::to_string(n) + " positions, the tokens " +
                std::to_string(base.size(1)));
  if (!generic && cpu_float_contiguous(base) && cpu_float_contiguous(delta) && cpu_float_contiguous(gamma))
    return detail::tokens_to_levels_cpu(base, gamma, delta, shapes);
  const at::Tensor rows = (base + gamma * delta).transpose(1, 2);  // B x C x N
  std::vector<at::Tensor> out;
  int64_t start = 0;
  for (const at::Tensor& s : shapes) {
    const int64_t h = s.size(2), w = s.size(3);
    out.push_back(rows.narrow(2, start, h * w).reshape({base.size(0), base.size(2), h, w}).contiguous());
    start += h * w;
  }
  return out;
}

}  // namespace glip::ops
