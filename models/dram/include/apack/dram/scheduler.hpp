// Chooses the controller's next command, event-driven: for every bank with work, the command
// its chosen request needs next and the earliest cycle the TimingEngine allows it; for every
// rank, refresh (PREA then REF once due) and power-down entry/exit; then the earliest of all,
// the oldest request winning ties. Because issuing a command only ever delays others, taking
// the earliest candidate each time gives the order a cycle-by-cycle controller would produce.
//
// Speed: each bank's choice (request, command, timing bound) is cached. The controller tells
// the scheduler what changed: a bank's requests (invalidate), a command issued (on_issue:
// that bank, or that rank for rank commands, is invalidated; every other cached bound is raised
// incrementally by TimingEngine::raise). A decision then costs a few loads per bank instead of
// a pass over the constraint rows per bank; consistent() recomputes everything to check this.
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

  // After a request was added to bank `flat` (and invalidate(flat)): updates `best`, the
  // result of next(now) before the addition, to what next(now) returns now. Returns false,
  // leaving `best` alone, when that needs a full next() (the bank or its rank was part of the
  // decision).
  bool after_enqueue(std::optional<Candidate>& best, uint32_t flat, Cycle now) const;

  // The requests of bank `flat` changed (one added or taken).
  void invalidate(uint32_t flat) { cache_[flat].valid = false; }
  // `x` was issued: call after the TimingEngine and the ProtocolState recorded it.
  void on_issue(const Command& x);
  // Whether every cached choice equals a fresh computation (tests).
  bool consistent() const;

 private:
  struct BankChoice {
    bool valid = false;
    Command command;      // time unset
    int32_t request = 0;  // index in the bank's buffer list
    Cycle bound = 0;      // TimingEngine::earliest of the command
    Cycle accepted = 0;   // the chosen request's, which cannot go before it was accepted
    uint64_t seq = 0;     // the chosen request's age
  };
  // Fills `choice` for a bank with requests.
  void choose(uint32_t flat, BankChoice& choice) const;
  // Bank `flat`'s cached choice, made now if stale; nullptr when the bank has no requests.
  const BankChoice* current(uint32_t flat) const;
  // The command bank `flat`'s chosen request needs next; false if the bank has no requests.
  bool for_bank(uint32_t flat, Cycle now, Candidate& c) const;
  void consider(const Candidate& c, std::optional<Candidate>& best) const;

  const Architecture arch_;
  const ControllerConfig config_;
  const RequestBuffer& buffer_;
  const ProtocolState& state_;
  const TimingEngine& engine_;
  const std::vector<RankControl>& ranks_;
  mutable std::vector<BankChoice> cache_;  // per flat bank
  std::vector<BankAddress> banks_;         // per flat bank
};

}  // namespace apack::dram
