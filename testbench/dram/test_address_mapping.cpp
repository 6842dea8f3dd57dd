// Address mapping: the documented default per preset, DRAMSys mapping files, decode/encode as
// inverses (with XOR), and errors naming the field.
#include <catch2/catch.hpp>
#include <random>

#include "apack/error.hpp"
#include "dram_test_util.hpp"

using namespace apack::dram;
using namespace apack::dram::test;
using Catch::Contains;

namespace {

std::vector<uint8_t> range(int from, int to) {  // inclusive
  std::vector<uint8_t> v;
  for (int i = from; i <= to; ++i) v.push_back(uint8_t(i));
  return v;
}

std::vector<uint8_t> cat(std::vector<uint8_t> a, const std::vector<uint8_t>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

void round_trips(const AddressMapping& m, uint64_t seed) {
  std::mt19937_64 rng(seed);
  const uint64_t mask = m.mapped_mask();
  for (int i = 0; i < 20000; ++i) {
    const uint64_t a = rng() & mask;
    REQUIRE(m.encode(m.decode(a)) == a);
  }
}

}  // namespace

TEST_CASE("default mappings put bank groups just above the burst", "[dram][mapping]") {
  const AddressMapping d = default_mapping(preset("ddr4-2400"));
  CHECK(d[Field::Byte] == range(0, 2));
  CHECK(d[Field::Column] == cat(range(3, 5), range(8, 14)));
  CHECK(d[Field::BankGroup] == range(6, 7));
  CHECK(d[Field::Bank] == range(15, 16));
  CHECK(d[Field::Row] == range(17, 31));
  CHECK(d[Field::Rank].empty());
  // Consecutive 64 B bursts walk the bank groups, then the columns of one row.
  CHECK(d.decode(64).group == 1);
  CHECK(d.decode(192).group == 3);
  CHECK(d.decode(256).group == 0);
  CHECK(d.decode(256).column == 8);
  CHECK(d.decode(uint64_t(1) << 15).bank == 1);
  CHECK(d.decode(uint64_t(1) << 17).row == 1);

  const AddressMapping l = default_mapping(preset("lpddr4-3200"));
  CHECK(l[Field::Byte] == range(0, 0));
  CHECK(l[Field::Column] == range(1, 10));
  CHECK(l[Field::Bank] == range(11, 13));
  CHECK(l[Field::Row] == range(14, 29));

  const AddressMapping h = default_mapping(preset("hbm2"));
  CHECK(h[Field::Byte] == range(0, 2));
  CHECK(h[Field::Column] == cat(range(3, 4), range(8, 12)));
  CHECK(h[Field::BankGroup] == range(5, 6));
  CHECK(h[Field::Rank] == range(7, 7));  // pseudo channel
  CHECK(h[Field::Bank] == range(13, 14));
  CHECK(h[Field::Row] == range(15, 29));
  for (const std::string& name : preset_names()) {
    const MemSpec s = preset(name);
    const AddressMapping m = default_mapping(s);
    m.validate(s, name);
    CHECK(m.mapped_mask() == s.arch.channel_bytes() - 1);  // exactly the channel
    round_trips(m, 1);
  }
}

TEST_CASE("DRAMSys address mapping files", "[dram][mapping]") {
  const AddressMapping m = load_address_mapping(data_file("am_ddr4_8x4Gbx8_dimm_p1KB_brc.json"));
  m.validate(preset("ddr4-2400"), "ddr4");
  CHECK(m[Field::Column] == range(3, 12));
  CHECK(m[Field::Row] == range(13, 27));
  CHECK(m[Field::BankGroup] == range(28, 29));
  CHECK(m[Field::Bank] == range(30, 31));
  const DecodedAddress d =
      m.decode((uint64_t(3) << 30) | (uint64_t(2) << 28) | (uint64_t(77) << 13) | (5 << 3) | 6);
  CHECK(d.bank == 3);
  CHECK(d.group == 2);
  CHECK(d.row == 77);
  CHECK(d.column == 5);
  CHECK(d.byte == 6);
  round_trips(m, 2);

  const AddressMapping l = load_address_mapping(data_file("am_lpddr4_8Gbx16_brc.json"));
  l.validate(preset("lpddr4-3200"), "lpddr4");
  const AddressMapping h = load_address_mapping(data_file("am_hbm2_8Gb_pc_brc.json"));
  h.validate(preset("hbm2"), "hbm2");
  CHECK(h[Field::Rank] == range(29, 29));  // PSEUDOCHANNEL_BIT
  CHECK(h[Field::Stack] == range(30, 30));
  CHECK(h.decode(uint64_t(1) << 29).rank == 1);
  CHECK(h.decode(uint64_t(1) << 30).stack == 1);
}

TEST_CASE("XOR pairs: bank bits hashed with row bits, still invertible", "[dram][mapping]") {
  const MemSpec s = preset("ddr4-2400");
  AddressMapping m = default_mapping(s);
  m.xors = {{15, 17}, {16, 18}};  // bank ^= low row bits
  m.validate(s, "x");
  CHECK(m.decode(uint64_t(1) << 17).bank == 1);  // row 1 lands in bank 1
  CHECK(m.decode(uint64_t(1) << 17).row == 1);
  CHECK(m.decode((uint64_t(1) << 17) | (uint64_t(1) << 15)).bank == 0);
  round_trips(m, 3);
  const AddressMapping j = parse_address_mapping(
      R"({"addressmapping": {"BYTE_BIT": [0], "XOR": [{"FIRST": 1, "SECOND": 2}]}})", "x.json");
  REQUIRE(j.xors.size() == 1);
  CHECK(j.xors[0] == std::pair<uint8_t, uint8_t>(1, 2));
}

TEST_CASE("address mapping errors name the file and the field", "[dram][mapping]") {
  const MemSpec s = preset("ddr4-2400");
  auto error = [&](const std::string& json) -> std::string {
    try {
      parse_address_mapping(json, "am.json").validate(s, "am.json");
    } catch (const apack::FormatError& e) {
      return e.what();
    }
    return "";
  };
  AddressMapping ok = default_mapping(s);
  std::string good =
      R"({"addressmapping": {"BYTE_BIT": [0,1,2], "COLUMN_BIT": [3,4,5,6,7,8,9,10,11,12],
      "ROW_BIT": [13,14,15,16,17,18,19,20,21,22,23,24,25,26,27], "BANKGROUP_BIT": [28,29],
      "BANK_BIT": [30,31]}})";
  CHECK(error(good).empty());
  CHECK_THAT(
      error(R"({"addressmapping": {"BYTE_BIT": [0,1,2], "COLUMN_BIT": [3,4,5,6,7,8,9,10,11,12],
      "ROW_BIT": [13,14,15,16,17,18,19,20,21,22,23,24,25,26], "BANKGROUP_BIT": [28,29],
      "BANK_BIT": [30,31]}})"),
      Contains("am.json: addressmapping.ROW_BIT: has 14 bit(s); the memspec needs 15"));
  CHECK_THAT(
      error(R"({"addressmapping": {"BYTE_BIT": [0,1,2], "COLUMN_BIT": [3,4,5,6,7,8,9,10,11,12],
      "ROW_BIT": [13,14,15,16,17,18,19,20,21,22,23,24,25,26,27], "BANKGROUP_BIT": [28,29],
      "BANK_BIT": [30,3]}})"),
      Contains("bit 3 is used twice"));
  CHECK_THAT(error(R"({"addressmapping": {"BANKGRUOP_BIT": [28,29]}})"),
             Contains("addressmapping.BANKGRUOP_BIT: unknown field"));
  CHECK_THAT(error(R"({"addressmapping": {"ROW_BIT": [70]}})"),
             Contains("addressmapping.ROW_BIT: bit positions must be integers in [0, 63]"));
  CHECK_THAT(
      error(R"({"addressmapping": {"BYTE_BIT": [0,1,2], "COLUMN_BIT": [3,4,5,6,7,8,9,10,11,12],
      "ROW_BIT": [13,14,15,16,17,18,19,20,21,22,23,24,25,26,27], "BANKGROUP_BIT": [28,29]}})"),
      Contains("addressmapping.BANK_BIT: has 0 bit(s); the memspec needs 2"));
  CHECK_THAT(error(R"({"mapping": {}})"), Contains("am.json: addressmapping: missing"));
  CHECK_THAT(error("[1,2"), Contains("am.json: not valid JSON"));
  // A request beyond the channel's mapped bits is refused by the controller.
  Controller c(s, ok);
  CHECK_THROWS_WITH(c.try_enqueue(read_at(1, uint64_t(1) << 32, 0)), Contains("0x100000000"));
}
