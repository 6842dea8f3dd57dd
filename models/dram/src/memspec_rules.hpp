// The rules every memspec obeys, whichever reader filled it (DRAMSys JSON, our YAML): value
// ranges, powers of two (the address mapping decodes bit fields), burst and bus arithmetic,
// the standard's required timings, and what the model does not implement (AL != 0). Each
// reader names the offending key in its own vocabulary, so a problem says which part of the
// MemSpec it concerns rather than a key.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "apack/dram/memspec.hpp"

namespace apack::dram::detail {

enum class SpecItem {
  Channels,
  Ranks,  // HBM2: pseudo channels
  BankGroups,
  Banks,
  Rows,
  Columns,
  BurstLength,
  DataRate,
  DeviceWidth,  // also the bus width (device width x devices)
  Devices,
  Capacity,  // the channel as a whole (ranks x banks x rows x columns x bus bytes)
  Clock,
  Timing,        // `name`: the timing
  RailVoltage,   // `rail`: index into power.rails
  RailCurrent,   // `rail` and `idd`
  EnergyFigure,  // `name`: io_read, io_write, act, read, write
};

struct SpecProblem {
  SpecItem item;
  std::string what;
  std::string name;  // Timing, EnergyFigure
  size_t rail = 0;   // RailVoltage, RailCurrent
  Idd idd = Idd::IDD0;
};

// Limits shared by the readers (they bound integers before narrowing them, too).
constexpr int64_t kMaxArchCount = int64_t(1) << 24;  // rows, columns
constexpr int64_t kMaxTiming = int64_t(1) << 30;     // cycles
constexpr int64_t kMaxMillivolts = 100000;           // 100 V
constexpr int64_t kMaxNanoamps = 1000000000000;      // 10^6 mA
constexpr int64_t kMaxFemtojoules = int64_t(1) << 40;
constexpr int kMaxChannelAddressBits = 42;  // 4 TiB per channel
constexpr double kMaxTckPicoseconds = 1e9;  // 1 ms

// The first rule `s` breaks, or nothing.
std::optional<SpecProblem> memspec_problem(const MemSpec& s);

}  // namespace apack::dram::detail
