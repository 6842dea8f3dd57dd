// Throughput under load: sequential reads against peak bandwidth (with the default mapping and
// with DRAMSys's row-bank-column mapping), the cost of refresh against tRFC/tREFI, and random
// reads against the activation limits tRC, tRRD and tFAW predict.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <random>

#include "apack/dram/memspec_json.hpp"
#include "dram_test_util.hpp"

using namespace apack::dram;
using namespace apack::dram::test;

namespace {

double sequential_fraction(const MemSpec& s, const AddressMapping& m, ControllerConfig cfg,
                           size_t bursts) {
  cfg.record_log = true;
  Controller c(s, m, cfg);
  const RunResult r = run_checked(c, sequential_reads(s, bursts));
  return fraction_of_peak(s, bursts, r.end);
}

}  // namespace

TEST_CASE("sequential reads on one DDR4-2400 channel reach >= 90% of peak", "[dram][bandwidth]") {
  const MemSpec s = preset("ddr4-2400");
  // 150 000 bursts (9.6 MB) span about 64 refresh intervals.
  const double f = sequential_fraction(s, default_mapping(s), {}, 150000);
  std::printf("ddr4-2400 sequential, default mapping: %.1f%% of peak\n", 100 * f);
  CHECK(f >= 0.90);
  CHECK(f <= 1.0);
}

TEST_CASE("sequential reads with DRAMSys's row-bank-column DDR4 mapping stay near 61%",
          "[dram][bandwidth]") {
  // Consecutive bursts stay in one bank group, so tCCD_L = 6 > BL/2 = 4 caps them at 4/6, and
  // each new row costs a precharge and an activation (memory-energy.md: 61%).
  const MemSpec s = preset("ddr4-2400");
  const AddressMapping m = load_address_mapping(data_file("am_ddr4_8x4Gbx8_dimm_p1KB_brc.json"));
  const double f = sequential_fraction(s, m, {}, 60000);
  std::printf("ddr4-2400 sequential, DRAMSys brc mapping: %.1f%% of peak\n", 100 * f);
  CHECK(f > 0.57);
  CHECK(f < 4.0 / 6.0);
}

TEST_CASE("sequential reads on LPDDR4-3200 and HBM2 with the default mappings",
          "[dram][bandwidth]") {
  for (const char* name : {"lpddr4-3200", "hbm2"}) {
    const MemSpec s = preset(name);
    const double f = sequential_fraction(s, default_mapping(s), {}, 100000);
    std::printf("%s sequential, default mapping: %.1f%% of peak\n", name, 100 * f);
    INFO(name);
    CHECK(f >= 0.85);
    CHECK(f <= 1.0);
  }
}

TEST_CASE("refresh costs about tRFC/tREFI of sequential bandwidth", "[dram][bandwidth][refresh]") {
  for (const char* name : {"ddr4-2400", "lpddr4-3200", "hbm2"}) {
    const MemSpec s = preset(name);
    const AddressMapping m = default_mapping(s);
    ControllerConfig none;
    none.refresh = RefreshPolicy::NoRefresh;
    const size_t bursts = 150000;
    const double with = sequential_fraction(s, m, {}, bursts);
    const double without = sequential_fraction(s, m, none, bursts);
    const double overhead = 1 - with / without;
    const double predicted = double(s.refresh_cycle()) / double(s.refresh_interval());
    std::printf("%s refresh overhead: %.2f%% (tRFC/tREFI = %.2f%%)\n", name, 100 * overhead,
                100 * predicted);
    INFO(name << ": overhead " << overhead << ", tRFC/tREFI " << predicted);
    // The refresh itself, plus reopening the rows it closed: a little above tRFC/tREFI.
    CHECK(overhead > 0.8 * predicted);
    CHECK(overhead < 1.6 * predicted);
  }
}

TEST_CASE("refresh: one REF per tREFI per rank, never late", "[dram][refresh]") {
  for (const char* name : {"ddr4-2400", "lpddr4-3200", "hbm2"}) {
    INFO(name);
    const MemSpec s = preset(name);
    Controller c(s, default_mapping(s));
    const Cycle end = 20 * s.refresh_interval() + s.arch.ranks;
    c.advance_to(end);
    const Statistics st = c.statistics();
    for (uint32_t r = 0; r < s.arch.ranks; ++r) CHECK(st.ranks[r].commands[size_t(Cmd::REF)] == 20);
    // An idle channel refreshes on time (ranks one command-bus cycle apart).
    for (const Command& cmd : c.log()) {
      REQUIRE(cmd.cmd == Cmd::REF);
      CHECK(cmd.time % s.refresh_interval() == cmd.at.rank);
    }
    require_legal(c, end);
  }
}

namespace {

struct RandomLimit {
  const char* preset;
  double predicted;  // cycles per request
  const char* why;
};

// Random reads hit a different row almost every time, so each needs PRE + ACT + RD. The rate
// of activations is bounded per rank by tFAW/4 and tRRD, per bank by tRC over the banks, and
// by the command bus (DDR4, LPDDR4: 3 commands per request; HBM2: 2 row commands per request
// on the row bus shared by both pseudo channels).
const RandomLimit kRandom[] = {
    {"ddr4-2400", 26.0 / 4, "tFAW/4 = 6.5 > tRRD_S 4, tRC/16 = 3.4, 3 commands"},
    {"lpddr4-3200", 16.0, "tFAW/4 = tRRD = 16 > tRCpb/8 = 12.1"},
    {"hbm2", 2.0, "per pseudo channel tFAW/4 = tRRDS = 4, two pseudo channels: 2; row bus: 2"},
};

}  // namespace

TEST_CASE("random reads are limited as tRC, tRRD and tFAW predict", "[dram][bandwidth]") {
  for (const RandomLimit& l : kRandom) {
    const MemSpec s = preset(l.preset);
    const AddressMapping m = default_mapping(s);
    std::mt19937_64 rng(7);
    std::uniform_int_distribution<uint64_t> pick(0,
                                                 s.arch.channel_bytes() / s.arch.burst_bytes() - 1);
    const size_t n = 30000;
    std::vector<Request> req;
    for (size_t i = 0; i < n; ++i) req.push_back(read_at(i, pick(rng) * s.arch.burst_bytes(), 0));
    Controller c(s, m);
    const RunResult r = run_checked(c, req);
    const double per_request = double(r.end) / double(n);
    std::printf("%s random reads: %.2f cycles/request (limit %.2f: %s), %.1f%% of peak\n", l.preset,
                per_request, l.predicted, l.why, 100 * fraction_of_peak(s, n, r.end));
    INFO(l.preset << ": " << per_request << " cycles per request, predicted " << l.predicted);
    CHECK(per_request >= l.predicted);  // faster would break a timing constraint
    CHECK(per_request <= 1.3 * l.predicted);
    CHECK(c.requests().hits < n / 50);
  }
}
