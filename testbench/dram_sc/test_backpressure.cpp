// Back-pressure: with a request buffer of one entry and two active requests, AT requests get
// END_REQ later through nb_transport_bw, nothing is lost, every request completes with the
// right data, the response exclusion rule holds with a slow initiator; LT and AT agree.
#include <catch2/catch.hpp>
#include <memory>

#include "apack/dram/sc/memory_controller.hpp"
#include "apack/dram/trace_gen.hpp"
#include "sc_test_util.hpp"
#include "test_initiator.hpp"

using namespace apack::dram;
using namespace apack::dram::sc;
using namespace apack::dram::sc::test;

namespace {

ControllerConfig tiny() {
  ControllerConfig c;
  c.buffer = BufferPolicy::Shared;
  c.buffer_size = 1;
  c.max_active = 2;
  return c;
}

struct BackPressure {
  uint64_t transactions = 0, end_req_later = 0, ok = 0, answered = 0;
  uint64_t end_req_after_begin = 0, response_after_end_req = 0, responses_in_order_of_time = 0;
  bool data_ok = false;
  uint64_t rejected = 0, violations = 0, requests = 0;
};

}  // namespace

TEST_CASE("AT back-pressure with a one-entry buffer: END_REQ delayed, nothing lost",
          "[dram_sc][backpressure]") {
  const auto r = in_child<BackPressure>([] {
    prepare_kernel();
    const MemSpec spec = preset("ddr4-2400");
    MemoryController mc("mc", ChannelSetup{spec, default_mapping(spec), tiny(), 0, true});
    constexpr int kN = 48;
    std::vector<tlm::tlm_generic_payload> p(kN);
    std::vector<std::vector<uint8_t>> data(kN, std::vector<uint8_t>(64));
    BackPressure b;
    TestInitiator ini("ini", [&](TestInitiator& t) {
      t.end_resp_later = true;
      // 24 writes to scattered addresses, then reads of the same addresses, back to back.
      for (int i = 0; i < kN; ++i) {
        const uint64_t address = uint64_t((i % 24) * 0x12345 + 7) * 64 % spec.arch.channel_bytes();
        const bool write = i < 24;
        for (int k = 0; k < 64; ++k) data[size_t(i)][size_t(k)] = write ? uint8_t(i * 31 + k) : 0;
        p[size_t(i)].set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
        p[size_t(i)].set_address(address);
        p[size_t(i)].set_data_ptr(data[size_t(i)].data());
        p[size_t(i)].set_data_length(64);
        p[size_t(i)].set_streaming_width(64);
        t.at_begin(p[size_t(i)]);
      }
      t.at_wait_all();
      bool same = true;
      for (int i = 24; i < kN; ++i) same &= data[size_t(i)] == data[size_t(i - 24)];
      b.data_ok = same;
      for (const auto& a : t.at) {
        ++b.transactions;
        b.end_req_later += a.end_req_later;
        b.end_req_after_begin += a.end_req_later && a.end_req_ps > a.begin_ps;
        b.response_after_end_req += a.response_ps > a.end_req_ps && a.end_req_ps >= a.begin_ps;
        b.ok += a.status == tlm::TLM_OK_RESPONSE;
        b.answered += a.response_ps >= 0;
      }
    });
    ini.out.bind(mc.in);
    sc_core::sc_start();
    mc.finish(now_ps());
    b.rejected = mc.stats().rejected;
    b.violations = mc.protocol_violations();
    b.requests = mc.stats().requests;
    return b;
  });
  INFO(r.message);
  REQUIRE_FALSE(r.failed);
  const BackPressure& b = r.value;
  CHECK(b.transactions == 48);
  CHECK(b.answered == 48);
  CHECK(b.ok == 48);
  CHECK(b.requests == 48);
  CHECK(b.end_req_later > 20);  // most requests wait for room
  CHECK(b.end_req_after_begin == b.end_req_later);
  CHECK(b.response_after_end_req == 48);
  CHECK(b.rejected > 0);
  CHECK(b.data_ok);
  CHECK(b.violations == 0);
}

TEST_CASE("LT and AT agree under back-pressure from a one-entry buffer",
          "[dram_sc][backpressure]") {
  Summary s[2];
  for (Mode mode : {Mode::LT, Mode::AT}) {
    PlayOptions o = options_for("ddr4-2400", mode);
    o.config = tiny();
    GenOptions g;
    g.pattern = Pattern::Random;
    g.requests = 5000;
    g.write_fraction = 0.3;
    g.spacing = 0;
    g.span = 1 << 20;
    s[mode == Mode::AT] = play_in_child(o, [&] { return std::make_unique<TraceGenerator>(g); });
  }
  for (const Summary& x : s) {
    CHECK(x.requests == 5000);
    CHECK(x.rejected > 1000);
    CHECK(x.violations == 0);
  }
  CHECK(s[0].total_time_ps == s[1].total_time_ps);
  CHECK(s[0].read_checksum == s[1].read_checksum);
  // Two requests at a time cannot keep the banks busy: far below the default buffer's rate.
  CHECK(s[0].bandwidth_GBps < 0.5 * s[0].peak_GBps);
}
