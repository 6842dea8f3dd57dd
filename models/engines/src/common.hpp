// Pieces every engine model uses: off-chip traffic at the storage precision, the interface bound
// on cycles, and the parameters all engines accept.
#pragma once

#include <cstdint>

#include "apack/engines/engine.hpp"

namespace apack::engines::detail {

// Off-chip bits of one layer: every input activation, weight and output moved once at the given
// bits per value (engines.md: values stored at the engine's storage precision). Fills
// r.weight_bits/act_in_bits/act_out_bits and the offchip.* events.
void count_offchip(const LayerWork& l, double act_bits_per_value, double weight_bits_per_value,
                   double out_bits_per_value, LayerResult& r);

// Interface widths in bits per cycle between the on-chip buffers and the array (0 = unlimited).
struct Interfaces {
  int64_t weight_bits = 0;
  int64_t act_bits = 0;
  static Interfaces read(ParamReader& p);  // parameters weight_if=BITS, act_if=BITS
  std::string describe() const;            // ", weight interface 128 b/cycle" or ""
};

// bandwidth_cycles = max(ceil(wbuf.read_bits / weight interface), ceil(abuf.read_bits / act
// interface)); cycles = max(compute_cycles, bandwidth_cycles).
void finish_cycles(LayerResult& r, const Interfaces& interfaces);

}  // namespace apack::engines::detail
