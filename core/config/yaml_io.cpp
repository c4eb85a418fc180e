// YAML for core/config: reading like PyYAML's safe_load (YAML 1.1 implicit types) on top of yaml-cpp.
#include <algorithm>
#include <cctype>
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
// Values a config may expand to. YAML anchors and aliases repeat what they name: a few hundred bytes of nested
// aliases ("billion laughs") would expand to billions of values. GLIP's configs have a few hundred.
constexpr size_t kMaxConfigValues = 100000;

Value convert(const YAML::Node& n, const std::string& origin, bool in_list, size_t& budget) {
  if (budget == 0)
    throw Error(origin + ": the YAML expands to more than " + std::to_string(kMaxConfigValues) +
                " values (anchors and aliases repeat what they name; a GLIP config has a few hundred)");
  --budget;
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
      for (const auto& item : n) items.push_back(convert(item, origin, true, budget));
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
        Value child = convert(kv.second, origin, in_list, budget);
        child.line = k.Mark().line + 1;  // report problems at the key's line
        // Duplicate keys: the last one wins, as in PyYAML.
        if (in_list) v.dict_set(convert(k, origin, true, budget), std::move(child));
        else v.set(k.Scalar(), std::move(child));
      }
      break;
    }
  }
  v.line = n.Mark().is_null() ? 0 : n.Mark().line + 1;
  return v;
}

}  // namespace

namespace {
// yaml-cpp 0.7 loops forever (allocating) on a document whose first token is ',' (found by fuzz_config: ", \nU 1").
// No config can start so; such text is refused before yaml-cpp sees it.
void refuse_leading_comma(const std::string& text, const std::string& origin) {
  bool at_start = true;  // before the first token of a document
  size_t line_no = 0, pos = 0;
  while (pos <= text.size()) {
    const size_t end = std::min(text.find('\n', pos), text.size());
    const std::string line = text.substr(pos, end - pos);
    ++line_no;
    pos = end + 1;
    std::string rest = line;
    const bool marker = (line.rfind("---", 0) == 0 || line.rfind("...", 0) == 0) &&
                        (line.size() == 3 || line[3] == ' ' || line[3] == '\t' || line[3] == '\r');
    if (marker) {
      at_start = true;
      rest = line.substr(3);
    } else if (!at_start) {
      continue;
    }
    const size_t first = rest.find_first_not_of(" \t\r");
    if (first == std::string::npos || rest[first] == '#' || (!marker && rest[first] == '%')) continue;
    if (rest[first] == ',')
      throw Error(origin + ":" + std::to_string(line_no) + ": malformed YAML: a document cannot start with ','");
    at_start = false;
  }
}
}  // namespace

Value parse_yaml(const std::string& text, const std::string& origin) {
  refuse_leading_comma(text, origin);
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
  size_t budget = kMaxConfigValues;
  return convert(docs[0], origin, false, budget);
}

}  // namespace glip::config_detail
