// The channel-interleaving router: target socket `in`, initiator sockets out[0..N-1], one per
// channel; the CHANNEL bits of the address mapping (channel_map.hpp) choose the socket. It
// passes the transaction on unchanged (global address; each channel module squeezes the
// CHANNEL bits out for its own store) and adds no delay.
//
// LT: a transaction inside one channel goes on as it is; one spanning channels is split into
// runs of consecutive bursts of one channel, each sent as its own b_transport with the
// caller's delay (the channels work in parallel); the delay returned is the latest of theirs
// (the last completion when blocking, the last acceptance when posted). Addresses are all
// checked first: an invalid one fails the whole transaction (TLM_ADDRESS_ERROR_RESPONSE) with
// nothing done; any other error of a part is the transaction's status.
// AT: a transaction must stay inside one channel (TLM_BURST_ERROR_RESPONSE with TLM_COMPLETED
// otherwise). BEGIN_REQ, END_REQ and BEGIN_RESP are forwarded as they are; responses from
// several channels toward `in` obey the response exclusion rule: while the initiator has not
// ended one, the next waits in a queue (its channel gets TLM_ACCEPTED and END_RESP later).
#pragma once

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <deque>
#include <systemc>
#include <tlm>

#include "apack/dram/sc/channel_map.hpp"

namespace apack::dram::sc {

class Router : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(Router);
  tlm_utils::simple_target_socket<Router> in;
  sc_core::sc_vector<tlm_utils::simple_initiator_socket_tagged<Router>> out;

  Router(const sc_core::sc_module_name& name, const ChannelMap& map);

  uint64_t split_transactions() const { return split_; }  // LT transactions spanning channels

 private:
  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
  tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload& p, tlm::tlm_phase& phase,
                                     sc_core::sc_time& delay);
  unsigned int transport_dbg(tlm::tlm_generic_payload& p);
  tlm::tlm_sync_enum nb_transport_bw(int channel, tlm::tlm_generic_payload& p,
                                     tlm::tlm_phase& phase, sc_core::sc_time& delay);

  // The channel of every burst of `p` if it is one, -1 if several, -2 if an address is bad.
  int channel_of(const tlm::tlm_generic_payload& p) const;
  // Sends `part` of `p` ([offset, offset + length)) to `channel`.
  void send_part(tlm::tlm_generic_payload& p, uint64_t offset, uint64_t length, int channel,
                 sc_core::sc_time& delay, bool debug, unsigned int* debug_bytes);
  void split(tlm::tlm_generic_payload& p, sc_core::sc_time& delay, bool debug,
             unsigned int* debug_bytes);
  void pump();  // sends queued responses while the initiator takes them

  ChannelMap map_;
  uint64_t split_ = 0;
  tlm::tlm_generic_payload* responding_ = nullptr;  // BEGIN_RESP sent toward `in`, not ended
  int responding_channel_ = 0;
  std::deque<std::pair<tlm::tlm_generic_payload*, int>> queued_;
  sc_core::sc_event pump_event_;
};

}  // namespace apack::dram::sc
