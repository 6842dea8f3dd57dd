#include "apack/scenario/yaml_reader.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "apack/error.hpp"

namespace apack::scenario::detail {

namespace {

// Plain: unquoted and untagged, so numbers and booleans must be written as such.
bool plain_scalar(const YAML::Node& n) { return n.IsScalar() && n.Tag() == "?"; }

int line_of(const YAML::Node& n, int fallback) {
  return n.Mark().is_null() ? fallback : n.Mark().line + 1;
}

// `path` equals `key` or lies under it ("codec" covers "codec.units" and "codec[0]").
bool covers(const std::string& key, const std::string& path) {
  if (path.compare(0, key.size(), key) != 0) return false;
  return path.size() == key.size() || path[key.size()] == '.' || path[key.size()] == '[';
}

// Well-formed UTF-8 (no overlong forms, surrogates or code points above U+10FFFF): YAML text
// is Unicode, and the resolved scenario is written back as YAML and JSON, which need it.
bool valid_utf8(const std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    int extra = 0;
    uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      extra = 1, cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      extra = 2, cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      extra = 3, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + size_t(extra) >= s.size()) return false;  // truncated sequence
    for (int k = 1; k <= extra; ++k) {
      const auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    if ((extra == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (extra == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
      return false;
    i += size_t(extra) + 1;
  }
  return true;
}

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

}  // namespace

const std::string* Origin::override_of(const std::string& path) const {
  const std::pair<std::string, std::string>* best = nullptr;
  for (const auto& o : overrides)
    if (covers(o.first, path) && (!best || o.first.size() > best->first.size())) best = &o;
  return best ? &best->second : nullptr;
}

std::string Origin::where(const std::string& path, int line) const {
  if (const std::string* o = override_of(path)) return *o;
  return file + ":" + std::to_string(line);
}

void Place::fail(const std::string& problem) const {
  throw FormatError(origin->where(path, line) + ": " + (path.empty() ? "" : path + ": ") + problem);
}

Place Place::child(const std::string& key, int key_line) const {
  return {origin, path.empty() ? key : path + "." + key, key_line};
}

std::string Value::describe() const {
  if (node_.IsMap()) return "a mapping";
  if (node_.IsSequence()) return "a list";
  if (!node_.IsScalar()) return "nothing";
  std::string s = node_.Scalar();
  if (s.size() > 40) s = s.substr(0, 40) + "...";
  return (plain_scalar(node_) ? "'" : "quoted '") + s + "'";
}

const std::string& Value::plain(const char* expected) const {
  if (!plain_scalar(node_)) fail(std::string("must be ") + expected + ", got " + describe());
  return node_.Scalar();
}

int64_t Value::integer(int64_t min, int64_t max) const {
  const std::string& s = plain("an integer");
  const char* begin = s.data() + (!s.empty() && s[0] == '+' ? 1 : 0);
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(begin, s.data() + s.size(), v);
  const std::string range = "[" + std::to_string(min) + ", " + std::to_string(max) + "]";
  if (ec == std::errc::result_out_of_range) fail("must be in " + range + ", got " + describe());
  if (ec != std::errc() || end != s.data() + s.size() || begin == end)
    fail("must be an integer, got " + describe());
  if (v < min || v > max) fail("must be in " + range + ", got " + std::to_string(v));
  return v;
}

double Value::number(double min, double max, bool open_min) const {
  const std::string& s = plain("a number");
  // from_chars reads "inf" and "nan", which YAML spells .inf and .nan; neither is a setting.
  const char* begin = s.data() + (!s.empty() && s[0] == '+' ? 1 : 0);
  double v = 0;
  const auto [end, ec] = std::from_chars(begin, s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || begin == end || !std::isfinite(v) ||
      s.find_first_of("iInN") != std::string::npos)
    fail("must be a number, got " + describe());
  auto shown = [](double x) {
    char buf[32];
    return std::string(buf, std::to_chars(buf, buf + sizeof buf, x).ptr);
  };
  if (v < min || v > max || (open_min && v == min))
    fail(std::string("must be in ") + (open_min ? "(" : "[") + shown(min) + ", " + shown(max) +
         "], got " + describe());
  return v == 0 ? 0.0 : v;  // -0 reads as 0
}

bool Value::boolean() const {
  const std::string& s = plain("true or false");
  if (s == "true") return true;
  if (s == "false") return false;
  fail("must be true or false, got " + describe());
}

bool Value::switch_value() const {
  const std::string& s = plain("true or false (or on/off)");
  if (s == "true" || s == "on") return true;
  if (s == "false" || s == "off") return false;
  fail("must be true or false (or on/off), got " + describe());
}

std::string Value::text() const {
  if (!node_.IsScalar()) fail("must be text, got " + describe());
  const std::string& s = node_.Scalar();
  if (s.find_first_not_of(" \t\r\n") == std::string::npos) fail("must not be empty");
  if (!valid_utf8(s)) fail("is not valid UTF-8 text");
  return s;
}

std::string Value::choice(const std::vector<std::string>& allowed) const {
  const std::string s = text();
  if (std::find(allowed.begin(), allowed.end(), s) != allowed.end()) return s;
  std::string list;
  for (const std::string& a : allowed) list += (list.empty() ? "" : ", ") + a;
  fail("must be one of " + list + ", got " + describe());
}

Map Value::map() const {
  if (!node_.IsMap()) fail("must be a mapping, got " + describe());
  return Map(node_, place_);
}

std::vector<Value> Value::list() const {
  if (node_.IsScalar()) return {*this};
  if (!node_.IsSequence()) fail("must be a list, got " + describe());
  std::vector<Value> out;
  for (size_t i = 0; i < node_.size(); ++i) {
    const YAML::Node e = node_[i];
    out.emplace_back(e, Place{place_.origin, place_.path + "[" + std::to_string(i) + "]",
                              line_of(e, place_.line)});
  }
  return out;
}

Map::Map(const YAML::Node& node, Place place) : place_(std::move(place)) {
  if (!node.IsMap()) place_.fail("must be a mapping");
  for (auto it = node.begin(); it != node.end(); ++it) {
    const int line = line_of(it->first, place_.line);
    // Quoted keys are fine ("k": 2); keys that are lists, mappings or empty are not.
    if (!it->first.IsScalar() || it->first.Scalar().empty())
      Place{place_.origin, place_.path, line}.fail("keys must be words");
    const std::string key = it->first.Scalar();
    for (const Entry& e : entries_)
      if (e.key == key)
        place_.child(key, line).fail("given twice (first on line " + std::to_string(e.line) + ")");
    entries_.push_back({key, line, it->second});
  }
}

Value Map::value_of(const Entry& e) const { return Value(e.value, place_.child(e.key, e.line)); }

std::optional<Value> Map::find(const std::string& key) const {
  for (const Entry& e : entries_)
    if (e.key == key) return value_of(e);
  return std::nullopt;
}

Value Map::get(const std::string& key) const {
  if (auto v = find(key)) return *v;
  place_.child(key, place_.line).fail("missing (required)");
}

std::vector<std::string> Map::keys() const {
  std::vector<std::string> k;
  for (const Entry& e : entries_) k.push_back(e.key);
  return k;
}

void Map::allow_only(const std::vector<std::string>& known) const {
  for (const Entry& e : entries_) {
    if (std::find(known.begin(), known.end(), e.key) != known.end()) continue;
    std::string list;
    for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
    const std::string near = closest(e.key, known);
    value_of(e).fail("unknown key" + (near.empty() ? "" : " (did you mean '" + near + "'?)") +
                     "; known here: " + list);
  }
}

std::string closest(const std::string& word, const std::vector<std::string>& known) {
  if (word.size() > 64) return "";  // no key is that long; spare the quadratic distance
  // A known key that begins with the word ("size" for size_kib) is the likeliest meaning.
  if (word.size() >= 3)
    for (const std::string& k : known)
      if (k.compare(0, word.size(), word) == 0) return k;
  std::string best;
  size_t best_distance = 0;
  for (const std::string& k : known) {
    const size_t d = edit_distance(word, k);
    if (best.empty() || d < best_distance) best = k, best_distance = d;
  }
  // A suggestion is worth making when at most about a third of the word differs.
  return best_distance <= std::max<size_t>(2, word.size() / 3) ? best : "";
}

YAML::Node parse_yaml(const std::string& text, const std::string& source) {
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw FormatError(source + ":" + std::to_string(e.mark.is_null() ? 1 : e.mark.line + 1) +
                      ": not valid YAML: " + e.msg);
  }
}

}  // namespace apack::scenario::detail
