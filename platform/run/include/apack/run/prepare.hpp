// The network side of a run, before any simulation: the model loaded, its inputs, quantization
// (with the scenario's precision profile), calibration, the reference int8 inference that the
// platform's outputs are verified against, and the APack table profiles of the activations
// (byte histograms of every layer's output on the calibration inputs).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "apack/engines/network_layers.hpp"
#include "apack/network/graph.hpp"
#include "apack/network/quantize.hpp"
#include "apack/pipeline/stored_tensor.hpp"
#include "apack/scenario/scenario.hpp"

namespace apack::run {

struct PreparedNetwork {
  std::unique_ptr<network::Graph> graph;  // qg points to it
  network::QuantizedGraph qg;
  // One per image of the batch (the scenario's inputs in order, or seeded synthetic inputs),
  // accumulators kept.
  std::vector<network::IntRun> references;
  // Conv/FC as engine work: shapes and formats; with precisions from the data, the widest of
  // the batch's images (an engine sized for one image must hold every image's values).
  std::vector<engines::NetworkLayer> layers;
  // Per graph layer: the byte histogram of its output on the calibration inputs (empty format
  // bits = 0 where not computed).
  std::vector<pipeline::TableProfile> profiles;
  bool synthetic = false;  // built-in topology with synthetic values and input
  std::vector<std::string> notes;
};

// `progress` receives short messages ("quantizing") as the steps start.
PreparedNetwork prepare_network(const scenario::Scenario& s,
                                const std::function<void(const std::string&)>& progress);

// The storage format of a layer's output tensor.
ElementFormat output_format(const network::QuantizedGraph& qg, int layer);

}  // namespace apack::run
