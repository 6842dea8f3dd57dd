#include "apack/dram/protocol_checker.hpp"

#include <algorithm>
#include <utility>

namespace apack::dram {

ProtocolChecker::ProtocolChecker(const MemSpec& spec, const CheckOptions& options)
    : spec_(spec),
      options_(options),
      table_(spec_),
      engine_(spec_.arch, table_),
      state_(spec_.arch),
      deadline_(Cycle(options.max_postponed + 1) * spec_.refresh_interval()),
      last_ref_(spec_.arch.ranks, 0) {}

void ProtocolChecker::report(const Command& c, std::string rule, Cycle earliest,
                             const std::string& message) {
  ++count_;
  // A command's index is the number checked before it; at the end, the number checked.
  if (kept_.size() < options_.max_violations)
    kept_.push_back(
        {size_t(commands_), c, std::move(rule), earliest, to_string(c) + ": " + message});
}

size_t ProtocolChecker::check(const Command& c) {
  const uint64_t before = count_;
  check_rules(c);
  ++commands_;
  return size_t(count_ - before);
}

void ProtocolChecker::check_rules(const Command& c) {
  if (c.time < previous_) report(c, "order", previous_, "earlier than the command before it");
  previous_ = std::max(previous_, c.time);
  const std::string why = state_.illegal(c);
  if (!why.empty()) {
    report(c, "state", c.time, why);
    // An address out of range says nothing more about timing (and would index out of range).
    if (c.at.rank >= spec_.arch.ranks) return;
    if (is_bank_level(c.cmd) &&
        (c.at.group >= spec_.arch.bank_groups || c.at.bank >= spec_.arch.banks_per_group()))
      return;
  }
  found_.clear();
  engine_.violations(c.cmd, c.at, c.time, found_);
  for (const auto& v : found_)
    report(c, v.rule->label, v.bound,
           "violates " + v.rule->describe() + ": earliest legal time " + std::to_string(v.bound));
  if (c.cmd == Cmd::REF && options_.refresh_deadline) {
    if (c.time - last_ref_[c.at.rank] > deadline_)
      report(c, "tREFI", last_ref_[c.at.rank] + deadline_,
             "refresh comes " + std::to_string(c.time - last_ref_[c.at.rank]) +
                 " cycles after the previous one (at most " + std::to_string(deadline_) + ")");
    last_ref_[c.at.rank] = c.time;
  }
  if (why.empty()) state_.apply(c);
  engine_.record(c.cmd, c.at, c.time);
}

size_t ProtocolChecker::finish(Cycle end, std::string_view period) {
  if (!options_.refresh_deadline) return 0;
  const uint64_t before = count_;
  for (uint32_t r = 0; r < spec_.arch.ranks; ++r)
    if (end - last_ref_[r] > deadline_) {
      Command c;
      c.time = end;
      c.cmd = Cmd::REF;
      c.at.rank = r;
      report(c, "tREFI", last_ref_[r] + deadline_,
             "rank " + std::to_string(r) + " not refreshed for " +
                 std::to_string(end - last_ref_[r]) + " cycles at the end of the " +
                 std::string(period));
    }
  return size_t(count_ - before);
}

std::vector<std::string> ProtocolChecker::messages() const {
  std::vector<std::string> out;
  out.reserve(kept_.size());
  for (const LogViolation& v : kept_) out.push_back(v.message);
  return out;
}

std::vector<LogViolation> check_log(const MemSpec& spec, const std::vector<Command>& log,
                                    const CheckOptions& options) {
  ProtocolChecker checker(spec, options);
  for (const Command& c : log) checker.check(c);
  if (options.end) checker.finish(*options.end, "log");
  return checker.take_violations();
}

}  // namespace apack::dram
