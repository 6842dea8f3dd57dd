// The protocol checker of protocol_checker.hpp, fed one command at a time (from
// Controller::on_command) instead of a whole log, so long runs can be checked with the
// command log switched off: the same TimingEngine and ProtocolState rules, command order and
// the refresh deadline (at most (max_postponed + 1) x tREFI between REFs of a rank, from time 0
// and up to the end). Memory does not grow with the run: only the first messages are kept.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "apack/dram/command.hpp"
#include "apack/dram/constraints.hpp"
#include "apack/dram/memspec.hpp"
#include "apack/dram/protocol_checker.hpp"
#include "apack/dram/protocol_state.hpp"
#include "apack/dram/timing_engine.hpp"

namespace apack::dram::sc {

class StreamChecker {
 public:
  // options.end is ignored (finish() gives it); options.max_violations bounds the messages.
  StreamChecker(const MemSpec& spec, const CheckOptions& options);

  void check(const Command& c);  // in issue order
  // The refresh deadline up to `end`, after the last command.
  void finish(Cycle end);

  uint64_t violations() const { return violations_; }
  uint64_t commands() const { return commands_; }
  const std::vector<std::string>& messages() const { return messages_; }

 private:
  void report(const Command& c, const std::string& message);

  MemSpec spec_;
  CheckOptions options_;
  ConstraintTable table_;
  TimingEngine engine_;
  ProtocolState state_;
  Cycle deadline_;
  std::vector<Cycle> last_ref_;
  Cycle previous_ = 0;
  uint64_t commands_ = 0, violations_ = 0;
  std::vector<std::string> messages_;
  std::vector<TimingEngine::Violation> found_;
};

}  // namespace apack::dram::sc
