// Time in the DRAM model. Everything inside counts integer cycles of the DRAM clock (tCK):
// JEDEC timings are specified in whole cycles at a given speed bin, and DDR4-2400's
// tCK = 1 / 1.2 GHz = 2500/3 ps is not an integer number of picoseconds. The clock period is
// therefore an exact rational number of picoseconds, used only at the edges (a SystemC wrapper
// converting sc_time, reports printing nanoseconds).
#pragma once

#include <cstdint>
#include <limits>
#include <string>

namespace apack::dram {

// A time or a duration in DRAM clock cycles.
using Cycle = int64_t;

// "Never happened": low enough that adding any constraint distance stays far below zero, high
// enough that such additions cannot overflow.
constexpr Cycle kNever = std::numeric_limits<Cycle>::min() / 4;

// The DRAM clock period, exactly num/den picoseconds (always reduced, both positive).
struct ClockPeriod {
  int64_t num = 1;
  int64_t den = 1;

  // Throws apack::Error unless num and den are positive; reduces the fraction.
  static ClockPeriod picoseconds(int64_t num, int64_t den = 1);
  // The period of a clock of `mhz` MHz: 10^6/mhz ps (DDR4-2400 runs its clock at 1200 MHz).
  static ClockPeriod from_mhz(int64_t mhz);

  double ps() const { return double(num) / double(den); }
  // Exact conversions; they throw apack::Error rather than overflow.
  int64_t floor_ps(Cycle c) const;
  int64_t ceil_ps(Cycle c) const;
  // The first clock edge at or after `ps` picoseconds, and the last one at or before it.
  Cycle ceil_cycles(int64_t ps) const;
  Cycle floor_cycles(int64_t ps) const;
  double seconds(Cycle c) const { return double(c) * ps() * 1e-12; }
  std::string to_string() const;  // "833.333 ps (2500/3)"

  bool operator==(const ClockPeriod& o) const { return num == o.num && den == o.den; }
};

}  // namespace apack::dram
