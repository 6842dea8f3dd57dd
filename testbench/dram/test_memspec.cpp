// Memspecs: the presets carry memory-energy.md's figures; the three DRAMSys memspec files read
// to the same values; broken files are refused naming the file and the field. Also DRAMSys
// mcconfig files.
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

#include "apack/dram/constraints.hpp"
#include "apack/dram/controller_config.hpp"
#include "apack/dram/memspec_json.hpp"
#include "apack/error.hpp"
#include "dram_test_util.hpp"

using namespace apack::dram;
using namespace apack::dram::test;
using Catch::Contains;
using nlohmann::json;

namespace {

std::string text_of(const std::string& path) {
  std::ifstream f(path);
  REQUIRE(f);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

// The message of the FormatError parse_memspec throws on `j` ("" if it does not throw).
std::string memspec_error(const json& j) {
  try {
    parse_memspec(j.dump(), "broken.json");
  } catch (const apack::FormatError& e) {
    return e.what();
  }
  return "";
}

const char* kFiles[][2] = {{"ddr4-2400", "JEDEC_4Gb_DDR4-2400_8bit_A.json"},
                           {"lpddr4-3200", "JEDEC_8Gb_LPDDR4-3200_16bit.json"},
                           {"hbm2", "HBM2.json"}};

}  // namespace

TEST_CASE("presets: organisation and bursts as memory-energy.md gives them", "[dram][memspec]") {
  const MemSpec d = preset("ddr4-2400");
  CHECK(d.arch.burst_bytes() == 64);
  CHECK(d.arch.burst_cycles() == 4);
  CHECK(d.arch.bank_groups == 4);
  CHECK(d.arch.banks == 16);
  CHECK(d.arch.channel_bytes() == (uint64_t(4) << 30));  // 8 x 4 Gb
  CHECK(d.peak_bytes_per_cycle() == 16);                 // 19.2 GB/s at 1.2 GHz
  CHECK(d.t("RTP") == 12);                               // DRAMSys's value, not JEDEC's 9
  const MemSpec l = preset("lpddr4-3200");
  CHECK(l.arch.burst_bytes() == 32);
  CHECK(l.arch.burst_cycles() == 8);
  CHECK(l.arch.channel_bytes() == (uint64_t(1) << 30));
  CHECK(l.tck == ClockPeriod::picoseconds(625));
  const MemSpec h = preset("hbm2");
  CHECK(h.arch.burst_bytes() == 32);
  CHECK(h.arch.ranks == 2);  // pseudo channels
  CHECK(h.data_buses() == 2);
  CHECK(h.peak_bytes_per_cycle() == 32);  // 32 GB/s per 128-bit channel at 1 GHz
  CHECK_THROWS_WITH(preset("ddr5"), Contains("ddr4-2400"));
}

TEST_CASE("DRAMSys memspec files read to the preset values", "[dram][memspec]") {
  for (const auto& f : kFiles) {
    INFO(f[1]);
    const MemSpec p = preset(f[0]);
    const MemSpec j = load_memspec(data_file(f[1]));
    CHECK(j.standard == p.standard);
    CHECK(j.arch.ranks == p.arch.ranks);
    CHECK(j.arch.bank_groups == p.arch.bank_groups);
    CHECK(j.arch.banks == p.arch.banks);
    CHECK(j.arch.rows == p.arch.rows);
    CHECK(j.arch.columns == p.arch.columns);
    CHECK(j.arch.burst_length == p.arch.burst_length);
    CHECK(j.arch.bus_bits() == p.arch.bus_bits());
    CHECK(j.arch.devices == p.arch.devices);
    for (const std::string& t : required_timings(p.standard)) {
      INFO(t);
      CHECK(j.t(t) == p.t(t));
    }
    CHECK(j.power.model == p.power.model);
    REQUIRE(j.power.rails.size() == p.power.rails.size());
    for (size_t r = 0; r < p.power.rails.size(); ++r) {
      CHECK(j.power.rails[r].millivolts == p.power.rails[r].millivolts);
      CHECK(j.power.rails[r].nanoamps == p.power.rails[r].nanoamps);
      CHECK(j.power.rails[r].io == p.power.rails[r].io);
    }
    CHECK(j.power.io_read_fj_per_bit == p.power.io_read_fj_per_bit);
  }
  // DRAMSys rounds DDR4-2400's tCK to 833 ps; the preset keeps 2500/3.
  CHECK(load_memspec(data_file(kFiles[0][1])).tck == ClockPeriod::picoseconds(833));
  CHECK(load_memspec(data_file(kFiles[1][1])).tck == ClockPeriod::picoseconds(625));
  CHECK(load_memspec(data_file(kFiles[2][1])).tck == ClockPeriod::picoseconds(1000));
}

TEST_CASE("memspec errors name the file and the field", "[dram][memspec]") {
  const json good = json::parse(text_of(data_file(kFiles[0][1])));
  CHECK(memspec_error(good).empty());
  json j = good;
  j["memspec"]["memtimingspec"].erase("RCD");
  CHECK_THAT(memspec_error(j), Contains("broken.json: memspec.memtimingspec.RCD: missing"));
  j = good;
  j["memspec"]["memtimingspec"]["WTR_L"] = "nine";
  CHECK_THAT(memspec_error(j), Contains("memspec.memtimingspec.WTR_L: must be an integer"));
  j = good;
  j["memspec"]["memtimingspec"]["FAW"] = 26.5;
  CHECK_THAT(memspec_error(j), Contains("memtimingspec.FAW"));
  j = good;
  j["memspec"]["memtimingspec"]["RP"] = -1;
  CHECK_THAT(memspec_error(j), Contains("memtimingspec.RP: must be in"));
  j = good;
  j["memspec"]["memtimingspec"]["AL"] = 2;
  CHECK_THAT(memspec_error(j), Contains("memtimingspec.AL: additive latency"));
  j = good;
  j["memspec"]["memtimingspec"].erase("tCK");
  CHECK_THAT(memspec_error(j), Contains("memtimingspec.tCK: missing"));
  j = good;
  j["memspec"]["memoryType"] = "DDR5";
  CHECK_THAT(memspec_error(j), Contains("memspec.memoryType: 'DDR5' is not supported"));
  j = good;
  j["memspec"]["memarchitecturespec"]["nbrOfBanks"] = 12;
  CHECK_THAT(memspec_error(j), Contains("memarchitecturespec.nbrOfBanks: must be a power of two"));
  j = good;
  j["memspec"]["memarchitecturespec"].erase("nbrOfBankGroups");
  CHECK_THAT(memspec_error(j), Contains("memarchitecturespec.nbrOfBankGroups: missing"));
  j = good;
  j["memspec"]["mempowerspec"].erase("idd4r");
  CHECK_THAT(memspec_error(j), Contains("memspec.mempowerspec.idd4r: missing"));
  j = good;
  j["memspec"]["mempowerspec"]["vdd"] = "1.2";
  CHECK_THAT(memspec_error(j), Contains("mempowerspec.vdd: must be a number"));
  j = good;
  j["memspec"].erase("memarchitecturespec");
  CHECK_THAT(memspec_error(j), Contains("memspec.memarchitecturespec: missing"));
  CHECK_THAT(memspec_error(json::array()), Contains("must be a JSON object"));
  // HBM2 names its ranks nbrOfPseudoChannels.
  json h = json::parse(text_of(data_file("HBM2.json")));
  h["memspec"]["memarchitecturespec"].erase("nbrOfPseudoChannels");
  CHECK_THAT(memspec_error(h), Contains("memarchitecturespec.nbrOfPseudoChannels: missing"));
  h = json::parse(text_of(data_file("HBM2.json")));
  h["memspec"]["memtimingspec"].erase("RCDWR");
  CHECK_THAT(memspec_error(h), Contains("memtimingspec.RCDWR: missing"));

  CHECK_THROWS_WITH(parse_memspec("{\"memspec\": ", "cut.json"),
                    Contains("cut.json: not valid JSON"));
  CHECK_THROWS_AS(load_memspec("/nonexistent/memspec.json"), apack::Error);
  CHECK_THROWS_WITH(load_memspec("/nonexistent/memspec.json"),
                    Contains("/nonexistent/memspec.json"));
}

TEST_CASE("a memspec without mempowerspec has no energy", "[dram][memspec]") {
  json j = json::parse(text_of(data_file(kFiles[0][1])));
  j["memspec"].erase("mempowerspec");
  const MemSpec s = parse_memspec(j.dump(), "nopower.json");
  CHECK(s.power.model == PowerSpec::Model::None);
}

TEST_CASE("DRAMSys mcconfig files", "[dram][mcconfig]") {
  const ControllerConfig c = load_mcconfig(data_file("fr_fcfs.json"));
  CHECK(c.page == PagePolicy::Open);
  CHECK(c.scheduler == SchedulerPolicy::FrFcfs);
  CHECK(c.buffer == BufferPolicy::Bankwise);
  CHECK(c.buffer_size == 8);
  CHECK(c.max_active == 128);
  CHECK(c.refresh == RefreshPolicy::AllBank);
  CHECK(c.power_down == PowerDownPolicy::NoPowerDown);

  auto error = [](const std::string& body) -> std::string {
    try {
      parse_mcconfig("{\"mcconfig\": {" + body + "}}", "mc.json");
    } catch (const apack::FormatError& e) {
      return e.what();
    }
    return "";
  };
  CHECK(error("\"Scheduler\": \"Fifo\", \"PagePolicy\": \"Closed\"").empty());
  CHECK_THAT(error("\"Scheduler\": \"GrpFrFcfs\""),
             Contains("mc.json: mcconfig.Scheduler: 'GrpFrFcfs' is not modelled"));
  CHECK_THAT(error("\"PagePolicy\": \"Opne\""),
             Contains("mcconfig.PagePolicy: unknown value 'Opne'"));
  CHECK_THAT(error("\"RefreshPolicy\": \"PerBank\""),
             Contains("RefreshPolicy: 'PerBank' is not modelled"));
  CHECK_THAT(error("\"RequestBufferSize\": 0"), Contains("mcconfig.RequestBufferSize: must be in"));
  CHECK_THAT(error("\"RefreshMaxPostponed\": 8"), Contains("RefreshMaxPostponed"));
  CHECK_THAT(error("\"Shceduler\": \"Fifo\""), Contains("mcconfig.Shceduler: unknown field"));
  CHECK(error("\"CmdMux\": \"Strict\", \"Arbiter\": \"Fifo\"").empty());  // accepted, no effect
  CHECK(parse_mcconfig("{\"mcconfig\": {\"PowerDownPolicy\": \"Staggered\", \"SchedulerBuffer\": "
                       "\"Shared\", \"RequestBufferSize\": 32}}",
                       "x")
            .buffer_size == 32);
}
