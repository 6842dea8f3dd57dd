#include "apack/dram/memspec_json.hpp"

#include <cmath>

#include "apack/dram/constraints.hpp"
#include "apack/dram/presets.hpp"
#include "json_fields.hpp"
#include "memspec_rules.hpp"

namespace apack::dram {

namespace {

using detail::Node;

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

// Counts are bounded here only so they fit the struct; memspec_rules.hpp checks them.
void read_architecture(const Node& a, MemSpec& s) {
  auto count = [&](const char* f) { return uint32_t(a.integer(f, 0, UINT32_MAX)); };
  Architecture& x = s.arch;
  x.banks = count("nbrOfBanks");
  x.rows = count("nbrOfRows");
  x.columns = count("nbrOfColumns");
  x.burst_length = count("burstLength");
  x.data_rate = count("dataRate");
  x.device_width = count("width");
  x.devices = a.has("nbrOfDevices") ? count("nbrOfDevices") : 1;
  x.channels = a.has("nbrOfChannels") ? count("nbrOfChannels") : 1;
  // HBM2 pseudo channels are modelled as ranks; LPDDR4 has no bank groups.
  x.ranks = count(s.standard == Standard::HBM2 ? "nbrOfPseudoChannels" : "nbrOfRanks");
  if (s.standard == Standard::LPDDR4) {
    x.bank_groups = a.has("nbrOfBankGroups") ? count("nbrOfBankGroups") : 1;
  } else {
    x.bank_groups = count("nbrOfBankGroups");
  }
}

void read_timings(const Node& t, MemSpec& s) {
  // Every integer field is kept (extra ones do no harm); the table's fields are required.
  for (auto it = t.j.begin(); it != t.j.end(); ++it)
    if (it.key() != "tCK" && it->is_number_integer()) s.timings[it.key()] = it->get<int64_t>();
  for (const std::string& f : required_timings(s.standard))
    s.timings[f] = t.integer(f, 0, detail::kMaxTiming);
  // tCK in picoseconds; a fractional value is kept to the femtosecond.
  const double tck = t.number("tCK", 1e-3);
  if (tck > detail::kMaxTckPicoseconds) t.fail("tCK", "implausibly long clock period");
  s.tck = ClockPeriod::picoseconds(std::llround(tck * 1000), 1000);
}

void read_power(const Node& p, MemSpec& s) {
  s.power.model = PowerSpec::Model::Idd;
  s.power.source = p.source + " (mempowerspec)";
  for (const RailNames& n : power_names(s.standard)) {
    PowerRail r;
    r.name = n.rail;
    r.io = n.io;
    const double volts = p.number(n.voltage, 0);
    if (volts > 1e6) p.fail(n.voltage, "implausibly high voltage (V)");  // before rounding
    r.millivolts = std::llround(volts * 1000);
    for (int i = 0; i < kIddCount; ++i)
      if (n.idd[size_t(i)]) {
        const double ma = p.number(n.idd[size_t(i)], 0);
        if (ma > 1e6) p.fail(n.idd[size_t(i)], "implausibly large current (mA)");
        r.nanoamps[size_t(i)] = std::llround(ma * 1e6);
      }
    s.power.rails.push_back(r);
  }
}

// Names the JSON key of a rule the memspec breaks.
[[noreturn]] void fail_rule(const Node& m, const MemSpec& s, const detail::SpecProblem& p) {
  using I = detail::SpecItem;
  const Node a = m.child("memarchitecturespec");
  switch (p.item) {
    case I::Channels:
      a.fail("nbrOfChannels", p.what);
    case I::Ranks:
      a.fail(s.standard == Standard::HBM2 ? "nbrOfPseudoChannels" : "nbrOfRanks", p.what);
    case I::BankGroups:
      a.fail("nbrOfBankGroups", p.what);
    case I::Banks:
      a.fail("nbrOfBanks", p.what);
    case I::Rows:
      a.fail("nbrOfRows", p.what);
    case I::Columns:
      a.fail("nbrOfColumns", p.what);
    case I::BurstLength:
      a.fail("burstLength", p.what);
    case I::DataRate:
      a.fail("dataRate", p.what);
    case I::DeviceWidth:
      a.fail("width", p.what);
    case I::Devices:
      a.fail("nbrOfDevices", p.what);
    case I::Capacity:
      m.fail("memarchitecturespec", p.what);
    case I::Clock:
      m.child("memtimingspec").fail("tCK", p.what);
    case I::Timing:
      m.child("memtimingspec").fail(p.name, p.what);
    case I::RailVoltage:
      m.child("mempowerspec").fail(power_names(s.standard).at(p.rail).voltage, p.what);
    case I::RailCurrent: {
      const char* n = power_names(s.standard).at(p.rail).idd[size_t(p.idd)];
      m.child("mempowerspec").fail(n ? n : name(p.idd), p.what);
    }
    case I::EnergyFigure:
      break;
  }
  m.fail("mempowerspec", p.what);
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
  if (const auto problem = detail::memspec_problem(s)) fail_rule(m, s, *problem);
  return s;
}

MemSpec load_memspec(const std::string& path) {
  return parse_memspec(detail::read_text_file(path), path);
}

}  // namespace apack::dram
