// Transactions of any shape on one memory-controller module: unaligned and multi-burst ones
// (split into bursts), byte enables on writes and reads, and the error responses: address
// outside the channel or the memory, unsupported command, streaming, zero length, byte-enable
// pointer without length, in LT and AT. None may crash or touch the store.
#include <catch2/catch.hpp>
#include <memory>

#include "apack/dram/sc/memory_controller.hpp"
#include "sc_test_util.hpp"
#include "test_initiator.hpp"

using namespace apack::dram;
using namespace apack::dram::sc;
using namespace apack::dram::sc::test;

namespace {

struct Shapes {
  bool unaligned_ok = false, edges_zero = false, enables_write_ok = false, enables_read_ok = false,
       enables_rotated_ok = false, debug_ok = false;
  int64_t one_burst_delay = 0, four_burst_delay = 0;
  uint64_t requests = 0, violations = 0;
  tlm::tlm_response_status status[8] = {};
};

struct Errors {
  tlm::tlm_response_status lt[8] = {};
  tlm::tlm_response_status at[3] = {};
  bool at_completed_at_once[3] = {};
  uint64_t errors = 0, transactions = 0, requests = 0, pages = 0;
};

}  // namespace

TEST_CASE("unaligned and multi-burst transactions, byte enables", "[dram_sc][transactions]") {
  const auto r = in_child<Shapes>([] {
    prepare_kernel();
    const MemSpec spec = preset("lpddr4-3200");  // 32-byte bursts
    MemoryController mc("mc", ChannelSetup{spec, default_mapping(spec), {}, 0, true});
    Shapes s;
    TestInitiator ini("ini", [&](TestInitiator& t) {
      // 100 bytes from 0x3011: bursts 0x3000..0x3060 (4 of them), both ends partial.
      std::vector<uint8_t> w(100), back(120, 0xcc);
      for (size_t i = 0; i < w.size(); ++i) w[i] = uint8_t(3 * i + 1);
      auto a = t.lt(tlm::TLM_WRITE_COMMAND, 0x3011, w.data(), 100);
      s.status[0] = a.status;
      s.four_burst_delay = a.delay_ps;
      wait(ps_time(a.delay_ps));
      a = t.lt(tlm::TLM_READ_COMMAND, 0x3011 - 10, back.data(), 120);
      s.status[1] = a.status;
      wait(ps_time(a.delay_ps));
      s.unaligned_ok = std::equal(w.begin(), w.end(), back.begin() + 10);
      s.edges_zero =
          std::all_of(back.begin(), back.begin() + 10, [](uint8_t b) { return b == 0; }) &&
          std::all_of(back.begin() + 110, back.end(), [](uint8_t b) { return b == 0; });
      std::vector<uint8_t> one(32);
      a = t.lt(tlm::TLM_READ_COMMAND, 0x9000, one.data(), 32);
      s.one_burst_delay = a.delay_ps;
      wait(ps_time(a.delay_ps));

      // Byte enables on a write: 0xAA everywhere, then 0x55 on every other byte.
      std::vector<uint8_t> aa(32, 0xaa), ff(32, 0x55), got(32);
      t.lt(tlm::TLM_WRITE_COMMAND, 0x8000, aa.data(), 32);
      const uint8_t alternate[2] = {0xff, 0x00};
      a = t.lt(tlm::TLM_WRITE_COMMAND, 0x8000, ff.data(), 32, false, 0, alternate, 2);
      s.status[2] = a.status;
      t.lt(tlm::TLM_READ_COMMAND, 0x8000, got.data(), 32);
      bool ok = true;
      for (size_t i = 0; i < 32; ++i) ok &= got[i] == (i % 2 == 0 ? 0x55 : 0xaa);
      s.enables_write_ok = ok;
      // Byte enables on a read: disabled bytes of the initiator's buffer stay as they were.
      std::vector<uint8_t> mixed(32, 0x11);
      const uint8_t pattern[4] = {0x00, 0xff, 0xff, 0x00};
      a = t.lt(tlm::TLM_READ_COMMAND, 0x8000, mixed.data(), 32, false, 0, pattern, 4);
      s.status[3] = a.status;
      ok = true;
      for (size_t i = 0; i < 32; ++i)
        ok &= mixed[i] == ((i % 4 == 1 || i % 4 == 2) ? got[i] : 0x11);
      s.enables_read_ok = ok;
      // An enable pattern that does not divide the burst, on a write spanning two bursts: byte
      // i of the transaction follows enable[i % 3].
      std::vector<uint8_t> zeros(50, 0), ones(50, 0x77), after(50);
      t.lt(tlm::TLM_WRITE_COMMAND, 0xa010, zeros.data(), 50);
      const uint8_t three[3] = {0xff, 0x00, 0x00};
      a = t.lt(tlm::TLM_WRITE_COMMAND, 0xa010, ones.data(), 50, true, 0, three, 3);
      s.status[4] = a.status;
      a = t.lt(tlm::TLM_READ_COMMAND, 0xa010, after.data(), 50, false, a.delay_ps);
      ok = true;
      for (size_t i = 0; i < 50; ++i) ok &= after[i] == (i % 3 == 0 ? 0x77 : 0);
      s.enables_rotated_ok = ok;
      wait(ps_time(a.delay_ps));
    });
    ini.out.bind(mc.in);
    sc_core::sc_start();
    // transport_dbg reads the same bytes without timing.
    tlm::tlm_generic_payload p;
    std::vector<uint8_t> dbg(100);
    p.set_command(tlm::TLM_READ_COMMAND);
    p.set_address(0x3011);
    p.set_data_ptr(dbg.data());
    p.set_data_length(100);
    p.set_streaming_width(100);
    s.debug_ok = mc.in.get_base_export()->transport_dbg(p) == 100 && dbg[0] == 1 &&
                 dbg[99] == uint8_t(3 * 99 + 1);
    mc.finish(now_ps());
    s.requests = mc.stats().requests;
    s.violations = mc.protocol_violations();
    return s;
  });
  INFO(r.message);
  REQUIRE_FALSE(r.failed);
  const Shapes& s = r.value;
  for (int i = 0; i < 5; ++i) CHECK(s.status[i] == tlm::TLM_OK_RESPONSE);
  CHECK(s.unaligned_ok);
  CHECK(s.edges_zero);
  CHECK(s.enables_write_ok);
  CHECK(s.enables_read_ok);
  CHECK(s.enables_rotated_ok);
  CHECK(s.debug_ok);
  CHECK(s.four_burst_delay > s.one_burst_delay);
  // 4 (0x3011..0x3074) + 4 (0x3007..0x307e) + 1 + 4 x 1 + 3 x 3 (0xa010..0xa041) bursts.
  CHECK(s.requests == 22);
  CHECK(s.violations == 0);
}

TEST_CASE("error responses instead of crashes, LT and AT", "[dram_sc][transactions]") {
  const auto r = in_child<Errors>([] {
    prepare_kernel();
    MemSpec spec = preset("ddr4-2400");
    spec.arch.channels = 2;
    // Channel 1 of a 2-channel memory, used directly: channel 0's bursts are not its own.
    MemoryController mc("mc", ChannelSetup{spec, default_mapping(spec), {}, 1, true});
    Errors e;
    TestInitiator ini("ini", [&](TestInitiator& t) {
      std::vector<uint8_t> buf(256);
      const uint64_t capacity = 2 * spec.arch.channel_bytes();
      e.lt[0] = t.lt(tlm::TLM_READ_COMMAND, capacity + 64, buf.data(), 64).status;  // beyond
      e.lt[1] = t.lt(tlm::TLM_READ_COMMAND, 0x0, buf.data(), 64).status;  // channel 0's burst
      e.lt[2] = t.lt(tlm::TLM_IGNORE_COMMAND, 0x40, buf.data(), 64).status;
      e.lt[3] = t.lt(tlm::TLM_WRITE_COMMAND, 0x40, buf.data(), 64, false, 0, nullptr, 0, 8).status;
      e.lt[4] = t.lt(tlm::TLM_WRITE_COMMAND, 0x40, buf.data(), 0).status;  // length 0
      const uint8_t en = 0xff;
      tlm::tlm_generic_payload p;  // an enable pointer with length 0
      p.set_command(tlm::TLM_WRITE_COMMAND);
      p.set_address(0x40);
      p.set_data_ptr(buf.data());
      p.set_data_length(64);
      p.set_byte_enable_ptr(const_cast<uint8_t*>(&en));
      p.set_byte_enable_length(0);
      sc_core::sc_time d = sc_core::SC_ZERO_TIME;
      mc.in.get_base_export()->b_transport(p, d);
      e.lt[5] = p.get_response_status();
      e.lt[6] = t.lt(tlm::TLM_READ_COMMAND, ~uint64_t(0) - 10, buf.data(), 64).status;  // wraps
      e.lt[7] = t.lt(tlm::TLM_WRITE_COMMAND, 0x40, buf.data(), 64).status;              // fine
      // AT: the same errors come back as TLM_COMPLETED with the status; a good one works.
      tlm::tlm_generic_payload q[3];
      for (auto& x : q) {
        x.set_command(tlm::TLM_READ_COMMAND);
        x.set_address(0x40);
        x.set_data_ptr(buf.data());
        x.set_data_length(64);
        x.set_streaming_width(64);
      }
      q[0].set_address(capacity);
      q[1].set_command(tlm::TLM_IGNORE_COMMAND);
      for (auto& x : q) t.at_begin(x);
      t.at_wait_all();
      for (int i = 0; i < 3; ++i) {
        e.at[i] = t.at[size_t(i)].status;
        e.at_completed_at_once[i] = t.at[size_t(i)].completed_at_once;
      }
    });
    ini.out.bind(mc.in);
    sc_core::sc_start();
    mc.finish(now_ps());
    e.errors = mc.stats().errors;
    e.transactions = mc.stats().transactions;
    e.requests = mc.stats().requests;
    e.pages = mc.store().pages();
    return e;
  });
  INFO(r.message);
  REQUIRE_FALSE(r.failed);
  const Errors& e = r.value;
  CHECK(e.lt[0] == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(e.lt[1] == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(e.lt[2] == tlm::TLM_COMMAND_ERROR_RESPONSE);
  CHECK(e.lt[3] == tlm::TLM_BURST_ERROR_RESPONSE);
  CHECK(e.lt[4] == tlm::TLM_GENERIC_ERROR_RESPONSE);
  CHECK(e.lt[5] == tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
  CHECK(e.lt[6] == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(e.lt[7] == tlm::TLM_OK_RESPONSE);
  CHECK(e.at[0] == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(e.at[1] == tlm::TLM_COMMAND_ERROR_RESPONSE);
  CHECK(e.at[2] == tlm::TLM_OK_RESPONSE);
  CHECK(e.at_completed_at_once[0]);
  CHECK(e.at_completed_at_once[1]);
  CHECK_FALSE(e.at_completed_at_once[2]);
  CHECK(e.errors == 9);
  CHECK(e.transactions == 2);
  CHECK(e.requests == 2);
  CHECK(e.pages == 1);  // only the good write allocated store
}
