// How the memory's (global) addresses spread over channels, as the router and the channel
// modules see them. The CHANNEL bits of the address mapping select the channel; every module
// keeps the global address (the router passes transactions on unchanged), and a channel's
// backing store is indexed by the channel-local address: the address with the CHANNEL bits
// squeezed out, so each store holds exactly the channel's capacity.
//
// Rules checked here (apack::Error otherwise): the mapping is valid for the memspec, the
// channel count is a power of two with exactly log2(channels) CHANNEL bits, and the burst
// offset (BYTE bits and the low log2(BL) COLUMN bits) is address bits 0..log2(burst_bytes)-1
// with no XOR touching it, so a burst-aligned block of the address space is one burst of one
// channel. STACK bits are not modelled: an address with a STACK bit set is outside the memory.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "apack/dram/address_mapping.hpp"
#include "apack/dram/memspec.hpp"

namespace apack::dram::sc {

class ChannelMap {
 public:
  // `spec.arch.channels` channels; `source` names the mapping in errors.
  ChannelMap(const MemSpec& spec, const AddressMapping& mapping,
             const std::string& source = "address mapping");

  uint32_t channels() const { return channels_; }
  uint32_t burst_bytes() const { return burst_bytes_; }
  uint64_t channel_bytes() const { return channel_bytes_; }
  uint64_t capacity() const { return channel_bytes_ * channels_; }  // the whole memory

  // The burst-aligned address holding `address`.
  uint64_t burst_of(uint64_t address) const { return address & ~uint64_t(burst_bytes_ - 1); }
  // Whether `address` is inside the memory: no unmapped bit, no STACK bit set.
  bool valid(uint64_t address) const { return (address & ~usable_mask_) == 0; }
  uint32_t channel(uint64_t address) const;  // for a valid address
  uint64_t local(uint64_t address) const;    // in [0, channel_bytes()), for a valid address

  // "0x1f" style, for messages.
  static std::string hex(uint64_t v);

 private:
  // A run of adjacent address bits moved together: (a >> from) & mask, placed at `to`.
  struct Run {
    uint8_t from, to;
    uint64_t mask;
  };
  static std::vector<Run> runs(const std::vector<uint8_t>& bits);
  static uint64_t gather(uint64_t a, const std::vector<Run>& r);
  uint64_t unxor(uint64_t a) const;  // the address as the fields see it (XOR pairs applied)

  uint32_t channels_ = 1;
  uint32_t burst_bytes_ = 0;
  uint64_t channel_bytes_ = 0;
  uint64_t usable_mask_ = 0;
  std::vector<std::pair<uint8_t, uint8_t>> xors_;
  std::vector<Run> channel_runs_, local_runs_;
};

}  // namespace apack::dram::sc
