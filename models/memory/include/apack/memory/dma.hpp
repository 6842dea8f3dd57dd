// The DMA engine: moves tiles between the on-chip buffers and the tensors in DRAM through its
// initiator socket `out` (to the codec pipeline, which reads and writes the stored forms).
// Transactions address tensor values (tensor_access.hpp). Called from the accelerator's
// threads; a transfer takes the longer of the memory side's time (the codec and DRAM, the
// annotated delay) and the buffer side's (its banks' access cycles at the accelerator clock).
#pragma once

#include <tlm_utils/simple_initiator_socket.h>

#include <cstdint>
#include <systemc>
#include <vector>

#include "apack/memory/buffer.hpp"

namespace apack::memory {

struct DmaStats {
  uint64_t reads = 0, writes = 0;  // transfers
  uint64_t values_read = 0, values_written = 0;
  double busy_ns = 0;  // summed transfer times (reads and writes may overlap)
};

class Dma : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<Dma> out;

  // `clock`: the buffers' (accelerator's) clock period.
  Dma(const sc_core::sc_module_name& name, sc_core::sc_time clock);

  // Reads values [first, first + count) of `tensor` into `dst` (int values); the buffer side's
  // time counts `bits_per_value` bits per value. Returns when the data is in the buffer.
  void read(uint32_t tensor, int layer, uint64_t first, uint64_t count, int32_t* dst,
            Buffer& buffer, int bits_per_value);
  // Writes values [first, first + count) of `tensor` from `src`; `enable` (may be empty) is a
  // repeating per-value pattern of which values are written (1) or skipped (0).
  void write(uint32_t tensor, int layer, uint64_t first, uint64_t count, const int32_t* src,
             const std::vector<uint8_t>& enable, Buffer& buffer, int bits_per_value);

  const DmaStats& stats() const { return stats_; }

 private:
  void transfer(tlm::tlm_generic_payload& p, Buffer& buffer, uint64_t bits, bool fill);

  sc_core::sc_time clock_;
  DmaStats stats_;
};

}  // namespace apack::memory
