// Timing of VLDyHead at full GLIP-T size (random weights): 256 channels, 6 tower layers, BERT-base text side,
// an 800x1333 input (P3 100x168 ... P7 7x11) and 194 text tokens (the 80 COCO names).
//   bench_vldyhead [threads=2] [tokens=194] [repeats=2] [cuda]
// Prints the time of each tower slot kind and of the prediction heads, then the whole forward.
#include <torch/torch.h>

#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "core/head/vldyhead.h"

namespace {
double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
// CPU seconds of the whole process (all threads): on a shared machine wall time overstates the cost.
double cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}
}  // namespace

int main(int argc, char** argv) {
  const int threads = argc > 1 ? std::atoi(argv[1]) : 2;
  const int64_t tokens = argc > 2 ? std::atoll(argv[2]) : 194;
  const int repeats = argc > 3 ? std::atoi(argv[3]) : 2;
  const bool cuda = argc > 4 && std::string(argv[4]) == "cuda";
  at::set_num_threads(threads);
  torch::manual_seed(0);
  c10::InferenceMode guard;
  const torch::Device dev = cuda ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
  auto sync = [&] {
    if (cuda) torch::cuda::synchronize();
  };

  glip::head::VLDyHeadOptions o;  // GLIP-T defaults
  glip::head::VLDyHead head(o);
  head->eval();
  head->to(dev);
  const int64_t hw[5][2] = {{100, 168}, {50, 84}, {25, 42}, {13, 21}, {7, 11}};
  std::vector<at::Tensor> feats;
  for (auto& s : hw) feats.push_back(torch::randn({1, 256, s[0], s[1]}, dev));
  glip::LanguageDict lang;
  lang.hidden = torch::randn({1, tokens, 768}, dev);
  lang.masks = torch::ones({1, tokens}, torch::TensorOptions().dtype(torch::kLong).device(dev));
  std::printf("VLDyHead GLIP-T, %d threads, %lld tokens, device %s\n", threads, static_cast<long long>(tokens),
              cuda ? "cuda" : "cpu");

  for (int rep = 0; rep < repeats; ++rep) {
    std::map<std::string, double> t, tc;
    glip::head::TowerState s{feats, lang.hidden};
    const double t0 = now_s();
    for (size_t i = 0; i < 18; ++i) {
      const double a = now_s(), ac = cpu_s();
      s = head->run_tower_slot(i, s, lang.masks);
      sync();
      const char* kind = i % 3 == 0 ? "vlfuse" : i % 3 == 1 ? "bert_layer" : "dyconv";
      t[kind] += now_s() - a;
      tc[kind] += cpu_s() - ac;
    }
    const double a = now_s(), ac = cpu_s();
    glip::head::VLDyHeadOutput out = head->predict(s.visual, s.lang_hidden, lang.masks);
    sync();
    t["predict"] = now_s() - a;
    tc["predict"] = cpu_s() - ac;
    const double total_slots = now_s() - t0;
    const double b = now_s(), bc = cpu_s();
    out = head->forward(feats, lang);
    sync();
    const double total = now_s() - b, total_cpu = cpu_s() - bc;
    std::printf("run %d: forward wall %.3f s, cpu %.3f s (slots: wall %.3f s)\n", rep, total, total_cpu, total_slots);
    for (const auto& [k, v] : t) std::printf("   %-10s wall %7.3f s  cpu %7.3f s\n", k.c_str(), v, tc[k]);
  }
  return 0;
}
