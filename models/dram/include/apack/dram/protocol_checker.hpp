// The protocol checker: feeds commands through the same TimingEngine the controller schedules
// with, plus the bank state machine and the refresh deadline, and reports every command that
// breaks a rule. ProtocolChecker takes one command at a time (the SystemC memory controller
// checks long runs that way with the command log switched off); check_log replays a whole log
// through it (the tests check every log the controller produces, and logs from elsewhere: a
// forged log, another simulator's trace).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "apack/dram/command.hpp"
#include "apack/dram/constraints.hpp"
#include "apack/dram/memspec.hpp"
#include "apack/dram/protocol_state.hpp"
#include "apack/dram/timing_engine.hpp"

namespace apack::dram {

struct CheckOptions {
  // Every rank must see a REF at least every (max_postponed + 1) x tREFI, counted from time 0:
  // JESD79-4 and JESD209-4 allow eight refreshes to be postponed, hence 9 x tREFI.
  bool refresh_deadline = true;
  uint32_t max_postponed = 8;
  // The end of the period the log covers, for the refresh deadline after its last REF
  // (check_log only; ProtocolChecker::finish takes it as an argument).
  std::optional<Cycle> end;
  size_t max_violations = 1000;  // stop collecting after this many (counting goes on)
};

struct LogViolation {
  size_t index = 0;     // the offending command's position (log size: the end of the log)
  Command command;      // the offending command
  std::string rule;     // a constraint label ("tRCD"), "state", "order" or "tREFI"
  Cycle earliest = 0;   // for timing rules: the earliest legal time
  std::string message;  // full description
};

class ProtocolChecker {
 public:
  // options.end is not used here: finish() takes the end.
  ProtocolChecker(const MemSpec& spec, const CheckOptions& options = {});
  // The engine points into the table and the spec held here, so the checker stays in place.
  ProtocolChecker(const ProtocolChecker&) = delete;
  ProtocolChecker& operator=(const ProtocolChecker&) = delete;

  // Checks the next command (commands in issue order); returns how many violations it has.
  size_t check(const Command& c);
  // The refresh deadline of every rank from its last REF up to `end`, after the last command.
  // `period` names what the commands came from in the message ("log", "run").
  size_t finish(Cycle end, std::string_view period = "log");

  uint64_t commands() const { return commands_; }
  uint64_t violation_count() const { return count_; }  // all of them, kept or not
  // The first options.max_violations violations, in the order found.
  const std::vector<LogViolation>& violations() const { return kept_; }
  // Hands them over; violations() is empty afterwards.
  std::vector<LogViolation> take_violations() { return std::exchange(kept_, {}); }
  // Their messages (each names its command).
  std::vector<std::string> messages() const;

 private:
  void check_rules(const Command& c);
  void report(const Command& c, std::string rule, Cycle earliest, const std::string& message);

  MemSpec spec_;
  CheckOptions options_;
  ConstraintTable table_;
  TimingEngine engine_;
  ProtocolState state_;
  Cycle deadline_;               // the longest gap allowed between REFs of a rank
  std::vector<Cycle> last_ref_;  // per rank; 0 before its first REF
  Cycle previous_ = 0;           // the latest command time so far
  uint64_t commands_ = 0, count_ = 0;
  std::vector<LogViolation> kept_;
  std::vector<TimingEngine::Violation> found_;  // reused between commands
};

std::vector<LogViolation> check_log(const MemSpec& spec, const std::vector<Command>& log,
                                    const CheckOptions& options = {});

}  // namespace apack::dram
