// A processing engine as a SystemC module: it wraps one engine core (engine.hpp, plain C++) and
// spends, at its clock, the cycles the core computes for each tile it is given. The core also
// computes the tile's output sums from the operands the DMA brought on chip, so the values the
// platform writes back are the engine's own. Events of every tile add up for the energy ledger,
// without the core's offchip.* estimates (the platform's DRAM model replaces them).
#pragma once

#include <cstdint>
#include <string>
#include <systemc>

#include "apack/engines/engine.hpp"

namespace apack::engines::sc {

class EngineModule : public sc_core::sc_module {
 public:
  // `core` must outlive the module.
  EngineModule(const sc_core::sc_module_name& name, const Engine& core, sc_core::sc_time clock);

  // Runs one tile: the core's result (outputs included), after waiting its cycles. Call from a
  // thread.
  LayerResult compute(const LayerWork& tile);
  // Spends `cycles` without a core (the platform's vector unit for layers off the engine).
  void busy(int64_t cycles);

  const EventCounts& events() const { return events_; }
  int64_t busy_cycles() const { return busy_cycles_; }
  sc_core::sc_time clock() const { return clock_; }
  const Engine& core() const { return core_; }

 private:
  const Engine& core_;
  sc_core::sc_time clock_;
  EventCounts events_;
  int64_t busy_cycles_ = 0;
};

}  // namespace apack::engines::sc
