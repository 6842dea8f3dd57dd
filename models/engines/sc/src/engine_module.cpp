#include "apack/engines/sc/engine_module.hpp"

namespace apack::engines::sc {

EngineModule::EngineModule(const sc_core::sc_module_name& name, const Engine& core,
                           sc_core::sc_time clock)
    : sc_module(name), core_(core), clock_(clock) {}

LayerResult EngineModule::compute(const LayerWork& tile) {
  LayerResult r = core_.run(tile, RunOptions{true});
  for (const auto& [event, count] : r.events.all())
    if (event.rfind("offchip.", 0) != 0) events_.add(event, count);
  busy(r.cycles);
  return r;
}

void EngineModule::busy(int64_t cycles) {
  if (cycles <= 0) return;
  busy_cycles_ += cycles;
  wait(clock_ * double(cycles));
}

}  // namespace apack::engines::sc
