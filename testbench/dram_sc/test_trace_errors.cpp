// Bad traces and misuse give errors naming the problem, never a crash: an address beyond the
// memory's capacity and data longer than a burst are apack::FormatError "FILE:LINE: ...",
// in LT and AT; a cycle going backwards in a source without line numbers names the request;
// a second play_trace in one process is an apack::Error.
#include <catch2/catch.hpp>
#include <memory>
#include <sstream>
#include <string>

#include "sc_test_util.hpp"

using namespace apack::dram;
using namespace apack::dram::sc;
using namespace apack::dram::sc::test;

namespace {

struct Nothing {
  uint64_t requests = 0;
};

ChildResult<Nothing> play_text(Mode mode, const std::string& text) {
  return in_child<Nothing>([&] {
    std::istringstream in(text);
    TraceFileReader reader(in, "bad.stl");
    return Nothing{play_trace(options_for("ddr4-2400", mode), reader).requests};
  });
}

}  // namespace

TEST_CASE("an address beyond the capacity is a FormatError naming file and line",
          "[dram_sc][trace_errors][kernel_throw]") {
  // DDR4-2400, one channel: 4 GiB, so 0x100000000 is the first byte beyond.
  const std::string text =
      "0:\tread\t0x0\n"
      "1:\twrite\t0x40\n"
      "# a comment line\n"
      "5:\tread\t0x100000000\n"
      "6:\tread\t0x80\n";
  for (Mode mode : {Mode::LT, Mode::AT}) {
    const auto r = play_text(mode, text);
    INFO(name(mode) << ": " << r.message);
    CHECK(r.failed);
    CHECK(r.format_error);
    CHECK(std::string(r.message).rfind("bad.stl:4: address 0x100000000 is beyond", 0) == 0);
  }
  // The last byte inside is fine.
  const auto ok = play_text(Mode::LT, "0:\tread\t0xffffffff\n");
  INFO(ok.message);
  CHECK_FALSE(ok.failed);
  CHECK(ok.value.requests == 1);
}

TEST_CASE("data longer than a burst is a FormatError naming file and line",
          "[dram_sc][trace_errors][kernel_throw]") {
  const std::string data(2 * 65, 'a');  // 65 bytes; a DDR4 burst has 64
  for (Mode mode : {Mode::LT, Mode::AT}) {
    const auto r = play_text(mode, "0:\twrite\t0x0\t0x" + std::string(128, 'b') + "\n" +
                                       "2:\twrite\t0x40\t0x" + data + "\n");
    INFO(name(mode) << ": " << r.message);
    CHECK(r.format_error);
    CHECK(std::string(r.message) ==
          "bad.stl:2: 65 data bytes; one request moves one burst of 64 bytes");
  }
}

TEST_CASE("a source going back in time names the request", "[dram_sc][trace_errors]") {
  const auto r = in_child<Nothing>([] {
    std::vector<TraceLine> lines(3);
    lines[0].cycle = 10;
    lines[1].cycle = 12;
    lines[2].cycle = 11;
    VectorTrace t(lines, "generated");
    return Nothing{play_trace(options_for("hbm2", Mode::AT), t).requests};
  });
  CHECK(r.format_error);
  CHECK(std::string(r.message) ==
        "generated: request 3: cycle 11 is before the previous request's 12");
}

TEST_CASE("a second play_trace in one process is an apack::Error", "[dram_sc][trace_errors][kernel_throw]") {
  const auto r = in_child<Nothing>([] {
    VectorTrace a({TraceLine{}}), b({TraceLine{}});
    const PlayOptions o = options_for("ddr4-2400", Mode::LT);
    play_trace(o, a);
    return Nothing{play_trace(o, b).requests};
  });
  CHECK(r.failed);
  CHECK(r.apack_error);
  CHECK_FALSE(r.format_error);
  CHECK(std::string(r.message).find("one simulation per process") != std::string::npos);
}

TEST_CASE("a mapping without enough CHANNEL bits is an apack::Error", "[dram_sc][trace_errors]") {
  const auto r = in_child<Nothing>([] {
    PlayOptions o = options_for("ddr4-2400", Mode::LT);
    o.spec.arch.channels = 2;  // but o.mapping is the 1-channel default
    VectorTrace t({TraceLine{}});
    return Nothing{play_trace(o, t).requests};
  });
  CHECK(r.apack_error);
  CHECK(std::string(r.message).find("CHANNEL_BIT has 0 bit(s); 2 channel(s) need 1") !=
        std::string::npos);
}

TEST_CASE("an empty trace gives an empty report", "[dram_sc][trace_errors]") {
  for (Mode mode : {Mode::LT, Mode::AT}) {
    const Summary s = play_in_child(options_for("lpddr4-3200", mode, 2), [] {
      return std::make_unique<VectorTrace>(std::vector<TraceLine>{});
    });
    CHECK(s.requests == 0);
    CHECK(s.total_time_ps == 0);
    CHECK(s.bandwidth_GBps == 0);
    CHECK(s.peak_GBps == Approx(2 * 6.4));
    CHECK(s.violations == 0);
  }
}
