// The memory-controller core of one channel, plain C++ and event-driven: requests go in (with
// back-pressure when the buffer is full), commands come out at the earliest cycles the timing
// engine allows, and each request gets its completion time. No clock ticks: the owner moves
// time forward (advance_to, step) and asks when something happens next (next_event).
//
// A SystemC wrapper drives it like this, all times in DRAM cycles (ClockPeriod converts):
//   on a request at time t:  if (!ctl.try_enqueue({id, addr, write, t})) hold END_REQ and
//                            retry after the next event (back-pressure);
//   a thread:                wait until min(ctl.next_event(), next arrival); ctl.advance_to(
//                            that + 1); for each ctl.take_completions(): send the response at
//                            Completion::done (BEGIN_RESP, or the LT annotated delay).
// Data never goes through the controller: the wrapper reads and writes the BackingStore.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <queue>
#include <vector>

#include "apack/dram/address_mapping.hpp"
#include "apack/dram/constraints.hpp"
#include "apack/dram/controller_config.hpp"
#include "apack/dram/energy.hpp"
#include "apack/dram/memspec.hpp"
#include "apack/dram/protocol_state.hpp"
#include "apack/dram/request_buffer.hpp"
#include "apack/dram/scheduler.hpp"
#include "apack/dram/stats.hpp"
#include "apack/dram/timing_engine.hpp"

namespace apack::dram {

// One burst: the access covers the burst containing `address` (a wrapper splits larger or
// unaligned transactions into bursts).
struct Request {
  uint64_t id = 0;
  uint64_t address = 0;
  bool write = false;
  Cycle arrival = 0;
};

struct Completion {
  uint64_t id = 0;
  uint64_t address = 0;
  bool write = false;
  Cycle arrival = 0;   // when offered
  Cycle accepted = 0;  // when it entered the buffer
  Cycle issued = 0;    // its RD/WR command
  Cycle data_start = 0;
  Cycle done = 0;  // last data beat on the bus: the request's completion time
  RowOutcome outcome = RowOutcome::Hit;
  Cycle latency() const { return done - arrival; }
};

struct RequestCounters {
  uint64_t reads = 0, writes = 0;
  uint64_t hits = 0, misses = 0, conflicts = 0;
  uint64_t read_latency_sum = 0, write_latency_sum = 0;  // cycles, arrival to done
  Cycle max_read_latency = 0, max_write_latency = 0;
  uint64_t rejected = 0;  // try_enqueue calls refused for lack of space
};

class Controller {
 public:
  Controller(const MemSpec& spec, const AddressMapping& mapping,
             const ControllerConfig& config = {});
  // The scheduler holds references into the controller: it stays where it was built.
  Controller(const Controller&) = delete;
  Controller& operator=(const Controller&) = delete;

  const MemSpec& spec() const { return spec_; }
  const AddressMapping& mapping() const { return mapping_; }
  const ControllerConfig& config() const { return config_; }
  Cycle now() const { return now_; }

  // Offers a request arriving at r.arrival (not before now(): earlier arrivals are taken as
  // arriving now). Advances time to the arrival first. Returns false when the buffer or the
  // active-transaction limit is full: the caller retries after step() or next_event().
  // Throws apack::Error for an address outside the channel's mapped bits.
  bool try_enqueue(const Request& r);
  // Whether a request to `address` would be accepted now.
  bool can_accept(uint64_t address, bool write) const;

  // Issues every command before cycle t, then sets now() to t (if later).
  void advance_to(Cycle t);
  // The next cycle something happens: a command issues or an active request completes.
  std::optional<Cycle> next_event() const;
  // Moves to next_event() and handles it; false when there is nothing left to happen.
  bool step();
  // Steps until every buffered request has issued its column command.
  void drain();
  bool idle() const { return buffer_.size() == 0; }
  size_t pending() const { return buffer_.size(); }
  size_t active() const { return buffer_.size() + inflight_.size(); }

  std::vector<Completion> take_completions();
  const std::vector<Command>& log() const { return log_; }
  // Called for every command as it issues (tracing), in addition to the log.
  void on_command(std::function<void(const Command&)> f) { hook_ = std::move(f); }

  const RequestCounters& requests() const { return counters_; }
  // Whether the scheduler's cached per-bank choices, and the decision the controller holds,
  // equal fresh ones (tests).
  bool scheduler_consistent() const;
  // Command counts and residency up to `end` (default: now()), and their energy.
  Statistics statistics(std::optional<Cycle> end = std::nullopt) const;
  EnergyBreakdown energy(std::optional<Cycle> end = std::nullopt) const;

 private:
  const std::optional<Candidate>& candidate() const;
  // The address decoded last: a caller retrying a refused request asks about it again.
  const DecodedAddress& decode(uint64_t address) const;
  void issue(const Candidate& c);
  void retire();

  MemSpec spec_;
  AddressMapping mapping_;
  ControllerConfig config_;
  ConstraintTable table_;
  TimingEngine engine_;
  ProtocolState state_;
  RequestBuffer buffer_;
  std::vector<RankControl> ranks_;
  Scheduler scheduler_;
  CommandStats stats_;
  RequestCounters counters_;
  uint64_t mapped_mask_;
  Cycle now_ = 0;
  uint64_t next_seq_ = 0;
  std::vector<Command> log_;
  std::vector<Completion> completions_;
  std::priority_queue<Cycle, std::vector<Cycle>, std::greater<Cycle>> inflight_;
  std::function<void(const Command&)> hook_;
  mutable std::optional<Candidate> cached_;
  mutable bool cache_valid_ = false;
  mutable uint64_t decoded_address_ = ~uint64_t(0);
  mutable DecodedAddress decoded_;
};

}  // namespace apack::dram
