#include "apack/dram/protocol_checker.hpp"

#include <algorithm>

#include "apack/dram/constraints.hpp"
#include "apack/dram/protocol_state.hpp"
#include "apack/dram/timing_engine.hpp"

namespace apack::dram {

std::vector<LogViolation> check_log(const MemSpec& spec, const std::vector<Command>& log,
                                    const CheckOptions& options) {
  const ConstraintTable table(spec);
  TimingEngine engine(spec.arch, table);
  ProtocolState state(spec.arch);
  const Cycle deadline = Cycle(options.max_postponed + 1) * spec.refresh_interval();
  std::vector<Cycle> last_ref(spec.arch.ranks, 0);
  std::vector<LogViolation> out;
  std::vector<TimingEngine::Violation> found;

  auto report = [&](size_t i, const Command& c, std::string rule, Cycle earliest,
                    std::string message) {
    if (out.size() < options.max_violations)
      out.push_back({i, c, std::move(rule), earliest, to_string(c) + ": " + message});
  };

  Cycle previous = 0;
  for (size_t i = 0; i < log.size(); ++i) {
    const Command& c = log[i];
    if (c.time < previous) report(i, c, "order", previous, "earlier than the command before it");
    previous = std::max(previous, c.time);
    const std::string why = state.illegal(c);
    if (!why.empty()) {
      report(i, c, "state", c.time, why);
      if (c.at.rank >= spec.arch.ranks) continue;  // nothing more can be said about it
      if (is_bank_level(c.cmd) &&
          (c.at.group >= spec.arch.bank_groups || c.at.bank >= spec.arch.banks_per_group()))
        continue;
    }
    found.clear();
    engine.violations(c.cmd, c.at, c.time, found);
    for (const auto& v : found)
      report(i, c, v.rule->label, v.bound,
             "violates " + v.rule->describe() + ": earliest legal time " + std::to_string(v.bound));
    if (c.cmd == Cmd::REF && options.refresh_deadline) {
      if (c.time - last_ref[c.at.rank] > deadline)
        report(i, c, "tREFI", last_ref[c.at.rank] + deadline,
               "refresh comes " + std::to_string(c.time - last_ref[c.at.rank]) +
                   " cycles after the previous one (at most " + std::to_string(deadline) + ")");
      last_ref[c.at.rank] = c.time;
    }
    if (why.empty()) state.apply(c);
    engine.record(c.cmd, c.at, c.time);
  }
  if (options.refresh_deadline && options.end)
    for (uint32_t r = 0; r < spec.arch.ranks; ++r)
      if (*options.end - last_ref[r] > deadline) {
        Command end;
        end.time = *options.end;
        end.cmd = Cmd::REF;
        end.at.rank = r;
        report(log.size(), end, "tREFI", last_ref[r] + deadline,
               "rank " + std::to_string(r) + " not refreshed for " +
                   std::to_string(*options.end - last_ref[r]) + " cycles at the end of the log");
      }
  return out;
}

}  // namespace apack::dram
