// Chooses the controller's next command, event-driven: for every bank with work, the command
// its chosen request needs next and the earliest cycle the TimingEngine allows it; for every
// rank, refresh (PREA then REF once due) and power-down entry/exit; then the earliest of all,
// the oldest request winning ties. Because issuing a command only ever delays others, taking
// the earliest candidate each time gives the order a cycle-by-cycle controller would produce.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "apack/dram/command.hpp"
#include "apack/dram/controller_config.hpp"
#include "apack/dram/protocol_state.hpp"
#include "apack/dram/request_buffer.hpp"
#include "apack/dram/timing_engine.hpp"

namespace apack::dram {

// Per-rank controller state the scheduler reads.
struct RankControl {
  Cycle refresh_due = 0;    // the next REF is due at this cycle
  Cycle last_activity = 0;  // last command or request arrival (power-down idle timer)
};

struct Candidate {
  Cycle time = 0;
  Command command;
  int32_t request = -1;   // index in its bank's buffer list, -1 for refresh/power-down
  uint64_t priority = 0;  // lower wins ties: 0 refresh and wake-up, request seq + 1, max PDE
};

class Scheduler {
 public:
  Scheduler(const MemSpec& spec, const ControllerConfig& config, const RequestBuffer& buffer,
            const ProtocolState& state, const TimingEngine& engine,
            const std::vector<RankControl>& ranks);

  // The next command to issue at or after `now`, if any.
  std::optional<Candidate> next(Cycle now) const;

 private:
  // The command bank `flat`'s chosen request needs next; false if the bank has no requests.
  bool for_bank(uint32_t rank, uint32_t group, uint32_t bank, Cycle now, Candidate& c) const;
  void consider(const Candidate& c, std::optional<Candidate>& best) const;

  const Architecture arch_;
  const ControllerConfig config_;
  const RequestBuffer& buffer_;
  const ProtocolState& state_;
  const TimingEngine& engine_;
  const std::vector<RankControl>& ranks_;
};

}  // namespace apack::dram
