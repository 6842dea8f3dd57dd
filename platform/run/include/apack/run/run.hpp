// One platform run: a validated scenario in, a RunResult out (docs/platform.md). Builds the
// SystemC platform - accelerator (engine module, buffers, DMA) -> codec pipeline -> router ->
// one memory controller per DRAM channel - stores the weights and the input in DRAM in their
// stored form, runs the network, reads every layer's output back from DRAM and compares it with
// the reference int8 executor's, and prices every event with the technology table.
// SystemC allows one simulation per process: call it once.
#pragma once

#include <functional>
#include <string>

#include "apack/report/run_result.hpp"
#include "apack/scenario/scenario.hpp"

namespace apack::run {

struct RunCallbacks {
  std::function<void(const std::string&)> step;          // a phase starts ("simulating")
  std::function<void(size_t done, size_t total)> layer;  // a layer finished in simulation
  bool timeline = false;                                 // record spans for the trace
  // Testing the checks: invert one stored byte of this layer's output (first image) on its way
  // to DRAM; the run must then not verify. Empty: none.
  std::string inject_fault;
};

report::RunResult run_scenario(const scenario::Scenario& s, const RunCallbacks& callbacks = {});

}  // namespace apack::run
