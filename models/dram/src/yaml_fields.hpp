// Reading our YAML files (yaml-cpp) strictly: every value is checked for its type, mappings
// refuse duplicate keys and keys they do not know, and every error is an apack::FormatError
// "FILE:LINE: PATH: problem" (LINE from yaml-cpp's Mark, 1-based). Numbers are read as exact
// decimals, so "1.2" volts is 1200 mV and "468.75" ps is 1875/4 ps, with no binary rounding.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace apack::dram::detail {

// A non-negative decimal number exactly as written: mantissa x 10^exp10.
struct Decimal {
  int64_t mantissa = 0;
  int exp10 = 0;
};

// Where a value came from, for messages.
struct YamlPlace {
  std::string source;  // the file
  std::string path;    // "timings.RCD", "power.rails[1].volts"
  int line = 1;        // 1-based

  [[noreturn]] void fail(const std::string& what) const;
};

class YamlMap;

// One value of a mapping or list, with its place (the line of its key, or of the list entry).
class YamlValue {
 public:
  YamlValue(YAML::Node node, YamlPlace place) : node_(std::move(node)), place_(std::move(place)) {}

  const YamlPlace& place() const { return place_; }
  [[noreturn]] void fail(const std::string& what) const { place_.fail(what); }

  bool is_map() const { return node_.IsMap(); }
  // An integer written plainly ("16", not "16.0" or "\"16\"") in [min, max].
  int64_t integer(int64_t min, int64_t max) const;
  // A plain non-negative decimal ("1.2", "60.75", "2e3").
  Decimal decimal() const;
  // `decimal()` x 10^scale_exp10 as an exact integer in [0, max]: volts to millivolts with
  // scale 3. A value finer than the unit is an error naming `unit`.
  int64_t scaled(int scale_exp10, int64_t max, const std::string& unit) const;
  std::string string() const;  // any scalar, quoted or not, non-empty
  bool boolean() const;        // true or false
  YamlMap map() const;
  std::vector<YamlValue> list() const;

 private:
  std::string describe() const;  // "'abc'", "a mapping", ... for messages
  const std::string& scalar(const char* expected) const;

  YAML::Node node_;
  YamlPlace place_;
};

// A mapping whose keys are plain strings, each at most once.
class YamlMap {
 public:
  YamlMap(const YAML::Node& node, YamlPlace place);

  const YamlPlace& place() const { return place_; }
  bool has(const std::string& key) const;
  std::optional<YamlValue> find(const std::string& key) const;
  YamlValue get(const std::string& key) const;  // "missing" at the mapping's line
  std::vector<std::string> keys() const;        // in the file's order
  // Refuses keys not in `known`, naming them and listing the known ones.
  void allow_only(const std::vector<std::string>& known) const;

 private:
  struct Entry {
    std::string key;
    int line;
    YAML::Node value;
  };
  YamlValue value_of(const Entry& e) const;

  std::vector<Entry> entries_;
  YamlPlace place_;
};

// Parses `text`; a syntax error is a FormatError with yaml-cpp's line and message.
YAML::Node parse_yaml(const std::string& text, const std::string& source);

// `d` as an exact fraction num/den (den a power of ten), or nothing when a part would exceed
// 2^62.
std::optional<std::pair<int64_t, int64_t>> fraction(const Decimal& d);

// Nanoseconds to the cycles of a clock of num/den ps, rounded up: ceil(d x 10^(3 + exp) ns x
// den / num). Returns nothing when the result exceeds `max`.
std::optional<int64_t> ns_to_cycles_ceil(const Decimal& ns, int64_t tck_num, int64_t tck_den,
                                         int64_t max);

}  // namespace apack::dram::detail
