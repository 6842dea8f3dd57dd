// Blocking LT through the memory-controller module: the annotated delay of a read is the
// DRAM's latency converted exactly from cycles to ps (miss: tRCD + CL + burst; hit: CL + burst;
// conflict: tRP + tRCD + CL + burst), for DDR4-2400 (tCK 2500/3 ps), LPDDR4-3200 and HBM2.
#include <catch2/catch.hpp>

#include "apack/dram/sc/memory_controller.hpp"
#include "sc_test_util.hpp"
#include "test_initiator.hpp"

using namespace apack::dram;
using namespace apack::dram::sc;
using namespace apack::dram::sc::test;

namespace {

struct Delays {
  int64_t miss = 0, hit = 0, conflict = 0;
  uint64_t violations = 0, checked_commands = 0;
  tlm::tlm_response_status status[3] = {};
};

uint64_t address_of(const AddressMapping& m, uint32_t row, uint32_t column) {
  DecodedAddress d;
  d.row = row;
  d.column = column;
  return m.encode(d);
}

Delays measure(const MemSpec& spec) {
  return in_child<Delays>([&] {
           prepare_kernel();
           const ChannelSetup setup{spec, default_mapping(spec), {}, 0, true};
           MemoryController mc("mc", setup);
           Delays d;
           const uint64_t burst = spec.arch.burst_length;
           TestInitiator ini("ini", [&](TestInitiator& t) {
             uint8_t data[64] = {};
             const uint32_t n = spec.arch.burst_bytes();
             // Row 0, column 0: the bank is precharged (miss).
             auto a = t.lt(tlm::TLM_READ_COMMAND, address_of(setup.mapping, 0, 0), data, n);
             d.miss = a.delay_ps;
             d.status[0] = a.status;
             wait(ps_time(a.delay_ps));
             // The next burst of the same row (hit).
             a = t.lt(tlm::TLM_READ_COMMAND, address_of(setup.mapping, 0, uint32_t(burst)), data,
                      n);
             d.hit = a.delay_ps;
             d.status[1] = a.status;
             wait(ps_time(a.delay_ps));
             // Another row of the same bank (conflict).
             a = t.lt(tlm::TLM_READ_COMMAND, address_of(setup.mapping, 1, 0), data, n);
             d.conflict = a.delay_ps;
             d.status[2] = a.status;
           });
           ini.out.bind(mc.in);
           sc_core::sc_start();
           mc.finish(now_ps());
           d.violations = mc.protocol_violations();
           d.checked_commands = mc.checker()->commands();
           return d;
         })
      .value;
}

void check_latencies(const std::string& name, Cycle rcd, Cycle rp) {
  const MemSpec spec = preset(name);
  const Delays d = measure(spec);
  const ClockPeriod& tck = spec.tck;
  const Cycle rl = spec.read_latency(), burst = spec.arch.burst_cycles();
  INFO(name);
  for (auto s : d.status) CHECK(s == tlm::TLM_OK_RESPONSE);
  // Each read is offered when the previous one returned, at a time in whole ps; the delays
  // are exact conversions of the cycle counts (DDR4: 36 cycles = 30000 ps exactly).
  const Cycle t1 = rcd + rl + burst;
  CHECK(d.miss == tck.ceil_ps(t1));
  const Cycle a2 = tck.ceil_cycles(d.miss), t2 = a2 + rl + burst;
  CHECK(d.hit == tck.ceil_ps(t2) - d.miss);
  const int64_t offer3 = d.miss + d.hit;
  const Cycle a3 = tck.ceil_cycles(offer3), t3 = a3 + rp + rcd + rl + burst;
  CHECK(d.conflict == tck.ceil_ps(t3) - offer3);
  CHECK(d.checked_commands >= 5);  // ACT RD RD PRE ACT RD
  CHECK(d.violations == 0);
}

}  // namespace

TEST_CASE("blocking LT read latency through the module: DDR4-2400", "[dram_sc][latency]") {
  const MemSpec s = preset("ddr4-2400");
  check_latencies("ddr4-2400", s.t("RCD"), s.t("RP"));
  // The figures of docs/dram.md: 36 cycles of 2500/3 ps = 30 ns exactly.
  CHECK(measure(s).miss == 30000);
}

TEST_CASE("blocking LT read latency through the module: LPDDR4-3200 and HBM2",
          "[dram_sc][latency]") {
  const MemSpec l = preset("lpddr4-3200");
  check_latencies("lpddr4-3200", l.t("RCD"), l.t("RPPB"));
  const MemSpec h = preset("hbm2");
  check_latencies("hbm2", h.t("RCDRD"), h.t("RP"));
}
