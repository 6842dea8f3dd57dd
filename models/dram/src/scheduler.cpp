#include "apack/dram/scheduler.hpp"

#include <algorithm>
#include <limits>

namespace apack::dram {

Scheduler::Scheduler(const MemSpec& spec, const ControllerConfig& config,
                     const RequestBuffer& buffer, const ProtocolState& state,
                     const TimingEngine& engine, const std::vector<RankControl>& ranks)
    : arch_(spec.arch),
      config_(config),
      buffer_(buffer),
      state_(state),
      engine_(engine),
      ranks_(ranks),
      cache_(spec.arch.total_banks()) {
  for (uint32_t r = 0; r < arch_.ranks; ++r)
    for (uint32_t g = 0; g < arch_.bank_groups; ++g)
      for (uint32_t b = 0; b < arch_.banks_per_group(); ++b) banks_.push_back({r, g, b});
}

bool Scheduler::after_enqueue(std::optional<Candidate>& best, uint32_t flat, Cycle now) const {
  const BankAddress& at = banks_[flat];
  // A rank that had no work may have offered power-down entry; a powered-down rank offers
  // only its wake-up; the bank's own earlier choice may have been the best.
  if (!best || state_.powered_down(at.rank) || buffer_.in_rank(at.rank) < 2 ||
      (best->request >= 0 && best->command.at == at))
    return false;
  Candidate c;
  const Cycle due = config_.refresh == RefreshPolicy::AllBank ? ranks_[at.rank].refresh_due
                                                              : std::numeric_limits<Cycle>::max();
  if (for_bank(flat, now, c) && c.time < due) consider(c, best);
  return true;
}

void Scheduler::on_issue(const Command& x) {
  const bool rank_level = !is_bank_level(x.cmd);
  for (size_t flat = 0; flat < cache_.size(); ++flat) {
    BankChoice& choice = cache_[flat];
    if (!choice.valid) continue;
    const BankAddress& at = banks_[flat];
    if (rank_level ? at.rank == x.at.rank : at == x.at)
      choice.valid = false;  // its bank state changed
    else
      choice.bound = engine_.raise(choice.bound, choice.command.cmd, at, x.cmd, x.at, x.time);
  }
}

bool Scheduler::consistent() const {
  for (uint32_t flat = 0; flat < cache_.size(); ++flat) {
    const BankChoice& cached = cache_[flat];
    if (!cached.valid) continue;
    BankChoice fresh;
    choose(flat, fresh);
    if (fresh.command.cmd != cached.command.cmd || fresh.command.row != cached.command.row ||
        fresh.command.column != cached.command.column || fresh.request != cached.request ||
        fresh.bound != cached.bound || fresh.accepted != cached.accepted || fresh.seq != cached.seq)
      return false;
  }
  return true;
}

void Scheduler::consider(const Candidate& c, std::optional<Candidate>& best) const {
  if (!best || c.time < best->time || (c.time == best->time && c.priority < best->priority))
    best = c;
}

void Scheduler::choose(uint32_t flat, BankChoice& choice) const {
  const auto& list = buffer_.bank(flat);
  const BankAddress& at = banks_[flat];
  const bool open = state_.is_open(at);
  // FR-FCFS: the oldest request to the open row, if any; otherwise (and under FCFS) the
  // oldest request of the bank.
  size_t pick = 0;
  if (open && config_.scheduler == SchedulerPolicy::FrFcfs)
    for (size_t i = 0; i < list.size(); ++i)
      if (list[i].where.row == state_.open_row(at)) {
        pick = i;
        break;
      }
  const PendingRequest& r = list[pick];
  Command cmd;
  cmd.at = at;
  cmd.row = r.where.row;
  if (!open) {
    cmd.cmd = Cmd::ACT;
  } else if (state_.open_row(at) == r.where.row) {
    const bool close = config_.page == PagePolicy::Closed;
    cmd.cmd = r.write ? (close ? Cmd::WRA : Cmd::WR) : (close ? Cmd::RDA : Cmd::RD);
    cmd.column = r.where.column / arch_.burst_length * arch_.burst_length;
  } else {
    cmd.cmd = Cmd::PRE;
  }
  choice.valid = true;
  choice.command = cmd;
  choice.request = int32_t(pick);
  choice.bound = engine_.earliest(cmd.cmd, at);
  choice.accepted = r.accepted;
  choice.seq = r.seq;
}

const Scheduler::BankChoice* Scheduler::current(uint32_t flat) const {
  BankChoice& choice = cache_[flat];
  if (!choice.valid) {
    if (buffer_.bank(flat).empty()) return nullptr;
    choose(flat, choice);
  }
  return &choice;
}

bool Scheduler::for_bank(uint32_t flat, Cycle now, Candidate& c) const {
  const BankChoice* found = current(flat);
  if (!found) return false;
  const BankChoice& choice = *found;
  c.time = std::max({now, choice.accepted, choice.bound});
  c.command = choice.command;
  c.command.time = c.time;
  c.request = choice.request;
  c.priority = choice.seq + 1;
  return true;
}

std::optional<Candidate> Scheduler::next(Cycle now) const {
  std::optional<Candidate> best;
  const bool refresh = config_.refresh == RefreshPolicy::AllBank;
  const bool power_down = config_.power_down == PowerDownPolicy::Staggered;
  constexpr uint64_t kLowest = std::numeric_limits<uint64_t>::max();
  // The best bank so far, kept as a time, a priority and a bank (the hot loop builds no
  // Candidate); folded into `best` whenever a rank-level candidate is weighed against it.
  Cycle bank_time = 0;
  uint64_t bank_priority = kLowest;
  int64_t bank_flat = -1;
  auto fold = [&] {
    if (bank_flat < 0) return;
    Candidate c;
    for_bank(uint32_t(bank_flat), now, c);
    consider(c, best);
    bank_flat = -1;
  };
  const uint32_t per_rank = arch_.banks;
  for (uint32_t r = 0; r < arch_.ranks; ++r) {
    const RankControl& rc = ranks_[r];
    const bool has_work = buffer_.in_rank(r) > 0;
    Candidate c;
    c.command.at.rank = r;
    if (state_.powered_down(r)) {
      // Wake up for work now, or for the next refresh when it falls due.
      if (!has_work && !refresh) continue;
      c.command.cmd = Cmd::PDX;
      c.time = std::max(
          {now, engine_.earliest(Cmd::PDX, c.command.at), has_work ? now : rc.refresh_due});
      c.command.time = c.time;
      fold();
      consider(c, best);
      continue;
    }
    const Cycle due = refresh ? rc.refresh_due : std::numeric_limits<Cycle>::max();
    if (has_work) {
      for (uint32_t flat = r * per_rank; flat < (r + 1) * per_rank; ++flat) {
        const BankChoice* choice = current(flat);
        if (!choice) continue;
        const Cycle t = std::max({now, choice->accepted, choice->bound});
        const uint64_t priority = choice->seq + 1;
        if (t < due &&
            (bank_flat < 0 || t < bank_time || (t == bank_time && priority < bank_priority))) {
          bank_time = t;
          bank_priority = priority;
          bank_flat = flat;
        }
      }
    } else if (power_down) {
      Candidate pd;
      pd.command.at.rank = r;
      pd.command.cmd = Cmd::PDE;
      pd.time = std::max({now, rc.last_activity + config_.power_down_timeout,
                          engine_.earliest(Cmd::PDE, pd.command.at)});
      pd.command.time = pd.time;
      pd.priority = kLowest;
      if (pd.time < due) {
        fold();
        consider(pd, best);
      }
    }
    // Refresh is never postponed: once due it comes first, precharging the rank if needed. It
    // issues at `due` or later, so it is looked at only when it can win.
    if (refresh && (!best || due <= best->time) && (bank_flat < 0 || due <= bank_time)) {
      c.command.cmd = state_.open_banks(r) ? Cmd::PREA : Cmd::REF;
      c.time = std::max({now, due, engine_.earliest(c.command.cmd, c.command.at)});
      c.command.time = c.time;
      fold();
      consider(c, best);
    }
  }
  fold();
  return best;
}

}  // namespace apack::dram
