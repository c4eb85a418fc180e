// Reading GLIP / PyTorch checkpoints (torch.save zip archives) without Python, and writing tensor dicts.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/io/tensor_map.h"

namespace glip::io {

// What load_checkpoint saw besides the model weights.
struct CheckpointInfo {
  bool had_model_key = false;           // false: the top level itself was the state dict
  bool stripped_module_prefix = false;  // every key started with "module." (DataParallel) and it was removed
  std::vector<std::string> other_keys;  // top-level entries not used (e.g. 'optimizer', 'scheduler', 'iteration')
  std::optional<int64_t> iteration;     // top-level "iteration", when it is an int
  size_t storages_in_file = 0;          // distinct storages referenced by the pickle (model, optimizer, ...)
  size_t storages_read = 0;             // storages actually read (only those under the model entry)
  uint64_t bytes_read = 0;              // their total size
};

// Loads the model weights of a torch.save zip checkpoint: official GLIP `.pth` files ({"model": OrderedDict,
// "optimizer": ..., "iteration": ...}) or a bare state dict. Uses a restricted unpickler (no code can run; any
// GLOBAL other than tensors/storages/OrderedDict/torch.Size is refused) and reads only the storage records that
// tensors under "model" reference, each once, without copying (tensors view the record buffers; views keep
// their offsets and strides). The prefix "module." is stripped when every key has it. All tensors are on CPU.
// Throws glip::Error for a missing, empty, truncated or non-zip file, a zip without data.pkl, a forbidden
// GLOBAL, an unsupported opcode, or an unexpected structure (the message names the file and the fault).
TensorMap load_checkpoint(const std::string& path, CheckpointInfo* info = nullptr);

// Official strip_prefix_if_present: removes `prefix` from every key if EVERY key starts with it (and there is
// at least one key); returns whether it did.
bool strip_prefix_if_present(TensorMap& tensors, const std::string& prefix);

// Loads a plain dict name -> tensor saved with torch.save (golden files, --dump-tensors output). Any number of
// entries (1-entry dicts included), OrderedDict accepted. Throws glip::Error if a value is not a tensor.
TensorMap load_tensor_dict(const std::string& path);

// Writes `tensors` so that Python's torch.load(path) returns a dict name -> tensor (and load_tensor_dict reads
// it back). Tensors are moved to CPU and made compact (views are saved without their base). Atomic: writes a
// temporary file next to `path`, then renames it. Throws glip::Error on I/O failure.
void save_tensor_dict(const std::string& path, const TensorMap& tensors);

}  // namespace glip::io
