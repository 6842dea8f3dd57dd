#include "apack/dram/sc/channel_map.hpp"

#include <algorithm>
#include <cstdio>

#include "apack/error.hpp"

namespace apack::dram::sc {

namespace {

uint32_t log2_exact(uint64_t v) {
  uint32_t n = 0;
  while ((uint64_t(1) << n) < v) ++n;
  return n;
}

uint64_t mask_of(const std::vector<uint8_t>& bits) {
  uint64_t m = 0;
  for (uint8_t b : bits) m |= uint64_t(1) << b;
  return m;
}

}  // namespace

std::string ChannelMap::hex(uint64_t v) {
  char s[24];
  std::snprintf(s, sizeof s, "0x%llx", static_cast<unsigned long long>(v));
  return s;
}

std::vector<ChannelMap::Run> ChannelMap::runs(const std::vector<uint8_t>& bits) {
  // Field bit i is address bit bits[i]: consecutive i with consecutive positions form a run.
  std::vector<Run> out;
  for (size_t i = 0; i < bits.size();) {
    size_t j = i + 1;
    while (j < bits.size() && bits[j] == bits[j - 1] + 1) ++j;
    const uint32_t width = uint32_t(j - i);
    out.push_back({bits[i], uint8_t(i), width >= 64 ? ~uint64_t(0) : (uint64_t(1) << width) - 1});
    i = j;
  }
  return out;
}

uint64_t ChannelMap::gather(uint64_t a, const std::vector<Run>& r) {
  uint64_t v = 0;
  for (const Run& x : r) v |= ((a >> x.from) & x.mask) << x.to;
  return v;
}

uint64_t ChannelMap::unxor(uint64_t a) const {
  for (const auto& [first, second] : xors_) a ^= ((a >> second) & 1u) << first;
  return a;
}

ChannelMap::ChannelMap(const MemSpec& spec, const AddressMapping& m, const std::string& source) {
  m.validate(spec, source);
  const Architecture& a = spec.arch;
  channels_ = a.channels;
  if (channels_ == 0 || (channels_ & (channels_ - 1)) != 0)
    throw apack::Error(source + ": " + std::to_string(channels_) +
                       " channels; the channel count must be a power of two");
  const uint32_t channel_bits = log2_exact(channels_);
  if (m[Field::Channel].size() != channel_bits)
    throw apack::Error(source + ": addressmapping.CHANNEL_BIT has " +
                       std::to_string(m[Field::Channel].size()) + " bit(s); " +
                       std::to_string(channels_) + " channel(s) need " +
                       std::to_string(channel_bits));
  burst_bytes_ = a.burst_bytes();
  channel_bytes_ = a.channel_bytes();
  xors_ = m.xors;

  // The burst offset must be the lowest address bits, untouched by XORs: then a burst-aligned
  // block is one burst of one bank of one channel, and it is contiguous in the local store.
  const uint32_t offset_bits = log2_exact(burst_bytes_);
  const std::vector<uint8_t>& column = m[Field::Column];
  const uint32_t burst_column_bits = log2_exact(a.burst_length);
  uint64_t offset_mask = mask_of(m[Field::Byte]);
  for (uint32_t i = 0; i < burst_column_bits && i < column.size(); ++i)
    offset_mask |= uint64_t(1) << column[i];
  const uint64_t low = (uint64_t(1) << offset_bits) - 1;
  bool xor_in_offset = false;
  for (const auto& [first, second] : xors_)
    xor_in_offset |= ((low >> first) & 1u) || ((low >> second) & 1u);
  if (offset_mask != low || xor_in_offset)
    throw apack::Error(source + ": the burst offset (BYTE_BIT and the lowest " +
                       std::to_string(burst_column_bits) + " COLUMN_BIT bits) must be address " +
                       "bits 0.." + std::to_string(offset_bits - 1) +
                       ", without XOR, for the router and the channel modules");

  // Local address: the bits of every field but CHANNEL and STACK, in address order.
  std::vector<uint8_t> local_bits;
  for (Field f :
       {Field::Byte, Field::Column, Field::Row, Field::Bank, Field::BankGroup, Field::Rank})
    local_bits.insert(local_bits.end(), m[f].begin(), m[f].end());
  std::sort(local_bits.begin(), local_bits.end());
  local_runs_ = runs(local_bits);
  channel_runs_ = runs(m[Field::Channel]);
  usable_mask_ = mask_of(local_bits) | mask_of(m[Field::Channel]);
  // XOR pairs may move a STACK or unmapped bit into a field; such an address is still outside
  // the memory only if the bit itself is set, which `valid` tests on the raw address. A XOR
  // whose SECOND is outside the usable bits would make that impossible to see: refuse it.
  for (const auto& [first, second] : xors_)
    if (!((usable_mask_ >> first) & 1u) || !((usable_mask_ >> second) & 1u))
      throw apack::Error(source + ": XOR pair (" + std::to_string(first) + ", " +
                         std::to_string(second) + ") uses a bit outside the memory's fields");
}

uint32_t ChannelMap::channel(uint64_t address) const {
  if (channel_runs_.empty()) return 0;
  return uint32_t(gather(xors_.empty() ? address : unxor(address), channel_runs_));
}

uint64_t ChannelMap::local(uint64_t address) const {
  return gather(xors_.empty() ? address : unxor(address), local_runs_);
}

}  // namespace apack::dram::sc
