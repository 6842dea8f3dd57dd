// The program of a run: every tensor declared in the tensor map with its stored form, and one
// job per layer that computes something, per image of the batch (images run one after another;
// the weights are stored once and read again for each image). Which outputs stay on chip is
// decided here too (buffers.keep_on_chip).
#pragma once

#include <cstdint>
#include <vector>

#include "apack/mapping/tiling.hpp"
#include "apack/memory/tensor_map.hpp"
#include "apack/pipeline/stored_tensor.hpp"
#include "apack/run/accelerator.hpp"
#include "apack/run/prepare.hpp"
#include "apack/scenario/scenario.hpp"

namespace apack::run {

struct Program {
  std::vector<LayerJob> jobs;
  std::vector<std::vector<uint32_t>> outputs;  // [image][layer]: the layer's output tensor
  std::vector<uint32_t> weights;               // [layer]: its weight tensor (Conv/FC)
};

// The stored form the scenario's codec section asks for (codec.enabled false: bypass).
pipeline::CodecChoice codec_choice(const scenario::CodecSection& c);

// Throws apack::Error naming the scenario and the layer for storage widths the stored forms do
// not hold, and (from the mapping) for layers that do not fit the buffers.
Program build_program(const scenario::Scenario& s, const PreparedNetwork& net,
                      memory::TensorMap& tensors, const mapping::BufferBudget& budget);

}  // namespace apack::run
