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
      ranks_(ranks) {}

void Scheduler::consider(const Candidate& c, std::optional<Candidate>& best) const {
  if (!best || c.time < best->time || (c.time == best->time && c.priority < best->priority))
    best = c;
}

bool Scheduler::for_bank(uint32_t rank, uint32_t group, uint32_t bank, Cycle now,
                         Candidate& c) const {
  const uint32_t flat = arch_.flat_bank(rank, group, bank);
  const auto& list = buffer_.bank(flat);
  if (list.empty()) return false;
  const BankAddress at{rank, group, bank};
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
  c.time = std::max({now, r.accepted, engine_.earliest(cmd.cmd, at)});
  cmd.time = c.time;
  c.command = cmd;
  c.request = int32_t(pick);
  c.priority = r.seq + 1;
  return true;
}

std::optional<Candidate> Scheduler::next(Cycle now) const {
  std::optional<Candidate> best;
  const bool refresh = config_.refresh == RefreshPolicy::AllBank;
  const bool power_down = config_.power_down == PowerDownPolicy::Staggered;
  constexpr uint64_t kLowest = std::numeric_limits<uint64_t>::max();
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
      consider(c, best);
      continue;
    }
    const Cycle due = refresh ? rc.refresh_due : std::numeric_limits<Cycle>::max();
    if (refresh) {
      // Refresh is never postponed: once due it comes first, precharging the rank if needed.
      c.command.cmd = state_.open_banks(r) ? Cmd::PREA : Cmd::REF;
      c.time = std::max({now, due, engine_.earliest(c.command.cmd, c.command.at)});
      c.command.time = c.time;
      consider(c, best);
    }
    if (has_work) {
      for (uint32_t g = 0; g < arch_.bank_groups; ++g)
        for (uint32_t b = 0; b < arch_.banks_per_group(); ++b) {
          Candidate bc;
          if (for_bank(r, g, b, now, bc) && bc.time < due) consider(bc, best);
        }
    } else if (power_down) {
      Candidate pd;
      pd.command.at.rank = r;
      pd.command.cmd = Cmd::PDE;
      pd.time = std::max({now, rc.last_activity + config_.power_down_timeout,
                          engine_.earliest(Cmd::PDE, pd.command.at)});
      pd.command.time = pd.time;
      pd.priority = kLowest;
      if (pd.time < due) consider(pd, best);
    }
  }
  return best;
}

}  // namespace apack::dram
