#include "core/io/checkpoint.h"

#include <caffe2/serialize/inline_container.h>
#include <caffe2/serialize/versions.h>
#include <torch/serialize.h>

#include <filesystem>
#include <fstream>
#include <algorithm>
#include <map>
#include <memory>
#include <unordered_map>

#include "core/common/error.h"
#include "core/common/file_io.h"
#include "core/common/shape.h"
#include "core/io/unpickler.h"
#include "core/io/zip_directory.h"

namespace glip::io {

namespace {

namespace fs = std::filesystem;
using caffe2::serialize::PyTorchStreamReader;
using detail::PyObj;
using Kind = PyObj::Kind;

std::string first_line(const c10::Error& e) {
  std::string s = e.what_without_backtrace();
  const size_t nl = s.find('\n');
  return nl == std::string::npos ? s : s.substr(0, nl);
}

// Decompression limits: torch.save stores its records uncompressed; a deflated record may come from re-zipping,
// but one that would inflate far beyond its compressed size, or a pickle larger than any checkpoint's, is refused
// from the zip directory before anything is inflated.
constexpr uint64_t kMaxPickleBytes = uint64_t{64} << 20;
constexpr uint64_t kMaxInflateRatio = 1000;

void check_inflated_sizes(const std::map<std::string, ZipEntry>& directory) {
  for (const auto& [name, e] : directory) {
    const bool is_pickle = name == "data.pkl" || (name.size() > 9 && name.compare(name.size() - 9, 9, "/data.pkl") == 0);
    if (is_pickle && e.uncompressed_size > kMaxPickleBytes)
      throw Error("zip record '" + name + "' would inflate to " + std::to_string(e.uncompressed_size >> 20) +
                  " MiB, more than the " + std::to_string(kMaxPickleBytes >> 20) + " MiB a checkpoint's pickle may have");
    if (e.method != 0 && e.uncompressed_size > (uint64_t{1} << 20) &&
        e.uncompressed_size / std::max<uint64_t>(e.compressed_size, 1) > kMaxInflateRatio)
      throw Error("zip record '" + name + "' would inflate " + std::to_string(e.compressed_size) + " bytes to " +
                  std::to_string(e.uncompressed_size >> 20) + " MiB (a zip bomb?); refused");
  }
}

// What PyTorchStreamReader's constructor checks after it has opened the zip directory: the archive folder (named by
// the first record), a version record, a supported version. A constructor that throws there leaks the zip reader's
// state (libtorch 1.13), and a version that is no number escapes as std::invalid_argument: both are checked here
// first, from the directory, so that the reader is only built for archives it will accept.
void check_torch_layout(const std::string& path, const std::map<std::string, ZipEntry>& directory) {
  if (directory.empty()) throw Error("zip archive has no records (not written by torch.save)");
  const auto first = std::min_element(directory.begin(), directory.end(),
                                      [](const auto& a, const auto& b) { return a.second.index < b.second.index; });
  const size_t slash = first->first.find('/');
  if (slash == std::string::npos)
    throw Error("zip record '" + first->first + "' is not in an archive folder (not written by torch.save)");
  const std::string folder = first->first.substr(0, slash + 1);
  auto version = directory.find(folder + ".data/version");
  if (version == directory.end()) version = directory.find(folder + "version");
  if (version == directory.end()) throw Error("zip archive has no version record (not written by torch.save)");
  const std::string text = read_stored_record(path, version->first, version->second, 64);
  unsigned long long value = 0;
  try {
    value = std::stoull(text);  // as the reader parses it: leading blanks, a sign and a trailing rest pass
  } catch (const std::exception&) {
    throw Error("the archive's version record is not a number");
  }
  if (value < caffe2::serialize::kMinSupportedFileFormatVersion ||
      value > caffe2::serialize::kMaxSupportedFileFormatVersion)
    throw Error("archive format version " + std::to_string(value) + " is not supported (this libtorch reads " +
                std::to_string(caffe2::serialize::kMinSupportedFileFormatVersion) + " to " +
                std::to_string(caffe2::serialize::kMaxSupportedFileFormatVersion) + ")");
}

// Checks the file before handing it to the zip reader, so that common mistakes get a clear message.
std::unique_ptr<PyTorchStreamReader> open_archive(const std::string& path) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (!fs::exists(status)) throw Error("file does not exist");
  if (fs::is_directory(status)) throw Error("is a directory, expected a .pth/.pt file");
  if (!fs::is_regular_file(status)) throw Error("is not a regular file (a pipe or a device?)");
  const uintmax_t size = fs::file_size(path, ec);
  if (ec) throw Error("cannot read the file size: " + ec.message());
  if (size == 0) throw Error("file is empty");
  unsigned char magic[4] = {0, 0, 0, 0};
  {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw Error("cannot open the file for reading");
    f.read(reinterpret_cast<char*>(magic), sizeof(magic));
  }
  if (!(magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4)) {
    if (magic[0] == 0x80 && magic[1] == 0x02 && magic[2] == 0x8a)
      throw Error("legacy (before PyTorch 1.6) torch.save format is not supported; re-save it with "
                  "torch.save(torch.load(f), f) in Python");
    throw Error("not a PyTorch file (not a zip archive as written by torch.save)");
  }
  const std::map<std::string, ZipEntry> directory = read_zip_directory(path);
  check_inflated_sizes(directory);
  check_torch_layout(path, directory);
  std::unique_ptr<PyTorchStreamReader> reader;
  try {
    reader = std::make_unique<PyTorchStreamReader>(path);
  } catch (const c10::Error& e) {
    throw Error("damaged or truncated zip archive (" + first_line(e) + ")");
  }
  if (!reader->hasRecord("data.pkl")) throw Error("zip archive has no data.pkl (not written by torch.save)");
  if (reader->hasRecord("byteorder")) {
    auto [ptr, n] = reader->getRecord("byteorder");
    const std::string order(static_cast<const char*>(ptr.get()), n);
    if (order != "little") throw Error("byte order '" + order + "' is not supported (only little-endian)");
  }
  return reader;
}

void read_pickle(PyTorchStreamReader& reader, detail::PickleGraph& graph) {
  auto [ptr, n] = reader.getRecord("data.pkl");  // freed on return: the graph holds its own copies
  detail::unpickle(static_cast<const char*>(ptr.get()), n, graph);
  if (graph.root->kind != Kind::Dict)
    throw Error(std::string("top level has type ") + detail::kind_name(graph.root->kind) + ", expected a dict");
}

// Reads storage records on demand, each at most once, and builds tensors on them without copying.
class TensorLoader {
 public:
  explicit TensorLoader(PyTorchStreamReader& reader) : reader_(reader) {}

  at::Tensor tensor(const PyObj& t, const std::string& name) {
    const PyObj& st = *t.storage;
    check_view(t, name);
    at::Storage storage = load(st, name);
    at::Tensor out = at::empty({0}, at::TensorOptions().dtype(st.dtype));
    out.set_(storage, t.offset, t.sizes, t.strides);
    return out;
  }
  size_t storages_read() const { return cache_.size(); }
  uint64_t bytes_read() const { return bytes_; }

 private:
  PyTorchStreamReader& reader_;
  std::unordered_map<const PyObj*, at::Storage> cache_;
  uint64_t bytes_ = 0;

  at::Storage load(const PyObj& st, const std::string& name) {
    auto it = cache_.find(&st);
    if (it != cache_.end()) return it->second;
    const std::string record = "data/" + st.s;
    if (!reader_.hasRecord(record))
      throw Error("storage record '" + record + "' of tensor '" + name + "' is missing from the archive");
    const uint64_t esize = c10::elementSize(st.dtype);
    const uint64_t expected = static_cast<uint64_t>(st.numel) * esize;
    if (static_cast<uint64_t>(st.numel) > UINT64_MAX / esize) throw Error("storage '" + record + "' is too large");
    auto [ptr, nbytes] = reader_.getRecord(record);
    if (nbytes != expected)
      throw Error("storage record '" + record + "' has " + std::to_string(nbytes) + " bytes, expected " +
                  std::to_string(st.numel) + " x " + std::to_string(esize));
    at::Storage storage(c10::Storage::use_byte_size_t(), static_cast<int64_t>(nbytes), std::move(ptr),
                        /*allocator=*/nullptr, /*resizable=*/false);
    bytes_ += nbytes;
    cache_.emplace(&st, storage);
    return storage;
  }

  // The view must stay inside its storage (the same rule as Tensor.set_/as_strided, with a clear message).
  static void check_view(const PyObj& t, const std::string& name) {
    const int64_t numel = t.storage->numel;
    auto bad = [&](const std::string& why) {
      throw Error("tensor '" + name + "' (size " + shape_str(t.sizes) + ", stride " + shape_str(t.strides) +
                  ", offset " + std::to_string(t.offset) + ", storage of " + std::to_string(numel) +
                  " elements): " + why);
    };
    if (t.offset < 0 || t.offset > numel) bad("storage offset out of range");
    bool empty = false;
    for (size_t i = 0; i < t.sizes.size(); ++i) {
      if (t.sizes[i] < 0 || t.strides[i] < 0) bad("negative size or stride");
      if (t.sizes[i] == 0) empty = true;
    }
    if (empty) return;
    int64_t last = t.offset;
    for (size_t i = 0; i < t.sizes.size(); ++i) {
      int64_t span = 0;
      if (__builtin_mul_overflow(t.sizes[i] - 1, t.strides[i], &span) || __builtin_add_overflow(last, span, &last))
        bad("size overflows");
    }
    if (last >= numel) bad("reaches beyond its storage");
  }
};

std::string key_list(const PyObj& dict) {
  std::string s;
  for (size_t i = 0; i < dict.entries.size() && i < 10; ++i)
    s += (i ? ", " : "") + detail::describe(*dict.entries[i].first);
  if (dict.entries.size() > 10) s += ", ...";
  return s.empty() ? "none" : s;
}

// Runs `fn`, turning every failure into one glip::Error that names the file.
template <class Fn>
auto with_path(const std::string& what, const std::string& path, Fn&& fn) {
  try {
    return fn();
  } catch (const Error& e) {
    throw Error("cannot load " + what + " '" + path + "': " + e.what());
  } catch (const c10::Error& e) {
    throw Error("cannot load " + what + " '" + path + "': " + first_line(e));
  }
}

}  // namespace

bool strip_prefix_if_present(TensorMap& tensors, const std::string& prefix) {
  if (tensors.empty()) return false;
  for (const auto& [k, v] : tensors)
    if (k.compare(0, prefix.size(), prefix) != 0) return false;
  TensorMap stripped;
  for (auto& [k, v] : tensors) stripped.emplace(k.substr(prefix.size()), std::move(v));
  tensors = std::move(stripped);
  return true;
}

TensorMap load_checkpoint(const std::string& path, CheckpointInfo* info) {
  return with_path("checkpoint", path, [&] {
    CheckpointInfo local;
    CheckpointInfo& inf = info ? *info : local;
    inf = CheckpointInfo{};
    auto reader = open_archive(path);
    detail::PickleGraph graph;
    read_pickle(*reader, graph);
    inf.storages_in_file = graph.storage_count;
    const PyObj& root = *graph.root;
    TensorLoader loader(*reader);
    TensorMap out;
    const PyObj* model = detail::dict_get(root, "model");
    if (model) {
      inf.had_model_key = true;
      if (model->kind != Kind::Dict)
        throw Error(std::string("entry 'model' has type ") + detail::kind_name(model->kind) +
                    ", expected a state dict");
      for (const auto& [k, v] : model->entries) {
        if (k->kind != Kind::Str) throw Error("the state dict has a non-string key " + detail::describe(*k));
        if (v->kind != Kind::Tensor)
          throw Error("state dict entry '" + k->s + "' has type " + detail::kind_name(v->kind) +
                    ", expected a tensor");
        out[k->s] = loader.tensor(*v, k->s);
      }
      for (const auto& [k, v] : root.entries)
        if (!(k->kind == Kind::Str && k->s == "model")) inf.other_keys.push_back(detail::describe(*k));
    } else {
      // Like the official DetectronCheckpointer: without a "model" entry the top level is the state dict.
      for (const auto& [k, v] : root.entries) {
        if (k->kind == Kind::Str && v->kind == Kind::Tensor)
          out[k->s] = loader.tensor(*v, k->s);
        else
          inf.other_keys.push_back(detail::describe(*k));
      }
      if (out.empty()) throw Error("no 'model' entry and no tensors at the top level (keys: " + key_list(root) + ")");
    }
    if (const PyObj* it = detail::dict_get(root, "iteration"); it && it->kind == Kind::Int) inf.iteration = it->i;
    inf.storages_read = loader.storages_read();
    inf.bytes_read = loader.bytes_read();

    inf.stripped_module_prefix = strip_prefix_if_present(out, "module.");
    return out;
  });
}

TensorMap load_tensor_dict(const std::string& path) {
  return with_path("tensor file", path, [&] {
    auto reader = open_archive(path);
    detail::PickleGraph graph;
    read_pickle(*reader, graph);
    TensorLoader loader(*reader);
    TensorMap out;
    for (const auto& [k, v] : graph.root->entries) {
      if (k->kind != Kind::Str) throw Error("non-string key " + detail::describe(*k));
      if (v->kind != Kind::Tensor)
        throw Error("entry '" + k->s + "' has type " + detail::kind_name(v->kind) +
                    ", expected a tensor (checkpoints are read with load_checkpoint)");
      out[k->s] = loader.tensor(*v, k->s);
    }
    return out;
  });
}

void save_tensor_dict(const std::string& path, const TensorMap& tensors) {
  c10::Dict<std::string, at::Tensor> dict;
  for (const auto& [name, t] : tensors) {
    if (!t.defined()) throw Error("cannot save '" + path + "': tensor '" + name + "' is undefined");
    at::Tensor c = t.detach().to(at::kCPU);
    // The pickler writes whole storages: give views their own compact storage.
    const bool compact = c.is_contiguous() && c.storage_offset() == 0 &&
                         c.storage().nbytes() == static_cast<size_t>(c.numel()) * c.element_size();
    if (!compact) c = c.clone(at::MemoryFormat::Contiguous);
    dict.insert(name, c);
  }
  const std::vector<char> bytes = torch::pickle_save(c10::IValue(dict));

  write_file_atomic(path, std::string_view(bytes.data(), bytes.size()));
}

}  // namespace glip::io
