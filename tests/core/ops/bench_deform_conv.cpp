// Timing of modulated_deform_conv2d at GLIP-T's dyhead sizes (random data): 256 channels, the P3..P7 maps of an
// 800x1333 input (100x168 ... 7x11), the stride-1 conv of each level and the stride-2 conv that reads the level
// below, each against a dense at::conv2d of the same shape. Best of 3 after a warm-up, wall clock and process CPU.
//   bench_deform_conv [threads=intra-op default]
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "core/ops/deform_conv/deform_conv.h"

namespace {

struct Times {
  double wall = 1e9, cpu = 1e9;
};

template <class F>
Times best_of_3(F&& f) {
  f();  // warm-up
  Times t;
  for (int r = 0; r < 3; ++r) {
    const auto w0 = std::chrono::steady_clock::now();
    const std::clock_t c0 = std::clock();
    f();
    t.cpu = std::min(t.cpu, static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC);
    t.wall = std::min(t.wall, std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count());
  }
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1) at::set_num_threads(std::atoi(argv[1]));
  c10::InferenceMode guard;
  at::manual_seed(0);
  const int64_t sizes[5][2] = {{100, 168}, {50, 84}, {25, 42}, {13, 21}, {7, 11}};  // P3..P7 (h, w)
  const at::Tensor wt = at::randn({256, 256, 3, 3}) / 48;
  const at::Tensor bias = at::randn({256});
  double sum_dense = 0, sum_deform = 0;
  for (int64_t stride : {1, 2}) {
    for (int l = 0; l < 5; ++l) {
      if (stride == 2 && l == 0) continue;  // the stride-2 conv reads level l-1 and writes level l
      const int from = stride == 1 ? l : l - 1;
      const int64_t h = sizes[from][0], w = sizes[from][1];
      const int64_t ho = (h - 1) / stride + 1, wo = (w - 1) / stride + 1;
      glip::ops::DeformConvParams p;
      p.stride = stride;
      p.padding = 1;
      const at::Tensor x = at::randn({1, 256, h, w});
      const at::Tensor off = at::randn({1, 18, ho, wo}), mask = at::rand({1, 9, ho, wo});
      const Times dense = best_of_3([&] { at::conv2d(x, wt, bias, stride, 1); });
      const Times deform = best_of_3([&] { glip::ops::modulated_deform_conv2d(x, off, mask, wt, bias, p); });
      sum_dense += dense.cpu;
      sum_deform += deform.cpu;
      std::printf("P%d stride %d, 1x256x%dx%d -> %dx%d, %d threads: conv2d %.2f ms wall / %.2f ms cpu, deform %.2f ms "
                  "wall / %.2f ms cpu (%.2fx cpu)\n",
                  l + 3, static_cast<int>(stride), static_cast<int>(h), static_cast<int>(w), static_cast<int>(ho),
                  static_cast<int>(wo), at::get_num_threads(), dense.wall * 1e3, dense.cpu * 1e3, deform.wall * 1e3,
                  deform.cpu * 1e3, deform.cpu / dense.cpu);
    }
  }
  std::printf("all levels: conv2d %.1f ms cpu, deform %.1f ms cpu (%.2fx)\n", sum_dense * 1e3, sum_deform * 1e3,
              sum_deform / sum_dense);
  return 0;
}
