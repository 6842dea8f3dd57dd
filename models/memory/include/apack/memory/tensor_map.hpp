// Where every tensor of a run lives in DRAM and in which stored form: the descriptor table a DMA
// engine and the codec pipeline share (in hardware, the descriptors a driver programs). Plain
// C++: no SystemC.
//
// A tensor is declared before the run (its shape, format and stored form) and placed when the
// codec writes it: the encoder writes a tensor's container once the tensor is complete (its
// header and chunk index need every value), so its stored size is known by then.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "apack/pipeline/stored_tensor.hpp"

namespace apack::memory {

enum class TensorRole { weights, activations };

struct TensorInfo {
  uint32_t id = 0;
  std::string name;  // "conv1/weights", "conv1" (the layer's output), for messages and reports
  TensorRole role = TensorRole::activations;
  int layer = -1;  // the graph layer that produces it (weights: the layer that reads them)
  ElementFormat format;
  uint64_t n = 0;                // values
  pipeline::CodecChoice choice;  // how it is stored (profile pointer owned by the run)
  // Set when written (place):
  bool written = false;
  uint64_t base = 0;  // DRAM address of its first stored byte
  uint64_t stored_bytes = 0;
  uint64_t metadata_bytes = 0;  // header + table + chunk index: read before any payload
  double ratio = 1.0;           // stored / raw
};

class TensorMap {
 public:
  // `capacity`: bytes of DRAM; `alignment`: start addresses are multiples of it (a DRAM page or
  // a burst, so tensors never share a burst).
  TensorMap(uint64_t capacity, uint64_t alignment);

  uint32_t declare(const std::string& name, TensorRole role, int layer, ElementFormat format,
                   uint64_t n, const pipeline::CodecChoice& choice);
  // Gives the tensor `stored_bytes` of DRAM at the next aligned address; throws apack::Error
  // naming the tensor when DRAM is full or the tensor was placed already.
  uint64_t place(uint32_t id, uint64_t stored_bytes, uint64_t metadata_bytes);
  TensorInfo& at(uint32_t id);
  const TensorInfo& at(uint32_t id) const;
  const std::vector<TensorInfo>& all() const { return tensors_; }
  uint64_t used() const { return next_; }

 private:
  uint64_t capacity_, alignment_, next_ = 0;
  std::vector<TensorInfo> tensors_;
};

}  // namespace apack::memory
