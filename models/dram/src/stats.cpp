#include "apack/dram/stats.hpp"

#include <algorithm>

#include "apack/dram/checked.hpp"
#include "apack/error.hpp"

namespace apack::dram {

const char* name(Background b) {
  switch (b) {
    case Background::ActiveStandby:
      return "active standby";
    case Background::PrechargeStandby:
      return "precharge standby";
    case Background::ActivePowerDown:
      return "active power-down";
    case Background::PrechargePowerDown:
      return "precharge power-down";
  }
  return "?";
}

uint64_t Statistics::commands(Cmd c) const {
  uint64_t n = 0;
  for (const auto& r : ranks) add_to(n, r.commands[size_t(c)], "command count");
  return n;
}
uint64_t Statistics::residency(Background b) const {
  uint64_t n = 0;
  for (const auto& r : ranks) add_to(n, r.residency[size_t(b)], "residency");
  return n;
}
uint64_t Statistics::read_bursts() const {
  uint64_t n = commands(Cmd::RD);
  add_to(n, commands(Cmd::RDA), "read bursts");
  return n;
}
uint64_t Statistics::write_bursts() const {
  uint64_t n = commands(Cmd::WR);
  add_to(n, commands(Cmd::WRA), "write bursts");
  return n;
}

CommandStats::CommandStats(const MemSpec& spec, const ConstraintTable& table)
    : arch_(spec.arch),
      rd_auto_pre_(table.auto_precharge_delay(false)),
      wr_auto_pre_(table.auto_precharge_delay(true)),
      rfc_(spec.refresh_cycle()),
      tracks_(spec.arch.ranks),
      open_(spec.arch.total_banks(), false) {
  stats_.ranks.resize(spec.arch.ranks);
  stats_.banks.resize(spec.arch.total_banks());
}

Background CommandStats::state(const Track& t) const {
  if (t.since < t.refresh_until) return Background::ActiveStandby;  // IDD method: REF over IDD3N
  if (t.powered_down)
    return t.active_power_down ? Background::ActivePowerDown : Background::PrechargePowerDown;
  return t.open ? Background::ActiveStandby : Background::PrechargeStandby;
}

void CommandStats::close(Track& t, RankCounters& rc, std::vector<bool>& open, uint32_t bank) const {
  if (!open[bank]) return;
  open[bank] = false;
  --t.open;
  add_to(rc.precharged_banks, 1, "precharged banks");
}

// Counts residency up to `to`, stopping at each internal event (an auto-precharge taking
// effect, a refresh ending) so every interval is charged to the right state.
void CommandStats::advance(Track& t, RankCounters& rc, std::vector<bool>& open, Cycle to) const {
  for (;;) {
    Cycle next = to;
    if (t.refresh_until > t.since) next = std::min(next, t.refresh_until);
    for (const auto& c : t.closing) next = std::min(next, c.first);
    if (next > t.since) {
      add_to(rc.residency[size_t(state(t))], uint64_t(next - t.since), "residency");
      t.since = next;
    }
    bool changed = false;
    for (size_t i = 0; i < t.closing.size();) {
      if (t.closing[i].first <= t.since) {
        if (open[t.closing[i].second]) {
          open[t.closing[i].second] = false;
          --t.open;
        }
        t.closing.erase(t.closing.begin() + long(i));
        changed = true;
      } else {
        ++i;
      }
    }
    if (!changed && next == to) return;
  }
}

void CommandStats::record(const Command& c) {
  Track& t = tracks_[c.at.rank];
  RankCounters& rc = stats_.ranks[c.at.rank];
  if (c.time < t.since) throw apack::Error("dram: statistics need commands in time order");
  advance(t, rc, open_, c.time);
  add_to(rc.commands[size_t(c.cmd)], 1, "command count");
  const uint32_t bank =
      is_bank_level(c.cmd) ? arch_.flat_bank(c.at.rank, c.at.group, c.at.bank) : 0;
  switch (c.cmd) {
    case Cmd::ACT:
      // A pending auto-precharge of this bank has necessarily completed (tRP has passed).
      for (size_t i = 0; i < t.closing.size(); ++i)
        if (t.closing[i].second == bank) t.closing[i].first = c.time;
      advance(t, rc, open_, c.time);
      if (!open_[bank]) {
        open_[bank] = true;
        ++t.open;
      }
      add_to(stats_.banks[bank].activates, 1, "bank activates");
      break;
    case Cmd::PRE:
      close(t, rc, open_, bank);
      break;
    case Cmd::PREA:
      for (uint32_t g = 0; g < arch_.bank_groups; ++g)
        for (uint32_t b = 0; b < arch_.banks_per_group(); ++b)
          close(t, rc, open_, arch_.flat_bank(c.at.rank, g, b));
      break;
    case Cmd::RD:
    case Cmd::RDA:
    case Cmd::WR:
    case Cmd::WRA: {
      const bool write = is_write(c.cmd);
      add_to(write ? stats_.banks[bank].writes : stats_.banks[bank].reads, 1, "bank bursts");
      if (auto_precharges(c.cmd) && open_[bank]) {
        // Charged as a precharge now; the bank stays open (active standby) until the
        // internal precharge starts.
        add_to(rc.precharged_banks, 1, "precharged banks");
        t.closing.push_back({c.time + (write ? wr_auto_pre_ : rd_auto_pre_), bank});
      }
      break;
    }
    case Cmd::REF:
      t.refresh_until = c.time + rfc_;
      break;
    case Cmd::PDE:
      t.powered_down = true;
      t.active_power_down = t.open > 0;
      break;
    case Cmd::PDX:
      t.powered_down = false;
      break;
  }
}

Statistics CommandStats::at(Cycle end) const {
  Statistics s = stats_;
  std::vector<Track> tracks = tracks_;
  std::vector<bool> open = open_;
  for (size_t r = 0; r < tracks.size(); ++r) {
    if (end < tracks[r].since)
      throw apack::Error("dram: statistics end " + std::to_string(end) +
                         " is before the last command");
    advance(tracks[r], s.ranks[r], open, end);
  }
  s.end = end;
  return s;
}

}  // namespace apack::dram
