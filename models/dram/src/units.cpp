#include "apack/dram/units.hpp"

#include <numeric>
#include <sstream>

#include "apack/dram/checked.hpp"
#include "apack/error.hpp"

namespace apack::dram {

ClockPeriod ClockPeriod::picoseconds(int64_t num, int64_t den) {
  if (num <= 0 || den <= 0)
    throw apack::Error("dram: clock period must be positive, got " + std::to_string(num) + "/" +
                       std::to_string(den) + " ps");
  const int64_t g = std::gcd(num, den);
  return {num / g, den / g};
}

ClockPeriod ClockPeriod::from_mhz(int64_t mhz) {
  if (mhz <= 0) throw apack::Error("dram: clock frequency must be positive");
  return picoseconds(1000000, mhz);
}

namespace {
// floor(a / b) and ceil(a / b) for b > 0 on 128-bit values.
Wide floor_div(Wide a, Wide b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }
Wide ceil_div(Wide a, Wide b) { return -floor_div(-a, b); }
int64_t narrow(Wide v, const char* what) {
  if (v > Wide(INT64_MAX) || v < Wide(INT64_MIN)) overflow(what);
  return int64_t(v);
}
}  // namespace

int64_t ClockPeriod::floor_ps(Cycle c) const {
  return narrow(floor_div(Wide(c) * num, den), "cycles to picoseconds");
}
int64_t ClockPeriod::ceil_ps(Cycle c) const {
  return narrow(ceil_div(Wide(c) * num, den), "cycles to picoseconds");
}
Cycle ClockPeriod::ceil_cycles(int64_t ps) const {
  return narrow(ceil_div(Wide(ps) * den, num), "picoseconds to cycles");
}
Cycle ClockPeriod::floor_cycles(int64_t ps) const {
  return narrow(floor_div(Wide(ps) * den, num), "picoseconds to cycles");
}

std::string ClockPeriod::to_string() const {
  std::ostringstream s;
  s << ps() << " ps";
  if (den != 1) s << " (" << num << "/" << den << ")";
  return s.str();
}

}  // namespace apack::dram
