#include "apack/dram/address_mapping.hpp"

#include <sstream>

#include "apack/error.hpp"

namespace apack::dram {

const char* json_name(Field f) {
  static const char* const kNames[kFieldCount] = {"BYTE_BIT",    "COLUMN_BIT",    "ROW_BIT",
                                                  "BANK_BIT",    "BANKGROUP_BIT", "RANK_BIT",
                                                  "CHANNEL_BIT", "STACK_BIT"};
  return kNames[size_t(f)];
}

bool DecodedAddress::operator==(const DecodedAddress& o) const {
  return channel == o.channel && stack == o.stack && rank == o.rank && group == o.group &&
         bank == o.bank && row == o.row && column == o.column && byte == o.byte;
}

namespace {

uint32_t gather(uint64_t a, const std::vector<uint8_t>& bits) {
  uint32_t v = 0;
  for (size_t i = 0; i < bits.size(); ++i) v |= uint32_t((a >> bits[i]) & 1u) << i;
  return v;
}

uint64_t scatter(uint32_t v, const std::vector<uint8_t>& bits) {
  uint64_t a = 0;
  for (size_t i = 0; i < bits.size(); ++i) a |= uint64_t((v >> i) & 1u) << bits[i];
  return a;
}

uint64_t apply_xors(uint64_t a, const std::vector<std::pair<uint8_t, uint8_t>>& xors) {
  for (const auto& [first, second] : xors) a ^= ((a >> second) & 1u) << first;
  return a;
}

uint32_t log2_exact(uint64_t v) {
  uint32_t n = 0;
  while ((uint64_t(1) << n) < v) ++n;
  return n;
}

}  // namespace

DecodedAddress AddressMapping::decode(uint64_t address) const {
  const uint64_t a = apply_xors(address, xors);
  DecodedAddress d;
  d.byte = gather(a, (*this)[Field::Byte]);
  d.column = gather(a, (*this)[Field::Column]);
  d.row = gather(a, (*this)[Field::Row]);
  d.bank = gather(a, (*this)[Field::Bank]);
  d.group = gather(a, (*this)[Field::BankGroup]);
  d.rank = gather(a, (*this)[Field::Rank]);
  d.channel = gather(a, (*this)[Field::Channel]);
  d.stack = gather(a, (*this)[Field::Stack]);
  return d;
}

uint64_t AddressMapping::encode(const DecodedAddress& d) const {
  uint64_t a = scatter(d.byte, (*this)[Field::Byte]) | scatter(d.column, (*this)[Field::Column]) |
               scatter(d.row, (*this)[Field::Row]) | scatter(d.bank, (*this)[Field::Bank]) |
               scatter(d.group, (*this)[Field::BankGroup]) | scatter(d.rank, (*this)[Field::Rank]) |
               scatter(d.channel, (*this)[Field::Channel]) |
               scatter(d.stack, (*this)[Field::Stack]);
  // XOR pairs are applied in reverse: each is its own inverse while no SECOND is a FIRST.
  for (auto it = xors.rbegin(); it != xors.rend(); ++it) a ^= ((a >> it->second) & 1u) << it->first;
  return a;
}

uint64_t AddressMapping::mapped_mask() const {
  uint64_t m = 0;
  for (const auto& f : bits)
    for (uint8_t b : f) m |= uint64_t(1) << b;
  return m;
}

void AddressMapping::validate(const MemSpec& spec, const std::string& source) const {
  const Architecture& a = spec.arch;
  auto fail = [&](const std::string& field, const std::string& what) {
    throw apack::FormatError(source + ": addressmapping." + field + ": " + what);
  };
  const std::string rank_name = spec.standard == Standard::HBM2 ? "PSEUDOCHANNEL_BIT" : "RANK_BIT";
  const std::pair<Field, uint64_t> counts[] = {{Field::Byte, a.bus_bytes()},
                                               {Field::Column, a.columns},
                                               {Field::Row, a.rows},
                                               {Field::Bank, a.banks_per_group()},
                                               {Field::BankGroup, a.bank_groups},
                                               {Field::Rank, a.ranks}};
  for (const auto& [field, count] : counts) {
    const uint32_t need = log2_exact(count);
    const std::string name = field == Field::Rank ? rank_name : json_name(field);
    if ((*this)[field].size() != need)
      fail(name, "has " + std::to_string((*this)[field].size()) + " bit(s); the memspec needs " +
                     std::to_string(need) + " (" + std::to_string(count) + ")");
  }
  uint64_t used = 0;
  for (int f = 0; f < kFieldCount; ++f)
    for (uint8_t b : bits[size_t(f)]) {
      const std::string name = Field(f) == Field::Rank ? rank_name : json_name(Field(f));
      if (b >= 64) fail(name, "bit " + std::to_string(b) + " is beyond 63");
      if (used & (uint64_t(1) << b)) fail(name, "bit " + std::to_string(b) + " is used twice");
      used |= uint64_t(1) << b;
    }
  for (const auto& [first, second] : xors) {
    if (first >= 64 || second >= 64 || first == second)
      fail("XOR", "bad pair (" + std::to_string(first) + ", " + std::to_string(second) + ")");
    for (const auto& other : xors)
      if (other.first == second)
        fail("XOR", "bit " + std::to_string(second) + " is both FIRST and SECOND");
  }
}

std::string AddressMapping::to_string() const {
  std::ostringstream s;
  bool first = true;
  for (int f = 0; f < kFieldCount; ++f) {
    const auto& b = bits[size_t(f)];
    if (b.empty()) continue;
    std::string n = json_name(Field(f));
    s << (first ? "" : " | ") << n.substr(0, n.size() - 4) << " [";
    for (size_t i = 0; i < b.size(); ++i) s << (i ? "," : "") << int(b[i]);
    s << "]";
    first = false;
  }
  return s.str();
}

AddressMapping default_mapping(const MemSpec& spec) {
  const Architecture& a = spec.arch;
  AddressMapping m;
  uint8_t next = 0;
  auto take = [&](Field f, uint32_t n) {
    for (uint32_t i = 0; i < n; ++i) m[f].push_back(next++);
  };
  const uint32_t burst_bits = log2_exact(a.burst_length);
  take(Field::Byte, log2_exact(a.bus_bytes()));
  take(Field::Column, burst_bits);
  // Several channels interleave burst by burst (nothing for one channel): a sequential stream
  // keeps every channel busy, and each channel still sees consecutive bursts of its own.
  take(Field::Channel, log2_exact(a.channels));
  take(Field::BankGroup, log2_exact(a.bank_groups));
  if (spec.standard == Standard::HBM2) take(Field::Rank, log2_exact(a.ranks));
  take(Field::Column, log2_exact(a.columns) - burst_bits);
  take(Field::Bank, log2_exact(a.banks_per_group()));
  if (spec.standard != Standard::HBM2) take(Field::Rank, log2_exact(a.ranks));
  take(Field::Row, log2_exact(a.rows));
  return m;
}

}  // namespace apack::dram
