// Runs several engines over the layers of one network and verifies every engine's output sums
// against the reference executor's, layer by layer. Layers x engines run in parallel.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "apack/engines/engine.hpp"
#include "apack/engines/network_layers.hpp"

namespace apack::engines {

struct OutputCheck {
  bool ran = false;        // the outputs were computed and compared
  int64_t mismatches = 0;  // outputs that differ from the reference
  int64_t first = -1;      // index (HWF) of the first difference
  int64_t expected = 0, got = 0;
  bool equal() const { return ran && mismatches == 0; }
};
OutputCheck check_outputs(const std::vector<int64_t>& reference, const std::vector<int64_t>& got);

struct EngineLayerRun {
  LayerResult result;  // outputs dropped once checked
  OutputCheck check;
  double seconds = 0;  // wall time of the engine on this layer (one thread)
};

struct EngineRun {
  EngineSpec spec;
  EngineInfo info;
  std::vector<EngineLayerRun> layers;  // in the order of the network layers
  int64_t cycles = 0, compute_cycles = 0, bandwidth_cycles = 0;
  int64_t weight_bits = 0, act_in_bits = 0, act_out_bits = 0;
  EventCounts events;
  double seconds = 0;  // summed over layers (thread time)
  int64_t macs = 0;
  int64_t layers_equal = 0;  // layers whose outputs equal the reference
};

struct CompareOptions {
  unsigned threads = 0;  // 0 = every hardware thread
  bool verify = true;    // compute and compare the outputs
  // Called after each (engine, layer) task with the number done and the total.
  std::function<void(size_t done, size_t total)> progress;
};

struct NamedEngine {
  EngineSpec spec;
  std::unique_ptr<Engine> engine;
};

std::vector<EngineRun> run_engines(const std::vector<NetworkLayer>& layers,
                                   const std::vector<NamedEngine>& engines,
                                   const CompareOptions& options = {});

}  // namespace apack::engines
