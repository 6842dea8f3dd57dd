// Regressions of what fuzz_dram_config (platform/fuzz/) found in the DRAM configuration
// readers: each input was a crash or an exception other than apack::Error before its fix.
#include <catch2/catch.hpp>
#include <string>

#include "apack/dram/address_mapping.hpp"
#include "apack/dram/controller_config.hpp"
#include "apack/dram/memspec_json.hpp"
#include "apack/dram/memspec_yaml.hpp"
#include "apack/error.hpp"

using namespace apack::dram;
using Catch::Contains;

TEST_CASE("fuzz: a JSON number beyond a double's range is a FormatError",
          "[dram][fuzz-regression]") {
  // nlohmann throws out_of_range (not parse_error) for 1e400; it escaped the readers.
  CHECK_THROWS_WITH(
      parse_address_mapping("{\"addressmapping\": {\"BANK_BIT\": [27, 1e400]}}", "am.json"),
      Contains("am.json: not valid JSON"));
  CHECK_THROWS_AS(parse_memspec("{\"memspec\": {\"memoryType\": 1e400}}", "m.json"),
                  apack::FormatError);
  CHECK_THROWS_AS(parse_mcconfig("{\"mcconfig\": {\"RequestBufferSize\": -1e999}}", "mc.json"),
                  apack::FormatError);
}

TEST_CASE("fuzz: an address-mapping field has at most 32 bits", "[dram][fuzz-regression]") {
  // CHANNEL_BIT and STACK_BIT are not sized by validate(); with 33 bits decode shifted a
  // 32-bit value by 32 (undefined). The reader now refuses any field wider than 32 bits.
  std::string bits;
  for (int b = 30; b < 63; ++b) bits += (bits.empty() ? "" : ", ") + std::to_string(b);
  CHECK_THROWS_WITH(
      parse_address_mapping("{\"addressmapping\": {\"CHANNEL_BIT\": [" + bits + "]}}", "am.json"),
      Contains("am.json: addressmapping.CHANNEL_BIT: has 33 bits; at most 32"));
  bits = "0";
  for (int b = 1; b < 32; ++b) bits += ", " + std::to_string(b);
  CHECK_NOTHROW(
      parse_address_mapping("{\"addressmapping\": {\"STACK_BIT\": [" + bits + "]}}", "am.json"));
}

TEST_CASE("fuzz: a refresh window too short for any access is refused", "[dram][fuzz-regression]") {
  // A 3.75 ps clock with nanosecond timings (tRPab 5600, tRCD 4800 cycles) but the base's
  // tREFI 6246: every request waited for a refresh window it could never fit, and the
  // controller refreshed forever (a fuzzer timeout). The rules now require room for an access.
  const std::string text =
      "id: x\nbase: lpddr4-3200\nclock: {tck_ps: 3.75}\ntimings:\n  RCD: {ns: 18}\n"
      "  RPAB: {ns: 21}\n";
  CHECK_THROWS_WITH(parse_memspec_yaml(text, "t.yaml"),
                    Contains("t.yaml:4: timings.REFI: must exceed the refresh cycle plus 4 x the "
                             "longest other constraint") &&
                        Contains("inherited from base lpddr4-3200"));
  // The same in a DRAMSys file: tRCD 4800 cycles of DDR4.
  const std::string json =
      "{\"memspec\": {\"memoryType\": \"DDR4\", \"memarchitecturespec\": {\"nbrOfBanks\": 16, "
      "\"nbrOfBankGroups\": 4, \"nbrOfRanks\": 1, \"nbrOfRows\": 32768, \"nbrOfColumns\": 1024, "
      "\"burstLength\": 8, \"dataRate\": 2, \"width\": 8, \"nbrOfDevices\": 8}, "
      "\"memtimingspec\": {\"tCK\": 833, \"RL\": 16, \"WL\": 16, \"RCD\": 4800, \"RP\": 16, "
      "\"RAS\": 39, \"RC\": 55, \"RRD_S\": 4, \"RRD_L\": 6, \"FAW\": 26, \"CCD_S\": 4, "
      "\"CCD_L\": 6, \"WR\": 18, \"WTR_S\": 3, \"WTR_L\": 9, \"RTP\": 12, \"RFC\": 312, "
      "\"REFI\": 9360, \"XP\": 8, \"CKE\": 6, \"ACTPDEN\": 2, \"PRPDEN\": 2, \"REFPDEN\": 2, "
      "\"RTRS\": 1}}}";
  CHECK_THROWS_WITH(parse_memspec(json, "m.json"),
                    Contains("m.json: memspec.memtimingspec.REFI: must exceed the refresh cycle "
                             "plus 4 x the longest other constraint (19512 cycles)"));
  std::string ok = json;
  ok.replace(ok.find("\"RCD\": 4800"), 11, "\"RCD\": 16");
  CHECK_NOTHROW(parse_memspec(ok, "m.json"));
}

TEST_CASE("fuzz: the number of channels is a power of two", "[dram][fuzz-regression]") {
  // 10 channels: the default mapping (and a router) decode the channel from log2-rounded-up
  // address bits, so the mapping covered 16 channels' addresses, 6 of them nonexistent.
  CHECK_THROWS_WITH(
      parse_memspec_yaml("id: x\nbase: ddr4-2400\narchitecture:\n  channels: 10\n", "c.yaml"),
      Contains("c.yaml:4: architecture.channels: must be a power of two"));
  CHECK(parse_memspec_yaml("id: x\nbase: ddr4-2400\narchitecture:\n  channels: 8\n", "c.yaml")
            .arch.channels == 8);
}
