#include "core/model/glip_model.h"

#include <spdlog/spdlog.h>

#include "core/common/error.h"
#include "core/config/config.h"
#include "core/io/align.h"
#include "core/head/dyconv.h"
#include "core/head/vlfuse.h"
#include "core/io/checkpoint.h"
#include "core/language/options.h"
#include "core/vision/options.h"

namespace glip {

GlipModelOptions glip_model_options(const Config& cfg) {
  const std::string arch = cfg.get_str("MODEL.META_ARCHITECTURE");
  if (arch != "GeneralizedVLRCNN")
    throw Error("MODEL.META_ARCHITECTURE is \"" + arch + "\"; GLIP Studio runs \"GeneralizedVLRCNN\" (GLIP)");
  if (cfg.get_str("MODEL.RPN_ARCHITECTURE") != "VLDYHEAD")
    throw Error("MODEL.RPN_ARCHITECTURE is \"" + cfg.get_str("MODEL.RPN_ARCHITECTURE") +
                "\"; GLIP Studio runs \"VLDYHEAD\"");
  if (!cfg.get_bool("MODEL.RPN_ONLY")) throw Error("MODEL.RPN_ONLY must be True for GLIP");
  GlipModelOptions o;
  o.vision = vision_backbone_options(cfg);
  o.language = language_backbone_options(cfg);
  o.head = head::vldyhead_options_from_config(cfg, bert_layer_options(o.language.bert));
  o.anchors = anchor_generator_options(cfg);
  return o;
}

LanguageBackboneImpl::LanguageBackboneImpl(const LanguageBackboneOptions& o) {
  body = register_module("body", BertEncoder(o));
}

RpnImpl::RpnImpl(const head::VLDyHeadOptions& h, const AnchorGeneratorOptions& a) {
  head = register_module("head", head::VLDyHead(h));
  anchor_generator = register_module("anchor_generator", AnchorGenerator(a));
}

GlipModelImpl::GlipModelImpl(const GlipModelOptions& o) : options_(o) {
  backbone = register_module("backbone", VisionBackbone(o.vision));
  language_backbone = register_module("language_backbone", LanguageBackbone(o.language));
  rpn = register_module("rpn", Rpn(o.head, o.anchors));
  eval();
}

std::vector<std::pair<std::string, std::vector<int64_t>>> state_dict_shapes(const torch::nn::Module& m) {
  std::vector<std::pair<std::string, std::vector<int64_t>>> out;
  for (const auto& p : m.named_parameters(true)) out.emplace_back(p.key(), p.value().sizes().vec());
  for (const auto& b : m.named_buffers(true)) out.emplace_back(b.key(), b.value().sizes().vec());
  return out;
}

size_t load_glip_weights(GlipModelImpl& model, const std::string& checkpoint_path) {
  // Memory: a real checkpoint's model entry is as large as the model (0.9 GB for GLIP-T). Instead of copying it
  // into freshly initialised tensors (2x the model at the peak), the checkpoint's tensors BECOME the model's: the
  // checkpoint is read (only the storages under "model"), aligned strictly against the model's names and shapes,
  // and each parameter/buffer is switched to its checkpoint tensor (converted only when the dtype differs).
  // The initial values are released BEFORE the checkpoint is read, so the peak is one model, not two; on failure
  // the model is left without weights (Model::load discards it).
  torch::NoGradGuard no_grad;
  const io::ShapeMap shapes = io::module_shapes(model);
  for (auto& p : model.named_parameters(true)) p.value().set_data(at::empty({0}, p.value().options()));
  for (auto& b : model.named_buffers(true)) b.value().set_data(at::empty({0}, b.value().options()));
  io::CheckpointInfo info;
  io::TensorMap checkpoint = io::load_checkpoint(checkpoint_path, &info);
  io::AlignReport report;
  io::TensorMap aligned;
  try {
    aligned = io::align_state_dict(shapes, checkpoint, &report);
  } catch (const Error& e) {
    throw Error("cannot load '" + checkpoint_path + "': " + e.what());  // name the file, as io::load_weights does
  }
  checkpoint.clear();  // `aligned` holds what the model uses; unused entries are released here
  auto adopt = [&](const std::string& name, at::Tensor& dst) {
    at::Tensor src = aligned.at(name).to(dst.scalar_type()).contiguous();
    dst.set_data(src);
    aligned.erase(name);
  };
  for (auto& p : model.named_parameters(true)) adopt(p.key(), p.value());
  for (auto& b : model.named_buffers(true)) adopt(b.key(), b.value());
  spdlog::info("loaded {} tensors from '{}' ({:.1f} MB read{}); {} checkpoint entries unused", report.matched,
               checkpoint_path, info.bytes_read / 1e6, report.by_suffix ? ", some by suffix" : "",
               report.ignored_keys.size());
  return report.matched;
}

namespace {
bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

// Whether the layer owning weight `name` (state-dict name, ending in ".weight") runs in low precision.
bool low_precision_layer(const std::string& name) {
  if (starts_with(name, "backbone.fpn.")) return true;
  const std::string tower = "rpn.head.dyhead_tower.";
  if (!starts_with(name, tower)) return false;
  const size_t dot = name.find('.', tower.size());  // after the tower slot number
  if (dot == std::string::npos) return false;
  const std::string rest = name.substr(dot + 1);
  for (const char* prefix : {"DyConv.", "attention.", "intermediate.", "output.", "b_attn.attn.l_proj.",
                             "b_attn.attn.values_l_proj.", "b_attn.attn.out_l_proj."})
    if (starts_with(rest, prefix)) return true;
  return false;
}
}  // namespace

size_t convert_gemm_weights(GlipModelImpl& model, at::ScalarType dtype) {
  if (dtype == at::kFloat) return 0;
  torch::NoGradGuard no_grad;
  size_t converted = 0;
  for (auto& p : model.named_parameters(true)) {
    const std::string& name = p.key();
    at::Tensor& t = p.value();
    if (t.dim() < 2 || name.size() < 7 || name.compare(name.size() - 7, 7, ".weight") != 0) continue;
    if (!low_precision_layer(name)) continue;
    t.set_data(t.to(dtype));
    ++converted;
  }
  return converted;
}

size_t use_generic_kernels(GlipModelImpl& model) {
  model.backbone->body->set_fast_cpu_kernels(false);
  size_t n = 0;
  for (const auto& m : model.modules(/*include_self=*/false))
    if (auto* d = m->as<head::ModulatedDeformConvImpl>()) {
      d->generic = true;
      ++n;
    } else if (auto* a = m->as<head::BiMultiHeadAttentionImpl>()) {
      a->generic = true;
    }
  return n;
}

}  // namespace glip
