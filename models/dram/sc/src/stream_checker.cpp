#include "apack/dram/sc/stream_checker.hpp"

#include <algorithm>

namespace apack::dram::sc {

StreamChecker::StreamChecker(const MemSpec& spec, const CheckOptions& options)
    : spec_(spec),
      options_(options),
      table_(spec_),
      engine_(spec_.arch, table_),
      state_(spec_.arch),
      deadline_(Cycle(options.max_postponed + 1) * spec_.refresh_interval()),
      last_ref_(spec_.arch.ranks, 0) {}

void StreamChecker::report(const Command& c, const std::string& message) {
  ++violations_;
  if (messages_.size() < options_.max_violations)
    messages_.push_back(to_string(c) + ": " + message);
}

void StreamChecker::check(const Command& c) {
  ++commands_;
  if (c.time < previous_) report(c, "earlier than the command before it");
  previous_ = std::max(previous_, c.time);
  const std::string why = state_.illegal(c);
  if (!why.empty()) {
    report(c, why);
    // An address out of range says nothing more about timing (and would index out of range).
    if (c.at.rank >= spec_.arch.ranks) return;
    if (is_bank_level(c.cmd) &&
        (c.at.group >= spec_.arch.bank_groups || c.at.bank >= spec_.arch.banks_per_group()))
      return;
  }
  found_.clear();
  engine_.violations(c.cmd, c.at, c.time, found_);
  for (const auto& v : found_)
    report(c,
           "violates " + v.rule->describe() + ": earliest legal time " + std::to_string(v.bound));
  if (c.cmd == Cmd::REF && options_.refresh_deadline) {
    if (c.time - last_ref_[c.at.rank] > deadline_)
      report(c, "refresh comes " + std::to_string(c.time - last_ref_[c.at.rank]) +
                    " cycles after the previous one (at most " + std::to_string(deadline_) + ")");
    last_ref_[c.at.rank] = c.time;
  }
  if (why.empty()) state_.apply(c);
  engine_.record(c.cmd, c.at, c.time);
}

void StreamChecker::finish(Cycle end) {
  if (!options_.refresh_deadline) return;
  for (uint32_t r = 0; r < spec_.arch.ranks; ++r)
    if (end - last_ref_[r] > deadline_) {
      Command c;
      c.time = end;
      c.cmd = Cmd::REF;
      c.at.rank = r;
      report(c, "rank " + std::to_string(r) + " not refreshed for " +
                    std::to_string(end - last_ref_[r]) + " cycles at the end of the run");
    }
}

}  // namespace apack::dram::sc
