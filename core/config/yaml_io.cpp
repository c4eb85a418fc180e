// YAML for core/config: reading like PyYAML's safe_load (YAML 1.1 implicit types) on top of yaml-cpp, and
// writing like yaml.safe_dump (the format of yacs' cfg.dump()).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <regex>

#include <yaml-cpp/yaml.h>

#include "core/common/error.h"
#include "core/config/value.h"

namespace glip::config_detail {

// ---------------------------------------------------------------------------------------------------------
// PyYAML implicit resolution of plain scalars (yaml/resolver.py) and the SafeConstructor conversions
// ---------------------------------------------------------------------------------------------------------
namespace {

enum class PlainType { Str, Bool, Int, Float, Null, Timestamp, Merge, ValueTag };

PlainType plain_type(const std::string& s) {
  static const std::regex bool_re("^(yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$");
  static const std::regex float_re(
      "^([-+]?[0-9][0-9_]*\\.[0-9_]*([eE][-+][0-9]+)?|\\.[0-9][0-9_]*([eE][-+][0-9]+)?"
      "|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\\.[0-9_]*|[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN))$");
  static const std::regex int_re(
      "^([-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+"
      "|[-+]?[1-9][0-9_]*(:[0-5]?[0-9])+)$");
  static const std::regex null_re("^(~|null|Null|NULL|)$");
  static const std::regex ts_re(
      "^([0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?"
      "([Tt]|[ \\t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](\\.[0-9]*)?([ \\t]*(Z|[-+][0-9][0-9]?(:[0-9][0-9])?))?)$");
  if (std::regex_match(s, bool_re)) return PlainType::Bool;
  if (std::regex_match(s, float_re)) return PlainType::Float;
  if (std::regex_match(s, int_re)) return PlainType::Int;
  if (s == "<<") return PlainType::Merge;
  if (std::regex_match(s, null_re)) return PlainType::Null;
  if (std::regex_match(s, ts_re)) return PlainType::Timestamp;
  if (s == "=") return PlainType::ValueTag;
  return PlainType::Str;
}

[[noreturn]] void bad_scalar(const std::string& where, const std::string& text, const std::string& why) {
  throw Error(where + ": YAML value '" + text + "' " + why);
}

Value construct_bool(const std::string& text, const std::string& where) {
  std::string v;
  for (char c : text) v += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (v == "yes" || v == "true" || v == "on") return Value::boolean(true);
  if (v == "no" || v == "false" || v == "off") return Value::boolean(false);
  bad_scalar(where, text, "is not a YAML bool");
}

Value construct_int(const std::string& text, const std::string& where) {
  std::string v;
  for (char c : text)
    if (c != '_') v += c;
  if (v.empty()) bad_scalar(where, text, "is not a YAML int");
  bool neg = v[0] == '-';
  if (v[0] == '-' || v[0] == '+') v.erase(0, 1);
  if (v.empty()) bad_scalar(where, text, "is not a YAML int");
  __int128 r = 0;
  const __int128 limit = static_cast<__int128>(std::numeric_limits<int64_t>::max()) + 1;
  auto add_digits = [&](const std::string& d, int base) {
    if (d.empty()) bad_scalar(where, text, "is not a YAML int");
    for (char c : d) {
      int x = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
              : std::isalpha(static_cast<unsigned char>(c)) ? std::tolower(c) - 'a' + 10
                                                              : 99;
      if (x >= base) bad_scalar(where, text, "is not a YAML int");
      r = r * base + x;
      if (r > limit) bad_scalar(where, text, "does not fit in 64 bits");
    }
  };
  if (v == "0") {
    r = 0;
  } else if (v.rfind("0b", 0) == 0) {
    add_digits(v.substr(2), 2);
  } else if (v.rfind("0x", 0) == 0) {
    add_digits(v.substr(2), 16);
  } else if (v[0] == '0') {
    add_digits(v, 8);
  } else if (v.find(':') != std::string::npos) {  // sexagesimal, e.g. 1:30 = 90
    size_t pos = 0;
    while (true) {
      size_t colon = v.find(':', pos);
      __int128 part = 0;
      std::string d = v.substr(pos, colon == std::string::npos ? std::string::npos : colon - pos);
      __int128 saved = r;
      r = 0;
      add_digits(d, 10);
      part = r;
      r = saved * 60 + part;
      if (r > limit) bad_scalar(where, text, "does not fit in 64 bits");
      if (colon == std::string::npos) break;
      pos = colon + 1;
    }
  } else {
    add_digits(v, 10);
  }
  if (neg) r = -r;
  if (r > std::numeric_limits<int64_t>::max()) bad_scalar(where, text, "does not fit in 64 bits");
  return Value::integer(static_cast<int64_t>(r));
}

Value construct_float(const std::string& text, const std::string& where) {
  std::string v;
  for (char c : text)
    if (c != '_') v += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (v.empty()) bad_scalar(where, text, "is not a YAML float");
  double sign = 1.0;
  if (v[0] == '-') sign = -1.0;
  if (v[0] == '-' || v[0] == '+') v.erase(0, 1);
  if (v == ".inf") return Value::real(sign * std::numeric_limits<double>::infinity());
  if (v == ".nan") return Value::real(std::numeric_limits<double>::quiet_NaN());
  if (v.find(':') != std::string::npos) {
    double acc = 0.0;
    size_t pos = 0;
    while (true) {
      size_t colon = v.find(':', pos);
      double part = 0;
      if (!parse_double(v.substr(pos, colon == std::string::npos ? std::string::npos : colon - pos), &part))
        bad_scalar(where, text, "is not a YAML float");
      acc = acc * 60 + part;
      if (colon == std::string::npos) break;
      pos = colon + 1;
    }
    return Value::real(sign * acc);
  }
  double d = 0;
  if (!parse_double(v, &d)) bad_scalar(where, text, "is not a YAML float");
  return Value::real(sign * d);
}

}  // namespace

Value resolve_plain_scalar(const std::string& text, const std::string& where) {
  switch (plain_type(text)) {
    case PlainType::Str: return Value::str(text);
    case PlainType::Bool: return construct_bool(text, where);
    case PlainType::Int: return construct_int(text, where);
    case PlainType::Float: return construct_float(text, where);
    case PlainType::Null: return Value::none();
    case PlainType::Timestamp: bad_scalar(where, text, "is a YAML timestamp, which yacs does not accept");
    case PlainType::Merge: bad_scalar(where, text, "is a YAML merge key, which is not supported here");
    case PlainType::ValueTag: bad_scalar(where, text, "is a YAML value key, which safe_load rejects");
  }
  return Value::str(text);
}

// ---------------------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------------------
namespace {

std::string at_line(const std::string& origin, const YAML::Mark& m) {
  return m.is_null() ? origin : origin + ":" + std::to_string(m.line + 1);
}

// `in_list`: inside a YAML list, mappings stay plain Python dicts (yacs turns only mappings reached through
// mappings into CfgNode sections).
Value convert(const YAML::Node& n, const std::string& origin, bool in_list) {
  const std::string where = at_line(origin, n.Mark());
  const std::string& tag = n.Tag();
  const std::string std_tag = "tag:yaml.org,2002:";
  Value v;
  switch (n.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      v = Value::none();
      break;
    case YAML::NodeType::Scalar: {
      const std::string& text = n.Scalar();
      if (tag == "?") v = resolve_plain_scalar(text, where);
      else if (tag == "!" || tag == std_tag + "str") v = Value::str(text);
      else if (tag == std_tag + "int") v = construct_int(text, where);
      else if (tag == std_tag + "float") v = construct_float(text, where);
      else if (tag == std_tag + "bool") v = construct_bool(text, where);
      else if (tag == std_tag + "null") v = Value::none();
      else throw Error(where + ": YAML tag '" + tag + "' is not supported in a config (safe_load types only)");
      break;
    }
    case YAML::NodeType::Sequence: {
      if (tag != "?" && tag != "!" && tag != std_tag + "seq")
        throw Error(where + ": YAML tag '" + tag + "' is not supported in a config");
      std::vector<Value> items;
      for (const auto& item : n) items.push_back(convert(item, origin, true));
      v = Value::list(std::move(items));
      break;
    }
    case YAML::NodeType::Map: {
      if (tag != "?" && tag != "!" && tag != std_tag + "map")
        throw Error(where + ": YAML tag '" + tag + "' is not supported in a config");
      v = in_list ? Value::dict() : Value::node(false);
      for (const auto& kv : n) {
        const YAML::Node& k = kv.first;
        if (!k.IsScalar())
          throw Error(at_line(origin, k.Mark()) + ": config keys must be plain names, not YAML collections");
        if (k.Tag() == "?" && k.Scalar() == "<<")
          throw Error(at_line(origin, k.Mark()) + ": YAML merge keys (<<) are not supported in a config");
        Value child = convert(kv.second, origin, in_list);
        child.line = k.Mark().line + 1;  // report problems at the key's line
        // Duplicate keys: the last one wins, as in PyYAML.
        if (in_list) v.dict_set(convert(k, origin, true), std::move(child));
        else v.set(k.Scalar(), std::move(child));
      }
      break;
    }
  }
  v.line = n.Mark().is_null() ? 0 : n.Mark().line + 1;
  return v;
}

}  // namespace

Value parse_yaml(const std::string& text, const std::string& origin) {
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(text);
  } catch (const YAML::Exception& e) {
    std::string where = origin;
    if (!e.mark.is_null()) where += ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1);
    throw Error(where + ": malformed YAML: " + e.msg);
  }
  if (docs.size() > 1) throw Error(origin + ": a config file must hold a single YAML document, found " +
                                   std::to_string(docs.size()));
  if (docs.empty() || docs[0].IsNull()) return Value::node(false);
  if (!docs[0].IsMap())
    throw Error(at_line(origin, docs[0].Mark()) + ": a config file must be a YAML mapping of KEY: value");
  return convert(docs[0], origin, false);
}

// ---------------------------------------------------------------------------------------------------------
// Writing (yaml/emitter.py + representer.py, the subset a config needs)
// ---------------------------------------------------------------------------------------------------------
namespace {

constexpr int kBestWidth = 80;

std::vector<uint32_t> decode_utf8(const std::string& s) {
  std::vector<uint32_t> out;
  for (size_t k = 0; k < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[k]);
    int n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || k + static_cast<size_t>(n) > s.size()) {  // invalid byte: keep it as U+FFFD
      out.push_back(0xFFFD);
      ++k;
      continue;
    }
    uint32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
    for (int j = 1; j < n; ++j) cp = (cp << 6) | (static_cast<unsigned char>(s[k + static_cast<size_t>(j)]) & 0x3F);
    out.push_back(cp);
    k += static_cast<size_t>(n);
  }
  return out;
}

bool is_break(uint32_t c) { return c == '\n' || c == 0x85 || c == 0x2028 || c == 0x2029; }
bool is_ws_or_end(uint32_t c) { return c == 0 || c == ' ' || c == '\t' || c == '\r' || is_break(c); }

struct Analysis {
  bool empty = false, multiline = false, allow_block_plain = true, allow_single_quoted = true;
};

// emitter.analyze_scalar with allow_unicode=False.
Analysis analyze(const std::vector<uint32_t>& s) {
  Analysis a;
  if (s.empty()) {
    a.empty = true;
    return a;
  }
  bool block_ind = false, line_breaks = false, special = false;
  bool lead_space = false, lead_break = false, trail_space = false, trail_break = false;
  bool break_space = false, space_break = false, prev_space = false, prev_break = false;
  auto starts = [&](const char* p) {
    for (size_t k = 0; k < 3; ++k)
      if (k >= s.size() || s[k] != static_cast<uint32_t>(p[k])) return false;
    return true;
  };
  if (starts("---") || starts("...")) block_ind = true;
  bool preceded_ws = true;
  bool followed_ws = s.size() == 1 || is_ws_or_end(s[1]);
  for (size_t i = 0; i < s.size(); ++i) {
    uint32_t ch = s[i];
    if (i == 0) {
      if (ch < 128 && std::string("#,[]{}&*!|>'\"%@`").find(static_cast<char>(ch)) != std::string::npos)
        block_ind = true;
      if ((ch == '?' || ch == ':') && followed_ws) block_ind = true;
      if (ch == '-' && followed_ws) block_ind = true;
    } else {
      if (ch == ':' && followed_ws) block_ind = true;
      if (ch == '#' && preceded_ws) block_ind = true;
    }
    if (is_break(ch)) line_breaks = true;
    if (!(ch == '\n' || (ch >= 0x20 && ch <= 0x7E))) special = true;  // non-ASCII too (allow_unicode=False)
    if (ch == ' ') {
      if (i == 0) lead_space = true;
      if (i == s.size() - 1) trail_space = true;
      if (prev_break) break_space = true;
      prev_space = true;
      prev_break = false;
    } else if (is_break(ch)) {
      if (i == 0) lead_break = true;
      if (i == s.size() - 1) trail_break = true;
      if (prev_space) space_break = true;
      prev_space = false;
      prev_break = true;
    } else {
      prev_space = prev_break = false;
    }
    preceded_ws = is_ws_or_end(ch);
    followed_ws = i + 2 >= s.size() || is_ws_or_end(s[i + 2]);
  }
  a.multiline = line_breaks;
  if (lead_space || lead_break || trail_space || trail_break) a.allow_block_plain = false;
  if (break_space) a.allow_block_plain = a.allow_single_quoted = false;
  if (space_break || special) a.allow_block_plain = a.allow_single_quoted = false;
  if (line_breaks) a.allow_block_plain = false;
  if (block_ind) a.allow_block_plain = false;
  return a;
}

struct KeyValue {
  Value key;
  const Value* value;
};

// Sections and dicts as sorted key/value pairs (sort_keys=True).
std::vector<KeyValue> sorted_pairs(const Value& v) {
  std::vector<KeyValue> kvs;
  if (v.is_node()) {
    for (const auto& [k, child] : v.entries) kvs.push_back({Value::str(k), &child});  // already sorted
    return kvs;
  }
  bool all_str = true, all_num = true;
  for (size_t k = 0; k + 1 < v.items.size(); k += 2) {
    const Value& key = v.items[k];
    all_str = all_str && key.kind == Value::Kind::Str;
    all_num = all_num && (key.kind == Value::Kind::Int || key.kind == Value::Kind::Float || key.kind == Value::Kind::Bool);
    kvs.push_back({key, &v.items[k + 1]});
  }
  // PyYAML: sorted(mapping), or insertion order where Python cannot compare the keys (TypeError).
  if (all_str || all_num)
    std::stable_sort(kvs.begin(), kvs.end(), [](const KeyValue& a, const KeyValue& b) { return key_less(a.key, b.key); });
  return kvs;
}

bool is_mapping(const Value& v) { return v.is_node() || v.kind == Value::Kind::Dict; }
bool mapping_empty(const Value& v) { return v.is_node() ? v.entries.empty() : v.items.empty(); }

class Emitter {
 public:
  std::string out;

  // A block mapping; `inline_first`: the first key goes right after a "- " already written.
  void mapping(const Value& map, int indent, bool inline_first = false) {
    bool first = true;
    for (const KeyValue& kv : sorted_pairs(map)) {
      if (!(first && inline_first)) write_indent(indent);
      first = false;
      if (kv.key.kind == Value::Kind::Str) scalar_str(kv.key.s, indent, /*simple_key=*/true);
      else scalar(kv.key, indent);
      write(":");
      value_after_indicator(*kv.value, indent);
    }
  }

 private:
  int column_ = 0;
  bool whitespace_ = true, indention_ = true;

  void write(const std::string& s) {
    out += s;
    column_ += static_cast<int>(s.size());
    whitespace_ = false;
    indention_ = false;
  }
  void line_break() {
    out += '\n';
    column_ = 0;
    whitespace_ = indention_ = true;
  }
  void write_indent(int indent) {
    if (!indention_ || column_ > indent || (column_ == indent && !whitespace_)) line_break();
    if (column_ < indent) {
      out += std::string(static_cast<size_t>(indent - column_), ' ');
      column_ = indent;
      whitespace_ = true;
    }
  }

  // After "key:" or "-": the value, nested blocks indented as PyYAML does (sequences in a mapping are
  // indentless, a sequence in a sequence starts on the same line).
  void value_after_indicator(const Value& v, int indent) {
    if (is_mapping(v)) {
      if (mapping_empty(v)) return write(" {}");
      return mapping(v, indent + 2);
    }
    if (v.is_sequence()) {
      if (v.items.empty()) return write(" []");
      return sequence(v.items, indent, /*inline_first=*/false);
    }
    write(" ");
    scalar(v, indent + 2);
  }

  void sequence(const std::vector<Value>& items, int indent, bool inline_first) {
    for (size_t k = 0; k < items.size(); ++k) {
      if (k > 0 || !inline_first) write_indent(indent);
      write("-");
      const Value& item = items[k];
      if (item.is_sequence() && !item.items.empty()) {
        write(" ");
        sequence(item.items, indent + 2, /*inline_first=*/true);
      } else if (is_mapping(item) && !mapping_empty(item)) {
        write(" ");
        mapping(item, indent + 2, /*inline_first=*/true);
      } else {
        value_after_indicator(item, indent);
      }
    }
  }

  void scalar(const Value& v, int indent) {
    switch (v.kind) {
      case Value::Kind::None: return write("null");
      case Value::Kind::Bool: return write(v.b ? "true" : "false");
      case Value::Kind::Int: return write(std::to_string(v.i));
      case Value::Kind::Float: {
        if (std::isnan(v.f)) return write(".nan");
        if (std::isinf(v.f)) return write(v.f > 0 ? ".inf" : "-.inf");
        std::string r = float_repr(v.f);
        if (r.find('.') == std::string::npos && r.find('e') != std::string::npos) r.replace(r.find('e'), 1, ".0e");
        return write(r);
      }
      case Value::Kind::Str: return scalar_str(v.s, indent, false);
      default: throw Error("config dump: unexpected value");
    }
  }

  void scalar_str(const std::string& s, int indent, bool simple_key) {
    std::vector<uint32_t> t = decode_utf8(s);
    Analysis a = analyze(t);
    bool split = !simple_key;
    bool implicit_plain = plain_type(s) == PlainType::Str;
    if (implicit_plain && !(simple_key && (a.empty || a.multiline)) && a.allow_block_plain) return plain(t, indent);
    if (a.allow_single_quoted && !(simple_key && a.multiline)) return single_quoted(t, indent, split);
    double_quoted(t, indent, split);
  }

  static std::string chunk(const std::vector<uint32_t>& t, size_t a, size_t b) {
    std::string r;
    for (size_t k = a; k < b; ++k) r += static_cast<char>(t[k]);  // ASCII only on these paths
    return r;
  }

  void plain(const std::vector<uint32_t>& t, int indent) {
    bool spaces = false;
    size_t start = 0;
    for (size_t end = 0; end <= t.size(); ++end) {
      uint32_t ch = end < t.size() ? t[end] : 0;
      bool none = end == t.size();
      if (spaces) {
        if (ch != ' ' || none) {
          if (start + 1 == end && column_ > kBestWidth) write_indent(indent);
          else write(chunk(t, start, end));
          start = end;
        }
      } else if (none || ch == ' ') {
        write(chunk(t, start, end));
        start = end;
      }
      if (!none) spaces = ch == ' ';
    }
  }

  void single_quoted(const std::vector<uint32_t>& t, int indent, bool split) {
    write("'");
    bool spaces = false, breaks = false;
    size_t start = 0;
    for (size_t end = 0; end <= t.size(); ++end) {
      bool none = end == t.size();
      uint32_t ch = none ? 0 : t[end];
      if (spaces) {
        if (none || ch != ' ') {
          if (start + 1 == end && column_ > kBestWidth && split && start != 0 && end != t.size())
            write_indent(indent);
          else
            write(chunk(t, start, end));
          start = end;
        }
      } else if (breaks) {
        if (none || !is_break(ch)) {
          if (t[start] == '\n') line_break();
          for (size_t k = start; k < end; ++k) {
            if (t[k] == '\n') line_break();
            else {
              out += std::string(1, static_cast<char>(t[k]));
              line_break();
            }
          }
          write_indent(indent);
          start = end;
        }
      } else if (none || ch == ' ' || is_break(ch) || ch == '\'') {
        if (start < end) {
          write(chunk(t, start, end));
          start = end;
        }
      }
      if (ch == '\'' && !none) {
        write("''");
        start = end + 1;
      }
      if (!none) {
        spaces = ch == ' ';
        breaks = is_break(ch);
      }
    }
    write("'");
  }

  void double_quoted(const std::vector<uint32_t>& t, int indent, bool split) {
    write("\"");
    size_t start = 0;
    auto text = [&](size_t a, size_t b) {
      std::string r;
      for (size_t k = a; k < b; ++k) r += static_cast<char>(t[k]);  // printable ASCII only here
      return r;
    };
    for (size_t end = 0; end <= t.size(); ++end) {
      bool none = end == t.size();
      uint32_t ch = none ? 0 : t[end];
      if (none || ch == '"' || ch == '\\' || ch == 0x85 || ch == 0x2028 || ch == 0x2029 || ch == 0xFEFF ||
          !(ch >= 0x20 && ch <= 0x7E)) {
        if (start < end) {
          write(text(start, end));
          start = end;
        }
        if (!none) {
          std::string esc;
          switch (ch) {
            case 0: esc = "\\0"; break;
            case 0x07: esc = "\\a"; break;
            case 0x08: esc = "\\b"; break;
            case 0x09: esc = "\\t"; break;
            case 0x0A: esc = "\\n"; break;
            case 0x0B: esc = "\\v"; break;
            case 0x0C: esc = "\\f"; break;
            case 0x0D: esc = "\\r"; break;
            case 0x1B: esc = "\\e"; break;
            case '"': esc = "\\\""; break;
            case '\\': esc = "\\\\"; break;
            case 0x85: esc = "\\N"; break;
            case 0xA0: esc = "\\_"; break;
            case 0x2028: esc = "\\L"; break;
            case 0x2029: esc = "\\P"; break;
            default: {
              char buf[16];
              if (ch <= 0xFF) std::snprintf(buf, sizeof(buf), "\\x%02X", ch);
              else if (ch <= 0xFFFF) std::snprintf(buf, sizeof(buf), "\\u%04X", ch);
              else std::snprintf(buf, sizeof(buf), "\\U%08X", ch);
              esc = buf;
            }
          }
          write(esc);
          start = end + 1;
        }
      }
      if (end > 0 && end + 1 < t.size() && (ch == ' ' || start >= end) &&
          column_ + static_cast<int>(end - start) > kBestWidth && split) {
        std::string data = (start < end ? text(start, end) : std::string()) + "\\";
        if (start < end) start = end;
        write(data);
        write_indent(indent);
        whitespace_ = indention_ = false;
        if (t[start] == ' ') write("\\");
      }
    }
    write("\"");
  }
};

}  // namespace

std::string dump_yaml(const Value& root) {
  if (root.entries.empty()) return "{}\n";
  Emitter e;
  e.mapping(root, 0);
  e.out += '\n';
  return e.out;
}

}  // namespace glip::config_detail
