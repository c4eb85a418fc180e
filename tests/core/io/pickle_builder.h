// Test helper: writes pickle byte strings by hand, opcode by opcode (the format is published in CPython's
// Lib/pickletools.py), and wraps them in a torch.save-style zip with PyTorchStreamWriter.
#pragma once
#include <caffe2/serialize/inline_container.h>

#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <vector>

namespace glip::test {

class Pickle {
 public:
  Pickle& op(uint8_t c) {
    b_.push_back(static_cast<char>(c));
    return *this;
  }
  Pickle& raw(const std::string& s) {
    b_ += s;
    return *this;
  }
  Pickle& proto() { return op(0x80).op(2); }
  Pickle& stop() { return op('.'); }
  Pickle& mark() { return op('('); }
  Pickle& str(const std::string& s) {  // BINUNICODE
    op('X');
    u32(static_cast<uint32_t>(s.size()));
    return raw(s);
  }
  Pickle& short_str(const std::string& s) {  // SHORT_BINUNICODE
    op(0x8c).op(static_cast<uint8_t>(s.size()));
    return raw(s);
  }
  Pickle& int1(uint8_t v) { return op('K').op(v); }
  Pickle& int4(int32_t v) {
    op('J');
    return u32(static_cast<uint32_t>(v));
  }
  Pickle& long1(int64_t v) {  // LONG1 with 8 bytes
    op(0x8a).op(8);
    for (int k = 0; k < 8; ++k) op(static_cast<uint8_t>((static_cast<uint64_t>(v) >> (8 * k)) & 0xff));
    return *this;
  }
  Pickle& binfloat(double d) {
    uint64_t bits;
    std::memcpy(&bits, &d, 8);
    op('G');
    for (int k = 7; k >= 0; --k) op(static_cast<uint8_t>((bits >> (8 * k)) & 0xff));
    return *this;
  }
  Pickle& global(const std::string& module, const std::string& name) {
    return op('c').raw(module + "\n" + name + "\n");
  }
  Pickle& int_tuple(const std::vector<int64_t>& v) {
    mark();
    for (int64_t x : v) int4(static_cast<int32_t>(x));
    return op('t');
  }
  Pickle& ordered_dict() { return global("collections", "OrderedDict").op(')').op('R'); }
  // ('storage', torch.<cls>, key, 'cpu', numel) BINPERSID
  Pickle& storage(const std::string& cls, const std::string& key, int64_t numel) {
    mark().str("storage").global("torch", cls).str(key).str("cpu").int4(static_cast<int32_t>(numel)).op('t');
    return op('Q');
  }
  // _rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())
  Pickle& tensor(const std::string& cls, const std::string& key, int64_t numel, int64_t offset,
                 const std::vector<int64_t>& size, const std::vector<int64_t>& stride) {
    global("torch._utils", "_rebuild_tensor_v2").mark();
    storage(cls, key, numel).int4(static_cast<int32_t>(offset)).int_tuple(size).int_tuple(stride);
    return op(0x89).ordered_dict().op('t').op('R');
  }
  const std::string& bytes() const { return b_; }

 private:
  std::string b_;
  Pickle& u32(uint32_t v) {
    for (int k = 0; k < 4; ++k) op(static_cast<uint8_t>((v >> (8 * k)) & 0xff));
    return *this;
  }
};

// Writes a torch.save-style zip: "<archive>/data.pkl" (when `pickle` is not null) plus the given records.
inline void write_archive(const std::string& path, const std::string* pickle,
                          const std::map<std::string, std::string>& records) {
  caffe2::serialize::PyTorchStreamWriter w(path);
  if (pickle) w.writeRecord("data.pkl", pickle->data(), pickle->size());
  for (const auto& [name, data] : records) w.writeRecord(name, data.data(), data.size());
  w.writeEndOfFile();
}

template <class T>
std::string raw_bytes(const std::vector<T>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}

}  // namespace glip::test
