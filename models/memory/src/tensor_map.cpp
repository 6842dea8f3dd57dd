#include "apack/memory/tensor_map.hpp"

#include "apack/error.hpp"

namespace apack::memory {

TensorMap::TensorMap(uint64_t capacity, uint64_t alignment)
    : capacity_(capacity), alignment_(alignment) {
  if (alignment == 0 || (alignment & (alignment - 1)) != 0)
    throw Error("tensor map: the alignment must be a power of two");
}

uint32_t TensorMap::declare(const std::string& name, TensorRole role, int layer,
                            ElementFormat format, uint64_t n, const pipeline::CodecChoice& choice) {
  TensorInfo t;
  t.id = uint32_t(tensors_.size());
  t.name = name;
  t.role = role;
  t.layer = layer;
  t.format = format;
  t.n = n;
  t.choice = choice;
  tensors_.push_back(std::move(t));
  return tensors_.back().id;
}

uint64_t TensorMap::place(uint32_t id, uint64_t stored_bytes, uint64_t metadata_bytes) {
  TensorInfo& t = at(id);
  if (t.written) throw Error("tensor '" + t.name + "' is written twice (tensors are write-once)");
  const uint64_t base = (next_ + alignment_ - 1) & ~(alignment_ - 1);
  if (base > capacity_ || stored_bytes > capacity_ - base)
    throw Error("DRAM is full: tensor '" + t.name + "' needs " + std::to_string(stored_bytes) +
                " bytes at address " + std::to_string(base) + " of a " + std::to_string(capacity_) +
                "-byte memory (add channels or a larger memspec)");
  t.base = base;
  t.stored_bytes = stored_bytes;
  t.metadata_bytes = metadata_bytes;
  t.written = true;
  const uint64_t raw = (t.n * uint64_t(t.format.bits) + 7) / 8;
  t.ratio = raw == 0 ? 1.0 : double(stored_bytes) / double(raw);
  next_ = base + stored_bytes;
  return base;
}

TensorInfo& TensorMap::at(uint32_t id) {
  if (id >= tensors_.size()) throw Error("tensor map: no tensor " + std::to_string(id));
  return tensors_[id];
}
const TensorInfo& TensorMap::at(uint32_t id) const {
  if (id >= tensors_.size()) throw Error("tensor map: no tensor " + std::to_string(id));
  return tensors_[id];
}

}  // namespace apack::memory
