// Python's ast.literal_eval for core/config, as yacs applies it to config strings, for the literals GLIP configs
// hold: None, True, False, decimal ints, floats (1., .5, 1e-5), strings in '...' or "..." with backslash escapes,
// and tuples, lists and dicts of those ("(64, 128)", "1e-5", "[{'id': 1, 'name': 'a'}]"). Whitespace, comments
// and line breaks inside brackets are allowed as in Python. Other Python spellings (hex/octal/binary ints, digit
// underscores, complex, bytes, sets, prefixed, triple-quoted or adjacent strings) are not literals here: the text
// stays a string, as yacs keeps any text literal_eval rejects.
#include <cctype>
#include <cstdint>
#include <limits>

#include "core/common/error.h"
#include "core/common/utf8.h"
#include "core/config/value.h"

namespace glip::config_detail {

namespace {

struct NotLiteral {};  // Python would raise ValueError/SyntaxError: yacs keeps the text as a string.

[[noreturn]] void not_literal() { throw NotLiteral{}; }

bool is_ident_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || (static_cast<unsigned char>(c) & 0x80);
}

// A parsed expression plus what the unary minus needs to know about it.
struct Expr {
  Value v;
  bool number = false;     // an int or float constant, possibly in parentheses ("-(1)" is -1 in Python)
  uint64_t magnitude = 0;  // int constants: the absolute value, saturated
};

class Parser {
 public:
  explicit Parser(const std::string& text) : t_(text) {}

  Value parse_top() {
    skip(1);  // leading blank lines, spaces and comments are fine in eval mode
    if (p_ >= t_.size()) not_literal();
    Value v = finish(parse_testlist(0, '\0'));
    skip(0);
    if (p_ != t_.size()) not_literal();
    // Python parses everything first (a syntax error or a name anywhere makes the whole text a string); only a
    // valid literal that a config cannot hold is an error.
    if (!unsupported_.empty())
      throw Error("value " + t_ + " is a Python " + unsupported_ + ", which a GLIP config value cannot be");
    return v;
  }

 private:
  const std::string& t_;
  size_t p_ = 0;
  std::string unsupported_;  // the first part Python accepts but a config value cannot hold

  void unsupported(const char* what) {
    if (unsupported_.empty()) unsupported_ = what;
  }

  // The value of a parsed expression; an int too large for int64 is reported once the whole text has parsed.
  Value finish(Expr e) {
    if (e.v.kind == Value::Kind::Int && e.magnitude > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
      unsupported("integer beyond 64 bits");
    return std::move(e.v);
  }

  bool at(char c) const { return p_ < t_.size() && t_[p_] == c; }

  // Whitespace and comments. Inside brackets newlines are whitespace; at depth 0 only trailing ones are.
  void skip(int depth) {
    while (p_ < t_.size()) {
      const char c = t_[p_];
      if (c == ' ' || c == '\t' || c == '\f' || c == '\r') {
        ++p_;
      } else if (c == '\\' && p_ + 1 < t_.size() && t_[p_ + 1] == '\n') {
        p_ += 2;
      } else if (c == '#') {
        while (p_ < t_.size() && t_[p_] != '\n') ++p_;
      } else if (c == '\n') {
        if (depth == 0) {
          size_t q = p_;
          while (q < t_.size() && std::isspace(static_cast<unsigned char>(t_[q]))) ++q;
          if (q < t_.size() && t_[q] != '#') not_literal();
        }
        ++p_;
      } else {
        break;
      }
    }
  }

  // expr (',' expr)* [','] -> a tuple when there is a comma (top level or inside parentheses).
  Expr parse_testlist(int depth, char close) {
    Expr first = parse_unary(depth);
    skip(depth);
    if (!at(',')) return first;
    std::vector<Value> items{finish(std::move(first))};
    while (at(',')) {
      ++p_;
      skip(depth);
      if (p_ >= t_.size() || (close && at(close))) break;
      items.push_back(finish(parse_unary(depth)));
      skip(depth);
    }
    Expr e;
    e.v = Value::tuple(std::move(items));
    return e;
  }

  // Signs apply to number constants only (-(-1), -True and -'a' are ValueErrors in literal_eval).
  Expr parse_unary(int depth) {
    skip(depth);
    if (!at('-') && !at('+')) return parse_atom(depth);
    const bool neg = t_[p_] == '-';
    ++p_;
    skip(depth);
    Expr e = parse_atom(depth);
    if (!e.number) not_literal();
    e.number = false;
    if (e.v.kind == Value::Kind::Float) {
      if (neg) e.v.f = -e.v.f;
    } else if (neg && e.magnitude == uint64_t{1} << 63) {
      e.v.i = std::numeric_limits<int64_t>::min();
      e.magnitude = 0;
    } else if (neg) {
      e.v.i = -e.v.i;
    }
    return e;
  }

  Expr parse_atom(int depth) {
    skip(depth);
    if (p_ >= t_.size()) not_literal();
    const char c = t_[p_];
    Expr e;
    if (c == '(') {
      ++p_;
      skip(depth + 1);
      if (at(')')) {
        ++p_;
        e.v = Value::tuple({});
        return e;
      }
      e = parse_testlist(depth + 1, ')');  // "(1)" is the int 1; "(1,)" is a tuple
      skip(depth + 1);
      if (!at(')')) not_literal();
      ++p_;
      return e;
    }
    if (c == '[') {
      e.v = Value::list(parse_items(depth + 1, ']'));
      return e;
    }
    if (c == '{') {
      e.v = parse_dict(depth + 1);
      return e;
    }
    if (c == '\'' || c == '"') {
      e.v = Value::str(parse_string());
      return e;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') return parse_number();
    size_t q = p_;
    while (q < t_.size() && is_ident_char(t_[q])) ++q;
    const std::string word = t_.substr(p_, q - p_);
    p_ = q;
    if (word == "True") e.v = Value::boolean(true);
    else if (word == "False") e.v = Value::boolean(false);
    else if (word == "None") e.v = Value::none();
    else not_literal();  // a name, or a prefixed string such as r'x': not a GLIP literal
    return e;
  }

  // Comma-separated values up to `close`, a trailing comma allowed: [1, 2,].
  std::vector<Value> parse_items(int depth, char close) {
    ++p_;
    std::vector<Value> items;
    skip(depth);
    while (!at(close)) {
      items.push_back(finish(parse_unary(depth)));
      skip(depth);
      if (at(',')) {
        ++p_;
        skip(depth);
      } else if (!at(close)) {
        not_literal();
      }
    }
    ++p_;
    return items;
  }

  // {key: value, ...}; a key that cannot be a dict key (a list or a dict) is an error in Python too.
  Value parse_dict(int depth) {
    ++p_;
    Value d = Value::dict();
    skip(depth);
    while (!at('}')) {
      Value key = finish(parse_unary(depth));
      skip(depth);
      if (!at(':')) not_literal();  // {1, 2} is a set: not a GLIP literal
      ++p_;
      Value val = finish(parse_unary(depth));
      if (key.kind == Value::Kind::List || key.kind == Value::Kind::Dict) unsupported("dict with an unhashable key");
      d.dict_set(std::move(key), std::move(val));
      skip(depth);
      if (at(',')) {
        ++p_;
        skip(depth);
      } else if (!at('}')) {
        not_literal();
      }
    }
    ++p_;
    return d;
  }

  // Decimal numbers: 12, 00, 1., .5, 1e-5, 2.5E+3. "01" is a SyntaxError in Python; so is "1abc".
  Expr parse_number() {
    const auto digits = [&] {
      size_t n = 0;
      while (p_ < t_.size() && std::isdigit(static_cast<unsigned char>(t_[p_]))) ++p_, ++n;
      return n;
    };
    const size_t start = p_;
    const size_t int_digits = digits();
    bool is_float = false;
    if (at('.')) {
      is_float = true;
      ++p_;
      if (digits() == 0 && int_digits == 0) not_literal();
    }
    if (at('e') || at('E')) {
      const size_t save = p_;
      ++p_;
      if (at('+') || at('-')) ++p_;
      if (digits() == 0) p_ = save;  // "1e": an invalid token below
      else is_float = true;
    }
    if (p_ < t_.size() && is_ident_char(t_[p_])) not_literal();  // 1abc, 0x10, 1_000, 2j
    const std::string tok = t_.substr(start, p_ - start);
    Expr e;
    e.number = true;
    if (is_float) {
      double d = 0;
      if (!parse_double(tok, &d)) not_literal();
      e.v = Value::real(d);
      return e;
    }
    if (tok.size() > 1 && tok[0] == '0' && tok.find_first_not_of('0') != std::string::npos) not_literal();
    uint64_t m = 0;
    for (char ch : tok) {
      const auto d = static_cast<uint64_t>(ch - '0');
      m = m > (std::numeric_limits<uint64_t>::max() - d) / 10 ? std::numeric_limits<uint64_t>::max() : m * 10 + d;
    }
    e.magnitude = m;  // beyond int64 (2^63 is fine negated): reported by finish()
    e.v = Value::integer(static_cast<int64_t>(m));
    return e;
  }

  // '...' or "..." with Python's escapes; unknown escapes keep their backslash, as in Python.
  std::string parse_string() {
    const char quote = t_[p_++];
    std::string out;
    while (true) {
      if (p_ >= t_.size() || t_[p_] == '\n') not_literal();  // unterminated
      const char c = t_[p_++];
      if (c == quote) return out;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (p_ >= t_.size()) not_literal();
      const char n = t_[p_++];
      switch (n) {
        case '\n': break;
        case '\\': out += '\\'; break;
        case '\'': out += '\''; break;
        case '"': out += '"'; break;
        case 'a': out += '\a'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'v': out += '\v'; break;
        case 'x': utf8_append(out, read_hex(2)); break;
        case 'u': utf8_append(out, read_hex(4)); break;
        case 'U': utf8_append(out, read_hex(8)); break;
        case 'N': not_literal();  // named escapes: not supported here
        default:
          if (n >= '0' && n <= '7') {
            auto v = static_cast<char32_t>(n - '0');
            for (int k = 0; k < 2 && p_ < t_.size() && t_[p_] >= '0' && t_[p_] <= '7'; ++k)
              v = v * 8 + static_cast<char32_t>(t_[p_++] - '0');
            utf8_append(out, v);
          } else {
            out += '\\';
            out += n;
          }
      }
    }
  }

  char32_t read_hex(int n) {
    char32_t v = 0;
    for (int k = 0; k < n; ++k) {
      if (p_ >= t_.size() || !std::isxdigit(static_cast<unsigned char>(t_[p_]))) not_literal();
      const int ch = std::tolower(static_cast<unsigned char>(t_[p_++]));
      v = v * 16 + static_cast<char32_t>(std::isdigit(ch) ? ch - '0' : ch - 'a' + 10);
    }
    if (v > 0x10FFFF) not_literal();
    return v;
  }
};

}  // namespace

std::optional<Value> literal_eval(const std::string& text) {
  try {
    return Parser(text).parse_top();
  } catch (const NotLiteral&) {
    return std::nullopt;
  }
}

}  // namespace glip::config_detail
