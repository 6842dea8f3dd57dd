// Event counts an engine reports for the energy model. Names are "<component>.<event>"; the
// technology table (tech/*.yaml, energy.hpp) gives the energy of one event of each name, and the
// report groups energy by component. The names every engine uses:
//
//   mac8.active / mac8.idle        lane-cycles of 8-bit (or mac16.*: 16-bit) multipliers of the
//                                  bit-parallel engine, doing a product / idle in an issued cycle
//   tc_mac8.active / tc_mac8.idle  multiplier slots of the tensor-core units
//   sip_k1.active / sip_k1.idle    lane-cycles of Loom serial inner-product units processing one
//                                  weight bit x k activation bits (sip_k2.*, sip_k4.*)
//   term.active / term.idle        lane-cycles of Laconic processing elements (one term pair)
//   abuf.read_bits                 bits read from the activation buffer
//   wbuf.read_bits                 bits read from the weight buffer
//   obuf.write_bits                bits of results written to the output buffer
//   abuf.write_bits / wbuf.write_bits / obuf.read_bits
//                                  the platform's DMA filling the input buffers and draining the
//                                  output buffer (not reported by the engines themselves)
//   acc.updates                    accumulator (or output register) updates
//   offchip.weight_bits / offchip.act_in_bits / offchip.act_out_bits
//                                  bits moved to or from off-chip memory at the engine's
//                                  storage precision (energy: the table's DRAM pJ/bit)
#pragma once

#include <map>
#include <string>

namespace apack::engines {

class EventCounts {
 public:
  void add(const std::string& name, double count) { counts_[name] += count; }
  double get(const std::string& name) const {
    auto it = counts_.find(name);
    return it == counts_.end() ? 0.0 : it->second;
  }
  const std::map<std::string, double>& all() const { return counts_; }
  EventCounts& operator+=(const EventCounts& o) {
    for (const auto& [k, v] : o.counts_) counts_[k] += v;
    return *this;
  }

 private:
  std::map<std::string, double> counts_;
};

}  // namespace apack::engines
