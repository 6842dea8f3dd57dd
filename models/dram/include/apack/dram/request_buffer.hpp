// The controller's bounded request buffer: requests waiting for their column command, kept
// per bank in arrival order (the schedulers look at one bank at a time), with the capacity
// rule of the configured BufferPolicy. A full buffer is the back-pressure the caller sees.
#pragma once

#include <cstdint>
#include <vector>

#include "apack/dram/address_mapping.hpp"
#include "apack/dram/controller_config.hpp"
#include "apack/dram/memspec.hpp"

namespace apack::dram {

// How a request found its row: open already (hit), bank precharged (miss), another row open
// (conflict).
enum class RowOutcome : uint8_t { Hit, Miss, Conflict };
const char* name(RowOutcome o);

struct PendingRequest {
  uint64_t id = 0;
  uint64_t seq = 0;  // acceptance order: smaller is older
  uint64_t address = 0;
  bool write = false;
  Cycle arrival = 0;   // when the caller offered it
  Cycle accepted = 0;  // when it entered the buffer (later under back-pressure)
  DecodedAddress where;
  uint32_t flat_bank = 0;
  RowOutcome outcome = RowOutcome::Hit;  // set to Miss/Conflict when it causes ACT/PRE
};

class RequestBuffer {
 public:
  RequestBuffer(const Architecture& arch, const ControllerConfig& config);

  bool has_space(uint32_t flat_bank, bool write) const;
  void add(const PendingRequest& r);  // the caller checked has_space
  const std::vector<PendingRequest>& bank(uint32_t flat_bank) const { return banks_[flat_bank]; }
  PendingRequest& at(uint32_t flat_bank, size_t i) { return banks_[flat_bank][i]; }
  PendingRequest take(uint32_t flat_bank, size_t i);
  size_t size() const { return size_; }
  size_t in_rank(uint32_t rank) const { return per_rank_[rank]; }

 private:
  ControllerConfig config_;
  uint32_t banks_per_rank_;
  std::vector<std::vector<PendingRequest>> banks_;
  std::vector<size_t> per_rank_;
  size_t size_ = 0, reads_ = 0, writes_ = 0;
};

}  // namespace apack::dram
