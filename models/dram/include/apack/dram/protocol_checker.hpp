// The protocol checker: replays a command log through the same TimingEngine the controller
// schedules with, plus the bank state machine and the refresh deadline, and reports every
// command that breaks a rule. Used on every log the controller produces in the tests, and on
// logs from elsewhere (a forged log, another simulator's trace).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "apack/dram/command.hpp"
#include "apack/dram/memspec.hpp"

namespace apack::dram {

struct CheckOptions {
  // Every rank must see a REF at least every (max_postponed + 1) x tREFI, counted from time 0:
  // JESD79-4 and JESD209-4 allow eight refreshes to be postponed, hence 9 x tREFI.
  bool refresh_deadline = true;
  uint32_t max_postponed = 8;
  // The end of the period the log covers, for the refresh deadline after its last REF.
  std::optional<Cycle> end;
  size_t max_violations = 1000;  // stop collecting after this many
};

struct LogViolation {
  size_t index = 0;     // the offending command's position (log size: the end of the log)
  Command command;      // the offending command
  std::string rule;     // a constraint label ("tRCD"), "state", "order" or "tREFI"
  Cycle earliest = 0;   // for timing rules: the earliest legal time
  std::string message;  // full description
};

std::vector<LogViolation> check_log(const MemSpec& spec, const std::vector<Command>& log,
                                    const CheckOptions& options = {});

}  // namespace apack::dram
