// Everything one platform run reports (apack-vp run): totals, per-layer records, the energy
// ledger priced by the technology table, verification and the simulator's own speed. The run
// fills it; report writers turn it into OUT/summary.json, OUT/layers.csv, OUT/energy.csv, the
// optional Chrome trace and plots; `apack-vp compare` reads two summary.json files back.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace apack::report {

// One priced event of the ledger: `count` events of `event` ("abuf.read_bits") by `component`
// ("engine", "buffers", "codec", "dram"), pJ each, with the source of the figure.
struct EnergyItem {
  std::string component;
  std::string event;
  double count = 0;
  double pJ = 0;
  double joules = 0;
  std::string source;
  bool derived = false;  // computed by us from published figures
};

struct LayerRecord {
  int index = -1;     // layer index in the graph
  std::string name;   // the layer's name in the model
  std::string kind;   // "Conv", "FullyConnected", "Add", ...
  std::string unit;   // "engine" (Conv/FC on the engine) or "vector" (other kinds)
  int64_t tiles = 0;  // tiles the mapping split the layer into (0 for vector layers)
  int64_t macs = 0;
  double start_ns = 0;         // simulated time the layer's first read was issued
  double end_ns = 0;           // simulated time its last output reached DRAM (or the buffer)
  int64_t cycles = 0;          // (end - start) in engine clock cycles
  int64_t compute_cycles = 0;  // cycles the engine (or vector unit) was busy on this layer
  std::string bound;           // "compute" or "memory": which one the layer waited on most
  uint64_t dram_read_bytes = 0, dram_write_bytes = 0;    // stored bytes moved (with metadata)
  uint64_t dram_read_bursts = 0, dram_write_bursts = 0;  // DRAM requests
  uint64_t raw_read_bytes = 0, raw_write_bytes = 0;      // the same values at storage width
  // Stored bytes moved / raw bytes (1 with the codec off; below 1 is a saving).
  double compression_ratio = 1.0;
  std::map<std::string, double> energy_j;  // by component
  double energy_total_j = 0;
};

// Footprint of one class of tensors as stored in DRAM.
struct Footprint {
  uint64_t tensors = 0;
  uint64_t raw_bytes = 0;     // at storage width
  uint64_t stored_bytes = 0;  // as stored (headers, tables, chunk index included)
  double ratio() const { return raw_bytes == 0 ? 1.0 : double(stored_bytes) / double(raw_bytes); }
};

// One span of the optional timeline: a track (e.g. "engine", "dma.read", "codec.decode",
// "dram.ch0") with a named activity over [start_ns, start_ns + dur_ns).
struct TimelineSpan {
  std::string track;
  std::string name;
  double start_ns = 0;
  double dur_ns = 0;
};

struct RunResult {
  // What ran
  std::string scenario_name;
  std::string scenario_file;
  std::string scenario_json;  // the resolved scenario (scenario::to_json_text)
  std::string engine;         // "tensor-core", "loom-2b", ...
  std::string engine_description;
  std::string codec;         // "apack", "bypass", "zrle", "shapeshifter"
  std::string table_source;  // "profile" or "oracle" (APack), "" otherwise
  std::string dram;          // "lpddr4-3200 x1 channel"
  std::string tlm_mode;      // "lt" or "at"
  std::string model;         // the model's path or built-in name
  std::vector<std::string> inputs;
  bool synthetic = false;  // built-in topology with synthetic values
  std::string technology;  // "65nm", ...
  double clock_ghz = 1.0;  // engine clock

  // Verification against the reference int8 executor
  bool verified = false;
  std::string verification;  // one line: what was compared and the outcome
  uint64_t outputs_checked = 0, mismatches = 0;

  // Totals
  double sim_time_ns = 0;  // simulated time of the whole inference
  int64_t cycles = 0;      // at the engine clock
  int64_t macs = 0;
  uint64_t dram_read_bytes = 0, dram_write_bytes = 0;
  uint64_t dram_read_bursts = 0, dram_write_bursts = 0;
  uint64_t raw_read_bytes = 0, raw_write_bytes = 0;
  Footprint weights, activations;  // DRAM footprints (activations: every tensor written)
  double energy_total_j = 0;
  std::map<std::string, double> energy_by_component;
  std::vector<EnergyItem> energy;  // the ledger
  std::vector<LayerRecord> layers;

  // The simulator itself
  double wall_seconds = 0;       // the whole command
  double reference_seconds = 0;  // loading, quantizing, reference inference
  double sim_wall_seconds = 0;   // the SystemC simulation
  uint64_t peak_rss_bytes = 0;
  uint64_t dram_requests = 0;           // bursts the memory controllers served
  double dram_requests_per_second = 0;  // per wall second of simulation
  double sim_to_wall = 0;               // simulated seconds per wall second
  std::vector<std::string> notes;       // what settings mean, unverified inputs used
  std::vector<TimelineSpan> timeline;   // filled only when the trace was asked for
};

}  // namespace apack::report
