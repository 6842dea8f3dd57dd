// An initiator socket `out` toward the DRAM subsystem (router and memory controllers) usable
// from any SC_THREAD in either TLM style, so the modules above it need not care which one the
// scenario chose:
//   LT: b_transport, then wait() for the annotated delay. Reads are blocking (they return when
//       the data is back); writes carry the Posted extension (they return once the memory
//       controller accepted them: a write buffer, the completion is still counted).
//   AT: the base protocol's four phases. BEGIN_REQ is serialised over the socket (request
//       exclusion) with an sc_mutex; the calling thread waits for END_REQ and then for its own
//       BEGIN_RESP, which nb_transport_bw answers with TLM_COMPLETED. Several threads can have
//       transactions in flight at once, which is where AT models contention. An AT transaction
//       must stay inside one channel (router.hpp), so with a channel map set a transaction that
//       spans channels goes out as one part per run of same-channel bursts, all in flight
//       together, and completes when the last part does.
// An error response is an apack::Error naming the module and the address.
#pragma once

#include <tlm_utils/simple_initiator_socket.h>

#include <cstdint>
#include <map>
#include <memory>
#include <systemc>
#include <tlm>
#include <vector>

#include "apack/dram/sc/channel_map.hpp"

namespace apack::memory {

enum class TlmStyle { lt, at };

class DramPort : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<DramPort> out;

  DramPort(const sc_core::sc_module_name& name, TlmStyle style);

  // Moves `length` bytes at `address` (READ into data / WRITE from data). Call from a thread.
  void read(uint64_t address, uint8_t* data, uint64_t length);
  void write(uint64_t address, const uint8_t* data, uint64_t length);

  // The memory's channel interleaving, for splitting AT transactions (LT: the router splits).
  void set_channel_map(const dram::sc::ChannelMap& map) {
    map_ = std::make_unique<dram::sc::ChannelMap>(map);
  }

  TlmStyle style() const { return style_; }
  uint64_t transactions() const { return transactions_; }

 private:
  void transact(tlm::tlm_generic_payload& p);
  // AT: sends BEGIN_REQ and waits for the request phase to end (the response may come later).
  void send_request(tlm::tlm_generic_payload& p);
  tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload& p, tlm::tlm_phase& phase,
                                     sc_core::sc_time& delay);

  struct Pending {
    sc_core::sc_event end_req, response;
    bool request_done = false, response_done = false;
  };

  TlmStyle style_;
  sc_core::sc_mutex request_lock_;
  std::map<tlm::tlm_generic_payload*, std::unique_ptr<Pending>> pending_;
  std::unique_ptr<dram::sc::ChannelMap> map_;
  uint64_t transactions_ = 0;
};

}  // namespace apack::memory
