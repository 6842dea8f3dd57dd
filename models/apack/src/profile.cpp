// Calibration profiles: the byte histogram a `profile` table is computed from.
#include "apack/error.hpp"
#include "apack/pipeline/stored_tensor.hpp"

namespace apack::pipeline {

void TableProfile::add(const uint8_t* values, size_t n, const std::string& what) {
  if (byte_counts.size() != 256)
    throw Error(what + ": a table profile holds 256 byte counts, this one " +
                std::to_string(byte_counts.size()));
  check_values(values, n, format, what);
  for (size_t i = 0; i < n; ++i) ++byte_counts[values[i]];
}

uint64_t TableProfile::total() const {
  uint64_t t = 0;
  for (uint64_t c : byte_counts) t += c;
  return t;
}

}  // namespace apack::pipeline
