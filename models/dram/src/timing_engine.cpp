#include "apack/dram/timing_engine.hpp"

#include <algorithm>
#include <stdexcept>

namespace apack::dram {

TimingEngine::TimingEngine(const Architecture& arch, const ConstraintTable& table)
    : arch_(arch), table_(table), depth_(table.history_depth()) {
  group_base_ = arch.total_banks();
  rank_base_ = group_base_ + size_t(arch.ranks) * arch.bank_groups;
  channel_slot_ = rank_base_ + arch.ranks;
  hist_.assign((channel_slot_ + 1) * kCmdCount * size_t(depth_), kNever);
}

Cycle TimingEngine::last(size_t h, CmdMask from, int nth) const {
  const Cycle* base = &hist_[h * kCmdCount * size_t(depth_)];
  if (nth > 1) {  // windowed rows name exactly one command (checked by ConstraintTable)
    const int k = __builtin_ctz(from);
    return base[size_t(k) * depth_ + size_t(nth - 1)];
  }
  Cycle t = kNever;
  for (CmdMask m = from; m; m &= CmdMask(m - 1)) {
    const int k = __builtin_ctz(m);
    t = std::max(t, base[size_t(k) * depth_]);
  }
  return t;
}

void TimingEngine::push(size_t h, Cmd c, Cycle t) {
  Cycle* ring = &hist_[(h * kCmdCount + size_t(c)) * size_t(depth_)];
  for (int i = depth_ - 1; i > 0; --i) ring[i] = ring[i - 1];
  ring[0] = t;
}

template <class F>
void TimingEngine::for_each_bound(Cmd c, const BankAddress& at, F&& f) const {
  const size_t bank = arch_.flat_bank(at.rank, at.group, at.bank);
  const size_t group = group_base_ + size_t(at.rank) * arch_.bank_groups + at.group;
  const size_t rank = rank_base_ + at.rank;
  for (uint16_t i : table_.rows_to(c)) {
    const Constraint& row = table_.rows()[i];
    Cycle prev = kNever;
    switch (row.scope) {
      case Scope::Bank:
        prev = last(bank, row.from, row.nth);
        break;
      case Scope::BankGroup:
        prev = last(group, row.from, row.nth);
        break;
      case Scope::Rank:
        prev = last(rank, row.from, row.nth);
        break;
      case Scope::Channel:
        prev = last(channel_slot_, row.from, row.nth);
        break;
      case Scope::OtherRank:
        for (uint32_t r = 0; r < arch_.ranks; ++r)
          if (r != at.rank) prev = std::max(prev, last(rank_base_ + r, row.from, row.nth));
        break;
    }
    if (prev != kNever) f(row, prev + row.distance);
  }
}

Cycle TimingEngine::earliest(Cmd c, const BankAddress& at) const {
  Cycle t = 0;
  for_each_bound(c, at, [&](const Constraint&, Cycle bound) { t = std::max(t, bound); });
  return t;
}

void TimingEngine::violations(Cmd c, const BankAddress& at, Cycle t,
                              std::vector<Violation>& out) const {
  for_each_bound(c, at, [&](const Constraint& row, Cycle bound) {
    if (t < bound) out.push_back({&row, bound});
  });
}

void TimingEngine::record(Cmd c, const BankAddress& at, Cycle t) {
  if (is_bank_level(c)) {
    push(arch_.flat_bank(at.rank, at.group, at.bank), c, t);
    push(group_base_ + size_t(at.rank) * arch_.bank_groups + at.group, c, t);
  }
  push(rank_base_ + at.rank, c, t);
  push(channel_slot_, c, t);
}

}  // namespace apack::dram
