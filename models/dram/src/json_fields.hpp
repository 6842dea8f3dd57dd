// Reading DRAMSys JSON files: every error names the file and the field ("memspec.
// memtimingspec.RCD"), as apack::FormatError.
#pragma once

#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "apack/error.hpp"

namespace apack::dram::detail {

using nlohmann::json;

// A JSON object with its path, for error messages.
struct Node {
  const json& j;
  std::string source;  // the file
  std::string path;    // "memspec.memtimingspec"

  [[noreturn]] void fail(const std::string& field, const std::string& what) const {
    throw apack::FormatError(source + ": " + (path.empty() ? "" : path + ".") + field + ": " +
                             what);
  }
  bool has(const std::string& f) const { return j.contains(f); }
  Node child(const std::string& f) const {
    if (!j.contains(f)) fail(f, "missing");
    if (!j.at(f).is_object()) fail(f, "must be an object");
    return {j.at(f), source, path.empty() ? f : path + "." + f};
  }
  const json& raw(const std::string& f) const {
    if (!j.contains(f)) fail(f, "missing");
    return j.at(f);
  }
  int64_t integer(const std::string& f, int64_t min, int64_t max) const {
    const json& v = raw(f);
    int64_t x = 0;
    if (v.is_number_integer()) {
      x = v.get<int64_t>();
    } else if (v.is_number_float() && std::floor(v.get<double>()) == v.get<double>() &&
               std::fabs(v.get<double>()) < 9e15) {
      x = int64_t(v.get<double>());
    } else {
      fail(f, "must be an integer, got " + v.dump());
    }
    if (x < min || x > max)
      fail(f, "must be in [" + std::to_string(min) + ", " + std::to_string(max) + "], got " +
                  std::to_string(x));
    return x;
  }
  double number(const std::string& f, double min) const {
    const json& v = raw(f);
    if (!v.is_number()) fail(f, "must be a number, got " + v.dump());
    const double x = v.get<double>();
    if (!(x >= min) || !std::isfinite(x)) fail(f, "must be a number >= " + std::to_string(min));
    return x;
  }
  std::string string(const std::string& f) const {
    const json& v = raw(f);
    if (!v.is_string()) fail(f, "must be a string, got " + v.dump());
    return v.get<std::string>();
  }
};

// Parses JSON text, or throws FormatError naming the file. Every nlohmann exception counts:
// a number beyond a double's range ("1e400") is an out_of_range, not a parse_error.
inline json parse_json(const std::string& text, const std::string& source) {
  try {
    return json::parse(text);
  } catch (const json::exception& e) {
    throw apack::FormatError(source + ": not valid JSON: " + e.what());
  }
}

// Reads a whole file, or throws apack::Error naming it.
std::string read_text_file(const std::string& path);

}  // namespace apack::dram::detail
