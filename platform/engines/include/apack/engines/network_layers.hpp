// The Conv and FullyConnected layers of a quantized network as engine work: shapes, the int
// operands of one reference run (the input activations each layer really saw) and the reference
// executor's sums that every engine must reproduce.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "apack/engines/layer.hpp"
#include "apack/network/quantize.hpp"

namespace apack::engines {

// Where the static per-layer precisions (Pa, Pw) come from.
enum class PrecisionSource {
  Quantization,  // the widths the network is quantized at (a profile's widths when one is used)
  Data,          // the smallest widths holding the layer's actual int values
};
const char* precision_source_name(PrecisionSource s);

struct NetworkLayer {
  int index = -1;  // layer index in the graph
  std::string kind;
  LayerWork work;                  // points into the run's tensors and the quantized weights
  std::vector<int64_t> reference;  // the reference executor's sums without bias, HWF
};

// `run` must come from run_int(qg, ..., keep_accumulators = true) and outlive the result (the
// LayerWork pointers refer to its tensors and to qg's weights). Throws apack::Error when a
// layer's accumulators were not kept.
std::vector<NetworkLayer> network_layers(const network::QuantizedGraph& qg,
                                         const network::IntRun& run, PrecisionSource precisions);

// The bit width of one layer's quantized weights (signed, symmetric).
int weight_width(const network::QuantizedGraph& qg, int layer);

}  // namespace apack::engines
