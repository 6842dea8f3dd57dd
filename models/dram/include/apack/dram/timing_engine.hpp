// The one piece of code that applies a constraint table: it remembers when each kind of
// command last went to each bank, bank group, rank and the channel, and answers "when may this
// command be issued" (the scheduler) and "which rows does issuing it at t break" (the protocol
// checker). Event-driven: nothing ticks; each question costs one pass over the rows ending in
// that command.
#pragma once

#include <vector>

#include "apack/dram/command.hpp"
#include "apack/dram/constraints.hpp"
#include "apack/dram/memspec.hpp"

namespace apack::dram {

class TimingEngine {
 public:
  TimingEngine(const Architecture& arch, const ConstraintTable& table);

  // The earliest cycle at which `c` may be issued to `at` given every command recorded so far
  // (0 if nothing constrains it). Timing only: bank state is ProtocolState's business.
  Cycle earliest(Cmd c, const BankAddress& at) const;

  struct Violation {
    const Constraint* rule;
    Cycle bound;  // the earliest time this row allows
  };
  // Appends every row that issuing `c` at `t` would violate.
  void violations(Cmd c, const BankAddress& at, Cycle t, std::vector<Violation>& out) const;

  // Records that `c` was issued at `t`. Times must not decrease.
  void record(Cmd c, const BankAddress& at, Cycle t);

  const ConstraintTable& table() const { return table_; }

 private:
  // Calls f(row, bound) for every row ending in `c`, bound = the time the row allows.
  template <class F>
  void for_each_bound(Cmd c, const BankAddress& at, F&& f) const;
  // The nth most recent time of a `from` command in history slot `h` (kNever if none).
  Cycle last(size_t h, CmdMask from, int nth) const;
  void push(size_t h, Cmd c, Cycle t);

  const Architecture arch_;
  const ConstraintTable table_;  // a copy: Violation::rule points into it
  int depth_;
  // History slots: one per bank, per bank group, per rank, and one for the channel. Each holds
  // kCmdCount rings of `depth_` times, newest first.
  size_t group_base_, rank_base_, channel_slot_;
  std::vector<Cycle> hist_;
};

}  // namespace apack::dram
