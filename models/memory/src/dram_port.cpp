#include "apack/memory/dram_port.hpp"

#include <sstream>

#include "apack/dram/sc/posted.hpp"
#include "apack/error.hpp"

namespace apack::memory {

using namespace sc_core;

DramPort::DramPort(const sc_module_name& name, TlmStyle style)
    : sc_module(name), out("out"), style_(style) {
  out.register_nb_transport_bw(this, &DramPort::nb_transport_bw);
}

void DramPort::read(uint64_t address, uint8_t* data, uint64_t length) {
  tlm::tlm_generic_payload p;
  p.set_command(tlm::TLM_READ_COMMAND);
  p.set_address(address);
  p.set_data_ptr(data);
  p.set_data_length(unsigned(length));
  p.set_streaming_width(unsigned(length));
  transact(p);
}

void DramPort::write(uint64_t address, const uint8_t* data, uint64_t length) {
  tlm::tlm_generic_payload p;
  p.set_command(tlm::TLM_WRITE_COMMAND);
  p.set_address(address);
  p.set_data_ptr(const_cast<uint8_t*>(data));
  p.set_data_length(unsigned(length));
  p.set_streaming_width(unsigned(length));
  transact(p);
}

void DramPort::transact(tlm::tlm_generic_payload& p) {
  if (p.get_data_length() == 0) return;
  p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  ++transactions_;
  if (style_ == TlmStyle::lt) {
    // Owned by the payload (freed by its destructor), whatever happens below.
    if (p.is_write()) p.set_extension(new dram::sc::Posted);
    sc_time delay = SC_ZERO_TIME;
    out->b_transport(p, delay);
    wait(delay);
  } else {
    Pending pending;
    pending_[&p] = &pending;
    request_lock_.lock();
    tlm::tlm_phase phase = tlm::BEGIN_REQ;
    sc_time delay = SC_ZERO_TIME;
    const tlm::tlm_sync_enum r = out->nb_transport_fw(p, phase, delay);
    if (r == tlm::TLM_COMPLETED) {
      pending.request_done = pending.response_done = true;
      wait(delay);
    } else if (r == tlm::TLM_UPDATED && phase == tlm::END_REQ) {
      pending.request_done = true;
      wait(delay);
    } else if (r == tlm::TLM_UPDATED && phase == tlm::BEGIN_RESP) {
      pending.request_done = pending.response_done = true;
      wait(delay);
    } else {
      if (!pending.request_done) wait(pending.end_req);
    }
    request_lock_.unlock();
    if (!pending.response_done) wait(pending.response);
    pending_.erase(&p);
  }
  if (p.get_response_status() != tlm::TLM_OK_RESPONSE) {
    std::ostringstream m;
    m << name() << ": DRAM " << (p.is_read() ? "read" : "write") << " of " << p.get_data_length()
      << " bytes at 0x" << std::hex << p.get_address() << " failed: " << p.get_response_string();
    throw Error(m.str());
  }
}

tlm::tlm_sync_enum DramPort::nb_transport_bw(tlm::tlm_generic_payload& p, tlm::tlm_phase& phase,
                                             sc_time& delay) {
  auto it = pending_.find(&p);
  if (it == pending_.end()) return tlm::TLM_COMPLETED;  // not ours: nothing to do
  Pending* w = it->second;
  if (phase == tlm::END_REQ) {
    w->request_done = true;
    w->end_req.notify(delay);
    return tlm::TLM_ACCEPTED;
  }
  if (phase == tlm::BEGIN_RESP) {
    // A response can arrive before END_REQ was seen (the target may skip END_REQ).
    if (!w->request_done) {
      w->request_done = true;
      w->end_req.notify(delay);
    }
    w->response_done = true;
    w->response.notify(delay);
    return tlm::TLM_COMPLETED;
  }
  return tlm::TLM_ACCEPTED;
}

}  // namespace apack::memory
