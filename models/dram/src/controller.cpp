#include "apack/dram/controller.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "apack/dram/checked.hpp"
#include "apack/error.hpp"

namespace apack::dram {

Controller::Controller(const MemSpec& spec, const AddressMapping& mapping,
                       const ControllerConfig& config)
    : spec_(spec),
      mapping_(mapping),
      config_(config),
      table_(spec_),
      engine_(spec_.arch, table_),
      state_(spec_.arch),
      buffer_(spec_.arch, config_),
      ranks_(spec_.arch.ranks),
      scheduler_(spec_, config_, buffer_, state_, engine_, ranks_),
      stats_(spec_, table_),
      mapped_mask_(mapping.mapped_mask()) {
  mapping_.validate(spec_, "address mapping");
  if (config_.buffer_size == 0 || config_.max_active == 0 || config_.buffer_size_read == 0 ||
      config_.buffer_size_write == 0)
    throw apack::Error("dram: request buffer sizes and MaxActiveTransactions must be positive");
  // All ranks (HBM2 pseudo channels) refresh at the same intervals: a request stream that
  // alternates between them then loses tRFC once per interval, not once per rank.
  for (RankControl& r : ranks_) r.refresh_due = spec_.refresh_interval();
}

const std::optional<Candidate>& Controller::candidate() const {
  if (!cache_valid_) {
    cached_ = scheduler_.next(now_);
    cache_valid_ = true;
  }
  return cached_;
}

const DecodedAddress& Controller::decode(uint64_t address) const {
  if (address != decoded_address_) {
    decoded_ = mapping_.decode(address);
    decoded_address_ = address;
  }
  return decoded_;
}

bool Controller::scheduler_consistent() const {
  if (!scheduler_.consistent()) return false;
  if (!cache_valid_) return true;
  const std::optional<Candidate> fresh = scheduler_.next(now_);
  if (fresh.has_value() != cached_.has_value()) return false;
  if (!fresh) return true;
  return fresh->time == cached_->time && fresh->priority == cached_->priority &&
         fresh->request == cached_->request && fresh->command.cmd == cached_->command.cmd &&
         fresh->command.at == cached_->command.at;
}

void Controller::retire() {
  while (!inflight_.empty() && inflight_.top() <= now_) inflight_.pop();
}

bool Controller::can_accept(uint64_t address, bool write) const {
  if (active() >= config_.max_active) return false;
  const DecodedAddress& d = decode(address);
  return buffer_.has_space(spec_.arch.flat_bank(d.rank, d.group, d.bank), write);
}

bool Controller::try_enqueue(const Request& r) {
  if (r.address & ~mapped_mask_) {
    char hex[32];
    std::snprintf(hex, sizeof hex, "0x%llx", static_cast<unsigned long long>(r.address));
    throw apack::Error(std::string("dram: address ") + hex +
                       " uses bits the address mapping does not map (beyond the channel)");
  }
  if (r.arrival > now_) advance_to(r.arrival);
  if (!can_accept(r.address, r.write)) {
    add_to(counters_.rejected, 1, "rejected requests");
    return false;
  }
  PendingRequest p;
  p.id = r.id;
  p.seq = next_seq_++;
  p.address = r.address;
  p.write = r.write;
  p.arrival = r.arrival;
  p.accepted = now_;
  p.where = decode(r.address);
  p.flat_bank = spec_.arch.flat_bank(p.where.rank, p.where.group, p.where.bank);
  buffer_.add(p);
  scheduler_.invalidate(p.flat_bank);
  ranks_[p.where.rank].last_activity = now_;
  // Most arrivals only add a contender to the decision already made.
  if (cache_valid_ && !scheduler_.after_enqueue(cached_, p.flat_bank, now_)) cache_valid_ = false;
  return true;
}

void Controller::issue(const Candidate& c) {
  const Command& cmd = c.command;
  const std::string why = state_.illegal(cmd);
  if (!why.empty()) throw std::logic_error("dram controller issued an illegal command: " + why);
  now_ = cmd.time;
  engine_.record(cmd.cmd, cmd.at, cmd.time);
  state_.apply(cmd);
  scheduler_.on_issue(cmd);
  stats_.record(cmd);
  if (config_.record_log) log_.push_back(cmd);
  if (hook_) hook_(cmd);
  RankControl& rank = ranks_[cmd.at.rank];
  rank.last_activity = cmd.time;
  if (cmd.cmd == Cmd::REF) rank.refresh_due += spec_.refresh_interval();
  if (c.request >= 0) {
    const uint32_t flat = spec_.arch.flat_bank(cmd.at.rank, cmd.at.group, cmd.at.bank);
    if (is_column(cmd.cmd)) {
      const PendingRequest p = buffer_.take(flat, size_t(c.request));
      scheduler_.invalidate(flat);
      Completion done;
      done.id = p.id;
      done.address = p.address;
      done.write = p.write;
      done.arrival = p.arrival;
      done.accepted = p.accepted;
      done.issued = cmd.time;
      done.data_start = cmd.time + (p.write ? spec_.write_latency() : spec_.read_latency());
      done.done = done.data_start + spec_.arch.burst_cycles();
      done.outcome = p.outcome;
      completions_.push_back(done);
      inflight_.push(done.done);
      RequestCounters& k = counters_;
      add_to(p.write ? k.writes : k.reads, 1, "request count");
      add_to(p.outcome == RowOutcome::Hit    ? k.hits
             : p.outcome == RowOutcome::Miss ? k.misses
                                             : k.conflicts,
             1, "row outcome count");
      add_to(p.write ? k.write_latency_sum : k.read_latency_sum, uint64_t(done.latency()),
             "latency sum");
      Cycle& max = p.write ? k.max_write_latency : k.max_read_latency;
      max = std::max(max, done.latency());
    } else {
      // The request that caused an ACT found its bank precharged; one that caused a PRE found
      // another row open (a conflict stays a conflict through the ACT that follows).
      PendingRequest& p = buffer_.at(flat, size_t(c.request));
      if (cmd.cmd == Cmd::PRE) p.outcome = RowOutcome::Conflict;
      if (cmd.cmd == Cmd::ACT && p.outcome == RowOutcome::Hit) p.outcome = RowOutcome::Miss;
    }
  }
  cache_valid_ = false;
}

void Controller::advance_to(Cycle t) {
  for (;;) {
    const auto& c = candidate();
    if (!c || c->time >= t) break;
    issue(*c);
  }
  if (t > now_) now_ = t;
  retire();
}

std::optional<Cycle> Controller::next_event() const {
  std::optional<Cycle> t;
  if (const auto& c = candidate()) t = c->time;
  if (!inflight_.empty() && (!t || inflight_.top() < *t)) t = inflight_.top();
  return t;
}

bool Controller::step() {
  const auto t = next_event();
  if (!t) return false;
  const auto& c = candidate();
  if (c && c->time == *t) {
    issue(*c);
  } else {
    now_ = std::max(now_, *t);
  }
  retire();
  return true;
}

void Controller::drain() {
  while (!idle())
    if (!step()) throw std::logic_error("dram controller: requests pending but nothing to do");
}

std::vector<Completion> Controller::take_completions() {
  std::vector<Completion> out;
  out.swap(completions_);
  return out;
}

Statistics Controller::statistics(std::optional<Cycle> end) const {
  return stats_.at(end ? *end : now_);
}

EnergyBreakdown Controller::energy(std::optional<Cycle> end) const {
  return apack::dram::energy(spec_, statistics(end));
}

}  // namespace apack::dram
