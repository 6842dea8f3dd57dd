#include "expression.hpp"

#include <cctype>
#include <stdexcept>

namespace apack::dram::detail {

namespace {

class Parser {
 public:
  Parser(std::string_view s, const std::function<int64_t(const std::string&)>& lookup)
      : s_(s), lookup_(lookup) {}

  int64_t parse() {
    const int64_t v = expr();
    skip();
    if (i_ != s_.size()) fail("unexpected '" + std::string(1, s_[i_]) + "'");
    return v;
  }

 private:
  int64_t expr() {
    int64_t v = term();
    for (;;) {
      skip();
      if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) {
        const char op = s_[i_++];
        const int64_t r = term();
        v = op == '+' ? v + r : v - r;
      } else {
        return v;
      }
    }
  }

  int64_t term() {
    skip();
    if (i_ >= s_.size()) fail("expression ends early");
    if (std::isdigit(static_cast<unsigned char>(s_[i_]))) {
      int64_t v = 0;
      while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_])))
        v = v * 10 + (s_[i_++] - '0');
      return v;
    }
    if (!std::isalpha(static_cast<unsigned char>(s_[i_])) && s_[i_] != '_') fail("bad term");
    const size_t start = i_;
    while (i_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '_'))
      ++i_;
    const std::string name(s_.substr(start, i_ - start));
    skip();
    if (name == "max" && i_ < s_.size() && s_[i_] == '(') {
      ++i_;
      const int64_t a = expr();
      expect(',');
      const int64_t b = expr();
      expect(')');
      return a > b ? a : b;
    }
    return lookup_(name);
  }

  void expect(char c) {
    skip();
    if (i_ >= s_.size() || s_[i_] != c) fail(std::string("expected '") + c + "'");
    ++i_;
  }
  void skip() {
    while (i_ < s_.size() && s_[i_] == ' ') ++i_;
  }
  [[noreturn]] void fail(const std::string& what) const {
    throw std::logic_error("dram: constraint expression '" + std::string(s_) + "': " + what);
  }

  std::string_view s_;
  const std::function<int64_t(const std::string&)>& lookup_;
  size_t i_ = 0;
};

}  // namespace

int64_t evaluate(std::string_view expr, const std::function<int64_t(const std::string&)>& lookup) {
  return Parser(expr, lookup).parse();
}

std::vector<std::string> names_in(std::string_view expr) {
  std::vector<std::string> names;
  const std::function<int64_t(const std::string&)> collect = [&](const std::string& n) {
    names.push_back(n);
    return int64_t(0);
  };
  evaluate(expr, collect);
  return names;
}

}  // namespace apack::dram::detail
