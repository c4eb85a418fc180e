// A restricted unpickler for PyTorch's zip checkpoints (`data.pkl` inside a torch.save archive).
//
// It never runs anything: it builds an inert object graph from a fixed set of protocol-2 (and the few protocol-4)
// opcodes that torch.save writes, and it resolves only whitelisted GLOBALs (collections.OrderedDict, torch.Size,
// torch._utils._rebuild_tensor_v2 / _rebuild_parameter, the torch.<T>Storage classes, and the identity
// torch.jit._pickle.restore_type_tag that libtorch's own pickler writes around typed containers). Any other GLOBAL or
// opcode throws glip::Error naming it and its byte offset. Tensors stay LAZY: a tensor is a description
// (storage key, dtype, offset, sizes, strides); the caller decides which storage records to read.
#pragma once
#include <c10/core/ScalarType.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <utility>
#include <vector>

namespace glip::io::detail {

enum class PyGlobal { OrderedDict, TorchSize, RebuildTensorV2, RebuildParameter, RestoreTypeTag, StorageType };

struct PyObj {
  enum class Kind { None, Bool, Int, Float, Str, Tuple, List, Dict, Global, Storage, Tensor };
  Kind kind = Kind::None;
  int64_t i = 0;                                   // Bool, Int
  double f = 0.0;                                  // Float
  std::string s;                                   // Str; Storage: record key ("data/<s>")
  std::vector<PyObj*> items;                       // Tuple, List
  std::vector<std::pair<PyObj*, PyObj*>> entries;  // Dict, insertion order (a later duplicate key wins)
  PyGlobal global = PyGlobal::OrderedDict;         // Global
  c10::ScalarType dtype = c10::ScalarType::Float;  // Global(StorageType), Storage
  int64_t numel = 0;                               // Storage: elements
  std::string location;                            // Storage: "cpu", "cuda:0", ... (everything loads to CPU)
  const PyObj* storage = nullptr;                  // Tensor
  int64_t offset = 0;                              // Tensor: storage offset in elements
  std::vector<int64_t> sizes, strides;             // Tensor
};

const char* kind_name(PyObj::Kind kind);

// Owns every object of one unpickled graph (objects point at each other with raw pointers, cycles are harmless).
struct PickleGraph {
  std::deque<PyObj> arena;
  const PyObj* root = nullptr;
  size_t storage_count = 0;  // distinct storage keys referenced anywhere in the pickle
};

// Parses a pickle byte string. Throws glip::Error ("... at offset N") on anything outside the whitelist, on
// malformed or truncated input, and on inconsistent storage references.
void unpickle(const char* data, size_t size, PickleGraph& graph);

// The value of the LAST entry whose key is the string `key`, or nullptr.
const PyObj* dict_get(const PyObj& dict, const std::string& key);

// A short description for error messages and logs: strings quoted, ints printed, other kinds by name.
std::string describe(const PyObj& obj);

}  // namespace glip::io::detail
