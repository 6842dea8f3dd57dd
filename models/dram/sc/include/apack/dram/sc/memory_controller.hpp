// The memory controller of one channel as a SystemC/TLM-2.0 target: target socket `in`, the
// event-driven Controller core (controller.hpp) for timing, a BackingStore for the bytes.
//
// Transactions: READ or WRITE of any length and alignment inside this channel (global
// addresses, see channel_map.hpp), split into bursts (Architecture::burst_bytes), each burst
// one request of the core. Byte enables are honoured (reads leave disabled bytes of the
// initiator's buffer untouched). Data moves functionally at the call (b_transport, or
// BEGIN_REQ), in the order transactions reach the module; only the timing is modelled per
// burst. Errors are answered, never thrown at the initiator: TLM_COMMAND_ERROR_RESPONSE
// for a command other than READ/WRITE (TLM_IGNORE_COMMAND included), TLM_ADDRESS_ERROR_RESPONSE
// for a byte outside this channel, TLM_BURST_ERROR_RESPONSE for streaming (0 < streaming width
// < length), TLM_BYTE_ENABLE_ERROR_RESPONSE for an enable pointer of length 0,
// TLM_GENERIC_ERROR_RESPONSE for length 0 or no data pointer. No DMI; transport_dbg reads and
// writes the store without timing.
//
// Time: sc_time is integer ps; the core counts DRAM cycles of the exact ClockPeriod. An offer
// at t ps arrives at cycle ceil_cycles(t); a completion at cycle d is reported at ceil_ps(d).
//
// LT, b_transport (pure computation: no wait(), no SystemC event):
//   blocking (default): the bursts are offered at sc_time_stamp() + delay; the core is
//     advanced (when the buffer refuses a burst, to its next event, then the offer is
//     retried) until the last burst completes; delay becomes that completion - sc_time_stamp().
//     Exact for an initiator that waits for each transaction.
//   posted (the transaction carries a Posted extension, posted.hpp): returns once every burst
//     is ACCEPTED, delay = the acceptance time (the offer time when the buffer had room). The
//     completion is counted in stats() when the core reaches it. An initiator can so keep
//     many requests in flight with temporal decoupling and reach the bandwidth of AT.
// AT, nb_transport_fw/bw, base protocol (request and response exclusion honoured):
//   BEGIN_REQ: if the core accepts every burst at the arrival time, TLM_UPDATED with END_REQ;
//     otherwise TLM_ACCEPTED and END_REQ through nb_transport_bw at the time the last burst is
//     accepted (back-pressure). Errors: TLM_COMPLETED with the error response status.
//   BEGIN_RESP through nb_transport_bw at the completion of the last burst; the initiator
//     answers TLM_COMPLETED, TLM_UPDATED/END_RESP, or TLM_ACCEPTED and END_RESP later.
//   One SC_METHOD, woken only when something is due: an END_REQ, a response, or the earliest
//   time a buffered request's column command could complete (the core's current cycle +
//   min(RL, WL) + burst), at which it catches the core up; never a per-cycle clock. An arrival
//   brings the core up to its own time first, so the order of events in the core is exact.
// While a BEGIN_REQ waits for END_REQ no other can arrive (request exclusion), so the wait is
// computed at once (the core runs ahead to the acceptance); LT posted and AT therefore give
// the same core timing for the same offers. Use one style per module: an LT call offered
// before the core's current time is taken as arriving at that time.
#pragma once

#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <queue>
#include <systemc>
#include <tlm>
#include <vector>

#include "apack/dram/address_mapping.hpp"
#include "apack/dram/backing_store.hpp"
#include "apack/dram/controller.hpp"
#include "apack/dram/controller_config.hpp"
#include "apack/dram/memspec.hpp"
#include "apack/dram/protocol_checker.hpp"
#include "apack/dram/sc/channel_map.hpp"
#include "apack/dram/sc/latency_histogram.hpp"

namespace apack::dram::sc {

struct ChannelSetup {
  MemSpec spec;            // spec.arch.channels: channels of the whole memory
  AddressMapping mapping;  // of the whole memory
  ControllerConfig config;
  uint32_t channel = 0;         // which channel this module is
  bool check_protocol = false;  // every command through a ProtocolChecker as it issues
};

// Per channel; requests are bursts (DRAM requests), latencies run from the offer of the
// burst's transaction to its last data beat, in ps.
struct ChannelStats {
  uint64_t transactions = 0;                     // accepted transactions (LT and AT)
  uint64_t errors = 0;                           // transactions answered with an error status
  uint64_t requests = 0, reads = 0, writes = 0;  // completed bursts
  uint64_t bytes = 0;                            // moved on the data bus (bursts x burst bytes)
  uint64_t hits = 0, misses = 0, conflicts = 0;
  uint64_t latency_sum_ps = 0;
  uint64_t max_latency_ps = 0;
  LatencyHistogram latency;
  uint64_t rejected = 0;     // offers the core refused (back-pressure)
  uint64_t wakeups = 0;      // activations of the AT process
  int64_t last_done_ps = 0;  // the latest completion
};

class MemoryController : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(MemoryController);
  tlm_utils::simple_target_socket<MemoryController> in;

  MemoryController(const sc_core::sc_module_name& name, const ChannelSetup& setup);
  ~MemoryController() override;

  // Calls `f` for every DRAM command as it issues (after the protocol checker). The core's own
  // command log is always off here (ControllerConfig::record_log is ignored) so that memory
  // does not grow with the run; observe commands through this instead.
  void add_command_observer(std::function<void(const Command&)> f);

  // After the simulation: issues the commands of every request still buffered (LT posted).
  void drain();
  // Then: the core up to `end_ps` (at least the latest completion of any channel), commands,
  // residency, energy and the refresh deadline up to there.
  void finish(int64_t end_ps);

  const ChannelStats& stats() const { return stats_; }
  const Statistics& command_statistics() const { return final_stats_; }  // after finish
  const EnergyBreakdown& energy() const { return energy_; }              // after finish
  Cycle end_cycle() const { return end_cycle_; }                         // after finish
  uint64_t protocol_violations() const { return checker_ ? checker_->violation_count() : 0; }
  const ProtocolChecker* checker() const { return checker_.get(); }  // null when off
  const Controller& core() const { return core_; }
  const ChannelMap& map() const { return map_; }
  const BackingStore& store() const { return store_; }
  // An error raised inside the AT process (it stops the simulation); null if none.
  std::exception_ptr failure() const { return failure_; }

 private:
  struct Txn {
    tlm::tlm_generic_payload* payload = nullptr;
    uint32_t outstanding = 0;  // bursts not completed yet
    Cycle done = 0;            // the latest completion so far
    bool at = false;           // respond with BEGIN_RESP when done
  };
  struct Slot {  // one burst in the core; Request::id is its index
    int64_t offer_ps = 0;
    Txn* txn = nullptr;  // null for LT posted
  };
  struct Response {
    int64_t ps;
    uint64_t seq;
    Txn* txn;
    bool operator>(const Response& o) const { return ps != o.ps ? ps > o.ps : seq > o.seq; }
  };

  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
  tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload& p, tlm::tlm_phase& phase,
                                     sc_core::sc_time& delay);
  unsigned int transport_dbg(tlm::tlm_generic_payload& p);

  tlm::tlm_response_status check(const tlm::tlm_generic_payload& p) const;
  void move_data(tlm::tlm_generic_payload& p);
  // Offers every burst at `offer_ps`, retrying after core events while refused; returns the
  // acceptance time in ps (offer_ps when there was room at once).
  int64_t offer(const tlm::tlm_generic_payload& p, int64_t offer_ps, Txn* txn);
  void harvest();  // completions out of the core: statistics, transactions, responses
  void record(const Completion& d, int64_t offer_ps);

  void run();  // the AT process
  void schedule();
  void respond(Txn* t);
  Txn* new_txn();
  void release(Txn* t);

  ChannelSetup setup_;
  ChannelMap map_;
  Controller core_;
  BackingStore store_;
  std::unique_ptr<ProtocolChecker> checker_;
  std::vector<std::function<void(const Command&)>> observers_;
  ClockPeriod tck_;
  Cycle min_latency_;  // from a column command to its completion, at least
  uint32_t burst_bytes_;

  std::vector<Slot> slots_;
  std::vector<uint32_t> free_slots_;
  std::vector<std::unique_ptr<Txn>> txns_;
  std::vector<Txn*> free_txns_;
  std::priority_queue<Response, std::vector<Response>, std::greater<Response>> responses_;
  uint64_t response_seq_ = 0;
  Txn* waiting_ = nullptr;  // BEGIN_REQ answered TLM_ACCEPTED, END_REQ due at waiting_ps_
  int64_t waiting_ps_ = 0;
  Txn* responding_ = nullptr;  // BEGIN_RESP sent, END_RESP awaited
  int64_t response_free_ps_ = 0;
  sc_core::sc_event wake_;
  bool wake_pending_ = false;  // wake_ notified for wake_ps_
  int64_t wake_ps_ = 0;

  ChannelStats stats_;
  Statistics final_stats_;
  EnergyBreakdown energy_;
  Cycle end_cycle_ = 0;
  std::exception_ptr failure_;
};

}  // namespace apack::dram::sc
