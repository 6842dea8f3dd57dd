// A strict reader of the scenario's YAML tree (yaml-cpp): every value is checked for its type and
// range, mappings refuse duplicate keys and keys they do not know (suggesting the closest known
// one), and every error is an apack::FormatError "ORIGIN: KEY: problem". ORIGIN is "FILE:LINE"
// (LINE of the key, 1-based, from yaml-cpp's Mark) or, for a value a command-line override put
// into the tree, the override itself ("--set codec.units=0").
//
// The same style as models/dram/src/yaml_fields.cpp and models/engines/src/energy_table.cpp;
// those are private to their libraries, so the scenario has its own small copy (see the report
// proposing one shared helper).
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace apack::scenario::detail {

// Where the tree came from: the file, and the dotted keys that command-line overrides set (or
// created), each with the override's text.
struct Origin {
  std::string file;
  std::vector<std::pair<std::string, std::string>> overrides;  // key path -> "--set k=v"

  // "--set k=v" when `path` is, or lies under, an overridden key; else "FILE:LINE".
  std::string where(const std::string& path, int line) const;
  // The override `path` came from, or nullptr when it came from the file.
  const std::string* override_of(const std::string& path) const;
};

struct Place {
  const Origin* origin = nullptr;
  std::string path;  // "codec.units", "network.inputs[1]"; empty for the document
  int line = 1;

  [[noreturn]] void fail(const std::string& problem) const;
  Place child(const std::string& key, int key_line) const;
  bool from_override() const { return origin->override_of(path) != nullptr; }
};

class Map;

// One value with its place.
class Value {
 public:
  Value(YAML::Node node, Place place) : node_(std::move(node)), place_(std::move(place)) {}

  const Place& place() const { return place_; }
  [[noreturn]] void fail(const std::string& problem) const { place_.fail(problem); }

  // A plain integer ("16", not "16.0" or "\"16\"") in [min, max].
  int64_t integer(int64_t min, int64_t max) const;
  // A plain finite decimal number in [min, max] (min excluded when `open_min`).
  double number(double min, double max, bool open_min = false) const;
  bool boolean() const;  // true or false
  // true/false, or on/off as the DRAM command's options spell them.
  bool switch_value() const;
  std::string text() const;  // any non-empty scalar, quoted or not
  // text() that must be one of `allowed` (the message lists them).
  std::string choice(const std::vector<std::string>& allowed) const;
  Map map() const;
  std::vector<Value> list() const;  // a list, or one scalar read as a list of one
  bool is_scalar() const { return node_.IsScalar(); }
  std::string describe() const;  // "'abc'", "a mapping", ... for messages

 private:
  const std::string& plain(const char* expected) const;

  YAML::Node node_;
  Place place_;
};

// A mapping whose keys are plain words, each at most once.
class Map {
 public:
  Map(const YAML::Node& node, Place place);

  const Place& place() const { return place_; }
  std::optional<Value> find(const std::string& key) const;
  Value get(const std::string& key) const;  // "missing" when absent
  std::vector<std::string> keys() const;    // in the file's order
  // Refuses keys not in `known`, naming the closest known key and listing them all.
  void allow_only(const std::vector<std::string>& known) const;

 private:
  struct Entry {
    std::string key;
    int line;
    YAML::Node value;
  };
  Value value_of(const Entry& e) const;

  std::vector<Entry> entries_;
  Place place_;
};

// The known word closest to `word` (edit distance), or "" when none is close.
std::string closest(const std::string& word, const std::vector<std::string>& known);

// Parses `text`; a syntax error is a FormatError "SOURCE:LINE: not valid YAML: ...".
YAML::Node parse_yaml(const std::string& text, const std::string& source);

}  // namespace apack::scenario::detail
