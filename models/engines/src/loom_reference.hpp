// A literal bit-serial model of Loom, for small layers and tests only (it spends
// Pa * Pw / k operations per product). It walks the steps of the shared mapping one by one and
// computes every sum the way a SIP does: each cycle it ANDs one bit j of the 16 weights with k
// bits i..i+k-1 of the 16 activations, adds the 16 lane results, shifts the sum by i + j and
// accumulates it, negating the term of an operand's most significant bit when the operand is
// signed (two's complement). Activations are read at the step's precision (Pa, or the step's
// dynamic precision) and weights at Pw (or the filters' dynamic precision), exactly the bits the
// datapath holds. The fast model (loom.cpp) must give the same sums and convolution cycles.
#pragma once

#include <cstdint>
#include <vector>

#include "apack/engines/layer.hpp"
#include "loom_model.hpp"

namespace apack::engines::detail {

struct LoomReference {
  std::vector<int64_t> outputs;  // HWF order, like LayerResult::outputs
  // Sum over the steps of max(1, ceil(Pa_step / k)) * max(1, Pw_step): the convolution
  // schedule (fully connected layers are scheduled by loom_fc_schedule, not by steps).
  int64_t step_cycles = 0;
  int64_t steps = 0;
};

LoomReference loom_reference(const LayerWork& layer, const LoomConfig& config);

}  // namespace apack::engines::detail
