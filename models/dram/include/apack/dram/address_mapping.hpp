// Address mapping: which address bits select the channel, rank, bank group, bank, row and
// column, as lists of bit positions in the style of DRAMSys's address-mapping JSON
// ({"addressmapping": {"BYTE_BIT": [0,1,2], "COLUMN_BIT": [...], ...}}). Field bit i is address
// bit bits[i]; optional XOR pairs flip address bit FIRST by bit SECOND before decoding.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "apack/dram/command.hpp"
#include "apack/dram/memspec.hpp"

namespace apack::dram {

// BYTE: byte within the bus word; COLUMN: device column, its low log2(BL) bits being the
// position inside a burst; RANK: rank, or HBM2 pseudo channel (PSEUDOCHANNEL_BIT); CHANNEL and
// STACK: which channel, for a router in front of per-channel controllers (the controller
// itself ignores them).
enum class Field { Byte, Column, Row, Bank, BankGroup, Rank, Channel, Stack };
constexpr int kFieldCount = 8;
const char* json_name(Field f);  // "BYTE_BIT", ...

struct DecodedAddress {
  uint32_t channel = 0, stack = 0, rank = 0, group = 0, bank = 0, row = 0, column = 0, byte = 0;
  BankAddress bank_address() const { return {rank, group, bank}; }
  bool operator==(const DecodedAddress& o) const;
};

struct AddressMapping {
  std::array<std::vector<uint8_t>, kFieldCount> bits;
  std::vector<std::pair<uint8_t, uint8_t>> xors;  // (FIRST, SECOND)

  std::vector<uint8_t>& operator[](Field f) { return bits[size_t(f)]; }
  const std::vector<uint8_t>& operator[](Field f) const { return bits[size_t(f)]; }

  DecodedAddress decode(uint64_t address) const;
  uint64_t encode(const DecodedAddress& d) const;  // inverse of decode on mapped bits
  uint64_t mapped_mask() const;                    // every bit some field uses

  // Checks the mapping against a memspec: every address bit used once, each field exactly as
  // wide as its count needs (COLUMN_BIT log2(nbrOfColumns) bits, ...). Throws
  // apack::FormatError naming `source` and the field.
  void validate(const MemSpec& spec, const std::string& source) const;
  std::string to_string() const;  // "ROW 31..17 | BANK 16..15 | ..."
};

// The default mapping of a memspec, chosen for sequential bandwidth (docs/dram.md): byte and
// burst offset lowest, then the channel when spec.arch.channels > 1 (channels interleaved per
// burst), then bank group (DDR4, HBM2: consecutive bursts alternate bank groups, as
// tCCD_L > BL/2 requires), then the HBM2 pseudo channel, the rest of the column, bank, rank
// and row ("row-bank-column" with bank groups interleaved per burst).
AddressMapping default_mapping(const MemSpec& spec);

// DRAMSys address-mapping JSON. Errors are apack::FormatError naming the file and the field.
AddressMapping load_address_mapping(const std::string& path);
AddressMapping parse_address_mapping(const std::string& json_text, const std::string& source);

}  // namespace apack::dram
