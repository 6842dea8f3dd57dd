#include "apack/dram/memspec_json.hpp"

#include <cmath>

#include "apack/dram/constraints.hpp"
#include "apack/dram/presets.hpp"
#include "json_fields.hpp"

namespace apack::dram {

namespace {

using detail::Node;

bool power_of_two(int64_t v) { return v > 0 && (v & (v - 1)) == 0; }

// DRAMSys mempowerspec names per rail, in Idd order (IDD0, IDD2N, IDD3N, IDD4R, IDD4W, IDD5,
// IDD2P, IDD3P, IDD6); nullptr where the standard's file has no such current. DDR4: the
// fast-exit power-down currents (idd2p1, idd3p1), which go with tXP; idd02/idd62 are IPP0/IPP6
// on VPP. LPDDR4: three rails, VDDQ being the I/O rail.
struct RailNames {
  const char* rail;
  const char* voltage;
  std::array<const char*, kIddCount> idd;
  bool io;
};

std::vector<RailNames> power_names(Standard s) {
  switch (s) {
    case Standard::DDR4:
      return {{"VDD",
               "vdd",
               {"idd0", "idd2n", "idd3n", "idd4r", "idd4w", "idd5", "idd2p1", "idd3p1", "idd6"},
               false},
              {"VPP",
               "vdd2",
               {"idd02", nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, "idd62"},
               false}};
    case Standard::LPDDR4:
      return {
          {"VDD1",
           "vdd",
           {"idd0", "idd2n", "idd3n", "idd4r", "idd4w", "idd5", "idd2p", "idd3p", "idd6"},
           false},
          {"VDD2",
           "vdd2",
           {"idd02", "idd2n2", "idd3n2", "idd4r2", "idd4w2", "idd52", "idd2p2", "idd3p2", "idd62"},
           false},
          {"VDDQ",
           "vddq",
           {"idd0ql", "idd2nQ", "idd3nQ", "idd4rq", "idd4wq", "idd5q", "idd2pQ", "idd3pQ", "idd6q"},
           true}};
    case Standard::HBM2:
      return {};
  }
  return {};
}

void read_architecture(const Node& a, MemSpec& s) {
  constexpr int64_t kBig = int64_t(1) << 24;
  Architecture& x = s.arch;
  x.banks = uint32_t(a.integer("nbrOfBanks", 1, 1024));
  x.rows = uint32_t(a.integer("nbrOfRows", 1, kBig));
  x.columns = uint32_t(a.integer("nbrOfColumns", 1, kBig));
  x.burst_length = uint32_t(a.integer("burstLength", 1, 1024));
  x.data_rate = uint32_t(a.integer("dataRate", 1, 16));
  x.device_width = uint32_t(a.integer("width", 1, 1024));
  x.devices = a.has("nbrOfDevices") ? uint32_t(a.integer("nbrOfDevices", 1, 64)) : 1;
  x.channels = a.has("nbrOfChannels") ? uint32_t(a.integer("nbrOfChannels", 1, 1024)) : 1;
  if (s.standard == Standard::HBM2) {
    x.ranks = uint32_t(a.integer("nbrOfPseudoChannels", 1, 16));  // pseudo channels as ranks
  } else {
    x.ranks = uint32_t(a.integer("nbrOfRanks", 1, 16));
  }
  if (s.standard == Standard::LPDDR4) {
    x.bank_groups = a.has("nbrOfBankGroups") ? uint32_t(a.integer("nbrOfBankGroups", 1, 1)) : 1;
  } else {
    x.bank_groups = uint32_t(a.integer("nbrOfBankGroups", 1, 64));
  }
  // The address mapping decodes bit fields, so every count it decodes is a power of two.
  for (const char* f : {"nbrOfBanks", "nbrOfRows", "nbrOfColumns"})
    if (!power_of_two(a.integer(f, 1, kBig))) a.fail(f, "must be a power of two");
  if (!power_of_two(x.ranks))
    a.fail(s.standard == Standard::HBM2 ? "nbrOfPseudoChannels" : "nbrOfRanks",
           "must be a power of two");
  if (!power_of_two(x.bank_groups) || x.banks % x.bank_groups != 0)
    a.fail("nbrOfBankGroups", "must be a power of two dividing nbrOfBanks");
  if (x.burst_length % x.data_rate != 0) a.fail("burstLength", "must be a multiple of dataRate");
  if (x.columns % x.burst_length != 0) a.fail("nbrOfColumns", "must be a multiple of burstLength");
  if (x.bus_bits() % 8 != 0 || !power_of_two(x.bus_bytes()))
    a.fail("width", "width x nbrOfDevices must be a power-of-two number of bytes");
}

void read_timings(const Node& t, MemSpec& s) {
  // Every integer field is kept (extra ones do no harm); the table's fields are required.
  for (auto it = t.j.begin(); it != t.j.end(); ++it)
    if (it.key() != "tCK" && it->is_number_integer()) s.timings[it.key()] = it->get<int64_t>();
  for (const std::string& f : required_timings(s.standard))
    s.timings[f] = t.integer(f, 0, int64_t(1) << 30);
  if (s.has("AL") && s.t("AL") != 0) t.fail("AL", "additive latency other than 0 is not modelled");
  if (s.t("RL") < 1 || s.t("WL") < 1) t.fail("RL", "RL and WL must be at least 1");
  if (s.refresh_interval() <= s.refresh_cycle())
    t.fail("REFI", "must exceed the refresh cycle time");
  // tCK in picoseconds; a fractional value is kept to the femtosecond.
  const double tck = t.number("tCK", 1e-3);
  if (tck > 1e9) t.fail("tCK", "implausibly long clock period");
  s.tck = ClockPeriod::picoseconds(std::llround(tck * 1000), 1000);
}

void read_power(const Node& p, MemSpec& s) {
  s.power.model = PowerSpec::Model::Idd;
  s.power.source = p.source + " (mempowerspec)";
  for (const RailNames& n : power_names(s.standard)) {
    PowerRail r;
    r.name = n.rail;
    r.io = n.io;
    r.millivolts = std::llround(p.number(n.voltage, 0) * 1000);
    for (int i = 0; i < kIddCount; ++i)
      if (n.idd[size_t(i)]) {
        const double ma = p.number(n.idd[size_t(i)], 0);
        if (ma > 1e6) p.fail(n.idd[size_t(i)], "implausibly large current (mA)");
        r.nanoamps[size_t(i)] = std::llround(ma * 1e6);
      }
    s.power.rails.push_back(r);
  }
}

}  // namespace

MemSpec parse_memspec(const std::string& text, const std::string& source) {
  const auto j = detail::parse_json(text, source);
  if (!j.is_object()) throw apack::FormatError(source + ": memspec file must be a JSON object");
  const Node root{j, source, ""};
  const Node m = root.child("memspec");
  MemSpec s;
  const std::string type = m.string("memoryType");
  const auto standard = parse_standard(type);
  if (!standard) m.fail("memoryType", "'" + type + "' is not supported (DDR4, LPDDR4, HBM2)");
  s.standard = *standard;
  s.id = m.has("memoryId") ? m.string("memoryId") : source;
  read_architecture(m.child("memarchitecturespec"), s);
  read_timings(m.child("memtimingspec"), s);
  // DRAMSys HBM2 files carry no currents; a DDR4/LPDDR4 file without them has no energy.
  if (s.standard != Standard::HBM2 && m.has("mempowerspec")) read_power(m.child("mempowerspec"), s);
  apply_energy_defaults(s);
  return s;
}

MemSpec load_memspec(const std::string& path) {
  return parse_memspec(detail::read_text_file(path), path);
}

}  // namespace apack::dram
