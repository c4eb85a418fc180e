// Internal to core/config: the value tree behind glip::Config, Python literal parsing and YAML reading.
// Mirrors yacs: a config is a tree of sections (CfgNode) whose leaves are None, bool, int, float, str, list or
// tuple (Python's types, with Python's distinction between int/float/bool and list/tuple). Lists may hold plain
// Python dicts (e.g. ODinW's DATASETS.OVERRIDE_CATEGORY literal, or YAML mappings inside a YAML list).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace glip::config_detail {

struct Value {
  enum class Kind { None, Bool, Int, Float, Str, List, Tuple, Dict, Node };

  Kind kind = Kind::None;
  bool b = false;
  int64_t i = 0;
  double f = 0.0;
  std::string s;
  std::vector<Value> items;                            // List, Tuple; Dict: key0, value0, key1, value1, ...
  std::vector<std::pair<std::string, Value>> entries;  // Node, sorted by key (bytewise = code point order)
  bool new_allowed = false;                            // Node: yacs CfgNode(new_allowed=True)
  int line = 0;                                        // 1-based source line for values read from YAML (0: none)

  static Value none() { return Value{}; }
  static Value boolean(bool v);
  static Value integer(int64_t v);
  static Value real(double v);
  static Value str(std::string v);
  static Value list(std::vector<Value> v);
  static Value tuple(std::vector<Value> v);
  static Value dict();
  static Value node(bool new_allowed = false);

  bool is_node() const { return kind == Kind::Node; }
  bool is_sequence() const { return kind == Kind::List || kind == Kind::Tuple; }
  // Dict: sets key -> value, keeping the first position of an existing key (Python dict semantics).
  void dict_set(Value key, Value value);
  const Value* find(const std::string& key) const;
  Value* find(const std::string& key);
  // Inserts or replaces (a later duplicate wins, like Python dict assignment).
  Value& set(const std::string& key, Value v);
};

// Deep equality of kind and value (ignores `line`). Floats compare by value (nan != nan, like Python).
bool same(const Value& a, const Value& b);
// Python type name as yacs reports it: "NoneType", "bool", "int", "float", "str", "list", "tuple", "dict",
// "CfgNode".
const char* type_name(Value::Kind k);
// Python repr(): 'MEAN', 256, 0.0001, (1.0,), [1, 2], True, None, {'id': 1}. Sections print as {'KEY': ...}.
std::string repr(const Value& v);
// repr() for error messages: at most `max_chars` characters, then "... (N characters in all)".
std::string short_repr(const Value& v, size_t max_chars = 200);
// JSON text: tuples and lists as arrays, sections and dicts as objects (non-str keys as their repr), None as
// null, nan/inf as null.
std::string to_json(const Value& v);
// Python repr() of a float: shortest round-trip digits, exponent form when exp < -4 or exp >= 16.
std::string float_repr(double x);
// Parses a double with the "C" locale; false when `text` is not entirely a number.
bool parse_double(const std::string& text, double* out);

// Python's ast.literal_eval as yacs uses it, for the literals GLIP configs hold (None, bools, decimal ints,
// floats, quoted strings, and tuples, lists and dicts of those): returns the value, or nullopt where the text is
// no such literal (yacs then keeps it as a string; so do Python spellings GLIP configs never use, such as 0x10,
// 1_000, sets or prefixed strings). Throws glip::Error for ints beyond int64 and dicts with list or dict keys.
std::optional<Value> literal_eval(const std::string& text);

// PyYAML (YAML 1.1, SafeLoader) implicit typing of a plain scalar: bool/int/float/null, else Str. Throws
// glip::Error for timestamps and other types yacs rejects; `where` prefixes the message.
Value resolve_plain_scalar(const std::string& text, const std::string& where);

// Parses YAML text into a raw tree the way yaml.safe_load does (no literal_eval yet; that happens while
// merging). Returns a Node (empty for an empty document). Throws glip::Error "<origin>:<line>:<col>: ...".
Value parse_yaml(const std::string& text, const std::string& origin);

// The official defaults.py tree (built once).
const Value& default_tree();

}  // namespace glip::config_detail
