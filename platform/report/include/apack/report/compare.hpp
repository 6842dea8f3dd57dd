// `apack-vp compare`: the ratios between two runs. Speedup and energy efficiency are
// base / other (above 1: `other` is faster / uses less energy); traffic, footprint and
// per-component energy ratios are other / base (below 1: `other` moves / stores / spends less).
// A ratio whose denominator is zero is NaN, printed "n/a" and written as null.
#pragma once

#include <string>
#include <vector>

#include "apack/report/run_result.hpp"

namespace apack::report {

struct ComponentRatio {
  std::string component;
  double base_j = 0, other_j = 0;
  double ratio = 0;  // other / base
};

struct LayerSpeedup {
  std::string name;
  std::string kind;
  double base_ns = 0, other_ns = 0;
  double speedup = 0;  // base / other
  std::string base_bound, other_bound;
  double traffic_ratio = 0;  // other / base, DRAM bytes read + written
};

struct Comparison {
  std::string base_label, other_label;  // where each run came from (folder or file)
  std::string base_scenario, other_scenario;
  double base_time_ns = 0, other_time_ns = 0;
  double speedup = 0;  // base time / other time
  double base_energy_j = 0, other_energy_j = 0;
  double energy_efficiency = 0;                              // base energy / other energy
  uint64_t base_traffic_bytes = 0, other_traffic_bytes = 0;  // DRAM read + written
  double traffic_ratio = 0;                                  // other / base
  double read_ratio = 0, write_ratio = 0;                    // other / base
  double weights_footprint_ratio = 0;                        // stored weight bytes, other / base
  double activations_footprint_ratio = 0;  // stored activation bytes, other / base
  std::vector<ComponentRatio> components;  // union of both runs' components, sorted
  bool same_layers = false;                // same set of layer names: `layers` is filled
  std::vector<LayerSpeedup> layers;        // in base's layer order
  std::vector<std::string> warnings;       // different model/inputs, unverified runs
};

Comparison compare_runs(const RunResult& base, const RunResult& other,
                        const std::string& base_label = "A", const std::string& other_label = "B");

// Text for the terminal (ends with a newline); the per-layer table only when `layers`.
std::string format_comparison(const Comparison& c, bool layers = false);

// The comparison as JSON text (keys in docs/reports.md), per-layer entries always included.
std::string comparison_json_text(const Comparison& c);

}  // namespace apack::report
