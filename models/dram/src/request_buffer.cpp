#include "apack/dram/request_buffer.hpp"

namespace apack::dram {

const char* name(RowOutcome o) {
  switch (o) {
    case RowOutcome::Hit:
      return "hit";
    case RowOutcome::Miss:
      return "miss";
    case RowOutcome::Conflict:
      return "conflict";
  }
  return "?";
}

RequestBuffer::RequestBuffer(const Architecture& arch, const ControllerConfig& config)
    : config_(config),
      banks_per_rank_(arch.banks),
      banks_(arch.total_banks()),
      per_rank_(arch.ranks, 0) {}

bool RequestBuffer::has_space(uint32_t flat_bank, bool write) const {
  switch (config_.buffer) {
    case BufferPolicy::Shared:
      return size_ < config_.buffer_size;
    case BufferPolicy::Bankwise:
      return banks_[flat_bank].size() < config_.buffer_size;
    case BufferPolicy::ReadWrite:
      return write ? writes_ < config_.buffer_size_write : reads_ < config_.buffer_size_read;
  }
  return false;
}

void RequestBuffer::add(const PendingRequest& r) {
  banks_[r.flat_bank].push_back(r);
  ++per_rank_[r.flat_bank / banks_per_rank_];
  ++size_;
  ++(r.write ? writes_ : reads_);
}

PendingRequest RequestBuffer::take(uint32_t flat_bank, size_t i) {
  auto& list = banks_[flat_bank];
  PendingRequest r = list[i];
  list.erase(list.begin() + long(i));
  --per_rank_[flat_bank / banks_per_rank_];
  --size_;
  --(r.write ? writes_ : reads_);
  return r;
}

}  // namespace apack::dram
