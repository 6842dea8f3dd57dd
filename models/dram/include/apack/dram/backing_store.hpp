// The bytes a memory holds: sparse, allocated a page at a time on first write, so a 4 GiB
// channel costs only what is written. Bytes never written read as zero. Addresses are channel-
// or memory-local byte addresses in [0, capacity).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <unordered_map>

namespace apack::dram {

class BackingStore {
 public:
  // `page_bytes` must be a power of two; throws apack::Error otherwise.
  explicit BackingStore(uint64_t capacity, uint32_t page_bytes = 4096);

  uint64_t capacity() const { return capacity_; }
  // Throw apack::Error when [address, address + n) leaves [0, capacity).
  void read(uint64_t address, uint8_t* out, size_t n) const;
  void write(uint64_t address, const uint8_t* in, size_t n);
  // TLM-style byte enables: byte i is written when enable[i % enable_len] is non-zero.
  void write_masked(uint64_t address, const uint8_t* in, size_t n, const uint8_t* enable,
                    size_t enable_len);
  size_t pages() const { return pages_.size(); }  // pages allocated so far

 private:
  void check(uint64_t address, size_t n) const;
  uint8_t* page(uint64_t index);  // allocates (zeroed) on first use

  uint64_t capacity_;
  uint32_t page_bytes_;
  uint32_t shift_;
  std::unordered_map<uint64_t, std::unique_ptr<uint8_t[]>> pages_;
};

}  // namespace apack::dram
