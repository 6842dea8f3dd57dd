#include "apack/memory/buffer.hpp"

#include "apack/error.hpp"

namespace apack::memory {

Buffer::Buffer(const sc_core::sc_module_name& name, const BufferGeometry& geometry,
               std::string prefix)
    : sc_module(name), geometry_(geometry), prefix_(std::move(prefix)) {
  if (geometry.size_bytes < 2 || geometry.width_bits <= 0 || geometry.banks <= 0)
    throw Error(std::string(this->name()) +
                ": a buffer needs a size of at least 2 bytes, a width "
                "and at least one bank");
}

int64_t Buffer::access_cycles(uint64_t bits) const {
  const uint64_t per_cycle = uint64_t(geometry_.width_bits) * uint64_t(geometry_.banks);
  return int64_t((bits + per_cycle - 1) / per_cycle);
}

}  // namespace apack::memory
