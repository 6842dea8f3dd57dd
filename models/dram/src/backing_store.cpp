#include "apack/dram/backing_store.hpp"

#include <algorithm>
#include <cstring>
#include <string>

#include "apack/error.hpp"

namespace apack::dram {

BackingStore::BackingStore(uint64_t capacity, uint32_t page_bytes)
    : capacity_(capacity), page_bytes_(page_bytes), shift_(0) {
  if (page_bytes == 0 || (page_bytes & (page_bytes - 1)) != 0)
    throw apack::Error("dram: backing store page size must be a power of two");
  while ((1u << shift_) < page_bytes) ++shift_;
}

void BackingStore::check(uint64_t address, size_t n) const {
  if (address > capacity_ || n > capacity_ - address)
    throw apack::Error("dram: access of " + std::to_string(n) + " bytes at " +
                       std::to_string(address) + " is outside the memory (" +
                       std::to_string(capacity_) + " bytes)");
}

uint8_t* BackingStore::page(uint64_t index) {
  auto& p = pages_[index];
  if (!p) p.reset(new uint8_t[page_bytes_]());
  return p.get();
}

void BackingStore::read(uint64_t address, uint8_t* out, size_t n) const {
  check(address, n);
  while (n) {
    const uint64_t offset = address & (page_bytes_ - 1);
    const size_t chunk = size_t(std::min<uint64_t>(n, page_bytes_ - offset));
    auto it = pages_.find(address >> shift_);
    if (it == pages_.end())
      std::memset(out, 0, chunk);
    else
      std::memcpy(out, it->second.get() + offset, chunk);
    address += chunk;
    out += chunk;
    n -= chunk;
  }
}

void BackingStore::write(uint64_t address, const uint8_t* in, size_t n) {
  check(address, n);
  while (n) {
    const uint64_t offset = address & (page_bytes_ - 1);
    const size_t chunk = size_t(std::min<uint64_t>(n, page_bytes_ - offset));
    std::memcpy(page(address >> shift_) + offset, in, chunk);
    address += chunk;
    in += chunk;
    n -= chunk;
  }
}

void BackingStore::write_masked(uint64_t address, const uint8_t* in, size_t n,
                                const uint8_t* enable, size_t enable_len) {
  if (!enable || enable_len == 0) return write(address, in, n);
  check(address, n);
  for (size_t i = 0; i < n; ++i)
    if (enable[i % enable_len])
      page((address + i) >> shift_)[(address + i) & (page_bytes_ - 1)] = in[i];
}

}  // namespace apack::dram
