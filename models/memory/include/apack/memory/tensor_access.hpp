// The TLM extension of the platform's on-chip transactions between a DMA engine and the codec
// pipeline: they address VALUES of one tensor, not DRAM bytes. The payload's address is the
// first value's index times 4 and its data are the values as little-endian int32 (4 bytes per
// value, whatever the storage width: the codec packs them). A write's byte enables select the
// values written (a repeating pattern: e.g. the filters of one tile in every run of F outputs).
// The codec turns the access into reads or writes of the tensor's stored bytes in DRAM.
#pragma once

#include <cstdint>
#include <tlm>

namespace apack::memory {

constexpr uint64_t kValueBytes = 4;  // bytes per value in a TensorAccess transaction

class TensorAccess : public tlm::tlm_extension<TensorAccess> {
 public:
  uint32_t tensor = 0;  // TensorMap id
  int layer = -1;       // the layer on whose behalf the access is made (statistics)

  tlm::tlm_extension_base* clone() const override { return new TensorAccess(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override {
    *this = static_cast<const TensorAccess&>(other);
  }
};

}  // namespace apack::memory
