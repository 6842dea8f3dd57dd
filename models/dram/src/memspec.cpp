#include "apack/dram/memspec.hpp"

#include <algorithm>

#include "apack/dram/constraints.hpp"
#include "apack/error.hpp"
#include "memspec_rules.hpp"

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

namespace detail {

namespace {

bool power_of_two(int64_t v) { return v > 0 && (v & (v - 1)) == 0; }

int log2_of(uint64_t v) {  // v a power of two
  int n = 0;
  while ((uint64_t(1) << n) < v) ++n;
  return n;
}

SpecProblem at(SpecItem item, std::string what, std::string name = "", size_t rail = 0,
               Idd idd = Idd::IDD0) {
  return {item, std::move(what), std::move(name), rail, idd};
}

std::string range_text(int64_t min, int64_t max, int64_t got) {
  return "must be in [" + std::to_string(min) + ", " + std::to_string(max) + "], got " +
         std::to_string(got);
}

std::optional<SpecProblem> architecture_problem(const MemSpec& s) {
  const Architecture& a = s.arch;
  using I = SpecItem;
  struct Range {
    I item;
    int64_t value, min, max;
  };
  const bool lpddr4 = s.standard == Standard::LPDDR4;
  const Range ranges[] = {{I::Channels, a.channels, 1, 1024},
                          {I::Ranks, a.ranks, 1, 16},
                          {I::BankGroups, a.bank_groups, 1, lpddr4 ? 1 : 64},
                          {I::Banks, a.banks, 1, 1024},
                          {I::Rows, a.rows, 1, kMaxArchCount},
                          {I::Columns, a.columns, 1, kMaxArchCount},
                          {I::BurstLength, a.burst_length, 1, 1024},
                          {I::DataRate, a.data_rate, 1, 16},
                          {I::DeviceWidth, a.device_width, 1, 1024},
                          {I::Devices, a.devices, 1, 64}};
  for (const Range& r : ranges)
    if (r.value < r.min || r.value > r.max)
      return at(r.item,
                r.item == I::BankGroups && lpddr4
                    ? "LPDDR4 has no bank groups (must be 1), got " + std::to_string(r.value)
                    : range_text(r.min, r.max, r.value));
  // The address mapping decodes bit fields, so every count it decodes is a power of two.
  // Channels too: a router decodes them from address bits.
  for (const auto& [item, v] :
       {std::pair{I::Channels, a.channels}, std::pair{I::Banks, a.banks},
        std::pair{I::Rows, a.rows}, std::pair{I::Columns, a.columns}, std::pair{I::Ranks, a.ranks}})
    if (!power_of_two(v)) return at(item, "must be a power of two");
  if (!power_of_two(a.bank_groups) || a.banks % a.bank_groups != 0)
    return at(I::BankGroups, "must be a power of two dividing the banks per rank");
  if (a.burst_length % a.data_rate != 0)
    return at(I::BurstLength, "must be a multiple of the data rate");
  if (a.columns % a.burst_length != 0)
    return at(I::Columns, "must be a multiple of the burst length");
  if (a.bus_bits() % 8 != 0 || !power_of_two(a.bus_bytes()))
    return at(I::DeviceWidth, "device width x devices must be a power-of-two number of bytes");
  // Every count is a power of two now; the channel's address must fit the mapping's 64 bits
  // with room for channel and stack bits.
  const int bits = log2_of(a.ranks) + log2_of(a.banks) + log2_of(a.rows) + log2_of(a.columns) +
                   log2_of(a.bus_bytes());
  if (bits > kMaxChannelAddressBits)
    return at(I::Capacity, "the channel would hold 2^" + std::to_string(bits) +
                               " bytes; at most 2^" + std::to_string(kMaxChannelAddressBits) +
                               " are modelled");
  return std::nullopt;
}

std::optional<SpecProblem> timing_problem(const MemSpec& s) {
  auto timing = [](const std::string& n, const std::string& what) {
    return at(SpecItem::Timing, what, n);
  };
  if (s.tck.ps() > kMaxTckPicoseconds) return at(SpecItem::Clock, "implausibly long clock period");
  for (const std::string& n : required_timings(s.standard))
    if (!s.timings.count(n)) return timing(n, "missing");
  for (const auto& [n, v] : s.timings)
    if (v < 0 || v > kMaxTiming) return timing(n, range_text(0, kMaxTiming, v));
  if (s.has("AL") && s.t("AL") != 0)
    return timing("AL", "additive latency other than 0 is not modelled");
  for (const char* n : {"RL", "WL"})
    if (s.t(n) < 1) return timing(n, "RL and WL must be at least 1");
  if (s.refresh_interval() <= s.refresh_cycle())
    return timing(standard_def(s.standard).refresh_interval, "must exceed the refresh cycle time");
  // Between two refreshes there must be room for an access: the controller lets a request
  // start only if it can issue before the next refresh falls due, so a refresh window shorter
  // than one access (ACT -> RD/WR -> PREA -> REF: a few of the longest distances) would starve
  // every request forever. Real parts have tens of such distances to spare (DDR4-2400: 9360 >
  // 312 + 4 x 55); only an absurd memspec (fuzzing found a 3.75 ps clock with ns timings) fails.
  int64_t longest = 0;
  const ConstraintTable table(s);
  for (const Constraint& c : table.rows())
    if (!in(c.from, Cmd::REF)) longest = std::max(longest, c.distance);
  const int64_t needed = s.refresh_cycle() + 4 * longest;
  if (s.refresh_interval() <= needed)
    return timing(standard_def(s.standard).refresh_interval,
                  "must exceed the refresh cycle plus 4 x the longest other constraint (" +
                      std::to_string(needed) +
                      " cycles), leaving room for accesses between "
                      "refreshes");
  return std::nullopt;
}

std::optional<SpecProblem> power_problem(const MemSpec& s) {
  const PowerSpec& p = s.power;
  for (size_t r = 0; r < p.rails.size(); ++r) {
    const PowerRail& rail = p.rails[r];
    if (rail.millivolts < 0 || rail.millivolts > kMaxMillivolts)
      return at(SpecItem::RailVoltage, range_text(0, kMaxMillivolts, rail.millivolts) + " mV", "",
                r);
    for (int i = 0; i < kIddCount; ++i)
      if (rail.nanoamps[size_t(i)] < 0 || rail.nanoamps[size_t(i)] > kMaxNanoamps)
        return at(SpecItem::RailCurrent, "implausibly large or negative current", "", r, Idd(i));
  }
  const std::pair<const char*, int64_t> figures[] = {{"io_read", p.io_read_fj_per_bit},
                                                     {"io_write", p.io_write_fj_per_bit},
                                                     {"act", p.act_fj},
                                                     {"read", p.read_fj_per_bit},
                                                     {"write", p.write_fj_per_bit}};
  for (const auto& [n, v] : figures)
    if (v < 0 || v > kMaxFemtojoules)
      return at(SpecItem::EnergyFigure, "implausibly large or negative energy", n);
  if (p.model == PowerSpec::Model::Idd && p.rails.empty())
    return at(SpecItem::EnergyFigure, "the IDD model needs at least one rail", "rails");
  return std::nullopt;
}

}  // namespace

std::optional<SpecProblem> memspec_problem(const MemSpec& s) {
  if (auto p = architecture_problem(s)) return p;
  if (auto p = timing_problem(s)) return p;
  return power_problem(s);
}

}  // namespace detail

}  // namespace apack::dram
