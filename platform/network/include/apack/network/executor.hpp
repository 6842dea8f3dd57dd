// fp32 reference executor: runs a validated Graph on float inputs and keeps every layer's output.
// It defines the meaning of each layer kind; the int8 executor (quantize.hpp) follows it with
// integer arithmetic.
#pragma once

#include <vector>

#include "apack/network/graph.hpp"

namespace apack::network {

struct FloatTensor {
  Shape shape;
  std::vector<float> data;
};

// One input per graph input (graph.inputs order), each shaped as its Input layer. Returns one
// tensor per layer (index = layer index). threads = 0 uses every hardware thread.
std::vector<FloatTensor> run_fp32(const Graph& graph, const std::vector<FloatTensor>& inputs,
                                  unsigned threads = 0);

}  // namespace apack::network
