// LT (posted b_transport, temporal decoupling) and AT (4-phase nb_transport) on the same
// traces: the same requests, bandwidth within 2% (the design makes them equal), the same read
// data, which is also what a plain functional replay of the trace reads; protocol checker on.
#include <catch2/catch.hpp>
#include <cstdio>
#include <memory>
#include <unordered_map>

#include "apack/dram/sc/trace_player.hpp"
#include "apack/dram/trace_gen.hpp"
#include "sc_test_util.hpp"

using namespace apack::dram;
using namespace apack::dram::sc;
using namespace apack::dram::sc::test;

namespace {

GenOptions pattern_options(const MemSpec& s, const std::string& pattern, uint64_t n) {
  GenOptions g;
  g.requests = n;
  g.burst_bytes = s.arch.burst_bytes();
  g.spacing = 1;  // one request per ns: faster than any preset serves them
  g.seed = 11;
  g.span = s.arch.channel_bytes() * s.arch.channels;
  if (pattern == "sequential") {
    g.pattern = Pattern::Sequential;
  } else if (pattern == "random") {
    g.pattern = Pattern::Random;
  } else {
    // Mixed: reads and writes over 2048 bursts, so most reads find data an earlier write left.
    g.pattern = Pattern::Random;
    g.write_fraction = 0.4;
    g.span = 2048 * g.burst_bytes;
  }
  return g;
}

// What the trace reads when every request sees exactly the writes before it.
struct Reference {
  uint64_t checksum = 0;
  uint64_t reads_of_written = 0;
};

Reference functional_replay(const GenOptions& g) {
  TraceGenerator trace(g);
  std::unordered_map<uint64_t, std::vector<uint8_t>> memory;
  Reference ref;
  TraceLine line;
  std::vector<uint8_t> zero(g.burst_bytes, 0);
  for (uint64_t index = 0; trace.next(line); ++index) {
    const uint64_t burst = line.address & ~(g.burst_bytes - 1);
    if (line.write) {
      std::vector<uint8_t> d(g.burst_bytes);
      write_pattern(d.data(), d.size(), index, burst);
      memory[burst] = d;
    } else {
      auto it = memory.find(burst);
      const std::vector<uint8_t>& d = it == memory.end() ? zero : it->second;
      ref.reads_of_written += it != memory.end();
      ref.checksum += read_hash(index, d.data(), d.size());
    }
  }
  return ref;
}

void compare(const std::string& preset_name, const std::string& pattern, uint64_t n) {
  Summary lt, at;
  GenOptions g;
  for (Mode mode : {Mode::LT, Mode::AT}) {
    const PlayOptions o = options_for(preset_name, mode);
    g = pattern_options(o.spec, pattern, n);
    const Summary s = play_in_child(o, [&] { return std::make_unique<TraceGenerator>(g); });
    (mode == Mode::LT ? lt : at) = s;
  }
  const Reference ref = functional_replay(g);
  std::printf("%-11s %-10s LT %.3f GB/s, AT %.3f GB/s, %llu requests, %llu reads of written data\n",
              preset_name.c_str(), pattern.c_str(), lt.bandwidth_GBps, at.bandwidth_GBps,
              static_cast<unsigned long long>(lt.requests),
              static_cast<unsigned long long>(ref.reads_of_written));
  INFO(preset_name << " " << pattern);
  INFO(lt.first_violation << at.first_violation);
  CHECK(lt.violations == 0);
  CHECK(at.violations == 0);
  CHECK(lt.requests == n);
  CHECK(at.requests == n);
  CHECK(lt.reads == at.reads);
  CHECK(lt.writes == at.writes);
  CHECK(lt.bytes == at.bytes);
  CHECK(at.bandwidth_GBps == Approx(lt.bandwidth_GBps).epsilon(0.02));
  CHECK(lt.read_checksum == at.read_checksum);
  // The same DRAM commands and so the same energy; one column command per request.
  for (int k = 0; k < kCmdCount; ++k) CHECK(lt.commands[k] == at.commands[k]);
  CHECK(at.energy_pj == Approx(lt.energy_pj));
  CHECK(lt.energy_pj > 0);
  CHECK(lt.commands[int(Cmd::RD)] + lt.commands[int(Cmd::RDA)] == lt.reads);
  CHECK(lt.commands[int(Cmd::WR)] + lt.commands[int(Cmd::WRA)] == lt.writes);
  CHECK(lt.row_hits + lt.row_misses + lt.row_conflicts == n);
  CHECK(at.avg_latency_ns == Approx(lt.avg_latency_ns));
  CHECK(at.p99_latency_ns == Approx(lt.p99_latency_ns));
  CHECK(lt.read_checksum == ref.checksum);
  if (pattern == "mixed") {
    CHECK(lt.writes > n / 4);
    CHECK(ref.reads_of_written > lt.reads / 2);
  }
  // A saturating trace keeps the memory busy: bandwidth well above zero, below peak.
  CHECK(lt.bandwidth_GBps > 0.2 * lt.peak_GBps);
  CHECK(lt.bandwidth_GBps <= lt.peak_GBps);
}

}  // namespace

TEST_CASE("LT and AT agree on DDR4-2400: sequential, random, mixed", "[dram_sc][lt_at]") {
  for (const char* pattern : {"sequential", "random", "mixed"})
    compare("ddr4-2400", pattern, 20000);
}

TEST_CASE("LT and AT agree on HBM2: sequential, random, mixed", "[dram_sc][lt_at]") {
  for (const char* pattern : {"sequential", "random", "mixed"}) compare("hbm2", pattern, 20000);
}

TEST_CASE("LT and AT agree on LPDDR4-3200: sequential, random, mixed", "[dram_sc][lt_at]") {
  for (const char* pattern : {"sequential", "random", "mixed"})
    compare("lpddr4-3200", pattern, 10000);
}

TEST_CASE("progress every 65536 requests, report figures", "[dram_sc][lt_at]") {
  const PlayOptions base = options_for("ddr4-2400", Mode::LT);
  GenOptions g = pattern_options(base.spec, "sequential", 140000);
  const auto r = in_child<Summary>([&] {
    PlayOptions o = base;
    Summary s;
    o.progress = [&](uint64_t n) {
      ++s.progress_calls;
      s.last_progress = n;
    };
    TraceGenerator t(g);
    const Summary got = summarize(play_trace(o, t));
    const uint64_t calls = s.progress_calls, last = s.last_progress;
    s = got;
    s.progress_calls = calls;
    s.last_progress = last;
    return s;
  });
  INFO(r.message);
  REQUIRE_FALSE(r.failed);
  const Summary& s = r.value;
  CHECK(s.progress_calls == 2);
  CHECK(s.last_progress == 131072);
  CHECK(s.wall_seconds > 0);
  // Sequential reads at one per ns keep one DDR4-2400 channel near its 19.2 GB/s peak
  // (docs/dram.md: 96.3% from the core alone).
  CHECK(s.peak_GBps == Approx(19.2));
  CHECK(s.bandwidth_GBps > 0.95 * s.peak_GBps);
  CHECK(s.bytes == 140000 * 64);
  CHECK(s.total_time_ps == Approx(1e3 * s.bytes / s.bandwidth_GBps));
  // Latency grows under saturation but the p99 lies between the average and the maximum.
  CHECK(s.p99_latency_ns >= s.avg_latency_ns);
  CHECK(s.p99_latency_ns <= s.max_latency_ns);
  CHECK(s.violations == 0);
}

TEST_CASE("a trace line with part of a burst's data writes just those bytes", "[dram_sc][lt_at]") {
  // A full burst of 0x11 at 0x40, then 4 bytes at 0x48 (offset 8): the read of 0x40 must see
  // the 0x11 bytes around the 4 new ones, in LT and in AT.
  const uint32_t burst = preset("ddr4-2400").arch.burst_bytes();
  std::vector<TraceLine> lines(3);
  lines[0] = {1, 0, true, 0x40, std::vector<uint8_t>(burst, 0x11)};
  lines[1] = {2, 10, true, 0x48, {0xaa, 0xbb, 0xcc, 0xdd}};
  lines[2] = {3, 20, false, 0x40, {}};
  std::vector<uint8_t> expected(burst, 0x11);
  for (int i = 0; i < 4; ++i) expected[size_t(8 + i)] = uint8_t(0xaa + 0x11 * i);
  const uint64_t want = read_hash(2, expected.data(), expected.size());
  for (Mode mode : {Mode::LT, Mode::AT}) {
    INFO(name(mode));
    const Summary s = play_in_child(options_for("ddr4-2400", mode),
                                    [&] { return std::make_unique<VectorTrace>(lines); });
    CHECK(s.requests == 3);
    CHECK(s.read_checksum == want);
  }
}
