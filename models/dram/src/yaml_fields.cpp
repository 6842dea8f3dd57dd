#include "yaml_fields.hpp"

#include <algorithm>

#include "apack/error.hpp"

namespace apack::dram::detail {

namespace {

using Wide = __int128;
constexpr int kMaxDigits = 18;  // significant digits of a Decimal: its mantissa fits int64
constexpr int kMaxExp10 = 30;   // |exponent| kept small so every product below fits 128 bits
constexpr Wide kLimit62 = Wide(1) << 62;

Wide pow10(int k) {  // 0 <= k <= 36
  Wide v = 1;
  for (int i = 0; i < k; ++i) v *= 10;
  return v;
}

bool plain(const YAML::Node& n) { return n.IsScalar() && n.Tag() == "?"; }

}  // namespace

void YamlPlace::fail(const std::string& what) const {
  throw apack::FormatError(source + ":" + std::to_string(line) + ": " +
                           (path.empty() ? "" : path + ": ") + what);
}

std::string YamlValue::describe() const {
  if (node_.IsMap()) return "a mapping";
  if (node_.IsSequence()) return "a list";
  if (!node_.IsScalar()) return "nothing";
  std::string s = node_.Scalar();
  if (s.size() > 40) s = s.substr(0, 40) + "...";
  return (plain(node_) ? "'" : "quoted '") + s + "'";
}

const std::string& YamlValue::scalar(const char* expected) const {
  if (!plain(node_)) fail(std::string("must be ") + expected + ", got " + describe());
  return node_.Scalar();
}

int64_t YamlValue::integer(int64_t min, int64_t max) const {
  const std::string& s = scalar("an integer");
  size_t i = (s.size() > 1 && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  const bool negative = s[0] == '-';
  if (i == s.size()) fail("must be an integer, got " + describe());
  Wide v = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') fail("must be an integer, got " + describe());
    v = v * 10 + (s[i] - '0');
    if (v > kLimit62)
      fail("must be in [" + std::to_string(min) + ", " + std::to_string(max) + "], got " +
           describe());
  }
  if (negative) v = -v;
  if (v < min || v > max)
    fail("must be in [" + std::to_string(min) + ", " + std::to_string(max) + "], got " +
         std::to_string(int64_t(v)));
  return int64_t(v);
}

Decimal YamlValue::decimal() const {
  const std::string& s = scalar("a number");
  auto bad = [&]() { fail("must be a non-negative number, got " + describe()); };
  size_t i = (!s.empty() && s[0] == '+') ? 1 : 0;
  Decimal d;
  int digits = 0;  // significant digits taken into the mantissa
  bool any = false, point = false;
  for (; i < s.size() && ((s[i] >= '0' && s[i] <= '9') || (s[i] == '.' && !point)); ++i) {
    if (s[i] == '.') {
      point = true;
      continue;
    }
    any = true;
    const int digit = s[i] - '0';
    if (digits == 0 && digit == 0) {  // a leading zero
      if (point) --d.exp10;
      continue;
    }
    if (digits == kMaxDigits) fail("has more than 18 significant digits: " + describe());
    d.mantissa = d.mantissa * 10 + digit;
    ++digits;
    if (point) --d.exp10;
  }
  if (!any) bad();
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    const bool negative = i < s.size() && s[i] == '-';
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    if (i == s.size()) bad();
    int e = 0;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
      e = e * 10 + (s[i] - '0');
      if (e > 1000) fail("exponent out of range: " + describe());
    }
    d.exp10 += negative ? -e : e;
  }
  if (i != s.size()) bad();
  if (d.mantissa == 0) d.exp10 = 0;
  if (d.exp10 > kMaxExp10 || d.exp10 < -kMaxExp10) fail("out of range: " + describe());
  return d;
}

int64_t YamlValue::scaled(int scale_exp10, int64_t max, const std::string& unit) const {
  const Decimal d = decimal();
  const int e = d.exp10 + scale_exp10;
  Wide v = d.mantissa;  // < 10^18
  if (e > 20) {
    if (v != 0) fail("implausibly large: " + describe());
  } else if (e >= 0) {
    v *= pow10(e);  // < 10^38 < 2^127
  } else if (v % pow10(std::min(-e, 36)) != 0) {
    fail("is finer than the unit " + unit + ": " + describe());
  } else {
    v /= pow10(std::min(-e, 36));
  }
  if (v > max) fail("implausibly large: " + describe());
  return int64_t(v);
}

std::string YamlValue::string() const {
  if (!node_.IsScalar()) fail("must be a string, got " + describe());
  if (node_.Scalar().empty()) fail("must not be empty");
  return node_.Scalar();
}

bool YamlValue::boolean() const {
  const std::string& s = scalar("true or false");
  if (s == "true") return true;
  if (s == "false") return false;
  fail("must be true or false, got " + describe());
}

YamlMap YamlValue::map() const {
  if (!node_.IsMap()) fail("must be a mapping, got " + describe());
  return YamlMap(node_, place_);
}

std::vector<YamlValue> YamlValue::list() const {
  if (!node_.IsSequence()) fail("must be a list, got " + describe());
  std::vector<YamlValue> out;
  for (size_t i = 0; i < node_.size(); ++i) {
    const YAML::Node e = node_[i];
    YamlPlace p = place_;
    p.path += "[" + std::to_string(i) + "]";
    if (!e.Mark().is_null()) p.line = e.Mark().line + 1;
    out.emplace_back(e, p);
  }
  return out;
}

YamlMap::YamlMap(const YAML::Node& node, YamlPlace place) : place_(std::move(place)) {
  if (!node.IsMap()) place_.fail("must be a mapping");
  for (auto it = node.begin(); it != node.end(); ++it) {
    const int line = it->first.Mark().is_null() ? place_.line : it->first.Mark().line + 1;
    YamlPlace at{place_.source, place_.path, line};
    if (!plain(it->first)) at.fail("keys must be plain words");
    const std::string key = it->first.Scalar();
    for (const Entry& e : entries_)
      if (e.key == key) {
        at.path = place_.path.empty() ? key : place_.path + "." + key;
        at.fail("given twice (first on line " + std::to_string(e.line) + ")");
      }
    entries_.push_back({key, line, it->second});
  }
}

YamlValue YamlMap::value_of(const Entry& e) const {
  return YamlValue(
      e.value, {place_.source, place_.path.empty() ? e.key : place_.path + "." + e.key, e.line});
}

bool YamlMap::has(const std::string& key) const { return find(key).has_value(); }

std::optional<YamlValue> YamlMap::find(const std::string& key) const {
  for (const Entry& e : entries_)
    if (e.key == key) return value_of(e);
  return std::nullopt;
}

YamlValue YamlMap::get(const std::string& key) const {
  if (auto v = find(key)) return *v;
  YamlPlace p = place_;
  p.path = p.path.empty() ? key : p.path + "." + key;
  p.fail("missing");
}

std::vector<std::string> YamlMap::keys() const {
  std::vector<std::string> k;
  for (const Entry& e : entries_) k.push_back(e.key);
  return k;
}

void YamlMap::allow_only(const std::vector<std::string>& known) const {
  for (const Entry& e : entries_)
    if (std::find(known.begin(), known.end(), e.key) == known.end()) {
      std::string list;
      for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
      value_of(e).fail("unknown key (known here: " + list + ")");
    }
}

YAML::Node parse_yaml(const std::string& text, const std::string& source) {
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    YamlPlace{source, "", e.mark.is_null() ? 1 : e.mark.line + 1}.fail("not valid YAML: " + e.msg);
  }
}

std::optional<std::pair<int64_t, int64_t>> fraction(const Decimal& d) {
  Wide num = d.mantissa, den = 1;  // mantissa < 10^18
  if (d.exp10 > 18) return std::nullopt;
  if (d.exp10 >= 0) {
    num *= pow10(d.exp10);
  } else {
    den = pow10(-d.exp10);
  }
  if (num > kLimit62 || den > kLimit62) return std::nullopt;
  return std::pair{int64_t(num), int64_t(den)};
}

std::optional<int64_t> ns_to_cycles_ceil(const Decimal& ns, int64_t tck_num, int64_t tck_den,
                                         int64_t max) {
  // cycles = ns x 1000 / (num / den) = mantissa x 10^(exp10 + 3) x den / num, rounded up.
  // A product that would not fit 128 bits means a value far outside any timing.
  const int e = ns.exp10 + 3;
  Wide top = 0, bottom = 0;
  if (__builtin_mul_overflow(Wide(ns.mantissa), Wide(tck_den), &top) ||
      __builtin_mul_overflow(top, pow10(std::max(e, 0)), &top) ||
      __builtin_mul_overflow(Wide(tck_num), pow10(std::max(-e, 0)), &bottom) || bottom <= 0)
    return std::nullopt;
  const Wide cycles = top / bottom + (top % bottom != 0);
  if (cycles > max) return std::nullopt;
  return int64_t(cycles);
}

}  // namespace apack::dram::detail
