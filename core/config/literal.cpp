// Python's ast.literal_eval for core/config, as yacs applies it to config strings.
#include <cctype>
#include <cstdint>
#include <limits>

#include "core/common/error.h"
#include "core/common/utf8.h"
#include "core/config/value.h"

namespace glip::config_detail {

// ---------------------------------------------------------------------------------------------------------
// literal_eval
// ---------------------------------------------------------------------------------------------------------
namespace {

struct NotLiteral {};  // Python would raise ValueError/SyntaxError: yacs keeps the text as a string.

[[noreturn]] void not_literal() { throw NotLiteral{}; }

bool is_ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || (c & 0x80); }
bool is_ident_char(char c) { return is_ident_start(c) || std::isdigit(static_cast<unsigned char>(c)); }

// A parsed expression plus what literal_eval needs to know about its AST node.
struct Expr {
  Value v;
  bool number_constant = false;  // an int/float constant (not signed, not parenthesised away from that)
  bool imaginary = false;        // complex constant such as 2j (unsupported, but part of 1+2j syntax)
  bool big_int = false;          // int magnitude beyond int64 (unless negated to INT64_MIN)
  uint64_t magnitude = 0;
};

class Parser {
 public:
  explicit Parser(const std::string& text) : t_(text) {}

  Value parse_top() {
    // Leading blank lines, spaces and comments are fine in eval mode.
    skip(1);
    if (p_ >= t_.size()) not_literal();
    Expr e = parse_testlist(0, '\0');
    skip(0);
    if (p_ != t_.size()) not_literal();
    Value v = finish(e);
    // Python parses everything first (SyntaxError -> string) and raises ValueError for names anywhere (string
    // too); only a fully valid literal holding a set/complex/bytes/huge int is an error.
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

  Value finish(const Expr& e) {
    if (e.imaginary) unsupported("complex number");
    if (e.big_int) unsupported("integer beyond 64 bits");
    return e.v;
  }

  // Whitespace and comments. Inside brackets newlines are whitespace; at depth 0 a newline ends the input.
  void skip(int depth) {
    while (p_ < t_.size()) {
      char c = t_[p_];
      if (c == ' ' || c == '\t' || c == '\f' || c == '\r') {
        ++p_;
      } else if (c == '\\' && p_ + 1 < t_.size() && t_[p_ + 1] == '\n') {
        p_ += 2;
      } else if (c == '#') {
        while (p_ < t_.size() && t_[p_] != '\n') ++p_;
      } else if (c == '\n') {
        if (depth == 0) {
          size_t q = p_;
          while (q < t_.size() && (std::isspace(static_cast<unsigned char>(t_[q])))) ++q;
          if (q < t_.size() && t_[q] != '#') not_literal();
        }
        ++p_;
      } else {
        break;
      }
    }
  }

  bool at(char c) const { return p_ < t_.size() && t_[p_] == c; }

  // expr (',' expr)* [','] -> a tuple when there is a comma (top level or inside parentheses).
  Expr parse_testlist(int depth, char close) {
    Expr first = parse_expr(depth);
    skip(depth);
    if (!at(',')) return first;
    std::vector<Value> items{finish(first)};
    while (at(',')) {
      ++p_;
      skip(depth);
      if (p_ >= t_.size() || (close && at(close))) break;
      items.push_back(finish(parse_expr(depth)));
      skip(depth);
    }
    Expr e;
    e.v = Value::tuple(std::move(items));
    return e;
  }

  // A term with an optional binary '+'/'-' to an imaginary number (Python's complex literal syntax).
  Expr parse_expr(int depth) {
    Expr left = parse_unary(depth);
    skip(depth);
    if ((at('+') || at('-')) && (left.v.kind == Value::Kind::Int || left.v.kind == Value::Kind::Float)) {
      ++p_;
      skip(depth);
      Expr right = parse_unary(depth);
      if (!right.imaginary) not_literal();  // e.g. "1 + 2": a BinOp literal_eval rejects
      unsupported("complex number");
      return Expr{};
    }
    return left;
  }

  Expr parse_unary(int depth) {
    skip(depth);
    if (at('-') || at('+')) {
      bool neg = t_[p_] == '-';
      ++p_;
      skip(depth);
      Expr operand = parse_atom(depth);
      if (!operand.number_constant) not_literal();  // -(-1), -True, -'a': ValueError in literal_eval
      Expr e = operand;
      e.number_constant = false;
      if (neg) {
        if (e.v.kind == Value::Kind::Float) {
          e.v.f = -e.v.f;
        } else if (e.v.kind == Value::Kind::Int) {
          if (e.big_int && e.magnitude == (uint64_t{1} << 63)) {
            e.big_int = false;
            e.v.i = std::numeric_limits<int64_t>::min();
          } else if (!e.big_int) {
            e.v.i = -e.v.i;
          }
        }
      }
      return e;
    }
    return parse_atom(depth);
  }

  Expr parse_atom(int depth) {
    skip(depth);
    if (p_ >= t_.size()) not_literal();
    char c = t_[p_];
    if (c == '(') {
      ++p_;
      skip(depth + 1);
      if (at(')')) {
        ++p_;
        Expr e;
        e.v = Value::tuple({});
        return e;
      }
      Expr inner = parse_testlist(depth + 1, ')');
      skip(depth + 1);
      if (!at(')')) not_literal();
      ++p_;
      return inner;  // "(1)" is the int 1; "(1,)" is a tuple
    }
    if (c == '[') {
      ++p_;
      std::vector<Value> items;
      skip(depth + 1);
      while (!at(']')) {
        items.push_back(finish(parse_expr(depth + 1)));
        skip(depth + 1);
        if (at(',')) {
          ++p_;
          skip(depth + 1);
        } else if (!at(']')) {
          not_literal();
        }
      }
      ++p_;
      Expr e;
      e.v = Value::list(std::move(items));
      return e;
    }
    if (c == '{') return parse_braces(depth);
    if (std::isdigit(static_cast<unsigned char>(c)) ||
        (c == '.' && p_ + 1 < t_.size() && std::isdigit(static_cast<unsigned char>(t_[p_ + 1]))))
      return parse_number();
    if (c == '\'' || c == '"') return parse_strings(depth);
    if (is_ident_start(c)) {
      size_t q = p_;
      while (q < t_.size() && is_ident_char(t_[q])) ++q;
      std::string word = t_.substr(p_, q - p_);
      if (q < t_.size() && (t_[q] == '\'' || t_[q] == '"') && word.size() <= 2) {
        std::string w;
        for (char ch : word) w += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        if (w == "r" || w == "u" || w == "b" || w == "f" || w == "rb" || w == "br" || w == "fr" || w == "rf")
          return parse_strings(depth);
      }
      p_ = q;
      Expr e;
      if (word == "set") {  // set(): the one call literal_eval accepts
        skip(depth + 1);
        if (!at('(')) not_literal();
        ++p_;
        skip(depth + 1);
        if (!at(')')) not_literal();
        ++p_;
        unsupported("set");
        return e;
      }
      if (word == "True") e.v = Value::boolean(true);
      else if (word == "False") e.v = Value::boolean(false);
      else if (word == "None") e.v = Value::none();
      else not_literal();  // a name: ValueError
      return e;
    }
    not_literal();
  }

  // {k: v, ...} is a dict; {a, b} is a set (validated, then rejected: a config cannot hold one).
  Expr parse_braces(int depth) {
    ++p_;
    skip(depth + 1);
    Value d = Value::dict();
    bool is_set = false, is_dict = false;
    while (!at('}')) {
      Value key = finish(parse_expr(depth + 1));
      skip(depth + 1);
      if (at(':')) {
        if (is_set) not_literal();
        is_dict = true;
        ++p_;
        Value val = finish(parse_expr(depth + 1));
        if (key.kind == Value::Kind::List || key.kind == Value::Kind::Dict)
          unsupported("dict with an unhashable key");
        d.dict_set(std::move(key), std::move(val));
        skip(depth + 1);
      } else {
        if (is_dict) not_literal();
        is_set = true;
      }
      if (at(',')) {
        ++p_;
        skip(depth + 1);
      } else if (!at('}')) {
        not_literal();
      }
    }
    ++p_;
    if (is_set) unsupported("set");
    Expr e;
    e.v = std::move(d);
    return e;
  }

  // Python number token: ints (decimal, 0x, 0o, 0b, underscores), floats (1., .5, 1e-5), imaginary (2j).
  Expr parse_number() {
    size_t start = p_;
    auto digits = [&](auto pred) {  // digit (_? digit)*; returns count of digits
      size_t n = 0;
      while (p_ < t_.size()) {
        if (pred(t_[p_])) {
          ++p_;
          ++n;
        } else if (t_[p_] == '_' && n > 0 && p_ + 1 < t_.size() && pred(t_[p_ + 1])) {
          ++p_;
        } else {
          break;
        }
      }
      return n;
    };
    auto dec = [](char ch) { return ch >= '0' && ch <= '9'; };
    Expr e;
    e.number_constant = true;
    char c0 = t_[p_];
    char c1 = p_ + 1 < t_.size() ? static_cast<char>(std::tolower(static_cast<unsigned char>(t_[p_ + 1]))) : 0;
    if (c0 == '0' && (c1 == 'x' || c1 == 'o' || c1 == 'b')) {
      int base = c1 == 'x' ? 16 : c1 == 'o' ? 8 : 2;
      p_ += 2;
      if (at('_')) ++p_;
      size_t dstart = p_;
      auto pred = [base](char ch) {
        if (base == 16) return std::isxdigit(static_cast<unsigned char>(ch)) != 0;
        return ch >= '0' && ch < static_cast<char>('0' + base);
      };
      if (digits(pred) == 0) not_literal();
      if (p_ < t_.size() && is_ident_char(t_[p_])) not_literal();
      accumulate(e, t_.substr(dstart, p_ - dstart), base);
      return e;
    }
    bool is_float = false;
    size_t int_digits = digits(dec);
    if (at('.')) {
      is_float = true;
      ++p_;
      size_t frac = digits(dec);
      if (int_digits == 0 && frac == 0) not_literal();
    }
    if (p_ < t_.size() && (t_[p_] == 'e' || t_[p_] == 'E')) {
      size_t save = p_;
      ++p_;
      if (at('+') || at('-')) ++p_;
      if (digits(dec) == 0) {
        p_ = save;  // "1e" / "1ex": invalid token below
      } else {
        is_float = true;
      }
    }
    std::string tok;
    for (size_t k = start; k < p_; ++k)
      if (t_[k] != '_') tok += t_[k];
    if (p_ < t_.size() && (t_[p_] == 'j' || t_[p_] == 'J')) {
      ++p_;
      if (p_ < t_.size() && is_ident_char(t_[p_])) not_literal();
      e.imaginary = true;
      e.v = Value::real(0.0);
      return e;
    }
    if (p_ < t_.size() && is_ident_char(t_[p_])) not_literal();  // "1abc", "1e", "1_"
    if (is_float) {
      double d = 0;
      if (!parse_double(tok, &d)) not_literal();
      e.v = Value::real(d);
      return e;
    }
    // Decimal int: no leading zeros unless the value is zero ("00" is fine, "01" is a SyntaxError).
    if (tok.size() > 1 && tok[0] == '0' && tok.find_first_not_of('0') != std::string::npos) not_literal();
    accumulate(e, tok, 10);
    return e;
  }

  static void accumulate(Expr& e, const std::string& ds, int base) {
    uint64_t m = 0;
    bool over = false;
    for (char ch : ds) {
      if (ch == '_') continue;
      int d = std::isdigit(static_cast<unsigned char>(ch)) ? ch - '0' : std::tolower(ch) - 'a' + 10;
      if (m > (std::numeric_limits<uint64_t>::max() - static_cast<uint64_t>(d)) / static_cast<uint64_t>(base))
        over = true;
      m = m * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
    }
    e.magnitude = over ? std::numeric_limits<uint64_t>::max() : m;
    e.big_int = over || m > static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
    e.v = Value::integer(e.big_int ? 0 : static_cast<int64_t>(m));
  }

  // One or more adjacent string literals ('a' "b" -> 'ab'), with prefixes r/u/b/f.
  Expr parse_strings(int depth) {
    std::string out;
    int kind = -1;  // 0 str, 1 bytes
    bool any_f = false;
    while (p_ < t_.size()) {
      size_t q = p_;
      std::string prefix;
      while (q < t_.size() && std::isalpha(static_cast<unsigned char>(t_[q]))) {
        prefix += static_cast<char>(std::tolower(static_cast<unsigned char>(t_[q])));
        ++q;
      }
      if (q >= t_.size() || (t_[q] != '\'' && t_[q] != '"')) break;
      if (!(prefix.empty() || prefix == "r" || prefix == "u" || prefix == "b" || prefix == "f" || prefix == "rb" ||
            prefix == "br" || prefix == "fr" || prefix == "rf"))
        not_literal();
      bool raw = prefix.find('r') != std::string::npos;
      int k = prefix.find('b') != std::string::npos ? 1 : 0;
      if (prefix.find('f') != std::string::npos) any_f = true;
      if (kind >= 0 && kind != k) not_literal();  // mixing bytes and str: SyntaxError
      kind = k;
      p_ = q;
      out += read_string(raw);
      skip(depth);
    }
    if (kind < 0) not_literal();
    if (any_f) not_literal();  // f-strings are JoinedStr: ValueError
    if (kind == 1) unsupported("bytes literal");
    Expr e;
    e.v = Value::str(out);
    return e;
  }

  std::string read_string(bool raw) {
    char q = t_[p_];
    bool triple = p_ + 2 < t_.size() && t_[p_ + 1] == q && t_[p_ + 2] == q;
    p_ += triple ? 3 : 1;
    std::string out;
    while (true) {
      if (p_ >= t_.size()) not_literal();  // unterminated
      char c = t_[p_];
      if (c == q) {
        if (!triple) {
          ++p_;
          return out;
        }
        if (p_ + 2 < t_.size() && t_[p_ + 1] == q && t_[p_ + 2] == q) {
          p_ += 3;
          return out;
        }
        out += c;
        ++p_;
        continue;
      }
      if (c == '\n' && !triple) not_literal();
      if (c != '\\') {
        out += c;
        ++p_;
        continue;
      }
      if (p_ + 1 >= t_.size()) not_literal();
      char n = t_[p_ + 1];
      if (raw) {  // backslash stays, but still protects the next character
        out += c;
        out += n;
        p_ += 2;
        continue;
      }
      p_ += 2;
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
        case 'x': out += static_cast<char>(read_hex(2)); break;
        case 'u': utf8_append(out, read_hex(4)); break;
        case 'U': utf8_append(out, read_hex(8)); break;
        case 'N': not_literal();  // named escapes: not supported here
        default:
          if (n >= '0' && n <= '7') {
            uint32_t v = static_cast<uint32_t>(n - '0');
            for (int k = 0; k < 2 && p_ < t_.size() && t_[p_] >= '0' && t_[p_] <= '7'; ++k)
              v = v * 8 + static_cast<uint32_t>(t_[p_++] - '0');
            utf8_append(out, v);
          } else {
            out += '\\';  // unknown escape: kept as is
            out += n;
          }
      }
    }
  }

  uint32_t read_hex(int n) {
    uint32_t v = 0;
    for (int k = 0; k < n; ++k) {
      if (p_ >= t_.size() || !std::isxdigit(static_cast<unsigned char>(t_[p_]))) not_literal();
      char ch = static_cast<char>(std::tolower(static_cast<unsigned char>(t_[p_++])));
      v = v * 16 + static_cast<uint32_t>(std::isdigit(static_cast<unsigned char>(ch)) ? ch - '0' : ch - 'a' + 10);
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
