// The trace player: initiator socket `out`, reading a TraceSource one line at a time (memory
// does not depend on the trace's length) and offering line i, of trace cycle c, at
// c x trace_period. Each line moves ONE burst: the address is aligned down to the burst;
// a write carries the line's data zero-extended to the burst, or, when the line has none, a
// pattern that depends only on the line's index and address. Before a line goes out it is
// checked: an address outside the memory, data longer than a burst or a cycle earlier than
// the previous line's throw apack::FormatError "SOURCE:LINE: problem" (SOURCE: request N for
// sources without line numbers), which stops the simulation and is rethrown by play_trace.
//
// LT: one SC_THREAD sends posted b_transports (Posted extension) with temporal decoupling:
//   the offer time is max(line's time, previous acceptance) as a delay on top of
//   sc_time_stamp(); no wait() per request, only when the local time runs a quantum ahead
//   (tlm_quantumkeeper, global quantum). Back-pressure shows as a later acceptance.
// AT: one SC_METHOD sends BEGIN_REQ at the line's time, or when END_REQ of the previous
//   request allows it (request exclusion), and answers every BEGIN_RESP with TLM_COMPLETED.
//   Payloads come from a pool with a memory manager; the pool holds at most the requests in
//   flight.
// Read data is summed into an order-independent checksum (per read: a hash of its index in
// the trace and its bytes), so LT and AT runs can be compared.
#pragma once

#include <tlm_utils/simple_initiator_socket.h>

#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <systemc>
#include <tlm>
#include <vector>

#include "apack/dram/sc/channel_map.hpp"
#include "apack/dram/sc/play.hpp"
#include "apack/dram/trace_file.hpp"
#include "apack/dram/units.hpp"

namespace apack::dram::sc {

struct PlayerConfig {
  Mode mode = Mode::LT;
  ClockPeriod trace_period = ClockPeriod::picoseconds(1000);
  std::function<void(uint64_t requests)> progress;  // every 65536 requests
};

struct PlayerResults {
  uint64_t sent = 0;      // requests offered
  uint64_t answered = 0;  // LT: b_transport returned; AT: BEGIN_RESP received
  uint64_t reads = 0, writes = 0;
  uint64_t read_checksum = 0;
  int64_t last_answer_ps = 0;  // LT posted: the last acceptance; AT: the last response
};

// A hash of one read's index in the trace and its bytes; play_trace's checksum is their sum.
uint64_t read_hash(uint64_t index, const uint8_t* data, size_t n);
// The bytes of a write line without data: a function of its index in the trace and its
// burst-aligned address only.
void write_pattern(uint8_t* out, size_t n, uint64_t index, uint64_t address);

class TracePlayer : public sc_core::sc_module, private tlm::tlm_mm_interface {
 public:
  SC_HAS_PROCESS(TracePlayer);
  tlm_utils::simple_initiator_socket<TracePlayer> out;

  // `source` must outlive the player. `map` gives the capacity and the burst size.
  TracePlayer(const sc_core::sc_module_name& name, TraceSource& source, const ChannelMap& map,
              const PlayerConfig& config);
  ~TracePlayer() override;

  const PlayerResults& results() const { return results_; }
  std::exception_ptr failure() const { return failure_; }
  bool finished() const { return finished_; }  // every line sent and answered

 private:
  struct Item;

  void run_lt();  // SC_THREAD
  void run_at();  // SC_METHOD
  tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload& p, tlm::tlm_phase& phase,
                                     sc_core::sc_time& delay);
  void free(tlm::tlm_generic_payload* p) override;  // tlm_mm_interface

  // Reads and checks the next line into `p` (command, aligned address, data); false at the end.
  bool fetch(tlm::tlm_generic_payload& p, uint64_t& index, int64_t& offer_ps);
  [[noreturn]] void fail(const std::string& problem) const;
  void answered(const tlm::tlm_generic_payload& p, uint64_t index, int64_t at_ps);
  void fail_now(std::exception_ptr e);

  TraceSource& source_;
  ChannelMap map_;
  PlayerConfig config_;
  uint32_t burst_bytes_;
  // Byte enables for a write whose data covers only part of its burst: the line's bytes go
  // where its address points, the rest of the burst keeps what memory holds.
  std::vector<uint8_t> enables_;
  TraceLine line_;
  uint64_t lines_ = 0;
  uint64_t last_cycle_ = 0;

  // AT state.
  std::vector<std::unique_ptr<Item>> items_;
  std::vector<Item*> free_items_;
  Item* next_ = nullptr;         // fetched, not sent yet
  bool request_busy_ = false;    // BEGIN_REQ sent, END_REQ not yet received
  int64_t request_free_ps_ = 0;  // END_REQ time when it came annotated
  bool source_done_ = false;
  uint64_t in_flight_ = 0;
  sc_core::sc_event wake_;

  PlayerResults results_;
  bool finished_ = false;
  std::exception_ptr failure_;
};

}  // namespace apack::dram::sc
