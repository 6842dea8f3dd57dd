// Our YAML memspecs: each models/dram/memspecs/<preset>.yaml loads equal to the preset, field
// by field; the example custom part (LPDDR4-4266) reproduces its source's cycles through the
// ns-to-cycles rounding; `base:` inheritance; load_memspec_source's dispatch; and every kind
// of error names the file, the line and the key.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>

#include "apack/dram/address_mapping.hpp"
#include "apack/dram/constraints.hpp"
#include "apack/dram/memspec_source.hpp"
#include "apack/dram/memspec_yaml.hpp"
#include "apack/dram/presets.hpp"
#include "apack/error.hpp"
#include "dram_test_util.hpp"

using namespace apack::dram;
using namespace apack::dram::test;
using Catch::Contains;

namespace {

std::string memspec_file(const std::string& name) {
  return std::string(APACK_DRAM_DATA_DIR) + "/../../../models/dram/memspecs/" + name;
}

// Every field of a MemSpec that differs between `a` and `b`, by name ("arch.rows",
// "timings.RCD", "power.rails[1].nanoamps"); empty when they are equal.
std::vector<std::string> differences(const MemSpec& a, const MemSpec& b) {
  // A new Architecture field must be compared below.
  static_assert(sizeof(Architecture) == 10 * sizeof(uint32_t), "compare the new field");
  std::vector<std::string> d;
  auto cmp = [&](bool equal, const std::string& what) {
    if (!equal) d.push_back(what);
  };
  cmp(a.id == b.id, "id");
  cmp(a.standard == b.standard, "standard");
  const Architecture &x = a.arch, &y = b.arch;
  cmp(x.channels == y.channels, "arch.channels");
  cmp(x.ranks == y.ranks, "arch.ranks");
  cmp(x.bank_groups == y.bank_groups, "arch.bank_groups");
  cmp(x.banks == y.banks, "arch.banks");
  cmp(x.rows == y.rows, "arch.rows");
  cmp(x.columns == y.columns, "arch.columns");
  cmp(x.burst_length == y.burst_length, "arch.burst_length");
  cmp(x.data_rate == y.data_rate, "arch.data_rate");
  cmp(x.device_width == y.device_width, "arch.device_width");
  cmp(x.devices == y.devices, "arch.devices");
  cmp(a.tck == b.tck, "tck");
  for (const auto& [n, v] : a.timings)
    cmp(b.timings.count(n) && b.timings.at(n) == v, "timings." + n);
  for (const auto& [n, v] : b.timings) cmp(a.timings.count(n) != 0, "timings." + n);
  const PowerSpec &p = a.power, &q = b.power;
  cmp(p.model == q.model, "power.model");
  cmp(p.rails.size() == q.rails.size(), "power.rails");
  for (size_t r = 0; r < std::min(p.rails.size(), q.rails.size()); ++r) {
    const std::string at = "power.rails[" + std::to_string(r) + "].";
    cmp(p.rails[r].name == q.rails[r].name, at + "name");
    cmp(p.rails[r].millivolts == q.rails[r].millivolts, at + "millivolts");
    cmp(p.rails[r].nanoamps == q.rails[r].nanoamps, at + "nanoamps");
    cmp(p.rails[r].io == q.rails[r].io, at + "io");
  }
  cmp(p.io_read_fj_per_bit == q.io_read_fj_per_bit, "power.io_read_fj_per_bit");
  cmp(p.io_write_fj_per_bit == q.io_write_fj_per_bit, "power.io_write_fj_per_bit");
  cmp(p.act_fj == q.act_fj, "power.act_fj");
  cmp(p.read_fj_per_bit == q.read_fj_per_bit, "power.read_fj_per_bit");
  cmp(p.write_fj_per_bit == q.write_fj_per_bit, "power.write_fj_per_bit");
  cmp(p.source == q.source, "power.source");
  return d;
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const std::string& x : v) s += x + " ";
  return s;
}

// The message of the FormatError parsing `text` throws ("" when it parses).
std::string yaml_error(const std::string& text) {
  try {
    parse_memspec_yaml(text, "part.yaml");
  } catch (const apack::FormatError& e) {
    return e.what();
  }
  return "";
}

// A complete DDR4 memspec without a base (the ddr4-2400 figures, no power), one key a line,
// so tests can break one line and know its number: line 1 is "id", line 9 "  banks: 16".
const char* kFull = R"(id: custom-ddr4
standard: DDR4
architecture:
  channels: 1
  ranks: 1
  bank_groups: 4
  data_rate: 2
  burst_length: 8
  banks: 16
  rows: 32768
  columns: 1024
  device_width: 8
  devices: 8
clock:
  mhz: 1200
timings:
  RL: 16
  WL: 16
  RCD: 16
  RP: 16
  RAS: 39
  RC: 55
  RRD_S: 4
  RRD_L: 6
  FAW: 26
  CCD_S: 4
  CCD_L: 6
  WR: 18
  WTR_S: 3
  WTR_L: 9
  RTP: 12
  RFC: 312
  REFI: 9360
  XP: 8
  CKE: 6
  ACTPDEN: 2
  PRPDEN: 2
  REFPDEN: 2
  RTRS: 1
)";

// kFull with line `line` (1-based) replaced by `text` ("" removes it).
std::string with_line(int line, const std::string& text) {
  std::string out;
  std::string s = kFull;
  int n = 1;
  for (size_t pos = 0; pos < s.size(); ++n) {
    const size_t end = s.find('\n', pos);
    const std::string l = s.substr(pos, end - pos);
    if (n != line) {
      out += l + "\n";
    } else if (!text.empty()) {
      out += text + "\n";
    }
    pos = end + 1;
  }
  return out;
}

int line_of(const std::string& key) {  // the line of kFull that starts with `key`
  std::string s = kFull;
  int n = 1;
  for (size_t pos = 0; pos < s.size(); ++n) {
    const size_t end = s.find('\n', pos);
    if (s.compare(pos, key.size(), key) == 0) return n;
    pos = end + 1;
  }
  FAIL("no line " << key);
  return 0;
}

}  // namespace

TEST_CASE("the comparison helper notices every kind of field", "[dram][memspec][yaml]") {
  const MemSpec p = preset("lpddr4-3200");
  CHECK(differences(p, p).empty());
  auto differs = [&](const std::function<void(MemSpec&)>& change, const std::string& field) {
    MemSpec q = p;
    change(q);
    const auto d = differences(p, q);
    INFO(joined(d));
    CHECK(d.size() == 1);
    CHECK(!d.empty());
    if (!d.empty()) CHECK(d[0] == field);
  };
  differs([](MemSpec& s) { s.id = "x"; }, "id");
  differs([](MemSpec& s) { s.standard = Standard::DDR4; }, "standard");
  differs([](MemSpec& s) { s.arch.channels = 2; }, "arch.channels");
  differs([](MemSpec& s) { s.arch.ranks = 2; }, "arch.ranks");
  differs([](MemSpec& s) { s.arch.bank_groups = 2; }, "arch.bank_groups");
  differs([](MemSpec& s) { s.arch.banks = 4; }, "arch.banks");
  differs([](MemSpec& s) { s.arch.rows = 4; }, "arch.rows");
  differs([](MemSpec& s) { s.arch.columns = 4; }, "arch.columns");
  differs([](MemSpec& s) { s.arch.burst_length = 8; }, "arch.burst_length");
  differs([](MemSpec& s) { s.arch.data_rate = 1; }, "arch.data_rate");
  differs([](MemSpec& s) { s.arch.device_width = 8; }, "arch.device_width");
  differs([](MemSpec& s) { s.arch.devices = 2; }, "arch.devices");
  differs([](MemSpec& s) { s.tck = ClockPeriod::picoseconds(626); }, "tck");
  differs([](MemSpec& s) { s.timings["RCD"] = 30; }, "timings.RCD");
  differs([](MemSpec& s) { s.timings.erase("RCD"); }, "timings.RCD");
  differs([](MemSpec& s) { s.timings["XYZ"] = 1; }, "timings.XYZ");
  differs([](MemSpec& s) { s.power.model = PowerSpec::Model::None; }, "power.model");
  differs([](MemSpec& s) { s.power.rails.pop_back(); }, "power.rails");
  differs([](MemSpec& s) { s.power.rails[1].name = "V"; }, "power.rails[1].name");
  differs([](MemSpec& s) { s.power.rails[1].millivolts = 1; }, "power.rails[1].millivolts");
  differs([](MemSpec& s) { s.power.rails[2].nanoamps[8] = 1; }, "power.rails[2].nanoamps");
  differs([](MemSpec& s) { s.power.rails[0].io = true; }, "power.rails[0].io");
  differs([](MemSpec& s) { s.power.io_read_fj_per_bit = 1; }, "power.io_read_fj_per_bit");
  differs([](MemSpec& s) { s.power.io_write_fj_per_bit = 1; }, "power.io_write_fj_per_bit");
  differs([](MemSpec& s) { s.power.act_fj = 1; }, "power.act_fj");
  differs([](MemSpec& s) { s.power.read_fj_per_bit = 1; }, "power.read_fj_per_bit");
  differs([](MemSpec& s) { s.power.write_fj_per_bit = 1; }, "power.write_fj_per_bit");
  differs([](MemSpec& s) { s.power.source = "x"; }, "power.source");
}

TEST_CASE("each preset's YAML memspec loads equal to the preset", "[dram][memspec][yaml]") {
  for (const std::string& name : preset_names()) {
    INFO(name);
    const MemSpec y = load_memspec_yaml(memspec_file(name + ".yaml"));
    const auto d = differences(y, preset(name));
    INFO("differing: " << joined(d));
    CHECK(d.empty());
    // load_memspec_source reads the same file by its extension.
    CHECK(differences(load_memspec_source(memspec_file(name + ".yaml")), preset(name)).empty());
  }
}

TEST_CASE("the LPDDR4-4266 example reproduces its source's cycles", "[dram][memspec][yaml]") {
  const MemSpec s = load_memspec_yaml(memspec_file("lpddr4-4266.yaml"));
  CHECK(s.id == "lpddr4-4266-16gb-x16");
  CHECK(s.standard == Standard::LPDDR4);
  CHECK(s.tck == ClockPeriod::picoseconds(1875, 4));     // 468.75 ps exactly
  CHECK(s.arch.channel_bytes() == (uint64_t(2) << 30));  // 16 Gb
  CHECK(s.power.model == PowerSpec::Model::None);
  CHECK(s.power.rails.empty());
  // DRAMSys JEDEC_1Gbx16_LPDDR4-4266.json, every timing this model uses or carries (several
  // come from nanosecond figures rounded up, so a wrong rounding fails here).
  const std::map<std::string, int64_t> expected = {
      {"CCD", 8},  {"CKE", 17},    {"CMDCKE", 4},    {"DQSCK", 4},   {"FAW", 86},    {"PPD", 4},
      {"RCD", 39}, {"REFI", 8341}, {"REFIPB", 1042}, {"RFCAB", 812}, {"RFCPB", 406}, {"RL", 36},
      {"RAS", 90}, {"RPAB", 45},   {"RPPB", 39},     {"RCAB", 135},  {"RCPB", 129},  {"RPST", 0},
      {"RRD", 22}, {"RTP", 17},    {"WL", 18},       {"WPRE", 2},    {"WR", 39},     {"WTR", 22},
      {"XP", 17},  {"RTRS", 1}};
  CHECK(s.timings == expected);
  // It is a usable memspec: its table evaluates and its default mapping covers it.
  const ConstraintTable table(s);
  CHECK(!table.rows().empty());
  CHECK_NOTHROW(default_mapping(s).validate(s, "default"));
}

TEST_CASE("timings in nanoseconds round up to whole cycles", "[dram][memspec][yaml]") {
  auto cycles = [](const std::string& value) {
    return parse_memspec_yaml("id: x\nbase: ddr4-2400\ntimings:\n  RCD: " + value + "\n", "t.yaml")
        .t("RCD");
  };
  // tCK = 2500/3 ps: 15 ns is exactly 18 cycles, a femtosecond more is 19.
  CHECK(cycles("{ns: 15}") == 18);
  CHECK(cycles("{ns: 15.000001}") == 19);
  CHECK(cycles("{ns: 14.999999}") == 18);
  CHECK(cycles("{ns: 13.32}") == 16);  // 15.98 cycles
  CHECK(cycles("{ns: 0}") == 0);
  CHECK(cycles("{ns: 2.5, min_cycles: 4}") == 4);  // max(2.5 ns = 3 cycles, 4 nCK)
  CHECK(cycles("{ns: 7.5, min_cycles: 4}") == 9);
  CHECK(cycles("{ns: 1.5e1}") == 18);
  CHECK(cycles("20") == 20);
  // A changed clock applies to the nanosecond figures of the same file.
  const MemSpec t = parse_memspec_yaml(
      "id: x\nbase: ddr4-2400\nclock: {mhz: 1600}\ntimings:\n  RCD: {ns: 13.75}\n", "t.yaml");
  CHECK(t.tck == ClockPeriod::picoseconds(625));
  CHECK(t.t("RCD") == 22);
  CHECK(t.t("RP") == 16);  // inherited: cycles stay cycles
}

TEST_CASE("a YAML memspec based on a preset states only what differs", "[dram][memspec][yaml]") {
  MemSpec s = parse_memspec_yaml("id: mine\nbase: ddr4-2400\n", "b.yaml");
  MemSpec p = preset("ddr4-2400");
  p.id = "mine";
  CHECK(differences(s, p).empty());

  s = parse_memspec_yaml(
      "id: ddr4-2400-2r\nbase: ddr4-2400\narchitecture: {ranks: 2}\ntimings: {RFC: 420}\n"
      "power:\n  io_read_pj_per_bit: 4\n",
      "b.yaml");
  p.id = "ddr4-2400-2r";
  p.arch.ranks = 2;
  p.timings["RFC"] = 420;
  p.power.io_read_fj_per_bit = 4000;
  p.power.source = "b.yaml";  // the power section changed: its figures are the file's
  const auto d = differences(s, p);
  INFO(joined(d));
  CHECK(d.empty());

  // Another model replaces the base's figures: no rails remain under per_bit.
  s = parse_memspec_yaml(
      "id: x\nbase: ddr4-2400\npower:\n  model: per_bit\n  act_pj: 100\n  read_pj_per_bit: "
      "1.5\n  write_pj_per_bit: 1.25\n  source: a paper\n",
      "b.yaml");
  CHECK(s.power.model == PowerSpec::Model::PerBit);
  CHECK(s.power.rails.empty());
  CHECK(s.power.act_fj == 100000);
  CHECK(s.power.read_fj_per_bit == 1500);
  CHECK(s.power.write_fj_per_bit == 1250);
  CHECK(s.power.io_read_fj_per_bit == 3500);  // kept: both models have I/O energy
  CHECK(s.power.source == "a paper");
  s = parse_memspec_yaml("id: x\nbase: hbm2\npower: {model: none}\n", "b.yaml");
  CHECK(s.power.model == PowerSpec::Model::None);
  CHECK(s.power.act_fj == 0);
  CHECK(s.power.io_read_fj_per_bit == 0);

  // A memspec without a base and without power has no energy; exact clock periods.
  s = parse_memspec_yaml(kFull, "full.yaml");
  CHECK(s.power.model == PowerSpec::Model::None);
  CHECK(s.tck == ClockPeriod::from_mhz(1200));
  CHECK(parse_memspec_yaml(with_line(line_of("  mhz"), "  tck_ps: 833"), "f.yaml").tck ==
        ClockPeriod::picoseconds(833));
  CHECK(parse_memspec_yaml(with_line(line_of("  mhz"), "  mhz: 2133.3"), "f.yaml").tck ==
        ClockPeriod::picoseconds(10000000, 21333));
}

TEST_CASE("YAML memspec errors name the file, the line and the key", "[dram][memspec][yaml]") {
  CHECK(yaml_error(kFull).empty());
  // Syntax.
  CHECK_THAT(yaml_error("id: x\nstandard: [DDR4\n"),
             Contains("part.yaml:") && Contains("not valid YAML"));
  CHECK_THAT(yaml_error("- a\n- b\n"), Contains("part.yaml:1: a memspec must be a YAML mapping"));
  CHECK_THAT(yaml_error(""), Contains("part.yaml:1: a memspec must be a YAML mapping"));
  // Missing required keys: at the line of the enclosing mapping.
  CHECK_THAT(yaml_error(with_line(1, "")), Contains("part.yaml:1: id: missing"));
  CHECK_THAT(yaml_error(with_line(line_of("  banks"), "")),
             Contains("part.yaml:3: architecture.banks: missing"));
  CHECK_THAT(yaml_error(with_line(line_of("  RCD"), "")),
             Contains("part.yaml:16: timings.RCD: missing"));
  CHECK_THAT(yaml_error(with_line(line_of("  mhz"), "  {}")), Contains("clock"));
  CHECK_THAT(yaml_error("id: x\nstandard: DDR4\n"), Contains("part.yaml:1: architecture: missing"));
  // Wrong types.
  CHECK_THAT(yaml_error(with_line(line_of("  WTR_L"), "  WTR_L: nine")),
             Contains("part.yaml:30: timings.WTR_L: must be an integer, got 'nine'"));
  CHECK_THAT(yaml_error(with_line(line_of("  FAW"), "  FAW: 26.5")),
             Contains("part.yaml:25: timings.FAW: must be an integer"));
  CHECK_THAT(yaml_error(with_line(line_of("  rows"), "  rows: \"32768\"")),
             Contains("part.yaml:10: architecture.rows: must be an integer, got quoted"));
  CHECK_THAT(yaml_error(with_line(line_of("  rows"), "  rows: [1, 2]")),
             Contains("part.yaml:10: architecture.rows: must be an integer, got a list"));
  std::string scalar_clock = kFull;
  scalar_clock.replace(scalar_clock.find("clock:\n  mhz: 1200"), 18, "clock: 1200");
  CHECK_THAT(yaml_error(scalar_clock), Contains("part.yaml:14: clock: must be a mapping"));
  CHECK_THAT(yaml_error(with_line(line_of("  RP"), "  RP: {ns: fast}")),
             Contains("part.yaml:20: timings.RP.ns: must be a non-negative number"));
  // Unknown keys, typos above all.
  CHECK_THAT(yaml_error(with_line(line_of("  RCD"), "  RCDD: 16")),
             Contains("part.yaml:19: timings.RCDD: unknown timing for DDR4"));
  CHECK_THAT(yaml_error(with_line(line_of("  rows"), "  row: 32768")),
             Contains("part.yaml:10: architecture.row: unknown key"));
  CHECK_THAT(yaml_error(std::string(kFull) + "powr: {}\n"),
             Contains("part.yaml:40: powr: unknown key"));
  CHECK_THAT(yaml_error(with_line(line_of("  RP"), "  RP: {ns: 13, cycles: 2}")),
             Contains("part.yaml:20: timings.RP.cycles: unknown key"));
  CHECK_THAT(yaml_error(with_line(line_of("  RP"), "  RP: 16\n  RP: 17")),
             Contains("part.yaml:21: timings.RP: given twice (first on line 20)"));
  // Impossible values, through the rules every memspec obeys (memspec_rules.hpp).
  CHECK_THAT(yaml_error(with_line(line_of("  REFI"), "  REFI: 300")),
             Contains("part.yaml:33: timings.REFI: must exceed the refresh cycle time"));
  CHECK_THAT(yaml_error(with_line(line_of("  RL"), "  RL: 0")),
             Contains("part.yaml:17: timings.RL: RL and WL must be at least 1"));
  CHECK_THAT(yaml_error(with_line(line_of("  RP"), "  RP: -1")),
             Contains("part.yaml:20: timings.RP: must be in [0, 1073741824], got -1"));
  CHECK_THAT(yaml_error(std::string(kFull) + "  AL: 2\n"),
             Contains("part.yaml:40: timings.AL: additive latency other than 0 is not modelled"));
  CHECK_THAT(yaml_error(with_line(line_of("  banks"), "  banks: 12")),
             Contains("part.yaml:9: architecture.banks: must be a power of two"));
  CHECK_THAT(yaml_error(with_line(line_of("  bank_groups"), "  bank_groups: 32")),
             Contains("part.yaml:6: architecture.bank_groups: must be a power of two dividing"));
  CHECK_THAT(yaml_error(with_line(line_of("  columns"), "  columns: 16777216")),
             Contains("part.yaml:3: architecture: the channel would hold 2^46 bytes"));
  CHECK_THAT(yaml_error(with_line(line_of("  mhz"), "  mhz: 0")),
             Contains("part.yaml:15: clock.mhz: must be a positive number"));
  CHECK_THAT(yaml_error(with_line(line_of("  mhz"), "  mhz: 1200\n  tck_ps: 833")),
             Contains("part.yaml:14: clock: give exactly one of mhz"));
  CHECK_THAT(yaml_error(with_line(line_of("  RP"), "  RP: {ns: 1e12}")),
             Contains("part.yaml:20: timings.RP.ns: is more than"));
  CHECK_THAT(yaml_error(with_line(line_of("standard"), "standard: DDR5")),
             Contains("part.yaml:2: standard: 'DDR5' is not supported"));
  // Base: unknown preset, another standard, a broken rule in what is inherited.
  CHECK_THAT(yaml_error("id: x\nbase: ddr5-4800\n"),
             Contains("part.yaml:2: base: unknown preset 'ddr5-4800' (known: ddr4-2400"));
  CHECK_THAT(yaml_error("id: x\nbase: hbm2\nstandard: DDR4\n"),
             Contains("part.yaml:3: standard: differs from the base's standard HBM2"));
  CHECK_THAT(yaml_error("id: x\nbase: ddr4-2400\ntimings:\n  RFC: 10000\n"),
             Contains("part.yaml:3: timings.REFI: must exceed the refresh cycle time (inherited "
                      "from base ddr4-2400)"));
  CHECK_THAT(yaml_error("id: x\nbase: lpddr4-3200\ntimings:\n  RCD_L: 3\n"),
             Contains("part.yaml:4: timings.RCD_L: unknown timing for LPDDR4"));
  CHECK_THAT(yaml_error("id: x\nbase: lpddr4-3200\narchitecture:\n  bank_groups: 2\n"),
             Contains("part.yaml:4: architecture.bank_groups: LPDDR4 has no bank groups"));
  // Power.
  CHECK_THAT(yaml_error(std::string(kFull) + "power:\n  model: idd\n"),
             Contains("part.yaml:40: power.rails: missing"));
  CHECK_THAT(yaml_error(std::string(kFull) + "power:\n  model: dram\n"),
             Contains("part.yaml:41: power.model: unknown model 'dram'"));
  CHECK_THAT(yaml_error("id: x\nbase: ddr4-2400\npower:\n  act_pj: 5\n"),
             Contains("part.yaml:4: power.act_pj: only with model per_bit"));
  CHECK_THAT(yaml_error("id: x\nbase: ddr4-2400\npower:\n  rails:\n  - name: VDD\n    volts: "
                        "1.2345\n"),
             Contains("part.yaml:6: power.rails[0].volts: is finer than the unit 1 mV"));
  CHECK_THAT(yaml_error("id: x\nbase: ddr4-2400\npower:\n  rails:\n  - name: VDD\n    volts: "
                        "1.2\n    currents_ma: {IDD9: 1}\n"),
             Contains("part.yaml:7: power.rails[0].currents_ma.IDD9: unknown key"));
  CHECK_THAT(yaml_error("id: x\nbase: ddr4-2400\npower:\n  rails:\n  - {name: A, volts: 1}\n"
                        "  - {name: A, volts: 1}\n"),
             Contains("part.yaml:6: power.rails[1].name: rail 'A' is given twice"));
  CHECK_THAT(yaml_error("id: x\nbase: ddr4-2400\npower:\n  rails: []\n"),
             Contains("part.yaml:4: power.rails: needs at least one rail"));
  CHECK_THAT(yaml_error("id: x\nbase: ddr4-2400\npower:\n  rails:\n  - {name: A, volts: 1, "
                        "io: yes}\n"),
             Contains("part.yaml:5: power.rails[0].io: must be true or false"));
  // Huge mantissas with huge exponents are refused, not multiplied past 128 bits.
  CHECK_THAT(yaml_error("id: x\nbase: hbm2\npower:\n  act_pj: 123456789012345678e30\n"),
             Contains("part.yaml:4: power.act_pj: implausibly large"));
  CHECK_THAT(yaml_error("id: x\nbase: hbm2\nclock:\n  tck_ps: 123456789012345678e25\n"),
             Contains("part.yaml:4: clock.tck_ps: must be a positive number"));
  CHECK_THAT(yaml_error("id: x\nbase: hbm2\nclock:\n  mhz: 1e-30\n"),
             Contains("part.yaml:4: clock.mhz: must be a positive number"));
  CHECK_THAT(yaml_error("id: x\nbase: hbm2\ntimings:\n  RP: {ns: 123456789012345678e30}\n"),
             Contains("part.yaml:4: timings.RP.ns: is more than"));
  CHECK_THAT(yaml_error("id: x\nbase: hbm2\npower:\n  act_pj: -3\n"),
             Contains("part.yaml:4: power.act_pj: must be a non-negative number"));
}

TEST_CASE("load_memspec_source takes a preset, a DRAMSys JSON or a YAML memspec",
          "[dram][memspec][yaml]") {
  CHECK(differences(load_memspec_source("hbm2"), preset("hbm2")).empty());
  CHECK(load_memspec_source(data_file("JEDEC_8Gb_LPDDR4-3200_16bit.json")).standard ==
        Standard::LPDDR4);
  CHECK(load_memspec_source(memspec_file("lpddr4-4266.yaml")).id == "lpddr4-4266-16gb-x16");
  // .yml and upper-case extensions are YAML too.
  char dir[] = "/tmp/apack-memspec-XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  const std::string yml = std::string(dir) + "/part.YML";
  {
    std::ofstream f(yml);
    f << "id: from-yml\nbase: lpddr4-3200\n";
  }
  CHECK(load_memspec_source(yml).id == "from-yml");
  std::remove(yml.c_str());
  rmdir(dir);

  auto message = [](const std::string& s) -> std::string {
    try {
      load_memspec_source(s);
    } catch (const apack::Error& e) {
      return e.what();
    }
    return "";
  };
  const std::string m = message("ddr4_2400");
  CHECK_THAT(m, Contains("ddr4_2400") && Contains("ddr4-2400, lpddr4-3200, hbm2") &&
                    Contains(".json") && Contains(".yaml") && Contains(".yml"));
  CHECK_THAT(message("part.xml"), Contains("neither a preset"));
  CHECK_THAT(message("/nonexistent/part.yaml"), Contains("/nonexistent/part.yaml: cannot open"));
  CHECK_THAT(message("/nonexistent/part.json"), Contains("/nonexistent/part.json: cannot open"));
  // A broken file is the reader's FormatError.
  CHECK_THROWS_AS(load_memspec_source(data_file("fr_fcfs.json")), apack::FormatError);
}
