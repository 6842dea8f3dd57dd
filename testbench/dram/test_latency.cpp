// Unloaded latencies, per preset, against the datasheet sums: a read that finds its bank
// precharged costs tRCD + RL + BL/2, a row hit RL + BL/2, a row conflict tRP + tRCD + RL + BL/2
// (writes likewise with WL and, on HBM2, tRCDWR). Latency runs from the request's arrival to
// the last data beat.
#include <catch2/catch.hpp>

#include "dram_test_util.hpp"

using namespace apack::dram;
using namespace apack::dram::test;

namespace {

struct Expected {
  const char* preset;
  Cycle rcd_rd, rcd_wr, rp;
};

// The timings, restated from memory-energy.md so a wrong preset value fails here.
const Expected kPresets[] = {
    {"ddr4-2400", 16, 16, 16},    // tRCD 16, tRP 16
    {"lpddr4-3200", 29, 29, 29},  // tRCD 29, tRPpb 29
    {"hbm2", 12, 6, 14},          // tRCDRD 12, tRCDWR 6, tRP 14
};

Cycle latency_of(Controller& c, const Request& r) {
  REQUIRE(c.try_enqueue(r));
  c.drain();
  auto done = c.take_completions();
  REQUIRE(done.size() == 1);
  c.advance_to(done[0].done);
  return done[0].latency();
}

}  // namespace

TEST_CASE("unloaded latency: miss, hit and conflict per preset", "[dram][latency]") {
  for (const Expected& e : kPresets) {
    const MemSpec s = preset(e.preset);
    const AddressMapping m = default_mapping(s);
    Controller c(s, m);
    const Cycle rl = s.read_latency(), wl = s.write_latency(), burst = s.arch.burst_cycles();
    INFO(e.preset);
    // Times well apart (every request done before the next) and before the first refresh.
    const uint64_t a = address_of(m, 0, 1, 2, 100),
                   same_row = address_of(m, 0, 1, 2, 100, 8 * s.arch.burst_length % s.arch.columns);
    const uint64_t other_row = address_of(m, 0, 1, 2, 200);
    CHECK(latency_of(c, read_at(1, a, 100)) == e.rcd_rd + rl + burst);
    CHECK(latency_of(c, read_at(2, same_row, 300)) == rl + burst);
    CHECK(latency_of(c, read_at(3, other_row, 500)) == e.rp + e.rcd_rd + rl + burst);
    CHECK(latency_of(c, write_at(4, other_row, 700)) == wl + burst);
    CHECK(latency_of(c, write_at(5, a, 900)) == e.rp + e.rcd_wr + wl + burst);
    // A different bank, precharged: a write miss.
    CHECK(latency_of(c, write_at(6, address_of(m, 0, 0, 1, 5), 1100)) == e.rcd_wr + wl + burst);
    const auto& k = c.requests();
    CHECK(k.hits == 2);
    CHECK(k.misses == 2);
    CHECK(k.conflicts == 2);
    require_legal(c, c.now());
  }
}

TEST_CASE("DDR4-2400 unloaded latencies in nanoseconds", "[dram][latency]") {
  // tCK = 2500/3 ps exactly: a miss is 16 + 16 + 4 = 36 cycles = 30 ns.
  const MemSpec s = preset("ddr4-2400");
  CHECK(s.tck == ClockPeriod::picoseconds(2500, 3));
  CHECK(s.tck.floor_ps(36) == 30000);
  CHECK(s.tck.ceil_ps(1) == 834);
  CHECK(s.tck.floor_ps(1) == 833);
  CHECK(s.tck.ceil_cycles(30000) == 36);
  CHECK(s.tck.ceil_cycles(30001) == 37);
  CHECK(s.tck.floor_cycles(30001) == 36);
  CHECK(s.tck.floor_ps(int64_t(1) << 40) == int64_t((__int128(1) << 40) * 2500 / 3));
}

TEST_CASE("closed-page policy: every access auto-precharges and misses", "[dram][latency]") {
  const MemSpec s = preset("ddr4-2400");
  const AddressMapping m = default_mapping(s);
  ControllerConfig cfg;
  cfg.page = PagePolicy::Closed;
  Controller c(s, m, cfg);
  const uint64_t a = address_of(m, 0, 0, 0, 7);
  CHECK(latency_of(c, read_at(1, a, 100)) == 16 + 16 + 4);
  // The same row again: closed in between, so a miss again, not a hit.
  CHECK(latency_of(c, read_at(2, a + 64 * 4, 300)) == 16 + 16 + 4);
  CHECK(latency_of(c, write_at(3, a, 500)) == 16 + 16 + 4);
  CHECK(c.statistics().commands(Cmd::RDA) == 2);
  CHECK(c.statistics().commands(Cmd::WRA) == 1);
  CHECK(c.statistics().commands(Cmd::PRE) == 0);
  CHECK(c.requests().misses == 3);
  require_legal(c, c.now());
}

TEST_CASE("power-down: idle ranks power down, a request pays tXP to wake them", "[dram][latency]") {
  for (const char* name : {"ddr4-2400", "lpddr4-3200", "hbm2"}) {
    INFO(name);
    const MemSpec s = preset(name);
    const AddressMapping m = default_mapping(s);
    ControllerConfig cfg;
    cfg.power_down = PowerDownPolicy::Staggered;
    Controller c(s, m, cfg);
    const Cycle rcd = s.has("RCD") ? s.t("RCD") : s.t("RCDRD");
    // Idle from 0: precharge power-down after the timeout; the request wakes the rank.
    CHECK(latency_of(c, read_at(1, address_of(m, 0, 0, 0, 3), 500)) ==
          s.t("XP") + rcd + s.read_latency() + s.arch.burst_cycles());
    c.advance_to(1000);
    const Statistics st = c.statistics();
    CHECK(st.commands(Cmd::PDE) >= 1);
    CHECK(st.commands(Cmd::PDX) >= 1);
    // Rank 0 slept from cfg.power_down_timeout to 500.
    CHECK(st.ranks[0].residency[size_t(Background::PrechargePowerDown)] >=
          uint64_t(500 - cfg.power_down_timeout));
    CHECK(st.ranks[0].residency[size_t(Background::ActivePowerDown)] > 0);  // open row after
    require_legal(c, c.now());
  }
}
