#include "apack/dram/memspec.hpp"

#include "apack/dram/constraints.hpp"
#include "apack/error.hpp"

namespace apack::dram {

const char* name(Standard s) {
  switch (s) {
    case Standard::DDR4:
      return "DDR4";
    case Standard::LPDDR4:
      return "LPDDR4";
    case Standard::HBM2:
      return "HBM2";
  }
  return "?";
}

std::optional<Standard> parse_standard(std::string_view s) {
  for (Standard x : {Standard::DDR4, Standard::LPDDR4, Standard::HBM2})
    if (s == name(x)) return x;
  return std::nullopt;
}

const char* name(Idd i) {
  static const char* const kNames[kIddCount] = {"IDD0", "IDD2N", "IDD3N", "IDD4R", "IDD4W",
                                                "IDD5", "IDD2P", "IDD3P", "IDD6"};
  return kNames[size_t(i)];
}

bool MemSpec::has(const std::string& n) const { return n == "BURST" || timings.count(n) != 0; }

int64_t MemSpec::t(const std::string& n) const {
  if (n == "BURST") return arch.burst_cycles();
  auto it = timings.find(n);
  if (it == timings.end())
    throw apack::Error("dram: memspec '" + id + "' has no timing '" + n + "'");
  return it->second;
}

Cycle MemSpec::refresh_interval() const { return t(standard_def(standard).refresh_interval); }
Cycle MemSpec::refresh_cycle() const { return t(standard_def(standard).refresh_cycle); }

uint32_t MemSpec::data_buses() const { return standard == Standard::HBM2 ? arch.ranks : 1; }

double MemSpec::peak_bytes_per_cycle() const {
  return double(arch.burst_bytes()) / double(arch.burst_cycles()) * data_buses();
}

}  // namespace apack::dram
