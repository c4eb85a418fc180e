#include "core/io/unpickler.h"

#include <cstring>
#include <sstream>
#include <unordered_map>

#include "core/common/error.h"

namespace glip::io::detail {

namespace {

using Kind = PyObj::Kind;

// Names of every pickle opcode (protocols 0-5), for error messages about the ones we refuse.
const char* opcode_name(uint8_t op) {
  switch (op) {
    case '(': return "MARK";
    case '.': return "STOP";
    case '0': return "POP";
    case '1': return "POP_MARK";
    case '2': return "DUP";
    case 'F': return "FLOAT";
    case 'I': return "INT";
    case 'J': return "BININT";
    case 'K': return "BININT1";
    case 'L': return "LONG";
    case 'M': return "BININT2";
    case 'N': return "NONE";
    case 'P': return "PERSID";
    case 'Q': return "BINPERSID";
    case 'R': return "REDUCE";
    case 'S': return "STRING";
    case 'T': return "BINSTRING";
    case 'U': return "SHORT_BINSTRING";
    case 'V': return "UNICODE";
    case 'X': return "BINUNICODE";
    case 'a': return "APPEND";
    case 'b': return "BUILD";
    case 'c': return "GLOBAL";
    case 'd': return "DICT";
    case '}': return "EMPTY_DICT";
    case 'e': return "APPENDS";
    case 'g': return "GET";
    case 'h': return "BINGET";
    case 'i': return "INST";
    case 'j': return "LONG_BINGET";
    case 'l': return "LIST";
    case ']': return "EMPTY_LIST";
    case 'o': return "OBJ";
    case 'p': return "PUT";
    case 'q': return "BINPUT";
    case 'r': return "LONG_BINPUT";
    case 's': return "SETITEM";
    case 't': return "TUPLE";
    case ')': return "EMPTY_TUPLE";
    case 'u': return "SETITEMS";
    case 'G': return "BINFLOAT";
    case 0x80: return "PROTO";
    case 0x81: return "NEWOBJ";
    case 0x82: return "EXT1";
    case 0x83: return "EXT2";
    case 0x84: return "EXT4";
    case 0x85: return "TUPLE1";
    case 0x86: return "TUPLE2";
    case 0x87: return "TUPLE3";
    case 0x88: return "NEWTRUE";
    case 0x89: return "NEWFALSE";
    case 0x8a: return "LONG1";
    case 0x8b: return "LONG4";
    case 'B': return "BINBYTES";
    case 'C': return "SHORT_BINBYTES";
    case 0x8c: return "SHORT_BINUNICODE";
    case 0x8d: return "BINUNICODE8";
    case 0x8e: return "BINBYTES8";
    case 0x8f: return "EMPTY_SET";
    case 0x90: return "ADDITEMS";
    case 0x91: return "FROZENSET";
    case 0x92: return "NEWOBJ_EX";
    case 0x93: return "STACK_GLOBAL";
    case 0x94: return "MEMOIZE";
    case 0x95: return "FRAME";
    case 0x96: return "BYTEARRAY8";
    case 0x97: return "NEXT_BUFFER";
    case 0x98: return "READONLY_BUFFER";
    default: return nullptr;
  }
}

struct StorageClass {
  const char* name;
  c10::ScalarType dtype;
};
// The legacy typed-storage classes torch.save names in a storage's persistent id.
constexpr StorageClass kStorageClasses[] = {
    {"FloatStorage", c10::ScalarType::Float},   {"DoubleStorage", c10::ScalarType::Double},
    {"HalfStorage", c10::ScalarType::Half},     {"BFloat16Storage", c10::ScalarType::BFloat16},
    {"LongStorage", c10::ScalarType::Long},     {"IntStorage", c10::ScalarType::Int},
    {"ShortStorage", c10::ScalarType::Short},   {"CharStorage", c10::ScalarType::Char},
    {"ByteStorage", c10::ScalarType::Byte},     {"BoolStorage", c10::ScalarType::Bool},
};

class Parser {
 public:
  Parser(const char* data, size_t size, PickleGraph& graph)
      : p_(reinterpret_cast<const uint8_t*>(data)), n_(size), g_(graph) {}

  const PyObj* run() {
    while (true) {
      op_pos_ = pos_;
      const uint8_t op = *take(1);
      switch (op) {
        case 0x80: {  // PROTO
          const uint8_t v = *take(1);
          if (v < 2 || v > 5) fail("unsupported pickle protocol " + std::to_string(v));
          break;
        }
        case 0x95: take(8); break;  // FRAME: the framed bytes follow inline
        case '.': {                 // STOP
          if (stack_.empty()) fail("STOP with an empty stack");
          return stack_.back();
        }
        case '(': marks_.push_back(stack_.size()); break;
        case '}': push(make(Kind::Dict)); break;
        case ']': push(make(Kind::List)); break;
        case ')': push(make(Kind::Tuple)); break;
        case 'N': push(make(Kind::None)); break;
        case 0x88: push_bool(true); break;
        case 0x89: push_bool(false); break;
        case 'J': push_int(static_cast<int32_t>(le(4))); break;
        case 'K': push_int(static_cast<int64_t>(le(1))); break;
        case 'M': push_int(static_cast<int64_t>(le(2))); break;
        case 0x8a: push_int(long1()); break;
        case 'G': {  // BINFLOAT: big-endian IEEE double
          const uint8_t* b = take(8);
          uint64_t bits = 0;
          for (int k = 0; k < 8; ++k) bits = (bits << 8) | b[k];
          PyObj* o = make(Kind::Float);
          std::memcpy(&o->f, &bits, sizeof(double));
          push(o);
          break;
        }
        case 'X': push_str(le(4)); break;                // BINUNICODE
        case 0x8c: push_str(le(1)); break;               // SHORT_BINUNICODE
        case 'U': push_str(le(1)); break;                // SHORT_BINSTRING
        case 'T': {                                      // BINSTRING (signed length)
          const int32_t len = static_cast<int32_t>(le(4));
          if (len < 0) fail("negative BINSTRING length");
          push_str(static_cast<uint64_t>(len));
          break;
        }
        case 't': push_tuple(pop_mark()); break;
        case 0x85: push_tuple(pop_n(1)); break;
        case 0x86: push_tuple(pop_n(2)); break;
        case 0x87: push_tuple(pop_n(3)); break;
        case 'a': {  // APPEND
          PyObj* v = pop();
          expect(top(), Kind::List, "APPEND")->items.push_back(v);
          break;
        }
        case 'e': {  // APPENDS
          std::vector<PyObj*> vs = pop_mark();
          PyObj* list = expect(top(), Kind::List, "APPENDS");
          list->items.insert(list->items.end(), vs.begin(), vs.end());
          break;
        }
        case 's': {  // SETITEM
          PyObj* v = pop();
          PyObj* k = pop();
          expect(top(), Kind::Dict, "SETITEM")->entries.emplace_back(k, v);
          break;
        }
        case 'u': {  // SETITEMS
          std::vector<PyObj*> kv = pop_mark();
          if (kv.size() % 2) fail("SETITEMS with an odd number of items");
          PyObj* dict = expect(top(), Kind::Dict, "SETITEMS");
          for (size_t k = 0; k < kv.size(); k += 2) dict->entries.emplace_back(kv[k], kv[k + 1]);
          break;
        }
        case 'q': memo_[static_cast<uint32_t>(le(1))] = top(); break;  // BINPUT
        case 'r': memo_[static_cast<uint32_t>(le(4))] = top(); break;  // LONG_BINPUT
        case 0x94: {                                                    // MEMOIZE
          PyObj* t = top();
          memo_[static_cast<uint32_t>(memo_.size())] = t;
          break;
        }
        case 'h': push(memo_get(static_cast<uint32_t>(le(1)))); break;  // BINGET
        case 'j': push(memo_get(static_cast<uint32_t>(le(4)))); break;  // LONG_BINGET
        case 'c': {                                                     // GLOBAL "module\nname\n"
          std::string module = line();
          std::string name = line();
          push(resolve_global(module, name));
          break;
        }
        case 0x93: {  // STACK_GLOBAL (protocol 4): the same whitelist
          PyObj* name = pop();
          PyObj* module = pop();
          if (module->kind != Kind::Str || name->kind != Kind::Str) fail("STACK_GLOBAL needs two strings");
          push(resolve_global(module->s, name->s));
          break;
        }
        case 'R': {  // REDUCE
          PyObj* args = pop();
          PyObj* callable = pop();
          push(reduce(*callable, *args));
          break;
        }
        case 'Q': push(persistent_load(*pop())); break;  // BINPERSID
        case 'b': {                                      // BUILD
          PyObj* state = pop();
          PyObj* inst = top();
          // Only OrderedDict attributes (state_dict()._metadata) are ever set this way; they are not needed.
          if (inst->kind != Kind::Dict || (state->kind != Kind::Dict && state->kind != Kind::None))
            fail(std::string("BUILD on a ") + kind_name(inst->kind) + " with a " + kind_name(state->kind) +
                 " state is not supported");
          break;
        }
        default: {
          std::ostringstream msg;
          const char* name = opcode_name(op);
          msg << "unsupported pickle opcode " << (name ? name : "(unknown)") << " (0x" << std::hex << int(op) << ")";
          fail(msg.str());
        }
      }
    }
  }

 private:
  const uint8_t* p_;
  size_t n_, pos_ = 0, op_pos_ = 0;
  PickleGraph& g_;
  std::vector<PyObj*> stack_;
  std::vector<size_t> marks_;
  std::unordered_map<uint32_t, PyObj*> memo_;
  std::unordered_map<std::string, PyObj*> storages_;

  [[noreturn]] void fail(const std::string& what) const {
    throw Error("data.pkl, offset " + std::to_string(op_pos_) + ": " + what);
  }

  const uint8_t* take(uint64_t k) {
    if (k > n_ - pos_) fail("truncated pickle (needs " + std::to_string(k) + " more bytes)");
    const uint8_t* r = p_ + pos_;
    pos_ += static_cast<size_t>(k);
    return r;
  }
  uint64_t le(int bytes) {
    const uint8_t* b = take(static_cast<uint64_t>(bytes));
    uint64_t v = 0;
    for (int k = bytes - 1; k >= 0; --k) v = (v << 8) | b[k];
    return v;
  }
  int64_t long1() {  // LONG1: n-byte little-endian two's complement
    const uint8_t n = *take(1);
    if (n > 8) fail("integer of " + std::to_string(n) + " bytes does not fit int64");
    if (n == 0) return 0;
    uint64_t v = le(n);
    if (n < 8 && (v >> (8 * n - 1)) & 1) v |= ~uint64_t(0) << (8 * n);  // sign-extend
    return static_cast<int64_t>(v);
  }
  std::string line() {
    const size_t start = pos_;
    while (pos_ < n_ && p_[pos_] != '\n') {
      if (pos_ - start > 256) fail("GLOBAL name too long");
      ++pos_;
    }
    if (pos_ >= n_) fail("truncated GLOBAL");
    std::string s(reinterpret_cast<const char*>(p_ + start), pos_ - start);
    ++pos_;
    return s;
  }

  PyObj* make(Kind kind) {
    g_.arena.emplace_back();
    g_.arena.back().kind = kind;
    return &g_.arena.back();
  }
  void push(PyObj* o) { stack_.push_back(o); }
  void push_bool(bool b) {
    PyObj* o = make(Kind::Bool);
    o->i = b;
    push(o);
  }
  void push_int(int64_t v) {
    PyObj* o = make(Kind::Int);
    o->i = v;
    push(o);
  }
  void push_str(uint64_t len) {
    const uint8_t* b = take(len);
    PyObj* o = make(Kind::Str);
    o->s.assign(reinterpret_cast<const char*>(b), static_cast<size_t>(len));
    push(o);
  }
  void push_tuple(std::vector<PyObj*> items) {
    PyObj* o = make(Kind::Tuple);
    o->items = std::move(items);
    push(o);
  }
  size_t floor() const { return marks_.empty() ? 0 : marks_.back(); }
  PyObj* pop() {
    if (stack_.size() <= floor()) fail("stack underflow");
    PyObj* o = stack_.back();
    stack_.pop_back();
    return o;
  }
  PyObj* top() {
    if (stack_.size() <= floor()) fail("stack underflow");
    return stack_.back();
  }
  std::vector<PyObj*> pop_n(size_t k) {
    if (stack_.size() < floor() + k) fail("stack underflow");
    std::vector<PyObj*> r(stack_.end() - static_cast<std::ptrdiff_t>(k), stack_.end());
    stack_.resize(stack_.size() - k);
    return r;
  }
  std::vector<PyObj*> pop_mark() {
    if (marks_.empty()) fail("no MARK on the stack");
    const size_t m = marks_.back();
    marks_.pop_back();
    std::vector<PyObj*> r(stack_.begin() + static_cast<std::ptrdiff_t>(m), stack_.end());
    stack_.resize(m);
    return r;
  }
  PyObj* expect(PyObj* o, Kind kind, const char* op) {
    if (o->kind != kind) fail(std::string(op) + " on a " + kind_name(o->kind) + ", expected a " + kind_name(kind));
    return o;
  }
  PyObj* memo_get(uint32_t idx) {
    auto it = memo_.find(idx);
    if (it == memo_.end()) fail("memo entry " + std::to_string(idx) + " is not defined");
    return it->second;
  }

  PyObj* resolve_global(const std::string& module, const std::string& name) {
    PyObj* o = make(Kind::Global);
    if (module == "collections" && name == "OrderedDict") {
      o->global = PyGlobal::OrderedDict;
    } else if (module == "torch" && name == "Size") {
      o->global = PyGlobal::TorchSize;
    } else if (module == "torch._utils" && name == "_rebuild_tensor_v2") {
      o->global = PyGlobal::RebuildTensorV2;
    } else if (module == "torch._utils" && name == "_rebuild_parameter") {
      o->global = PyGlobal::RebuildParameter;
    } else if (module == "torch.jit._pickle" && name == "restore_type_tag") {
      o->global = PyGlobal::RestoreTypeTag;
    } else {
      bool found = false;
      if (module == "torch") {
        for (const auto& sc : kStorageClasses) {
          if (name == sc.name) {
            o->global = PyGlobal::StorageType;
            o->dtype = sc.dtype;
            found = true;
          }
        }
      }
      if (!found)
        fail("forbidden GLOBAL '" + module + "." + name +
             "' (a checkpoint may only reference tensors, storages, torch.Size, OrderedDict; nothing was run)");
    }
    return o;
  }

  static bool is_int_tuple(const PyObj& t) {
    if (t.kind != Kind::Tuple) return false;
    for (const PyObj* x : t.items)
      if (x->kind != Kind::Int) return false;
    return true;
  }

  PyObj* reduce(const PyObj& callable, const PyObj& args) {
    if (callable.kind != Kind::Global) fail(std::string("REDUCE on a ") + kind_name(callable.kind));
    if (args.kind != Kind::Tuple) fail("REDUCE arguments are not a tuple");
    const auto& a = args.items;
    switch (callable.global) {
      case PyGlobal::OrderedDict:
        if (!a.empty()) fail("OrderedDict(...) with arguments is not supported");
        return make(Kind::Dict);
      case PyGlobal::TorchSize:
        if (a.size() != 1 || !is_int_tuple(*a[0])) fail("torch.Size(...) needs one tuple of ints");
        return a[0];
      case PyGlobal::RebuildParameter:
        // _rebuild_parameter(data, requires_grad, backward_hooks)
        if (a.size() != 3 || a[0]->kind != Kind::Tensor || a[1]->kind != Kind::Bool || a[2]->kind != Kind::Dict)
          fail("malformed _rebuild_parameter arguments");
        return a[0];
      case PyGlobal::RestoreTypeTag:
        // restore_type_tag(value, "Dict[str, Tensor]") returns value (torch::pickle_save output)
        if (a.size() != 2 || a[1]->kind != Kind::Str) fail("malformed restore_type_tag arguments");
        return a[0];
      case PyGlobal::RebuildTensorV2: return rebuild_tensor(a);
      case PyGlobal::StorageType: fail("a storage class cannot be called");
    }
    fail("unreachable REDUCE");
  }

  // _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
  PyObj* rebuild_tensor(const std::vector<PyObj*>& a) {
    if (a.size() != 6 && a.size() != 7) fail("_rebuild_tensor_v2 expects 6 or 7 arguments");
    if (a[0]->kind != Kind::Storage || a[1]->kind != Kind::Int || !is_int_tuple(*a[2]) || !is_int_tuple(*a[3]) ||
        a[4]->kind != Kind::Bool || a[5]->kind != Kind::Dict)
      fail("malformed _rebuild_tensor_v2 arguments");
    if (a.size() == 7 && (a[6]->kind != Kind::Dict || !a[6]->entries.empty()))
      fail("tensor metadata (conjugate/negative views) is not supported");
    if (a[2]->items.size() != a[3]->items.size()) fail("tensor sizes and strides differ in length");
    PyObj* t = make(Kind::Tensor);
    t->storage = a[0];
    t->dtype = a[0]->dtype;
    t->offset = a[1]->i;
    for (const PyObj* x : a[2]->items) t->sizes.push_back(x->i);
    for (const PyObj* x : a[3]->items) t->strides.push_back(x->i);
    return t;
  }

  // ('storage', <torch.XStorage>, key, location, numel)
  PyObj* persistent_load(const PyObj& pid) {
    const auto& a = pid.items;
    if (pid.kind != Kind::Tuple || a.size() != 5 || a[0]->kind != Kind::Str || a[0]->s != "storage" ||
        a[1]->kind != Kind::Global || a[1]->global != PyGlobal::StorageType || a[2]->kind != Kind::Str ||
        a[3]->kind != Kind::Str || a[4]->kind != Kind::Int)
      fail("persistent id is not ('storage', <storage class>, key, location, numel)");
    if (a[4]->i < 0) fail("negative storage size");
    auto it = storages_.find(a[2]->s);
    if (it != storages_.end()) {
      if (it->second->dtype != a[1]->dtype || it->second->numel != a[4]->i)
        fail("storage '" + a[2]->s + "' is referenced with two different types or sizes");
      return it->second;
    }
    PyObj* st = make(Kind::Storage);
    st->s = a[2]->s;
    st->dtype = a[1]->dtype;
    st->location = a[3]->s;
    st->numel = a[4]->i;
    storages_.emplace(st->s, st);
    ++g_.storage_count;
    return st;
  }
};

}  // namespace

const char* kind_name(PyObj::Kind kind) {
  switch (kind) {
    case Kind::None: return "None";
    case Kind::Bool: return "bool";
    case Kind::Int: return "int";
    case Kind::Float: return "float";
    case Kind::Str: return "str";
    case Kind::Tuple: return "tuple";
    case Kind::List: return "list";
    case Kind::Dict: return "dict";
    case Kind::Global: return "class/function";
    case Kind::Storage: return "storage";
    case Kind::Tensor: return "tensor";
  }
  return "?";
}

void unpickle(const char* data, size_t size, PickleGraph& graph) {
  Parser parser(data, size, graph);
  graph.root = parser.run();
}

const PyObj* dict_get(const PyObj& dict, const std::string& key) {
  const PyObj* found = nullptr;
  for (const auto& [k, v] : dict.entries)
    if (k->kind == PyObj::Kind::Str && k->s == key) found = v;
  return found;
}

std::string describe(const PyObj& obj) {
  switch (obj.kind) {
    case Kind::Str: return "'" + obj.s + "'";
    case Kind::Int: return std::to_string(obj.i);
    default: return std::string("<") + kind_name(obj.kind) + ">";
  }
}

}  // namespace glip::io::detail
