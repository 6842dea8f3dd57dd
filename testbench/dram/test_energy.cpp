// Energy: hand-computed IDD figures for tiny command sequences (the expected values are worked
// out in the comments from memory-energy.md's currents, independently of the model's code), the
// per-bit figures memory-energy.md quotes, HBM2's per-bit model, and checked counters.
#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>

#include "apack/dram/checked.hpp"
#include "apack/dram/energy.hpp"
#include "apack/dram/stats.hpp"
#include "apack/error.hpp"
#include "dram_test_util.hpp"

using namespace apack::dram;
using namespace apack::dram::test;
using Approx = Catch::Detail::Approx;

namespace {

Command cmd(Cycle t, Cmd c, uint32_t bank = 0, uint32_t row = 1) {
  Command x;
  x.time = t;
  x.cmd = c;
  x.at = {0, 0, bank};
  x.row = row;
  return x;
}

Statistics stats_of(const MemSpec& s, const std::vector<Command>& log, Cycle end) {
  CheckOptions o;
  o.refresh_deadline = false;
  REQUIRE(check_log(s, log, o).empty());  // the sequences are legal
  const ConstraintTable table(s);
  CommandStats st(s, table);
  for (const Command& c : log) st.record(c);
  return st.at(end);
}

}  // namespace

TEST_CASE("IDD energy of ACT, RD, PRE on DDR4-2400 by hand", "[dram][energy]") {
  const MemSpec s = preset("ddr4-2400");
  // tCK = 2500/3 ps; 8 x8 devices; VDD 1.2 V, VPP 2.5 V.
  const Statistics st = stats_of(s, {cmd(0, Cmd::ACT), cmd(16, Cmd::RD), cmd(39, Cmd::PRE)}, 100);
  CHECK(st.ranks[0].residency[size_t(Background::ActiveStandby)] == 39);
  CHECK(st.ranks[0].residency[size_t(Background::PrechargeStandby)] == 61);
  const EnergyBreakdown e = energy(s, st);
  REQUIRE(e.modelled);
  // ACT: 8 x (1.2 V x (60.75 - 44.0) mA + 2.5 V x 4.05 mA) x 39 tCK
  //    = 8 x (20.1 + 10.125) mW x 32.5 ns = 8 x 982.3125 pJ
  CHECK(e[EnergyKind::ACT] == Approx(7858.5).epsilon(1e-12));
  // PRE: 8 x (1.2 x (60.75 - 38.25) + 2.5 x 4.05) mW x 16 tCK = 8 x 37.125 mW x 13.333 ns
  CHECK(e[EnergyKind::PRE] == Approx(3960.0).epsilon(1e-12));
  // ACT + PRE = 11.8185 nJ per rank = 1.477 nJ per device (memory-energy.md: 1.48 nJ).
  CHECK(e[EnergyKind::ACT] + e[EnergyKind::PRE] == Approx(11818.5).epsilon(1e-12));
  // RD: 8 x 1.2 V x (184.5 - 44.0) mA x 4 tCK = 8 x 168.6 mW x 3.333 ns = 8 x 562 pJ
  CHECK(e[EnergyKind::RD] == Approx(4496.0).epsilon(1e-12));
  // Background: 8 x 1.2 V x (44.0 mA x 39 + 38.25 mA x 61) tCK = 8 x (1716 + 2333.25) pJ
  CHECK(e[EnergyKind::Background] == Approx(32394.0).epsilon(1e-12));
  // I/O: 512 bits x 3.5 pJ/bit (the documented DDR4 assumption).
  CHECK(e[EnergyKind::IO] == Approx(1792.0).epsilon(1e-12));
  CHECK(e[EnergyKind::WR] == 0);
  CHECK(e[EnergyKind::REF] == 0);
  CHECK(e[EnergyKind::PowerDown] == 0);
  CHECK(e.total_pj() == Approx(7858.5 + 3960 + 4496 + 32394 + 1792).epsilon(1e-12));
}

TEST_CASE("IDD energy of REF and power-down on DDR4-2400 by hand", "[dram][energy]") {
  const MemSpec s = preset("ddr4-2400");
  const Statistics st =
      stats_of(s, {cmd(0, Cmd::REF), cmd(400, Cmd::PDE), cmd(600, Cmd::PDX)}, 1000);
  const auto& r = st.ranks[0].residency;
  // Refresh counts as active standby for tRFC = 312 (the IDD method charges IDD5 over IDD3N).
  CHECK(r[size_t(Background::ActiveStandby)] == 312);
  CHECK(r[size_t(Background::PrechargeStandby)] == 88 + 400);
  CHECK(r[size_t(Background::PrechargePowerDown)] == 200);
  CHECK(r[size_t(Background::ActivePowerDown)] == 0);
  const EnergyBreakdown e = energy(s, st);
  // REF: 8 x 1.2 V x (118 - 44) mA x 312 tCK = 8 x 88.8 mW x 260 ns = 8 x 23088 pJ
  CHECK(e[EnergyKind::REF] == Approx(184704.0).epsilon(1e-12));
  // Standby: 8 x 1.2 V x (44 mA x 312 + 38.25 mA x 488) tCK = 8 x (13728 + 18666) pJ
  CHECK(e[EnergyKind::Background] == Approx(8 * (13728.0 + 18666.0)).epsilon(1e-12));
  // Power-down: 8 x 1.2 V x 17 mA x 200 tCK = 8 x 3400 pJ
  CHECK(e[EnergyKind::PowerDown] == Approx(27200.0).epsilon(1e-12));
}

TEST_CASE("IDD energy on LPDDR4-3200 by hand: three rails, VDDQ as I/O", "[dram][energy]") {
  const MemSpec s = preset("lpddr4-3200");
  // tCK = 0.625 ns. WR->PRE = WL + BL/2 + tWR + 1 = 52; PRE->REF = tRPpb = 29.
  const Statistics st =
      stats_of(s, {cmd(0, Cmd::ACT), cmd(29, Cmd::WR), cmd(81, Cmd::PRE), cmd(110, Cmd::REF)}, 600);
  const auto& r = st.ranks[0].residency;
  CHECK(r[size_t(Background::ActiveStandby)] == 81 + 448);
  CHECK(r[size_t(Background::PrechargeStandby)] == 29 + 42);
  const EnergyBreakdown e = energy(s, st);
  // ACT: (1.8 x (3.5 - 2.25) + 1.1 x (45 - 30) + 1.1 x 0) mW x 68 tCK = 18.75 mW x 42.5 ns
  CHECK(e[EnergyKind::ACT] == Approx(796.875).epsilon(1e-12));
  // PRE: (1.8 x (3.5 - 2.0) + 1.1 x (45 - 27)) mW x 29 tCK = 22.5 mW x 18.125 ns
  CHECK(e[EnergyKind::PRE] == Approx(407.8125).epsilon(1e-12));
  // WR core: 1.1 V x (210 - 30) mA x 8 tCK = 198 mW x 5 ns (3.87 pJ/bit over 256 bits)
  CHECK(e[EnergyKind::WR] == Approx(990.0).epsilon(1e-12));
  // I/O from VDDQ: 1.1 V x (55 - 0.75) mA x 5 ns
  CHECK(e[EnergyKind::IO] == Approx(298.375).epsilon(1e-12));
  // REF: (1.8 x (10 - 2.25) + 1.1 x (90 - 30)) mW x 448 tCK = 79.95 mW x 280 ns
  CHECK(e[EnergyKind::REF] == Approx(22386.0).epsilon(1e-12));
  // Standby: 37.875 mW x 529 tCK + 34.125 mW x 71 tCK (all three rails)
  CHECK(e[EnergyKind::Background] == Approx(14036.71875).epsilon(1e-12));
}

TEST_CASE("per-bit energies match memory-energy.md", "[dram][energy]") {
  const EventEnergies d = event_energies(preset("ddr4-2400"));
  CHECK(d.rd / 512 == Approx(8.8).epsilon(0.01));  // pJ/bit, core read
  CHECK(d.wr / 512 == Approx(7.8).epsilon(0.01));
  CHECK((d.act + d.pre) / 8 == Approx(1477.3125).epsilon(1e-12));  // per x8 device
  const EventEnergies l = event_energies(preset("lpddr4-3200"));
  CHECK(l.rd / 256 == Approx(5.3).epsilon(0.01));
  CHECK(l.wr / 256 == Approx(3.9).epsilon(0.01));
  // HBM2: O'Connor et al. 2017, 3.97 pJ/bit with one 32 B access per activation.
  const EventEnergies h = event_energies(preset("hbm2"));
  CHECK((h.act + h.rd + h.io_rd) / 256 == Approx(3.97).epsilon(1e-12));
  CHECK(h.io_rd / 256 == Approx(0.22).epsilon(1e-12));
}

TEST_CASE("HBM2 per-bit energy model on a controller run", "[dram][energy]") {
  const MemSpec s = preset("hbm2");
  const AddressMapping m = default_mapping(s);
  Controller c(s, m);
  run_checked(c,
              {read_at(1, address_of(m, 0, 0, 0, 1), 0), read_at(2, address_of(m, 1, 0, 0, 1), 0),
               write_at(3, address_of(m, 1, 0, 0, 1, 4), 0)});
  const EnergyBreakdown e = c.energy();
  CHECK(e[EnergyKind::ACT] == Approx(2 * 309.76).epsilon(1e-12));
  CHECK(e[EnergyKind::RD] == Approx(2 * 650.24).epsilon(1e-12));
  CHECK(e[EnergyKind::WR] == Approx(650.24).epsilon(1e-12));
  CHECK(e[EnergyKind::IO] == Approx(3 * 56.32).epsilon(1e-12));
  CHECK(e[EnergyKind::Background] == 0);  // not modelled for HBM2
}

TEST_CASE("controller statistics are consistent with its requests", "[dram][energy]") {
  for (const std::string& name : preset_names()) {
    INFO(name);
    const MemSpec s = preset(name);
    const AddressMapping m = default_mapping(s);
    ControllerConfig cfg;
    cfg.power_down = PowerDownPolicy::Staggered;
    Controller c(s, m, cfg);
    std::vector<Request> req;
    for (uint64_t i = 0; i < 2000; ++i)
      req.push_back(
          {i, (i * 7919 % 4096) * s.arch.burst_bytes(), i % 3 == 0, Cycle(i * 20 + i / 8 * 300)});
    const RunResult r = run_checked(c, req);
    const Statistics st = c.statistics();
    CHECK(st.read_bursts() == c.requests().reads);
    CHECK(st.write_bursts() == c.requests().writes);
    // Every miss and conflict activates once; a refresh may close a row between a request's
    // ACT and its column command, costing one more ACT.
    CHECK(st.commands(Cmd::ACT) >= c.requests().misses + c.requests().conflicts);
    CHECK(st.commands(Cmd::ACT) <=
          c.requests().misses + c.requests().conflicts + st.commands(Cmd::REF) * s.arch.banks);
    for (const RankCounters& rc : st.ranks) {
      uint64_t total = 0;
      for (uint64_t v : rc.residency) total += v;
      CHECK(total == uint64_t(r.end));
    }
    uint64_t bank_reads = 0;
    for (const BankCounters& b : st.banks) bank_reads += b.reads;
    CHECK(bank_reads == st.read_bursts());
    const EnergyBreakdown e = c.energy();
    CHECK(e.total_pj() > 0);
    // The channel is the sum of its ranks.
    double ranks = 0;
    for (const RankCounters& rc : st.ranks) ranks += rank_energy(s, rc).total_pj();
    CHECK(ranks == Approx(e.total_pj()).epsilon(1e-12));
    if (s.standard != Standard::HBM2) CHECK(e[EnergyKind::PowerDown] > 0);
  }
}

TEST_CASE("counters refuse to wrap", "[dram][energy]") {
  uint64_t n = std::numeric_limits<uint64_t>::max() - 1;
  add_to(n, 1, "test counter");
  CHECK(n == std::numeric_limits<uint64_t>::max());
  CHECK_THROWS_AS(add_to(n, 1, "test counter"), apack::Error);
  CHECK_THROWS_WITH(add_to(n, 1, "test counter"), Catch::Contains("test counter"));
  CHECK_THROWS_AS(wide_mul(Wide(1) << 100, Wide(1) << 100, "energy"), apack::Error);
  CHECK_THROWS_AS(checked_mul(int64_t(1) << 40, int64_t(1) << 40, "x"), apack::Error);
}
