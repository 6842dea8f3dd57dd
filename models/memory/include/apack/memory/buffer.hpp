// An on-chip buffer (weights, activations or outputs): size, access width and banks from the
// scenario, double-buffered (a tile uses one half while the DMA fills or drains the other).
// It holds the tile data itself (the int values the engine computes on) and counts its
// accesses as energy events "<prefix>.read_bits" / "<prefix>.write_bits", which the technology
// table prices (abuf, wbuf, obuf: models/engines/tech/*.yaml).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <systemc>
#include <vector>

#include "apack/engines/events.hpp"

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

  void count_write(uint64_t bits) { events_.add(prefix_ + ".write_bits", double(bits)); }
  void count_read(uint64_t bits) { events_.add(prefix_ + ".read_bits", double(bits)); }
  const engines::EventCounts& events() const { return events_; }

 private:
  BufferGeometry geometry_;
  std::string prefix_;
  std::array<std::vector<int32_t>, 2> slots_;
  engines::EventCounts events_;
};

}  // namespace apack::memory
