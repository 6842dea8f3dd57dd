// The one piece of code that applies a constraint table: it remembers when each kind of
// command last went to each bank, bank group, rank and the channel, and answers "when may this
// command be issued" (the scheduler) and "which rows does issuing it at t break" (the protocol
// checker). Event-driven: nothing ticks; each question costs one pass over the rows ending in
// that command.
#pragma once

#include <array>
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

  // Incremental earliest(): `bound` was earliest(c, at) before record(x, x_at, t); returns what
  // earliest(c, at) is after it. Recording only adds a newest time to the histories, so each
  // single-command row that sees x rises to t + distance and each windowed row to its new nth
  // most recent time; the others keep their bounds. One table lookup instead of a pass over
  // the rows: the scheduler keeps every bank's bound current this way.
  Cycle raise(Cycle bound, Cmd c, const BankAddress& at, Cmd x, const BankAddress& x_at,
              Cycle t) const {
    const size_t pair = pair_index(x, c);
    const Cycle d = step_[pair * kRelations + relation(x_at, at)];
    if (d != kNever && t + d > bound) bound = t + d;
    return has_window_[pair] ? raise_windows(bound, pair, at) : bound;
  }

  const ConstraintTable& table() const { return table_; }

 private:
  // Calls f(row, bound) for every row ending in `c`, bound = the time the row allows.
  template <class F>
  void for_each_bound(Cmd c, const BankAddress& at, F&& f) const;
  // The time of the earlier command `row` counts from, seen from `at` (kNever if none).
  Cycle previous(const Constraint& row, const BankAddress& at) const;
  // The nth most recent time of a `from` command in history slot `h` (kNever if none).
  Cycle last(size_t h, CmdMask from, int nth) const;
  void push(size_t h, Cmd c, Cycle t);

  // How the bank of a new command relates to the bank of an earlier one, for raise().
  enum Relation { kSameBank, kSameGroup, kSameRank, kOtherRank, kRelations };
  static Relation relation(const BankAddress& a, const BankAddress& b) {
    if (a.rank != b.rank) return kOtherRank;
    if (a.group != b.group) return kSameRank;
    return a.bank == b.bank ? kSameBank : kSameGroup;
  }
  Cycle raise_windows(Cycle bound, size_t pair, const BankAddress& at) const;
  size_t pair_index(Cmd x, Cmd c) const { return size_t(x) * kCmdCount + size_t(c); }

  const Architecture arch_;
  const ConstraintTable table_;  // a copy: Violation::rule points into it
  int depth_;
  // For raise(): per (earlier command x, new command c, relation), the largest distance of the
  // single-command rows x -> c that see x in that relation (kNever if none); per (x, c) the
  // windowed rows x -> c.
  std::vector<Cycle> step_;
  std::vector<std::vector<uint16_t>> windows_;
  std::vector<uint8_t> has_window_;  // per (x, c): windows_ is not empty
  // For earliest(): the single-command rows to each command regrouped as terms "the last x in
  // this scope + distance" (the largest distance per x and scope), so each costs one lookup
  // instead of a pass over a row's command set; windowed rows are kept as rows.
  struct Term {
    size_t x;  // offset of command x's newest time in a history slot
    Cycle distance;
  };
  static constexpr size_t kScopes = 5;
  std::array<std::array<std::vector<Term>, kScopes>, kCmdCount> terms_;  // by command, scope
  std::array<std::vector<uint16_t>, kCmdCount> window_rows_;
  // History slots: one per bank, per bank group, per rank, and one for the channel. Each holds
  // kCmdCount rings of `depth_` times, newest first.
  size_t group_base_, rank_base_, channel_slot_;
  std::vector<Cycle> hist_;
};

}  // namespace apack::dram
