// The one interface of the processing engines (engines.md): a layer in; cycles, event counts and
// the output sums out. Engines are made by name from a parameter list, so a scenario or the
// command line chooses them and adding an engine touches no other engine.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "apack/engines/events.hpp"
#include "apack/engines/layer.hpp"

namespace apack::engines {

struct LayerResult {
  int64_t compute_cycles = 0;    // compute-bound cycles
  int64_t bandwidth_cycles = 0;  // interface-bound cycles (0 when no interface width is set)
  int64_t cycles = 0;            // max of the two
  EventCounts events;
  // Off-chip bits at the engine's storage precision (also in events as offchip.*).
  int64_t weight_bits = 0, act_in_bits = 0, act_out_bits = 0;
  // Engine-specific figures for the report, e.g. "potential" (Laconic), "pa_avg" (Loom).
  std::map<std::string, double> metrics;
  // Sums of products without bias, one per output, HWF order ((oy*Ox + ox)*F + f). Empty when
  // the run did not ask for them.
  std::vector<int64_t> outputs;
};

struct RunOptions {
  bool outputs = true;  // compute the output sums (the functional model)
};

// What the report and equal-peak sizing need to know about a configured engine.
struct EngineInfo {
  std::string name;         // "loom-1b", "laconic", ...
  std::string description;  // the configuration in words, every parameter with its value
  // Peak bit-products per cycle at the data width it is compared at (engines.md, equal peak):
  // bit-parallel M MACs of width P: M*P*P; Loom NC*NR*16*k; Laconic NC*NR*16 term pairs.
  double peak_bit_products = 0;
  bool value_driven = false;  // cycles depend on the values
};

class Engine {
 public:
  virtual ~Engine() = default;
  virtual EngineInfo info() const = 0;
  // Throws apack::Error naming the layer when the engine cannot run it (e.g. values wider than
  // its datapath). Thread-safe: const, no shared mutable state.
  virtual LayerResult run(const LayerWork& layer, const RunOptions& options = {}) const = 0;
};

// An engine chosen by name with "key=value" parameters, written "loom:k=2:columns=16" on the
// command line. Every engine validates its own parameters (unknown keys and bad values are
// errors naming the engine and the key).
struct EngineSpec {
  std::string name;
  std::map<std::string, std::string> params;
  static EngineSpec parse(const std::string& text);  // "laconic:sync=column:wires=128"
  std::string str() const;
};

// The configuration every engine is sized against (equal peak): the bit-parallel baseline.
struct Baseline {
  int width = 8;  // bits of the baseline's multipliers (8 or 16)
  int tiles = 4;  // tiles of `rows` filters x 16 lanes: default 4 x 16 x 16 = 1024 MACs/cycle
  int rows = 16;
  int64_t macs() const { return int64_t(tiles) * rows * 16; }
  double peak_bit_products() const { return double(macs()) * width * width; }
};

// Registered engine names, in the report's order: bit-parallel, tensor-core, loom, laconic.
std::vector<std::string> engine_names();
// Makes an engine; parameters not given take defaults sized to `baseline` (equal peak).
std::unique_ptr<Engine> make_engine(const EngineSpec& spec, const Baseline& baseline);

// Reads an integer/boolean/string parameter, removing it from the map so that leftovers can be
// reported as unknown. Errors name the engine and the key.
class ParamReader {
 public:
  ParamReader(std::string engine, std::map<std::string, std::string> params)
      : engine_(std::move(engine)), params_(std::move(params)) {}
  int64_t integer(const std::string& key, int64_t fallback, int64_t min, int64_t max);
  bool boolean(const std::string& key, bool fallback);
  std::string choice(const std::string& key, const std::string& fallback,
                     const std::vector<std::string>& allowed);
  bool has(const std::string& key) const { return params_.count(key) != 0; }
  // Throws when keys remain that no reader asked for, listing the ones the engine accepts.
  void finish() const;

 private:
  const std::string* take(const std::string& key);
  std::string engine_;
  std::map<std::string, std::string> params_;
  std::vector<std::string> asked_;
  std::string taken_;
};

}  // namespace apack::engines
