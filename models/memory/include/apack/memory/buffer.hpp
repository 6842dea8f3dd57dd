// An on-chip buffer (weights, activations or outputs): size, access width and banks from the
// scenario, double-buffered (a tile uses one half while the DMA fills or drains the other).
// It holds the tile data itself (the int values the engine computes on) and gives the access
// time of a transfer. Its accesses are energy events "<prefix>.read_bits" / "<prefix>.write_bits"
// (abuf, wbuf, obuf: models/engines/tech/*.yaml), which the accelerator counts per layer for the
// ledger, so the buffer keeps no count of its own.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <systemc>
#include <vector>

namespace apack::memory {

struct BufferGeometry {
  int64_t size_bytes = 0;
  int width_bits = 0;  // bits per access of one bank
  int banks = 0;
};

class Buffer : public sc_core::sc_module {
 public:
  // `prefix` names its events ("abuf"). Throws apack::Error for a zero size, width or banks.
  Buffer(const sc_core::sc_module_name& name, const BufferGeometry& geometry, std::string prefix);

  const BufferGeometry& geometry() const { return geometry_; }
  int64_t half_bytes() const { return geometry_.size_bytes / 2; }
  // Cycles to move `bits` through all banks in parallel: ceil(bits / (width x banks)).
  int64_t access_cycles(uint64_t bits) const;

  // One half's contents (slot 0 or 1).
  std::vector<int32_t>& slot(int i) { return slots_[size_t(i & 1)]; }
  const std::string& prefix() const { return prefix_; }

 private:
  BufferGeometry geometry_;
  std::string prefix_;
  std::array<std::vector<int32_t>, 2> slots_;
};

}  // namespace apack::memory
