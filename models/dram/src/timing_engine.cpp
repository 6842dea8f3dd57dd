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

  step_.assign(size_t(kCmdCount) * kCmdCount * kRelations, kNever);
  windows_.resize(size_t(kCmdCount) * kCmdCount);
  const auto& rows = table_.rows();
  for (size_t i = 0; i < rows.size(); ++i) {
    const Constraint& row = rows[i];
    for (int xi = 0; xi < kCmdCount; ++xi) {
      const Cmd x = Cmd(xi);
      if (!in(row.from, x)) continue;
      // record() files bank-level commands under their bank and group too, rank-level ones
      // only under their rank and the channel.
      const bool bank_level = is_bank_level(x);
      bool sees[kRelations] = {};
      switch (row.scope) {
        case Scope::Bank:
          sees[kSameBank] = bank_level;
          break;
        case Scope::BankGroup:
          sees[kSameBank] = sees[kSameGroup] = bank_level;
          break;
        case Scope::Rank:
          sees[kSameBank] = sees[kSameGroup] = sees[kSameRank] = true;
          break;
        case Scope::OtherRank:
          sees[kOtherRank] = true;
          break;
        case Scope::Channel:
          sees[kSameBank] = sees[kSameGroup] = sees[kSameRank] = sees[kOtherRank] = true;
          break;
      }
      for (int ci = 0; ci < kCmdCount; ++ci) {
        if (!in(row.to, Cmd(ci))) continue;
        if (row.nth > 1) {
          windows_[pair_index(x, Cmd(ci))].push_back(uint16_t(i));
          continue;
        }
        for (int rel = 0; rel < kRelations; ++rel)
          if (sees[rel]) {
            Cycle& d = step_[pair_index(x, Cmd(ci)) * kRelations + size_t(rel)];
            d = std::max(d, row.distance);
          }
      }
    }
  }
  for (size_t i = 0; i < rows.size(); ++i) {
    const Constraint& row = rows[i];
    for (int ci = 0; ci < kCmdCount; ++ci) {
      if (!in(row.to, Cmd(ci))) continue;
      if (row.nth > 1) {
        window_rows_[size_t(ci)].push_back(uint16_t(i));
        continue;
      }
      for (int xi = 0; xi < kCmdCount; ++xi) {
        if (!in(row.from, Cmd(xi))) continue;
        std::vector<Term>& terms = terms_[size_t(ci)][size_t(row.scope)];
        const size_t x = size_t(xi) * size_t(depth_);
        auto same =
            std::find_if(terms.begin(), terms.end(), [&](const Term& term) { return term.x == x; });
        if (same == terms.end())
          terms.push_back({x, row.distance});
        else
          same->distance = std::max(same->distance, row.distance);
      }
    }
  }
  has_window_.resize(windows_.size());
  for (size_t i = 0; i < windows_.size(); ++i) has_window_[i] = !windows_[i].empty();
}

Cycle TimingEngine::raise_windows(Cycle bound, size_t pair, const BankAddress& at) const {
  for (uint16_t i : windows_[pair]) {
    const Constraint& row = table_.rows()[i];
    const Cycle prev = previous(row, at);
    if (prev != kNever) bound = std::max(bound, prev + row.distance);
  }
  return bound;
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

Cycle TimingEngine::previous(const Constraint& row, const BankAddress& at) const {
  switch (row.scope) {
    case Scope::Bank:
      return last(arch_.flat_bank(at.rank, at.group, at.bank), row.from, row.nth);
    case Scope::BankGroup:
      return last(group_base_ + size_t(at.rank) * arch_.bank_groups + at.group, row.from, row.nth);
    case Scope::Rank:
      return last(rank_base_ + at.rank, row.from, row.nth);
    case Scope::Channel:
      return last(channel_slot_, row.from, row.nth);
    case Scope::OtherRank: {
      Cycle prev = kNever;
      for (uint32_t r = 0; r < arch_.ranks; ++r)
        if (r != at.rank) prev = std::max(prev, last(rank_base_ + r, row.from, row.nth));
      return prev;
    }
  }
  return kNever;
}

template <class F>
void TimingEngine::for_each_bound(Cmd c, const BankAddress& at, F&& f) const {
  for (uint16_t i : table_.rows_to(c)) {
    const Constraint& row = table_.rows()[i];
    const Cycle prev = previous(row, at);
    if (prev != kNever) f(row, prev + row.distance);
  }
}

Cycle TimingEngine::earliest(Cmd c, const BankAddress& at) const {
  const size_t stride = kCmdCount * size_t(depth_);
  const Cycle* bank = &hist_[arch_.flat_bank(at.rank, at.group, at.bank) * stride];
  const Cycle* group =
      &hist_[(group_base_ + size_t(at.rank) * arch_.bank_groups + at.group) * stride];
  const Cycle* rank = &hist_[(rank_base_ + at.rank) * stride];
  const Cycle* channel = &hist_[channel_slot_ * stride];
  Cycle t = 0;
  // kNever plus a distance stays far below zero, so absent histories need no test.
  const auto& terms = terms_[size_t(c)];
  auto scan = [&](Scope scope, const Cycle* slot) {
    for (const Term& term : terms[size_t(scope)]) t = std::max(t, slot[term.x] + term.distance);
  };
  scan(Scope::Bank, bank);
  scan(Scope::BankGroup, group);
  scan(Scope::Rank, rank);
  scan(Scope::Channel, channel);
  for (const Term& term : terms[size_t(Scope::OtherRank)])
    for (uint32_t r = 0; r < arch_.ranks; ++r)
      if (r != at.rank) t = std::max(t, hist_[(rank_base_ + r) * stride + term.x] + term.distance);
  for (uint16_t i : window_rows_[size_t(c)]) {
    const Constraint& row = table_.rows()[i];
    const Cycle prev = previous(row, at);
    if (prev != kNever) t = std::max(t, prev + row.distance);
  }
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
