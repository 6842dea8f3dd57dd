// The channel-interleaving router: requests land on the channel the mapping's CHANNEL bits
// name; bytes written through the router read back (whole, split across channels, posted or
// blocking) and sit in the right channel's store at the channel-local address; AT refuses a
// transaction spanning channels; two channels double the peak and nearly double sequential
// bandwidth.
#include <catch2/catch.hpp>
#include <cstdio>
#include <memory>
#include <random>
#include <unordered_map>

#include "apack/dram/sc/memory_controller.hpp"
#include "apack/dram/sc/router.hpp"
#include "apack/dram/sc/trace_player.hpp"
#include "apack/dram/trace_gen.hpp"
#include "sc_test_util.hpp"
#include "test_initiator.hpp"

using namespace apack::dram;
using namespace apack::dram::sc;
using namespace apack::dram::sc::test;

namespace {

// A router in front of two memory controllers of a preset (default 2-channel mapping, protocol
// checking on), built inside a test's child process.
struct TwoChannels {
  explicit TwoChannels(const std::string& preset_name)
      : spec(two_channel_spec(preset_name)),
        mapping(default_mapping(spec)),
        map(spec, mapping),
        router("router", map) {
    for (uint32_t c = 0; c < 2; ++c) {
      mc.push_back(std::make_unique<MemoryController>(("mc" + std::to_string(c)).c_str(),
                                                      ChannelSetup{spec, mapping, {}, c, true}));
      router.out[c].bind(mc[c]->in);
    }
  }
  static MemSpec two_channel_spec(const std::string& preset_name) {
    prepare_kernel();  // before the first module is built
    MemSpec s = preset(preset_name);
    s.arch.channels = 2;
    return s;
  }
  MemSpec spec;
  AddressMapping mapping;
  ChannelMap map;
  Router router;
  std::vector<std::unique_ptr<MemoryController>> mc;
};

}  // namespace

TEST_CASE("default mapping interleaves channels burst by burst", "[dram_sc][router]") {
  MemSpec s = preset("ddr4-2400");
  const AddressMapping one = default_mapping(s);
  CHECK(one[Field::Channel].empty());
  s.arch.channels = 4;
  const AddressMapping four = default_mapping(s);
  REQUIRE(four[Field::Channel] == std::vector<uint8_t>{6, 7});
  four.validate(s, "default");
  const ChannelMap map(s, four);
  CHECK(map.capacity() == 4 * s.arch.channel_bytes());
  CHECK(map.channel(0x40) == 1);
  CHECK(map.channel(0xc0) == 3);
  CHECK(map.local(0x100) == 0x40);  // the 5th burst is channel 0's 2nd
  CHECK(map.valid(map.capacity() - 1));
  CHECK_FALSE(map.valid(map.capacity()));
  // A mapping with too few CHANNEL bits for the channel count is refused.
  CHECK_THROWS_AS(ChannelMap(s, one), apack::Error);
}

TEST_CASE("requests land on the channel the address mapping names", "[dram_sc][router]") {
  for (Mode mode : {Mode::LT, Mode::AT}) {
    const PlayOptions o = options_for("ddr4-2400", mode, 4);
    // Random reads and writes (some with data, some without) over all four channels, then a
    // read of every address: the per-channel counts follow AddressMapping::decode, and the
    // data read matches a functional replay.
    std::mt19937_64 rng(5);
    const uint64_t capacity = o.spec.arch.channel_bytes() * 4;
    std::vector<TraceLine> lines;
    std::vector<uint64_t> expected(4, 0);
    for (uint64_t i = 0; i < 600; ++i) {
      TraceLine l;
      l.line = i + 1;
      l.cycle = i * 3;
      l.write = i < 300;
      // Reads: any byte of a written burst.
      // Writes: a burst-aligned address, or one 60 bytes in when it carries short data.
      l.address = i < 300 ? (rng() % capacity) & ~uint64_t(63)
                          : lines[i - 300].address + rng() % 64 - (lines[i - 300].address & 63);
      if (l.write && i % 2 == 0) {
        l.data = {uint8_t(i), uint8_t(i >> 8), 0x5a};  // short data
        if (i % 4 == 0) l.address += 60;
      }
      ++expected[o.mapping.decode(l.address).channel];
      lines.push_back(l);
    }
    // Functional replay: what the reads must return.
    std::unordered_map<uint64_t, std::vector<uint8_t>> memory;
    uint64_t checksum = 0;
    for (uint64_t i = 0; i < lines.size(); ++i) {
      const uint64_t burst = lines[i].address & ~uint64_t(63);
      if (lines[i].write) {
        // Short data lands at the line's offset; the burst's other bytes keep their value.
        std::vector<uint8_t>& d = memory[burst];
        d.resize(64, 0);
        if (lines[i].data.empty())
          write_pattern(d.data(), 64, i, burst);
        else
          std::copy(lines[i].data.begin(), lines[i].data.end(),
                    d.begin() + std::ptrdiff_t(lines[i].address - burst));
      } else {
        checksum += read_hash(i, memory.at(burst).data(), 64);
      }
    }
    const Summary s = play_in_child(o, [&] { return std::make_unique<VectorTrace>(lines); });
    INFO(name(mode) << " " << s.first_violation);
    CHECK(s.channels == 4);
    for (int c = 0; c < 4; ++c) CHECK(s.channel_requests[c] == expected[size_t(c)]);
    CHECK(s.requests == 600);
    CHECK(s.read_checksum == checksum);
    CHECK(s.violations == 0);
  }
}

namespace {

struct RouterData {
  bool same_whole = false, same_split = false, same_posted = false, in_stores = false;
  tlm::tlm_response_status statuses[6] = {};
  int64_t split_delay = 0, single_delay = 0;
  uint64_t split_transactions = 0;
  uint64_t at_status = 0, at_ok_status = 0;
  uint64_t violations = 0;
  uint64_t channel_requests[2] = {};
};

}  // namespace

TEST_CASE("data written through the router reads back, in the right channel's store",
          "[dram_sc][router]") {
  const auto r = in_child<RouterData>([] {
    TwoChannels two("ddr4-2400");
    Router& router = two.router;
    auto& mc = two.mc;
    RouterData d;
    TestInitiator ini("ini", [&](TestInitiator& t) {
      // 1000 bytes from 0x1003: 17 bursts, alternating channels, split by the router.
      std::vector<uint8_t> w(1000), back(1010, 0xee), expect(1010, 0);
      for (size_t i = 0; i < w.size(); ++i) w[i] = uint8_t(i * 7 + 1);
      auto a = t.lt(tlm::TLM_WRITE_COMMAND, 0x1003, w.data(), 1000);
      d.statuses[0] = a.status;
      d.split_delay = a.delay_ps;
      wait(ps_time(a.delay_ps));
      // Read back a window 5 bytes wider on each side: the edges were never written (zero).
      a = t.lt(tlm::TLM_READ_COMMAND, 0x1003 - 5, back.data(), 1010);
      d.statuses[1] = a.status;
      wait(ps_time(a.delay_ps));
      std::copy(w.begin(), w.end(), expect.begin() + 5);
      d.same_split = back == expect;
      // A single burst: no split, a shorter delay than the 17-burst transaction.
      std::vector<uint8_t> one(64);
      a = t.lt(tlm::TLM_READ_COMMAND, 0x1000, one.data(), 64);
      d.statuses[2] = a.status;
      d.single_delay = a.delay_ps;
      d.same_whole = std::equal(one.begin() + 3, one.end(), w.begin());
      wait(ps_time(a.delay_ps));
      // Posted write of 256 bytes (4 bursts, 2 channels), then a blocking read.
      std::vector<uint8_t> pw(256), pr(256);
      for (size_t i = 0; i < pw.size(); ++i) pw[i] = uint8_t(255 - i);
      a = t.lt(tlm::TLM_WRITE_COMMAND, 0x20000, pw.data(), 256, true);
      d.statuses[3] = a.status;
      a = t.lt(tlm::TLM_READ_COMMAND, 0x20000, pr.data(), 256, false, a.delay_ps);
      d.statuses[4] = a.status;
      d.same_posted = pr == pw;
      wait(ps_time(a.delay_ps));
      // AT: 128 bytes span both channels: refused; 64 bytes in one channel: served.
      tlm::tlm_generic_payload across, inside;
      std::vector<uint8_t> buf(128);
      for (auto* p : {&across, &inside}) {
        p->set_command(tlm::TLM_READ_COMMAND);
        p->set_address(0x1000);
        p->set_data_ptr(buf.data());
        p->set_streaming_width(0);
      }
      across.set_data_length(128);
      inside.set_data_length(64);
      t.at_begin(across);
      t.at_begin(inside);
      t.at_wait_all();
      d.at_status = uint64_t(t.at[0].status);
      d.at_ok_status = uint64_t(t.at[1].status);
    });
    ini.out.bind(router.in);
    sc_core::sc_start();
    // Channel-local address in the default 2-channel mapping: bits 0-5 stay, channel bit 6 goes.
    bool in_stores = true;
    for (uint64_t a = 0x1003; a < 0x1003 + 1000; ++a) {
      const uint32_t c = uint32_t((a >> 6) & 1);
      const uint64_t local = (a & 63) | ((a >> 7) << 6);
      uint8_t byte = 0;
      mc[c]->store().read(local, &byte, 1);
      in_stores &= byte == uint8_t((a - 0x1003) * 7 + 1);
    }
    d.in_stores = in_stores;
    d.split_transactions = router.split_transactions();
    for (uint32_t c = 0; c < 2; ++c) {
      mc[c]->finish(now_ps());
      d.violations += mc[c]->protocol_violations();
      d.channel_requests[c] = mc[c]->stats().requests;
    }
    return d;
  });
  INFO(r.message);
  REQUIRE_FALSE(r.failed);
  const RouterData& d = r.value;
  for (int i = 0; i < 5; ++i) CHECK(d.statuses[i] == tlm::TLM_OK_RESPONSE);
  CHECK(d.same_split);
  CHECK(d.same_whole);
  CHECK(d.same_posted);
  CHECK(d.in_stores);
  CHECK(d.split_transactions == 4);  // write, read, posted write, read (the AT one is refused)
  CHECK(d.single_delay < d.split_delay);
  CHECK(d.at_status == uint64_t(tlm::TLM_BURST_ERROR_RESPONSE));
  CHECK(d.at_ok_status == uint64_t(tlm::TLM_OK_RESPONSE));
  // 16 (0x1003..0x13ea) + 17 (0xffe..0x13ef) + 1 + 4 + 4 + 1 bursts, split about evenly.
  CHECK(d.channel_requests[0] + d.channel_requests[1] == 43);
  CHECK(d.channel_requests[0] >= 20);
  CHECK(d.channel_requests[1] >= 20);
  CHECK(d.violations == 0);
}

TEST_CASE("two channels double the peak and nearly double sequential bandwidth",
          "[dram_sc][router]") {
  for (const char* preset_name : {"ddr4-2400", "hbm2"})
    for (Mode mode : {Mode::LT, Mode::AT}) {
      Summary s[2];
      for (uint32_t channels : {1u, 2u}) {
        const PlayOptions o = options_for(preset_name, mode, channels);
        GenOptions g;
        g.pattern = Pattern::Sequential;
        g.requests = 40000;
        g.burst_bytes = o.spec.arch.burst_bytes();
        g.spacing = 0;  // every request at cycle 0: the memory sets the pace
        g.span = o.spec.arch.channel_bytes();
        s[channels - 1] = play_in_child(o, [&] { return std::make_unique<TraceGenerator>(g); });
      }
      std::printf("%s %s sequential: 1 channel %.2f of %.2f GB/s, 2 channels %.2f of %.2f GB/s\n",
                  preset_name, name(mode), s[0].bandwidth_GBps, s[0].peak_GBps, s[1].bandwidth_GBps,
                  s[1].peak_GBps);
      INFO(preset_name << " " << name(mode));
      CHECK(s[1].peak_GBps == Approx(2 * s[0].peak_GBps));
      CHECK(s[1].bandwidth_GBps > 1.9 * s[0].bandwidth_GBps);
      CHECK(s[1].bandwidth_GBps <= s[1].peak_GBps);
      CHECK(s[1].channel_requests[0] == 20000);
      CHECK(s[1].channel_requests[1] == 20000);
      CHECK(s[0].violations + s[1].violations == 0);
    }
}

namespace {

struct AtThroughRouter {
  uint64_t ok = 0, answered = 0, exclusion_violations = 0, violations = 0;
  uint64_t channel_requests[2] = {};
  bool data_ok = false;
};

}  // namespace

TEST_CASE("AT through the router: responses of two channels wait for a slow initiator",
          "[dram_sc][router]") {
  const auto r = in_child<AtThroughRouter>([] {
    TwoChannels two("hbm2");
    Router& router = two.router;
    auto& mc = two.mc;
    constexpr int kN = 64;
    std::vector<tlm::tlm_generic_payload> p(kN);
    std::vector<std::vector<uint8_t>> data(kN, std::vector<uint8_t>(32));
    AtThroughRouter a;
    TestInitiator ini("ini", [&](TestInitiator& t) {
      // Every other response is ended 5 ns late; both channels answer meanwhile.
      t.end_resp_later = true;
      for (int i = 0; i < kN; ++i) {
        const bool write = i < kN / 2;
        const int k = i % (kN / 2);
        for (int b = 0; b < 32; ++b) data[size_t(i)][size_t(b)] = write ? uint8_t(k + 3 * b) : 0;
        p[size_t(i)].set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
        p[size_t(i)].set_address(uint64_t(k) * 32 * 5);  // bursts 0, 5, 10...: both channels
        p[size_t(i)].set_data_ptr(data[size_t(i)].data());
        p[size_t(i)].set_data_length(32);
        p[size_t(i)].set_streaming_width(32);
        t.at_begin(p[size_t(i)]);
      }
      t.at_wait_all();
      bool same = true;
      for (int i = kN / 2; i < kN; ++i) same &= data[size_t(i)] == data[size_t(i - kN / 2)];
      a.data_ok = same;
      for (const auto& x : t.at) {
        a.ok += x.status == tlm::TLM_OK_RESPONSE;
        a.answered += x.response_ps >= 0;
      }
      a.exclusion_violations = t.response_exclusion_violations;
    });
    ini.out.bind(router.in);
    sc_core::sc_start();
    for (uint32_t c = 0; c < 2; ++c) {
      mc[c]->finish(now_ps());
      a.violations += mc[c]->protocol_violations();
      a.channel_requests[c] = mc[c]->stats().requests;
    }
    return a;
  });
  INFO(r.message);
  REQUIRE_FALSE(r.failed);
  const AtThroughRouter& a = r.value;
  CHECK(a.answered == 64);
  CHECK(a.ok == 64);
  CHECK(a.exclusion_violations == 0);
  CHECK(a.data_ok);
  CHECK(a.channel_requests[0] == 32);
  CHECK(a.channel_requests[1] == 32);
  CHECK(a.violations == 0);
}
