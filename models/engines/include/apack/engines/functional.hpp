// The functional model shared by the engines: output sums of a layer from operands as an engine
// represents them. Each engine first maps every operand to the value its datapath computes with
// (a bit-serial engine with a too-small precision sees a truncated value), then these sums are
// what its adders produce; the platform compares them with the reference executor.
#pragma once

#include <cstdint>
#include <vector>

#include "apack/engines/layer.hpp"

namespace apack::engines {

// How a datapath holds an operand: its low `bits` bits, read as two's complement or unsigned
// (truncate_to in precision.hpp). bits >= 32 keeps the value as it is.
struct OperandView {
  int bits = 32;
  bool is_signed = true;
};

// Sums of products without bias, HWF order, of `activations` (H*W*C) and `weights` (OHWI) with
// the layer's shape, each operand taken through its view. Uses 16-bit operands and 32-bit sums
// when both fit (exactly), else 64-bit; no copy of the operand tensors is made.
std::vector<int64_t> layer_sums(const LayerWork& layer, const int32_t* activations,
                                const int32_t* weights, OperandView act_view = {},
                                OperandView weight_view = {});

// Operands mapped value by value through a table of the engine's view of every value in
// [lo, hi] (table[v - lo]); values outside are an error of the caller's check_layer.
std::vector<int32_t> map_values(const int32_t* values, int64_t n, const std::vector<int32_t>& table,
                                int32_t lo);

}  // namespace apack::engines
