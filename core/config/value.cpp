// Python values for core/config: Value helpers, repr(), float repr, JSON.
#include <cerrno>
#include <charconv>
#include <clocale>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <locale.h>

#include "core/common/error.h"
#include "core/config/value.h"

namespace glip::config_detail {

// ---------------------------------------------------------------------------------------------------------
// Value
// ---------------------------------------------------------------------------------------------------------
Value Value::boolean(bool v) {
  Value r;
  r.kind = Kind::Bool;
  r.b = v;
  return r;
}
Value Value::integer(int64_t v) {
  Value r;
  r.kind = Kind::Int;
  r.i = v;
  return r;
}
Value Value::real(double v) {
  Value r;
  r.kind = Kind::Float;
  r.f = v;
  return r;
}
Value Value::str(std::string v) {
  Value r;
  r.kind = Kind::Str;
  r.s = std::move(v);
  return r;
}
Value Value::list(std::vector<Value> v) {
  Value r;
  r.kind = Kind::List;
  r.items = std::move(v);
  return r;
}
Value Value::tuple(std::vector<Value> v) {
  Value r;
  r.kind = Kind::Tuple;
  r.items = std::move(v);
  return r;
}
Value Value::dict() {
  Value r;
  r.kind = Kind::Dict;
  return r;
}
void Value::dict_set(Value key, Value value) {
  for (size_t k = 0; k + 1 < items.size(); k += 2) {
    if (same(items[k], key)) {
      items[k + 1] = std::move(value);
      return;
    }
  }
  items.push_back(std::move(key));
  items.push_back(std::move(value));
}
Value Value::node(bool new_allowed) {
  Value r;
  r.kind = Kind::Node;
  r.new_allowed = new_allowed;
  return r;
}

namespace {
template <typename Entries>
auto lower_bound_key(Entries& entries, const std::string& key) {
  size_t lo = 0, hi = entries.size();
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (entries[mid].first < key) lo = mid + 1;
    else hi = mid;
  }
  return entries.begin() + static_cast<std::ptrdiff_t>(lo);
}
}  // namespace

const Value* Value::find(const std::string& key) const {
  auto it = lower_bound_key(entries, key);
  return (it != entries.end() && it->first == key) ? &it->second : nullptr;
}
Value* Value::find(const std::string& key) {
  auto it = lower_bound_key(entries, key);
  return (it != entries.end() && it->first == key) ? &it->second : nullptr;
}
Value& Value::set(const std::string& key, Value v) {
  auto it = lower_bound_key(entries, key);
  if (it != entries.end() && it->first == key) {
    it->second = std::move(v);
    return it->second;
  }
  return entries.insert(it, {key, std::move(v)})->second;
}

bool same(const Value& a, const Value& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case Value::Kind::None: return true;
    case Value::Kind::Bool: return a.b == b.b;
    case Value::Kind::Int: return a.i == b.i;
    case Value::Kind::Float: return a.f == b.f;
    case Value::Kind::Str: return a.s == b.s;
    case Value::Kind::List:
    case Value::Kind::Tuple:
      if (a.items.size() != b.items.size()) return false;
      for (size_t k = 0; k < a.items.size(); ++k)
        if (!same(a.items[k], b.items[k])) return false;
      return true;
    case Value::Kind::Dict:  // order-independent, like Python dict equality
      if (a.items.size() != b.items.size()) return false;
      for (size_t k = 0; k + 1 < a.items.size(); k += 2) {
        const Value* other = nullptr;
        for (size_t j = 0; j + 1 < b.items.size() && other == nullptr; j += 2)
          if (same(a.items[k], b.items[j])) other = &b.items[j + 1];
        if (other == nullptr || !same(a.items[k + 1], *other)) return false;
      }
      return true;
    case Value::Kind::Node:
      if (a.entries.size() != b.entries.size() || a.new_allowed != b.new_allowed) return false;
      for (size_t k = 0; k < a.entries.size(); ++k)
        if (a.entries[k].first != b.entries[k].first || !same(a.entries[k].second, b.entries[k].second))
          return false;
      return true;
  }
  return false;
}

const char* type_name(Value::Kind k) {
  switch (k) {
    case Value::Kind::None: return "NoneType";
    case Value::Kind::Bool: return "bool";
    case Value::Kind::Int: return "int";
    case Value::Kind::Float: return "float";
    case Value::Kind::Str: return "str";
    case Value::Kind::List: return "list";
    case Value::Kind::Tuple: return "tuple";
    case Value::Kind::Dict: return "dict";
    case Value::Kind::Node: return "CfgNode";
  }
  return "?";
}

// ---------------------------------------------------------------------------------------------------------
// repr
// ---------------------------------------------------------------------------------------------------------
std::string float_repr(double x) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  if (x == 0.0) return std::signbit(x) ? "-0.0" : "0.0";
  // Shortest round-trip digits in scientific form, e.g. "1.5e-05" / "1e+16".
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), x, std::chars_format::scientific);
  std::string sci(buf, res.ptr);
  bool neg = sci[0] == '-';
  if (neg) sci.erase(0, 1);
  size_t epos = sci.find('e');
  std::string mant = sci.substr(0, epos);
  int exp10 = std::atoi(sci.c_str() + epos + 1);
  std::string digits;
  for (char c : mant)
    if (c != '.') digits += c;
  std::string out = neg ? "-" : "";
  int decpt = exp10 + 1;  // value = 0.DIGITS * 10^decpt
  if (decpt <= -4 || decpt > 16) {
    out += digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    char e[16];
    std::snprintf(e, sizeof(e), "e%c%02d", exp10 < 0 ? '-' : '+', std::abs(exp10));
    out += e;
  } else if (decpt <= 0) {
    out += "0." + std::string(static_cast<size_t>(-decpt), '0') + digits;
  } else if (static_cast<size_t>(decpt) >= digits.size()) {
    out += digits + std::string(static_cast<size_t>(decpt) - digits.size(), '0') + ".0";
  } else {
    out += digits.substr(0, static_cast<size_t>(decpt)) + "." + digits.substr(static_cast<size_t>(decpt));
  }
  return out;
}

namespace {

std::string str_repr(const std::string& s) {
  char q = (s.find('\'') != std::string::npos && s.find('"') == std::string::npos) ? '"' : '\'';
  std::string out(1, q);
  for (unsigned char c : s) {
    if (c == '\\') out += "\\\\";
    else if (c == static_cast<unsigned char>(q)) out += std::string("\\") + q;
    else if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else if (c < 0x20 || c == 0x7f) {
      char e[8];
      std::snprintf(e, sizeof(e), "\\x%02x", c);
      out += e;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + q;
}

std::string json_str(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"') out += "\\\"";
    else if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else if (c < 0x20) {
      char e[8];
      std::snprintf(e, sizeof(e), "\\u%04x", c);
      out += e;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

// Python repr() or JSON: the same walk, two spellings.
std::string write(const Value& v, bool json) {
  switch (v.kind) {
    case Value::Kind::None: return json ? "null" : "None";
    case Value::Kind::Bool: return json ? (v.b ? "true" : "false") : (v.b ? "True" : "False");
    case Value::Kind::Int: return std::to_string(v.i);
    case Value::Kind::Float: return json && !std::isfinite(v.f) ? "null" : float_repr(v.f);
    case Value::Kind::Str: return json ? json_str(v.s) : str_repr(v.s);
    case Value::Kind::List:
    case Value::Kind::Tuple: {
      const bool parens = !json && v.kind == Value::Kind::Tuple;
      std::string out = parens ? "(" : "[";
      for (size_t k = 0; k < v.items.size(); ++k) out += (k ? ", " : "") + write(v.items[k], json);
      if (parens && v.items.size() == 1) out += ",";
      return out + (parens ? ")" : "]");
    }
    case Value::Kind::Dict: {  // JSON: non-str keys as their repr
      std::string out = "{";
      for (size_t k = 0; k + 1 < v.items.size(); k += 2) {
        const Value& key = v.items[k];
        out += (k ? ", " : "") +
               (json ? json_str(key.kind == Value::Kind::Str ? key.s : write(key, false)) : write(key, false)) +
               ": " + write(v.items[k + 1], json);
      }
      return out + "}";
    }
    case Value::Kind::Node: {
      std::string out = "{";
      for (size_t k = 0; k < v.entries.size(); ++k) {
        const std::string& key = v.entries[k].first;
        out += (k ? ", " : "") + (json ? json_str(key) : str_repr(key)) + ": " + write(v.entries[k].second, json);
      }
      return out + "}";
    }
  }
  return json ? "null" : "?";
}

}  // namespace

std::string repr(const Value& v) { return write(v, false); }

std::string short_repr(const Value& v, size_t max_chars) {
  std::string text = repr(v);
  if (text.size() <= max_chars) return text;
  const size_t total = text.size();
  size_t cut = max_chars;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 character
  text.resize(cut);
  return text + "... (" + std::to_string(total) + " characters in all)";
}

std::string to_json(const Value& v) { return write(v, true); }

bool parse_double(const std::string& text, double* out) {
  static locale_t c_locale = newlocale(LC_ALL_MASK, "C", static_cast<locale_t>(nullptr));
  if (text.empty()) return false;
  char* end = nullptr;
  errno = 0;
  double d = strtod_l(text.c_str(), &end, c_locale);
  if (end != text.c_str() + text.size()) return false;
  *out = d;  // overflow gives +-inf and underflow 0, like Python's float()
  return true;
}

}  // namespace glip::config_detail
