#include "apack/memory/dram_port.hpp"

#include <algorithm>
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
    // One part per run of bursts of the same channel (the whole transaction without a map).
    std::vector<std::unique_ptr<tlm::tlm_generic_payload>> parts;
    std::vector<tlm::tlm_generic_payload*> sent;
    const uint64_t start = p.get_address(), length = p.get_data_length();
    if (map_ && map_->channels() > 1) {
      const uint64_t burst = map_->burst_bytes();
      uint64_t from = 0;
      while (from < length) {
        const uint32_t ch = map_->channel(start + from);
        uint64_t to = std::min(length, (start + from) / burst * burst + burst - start);
        while (to < length && map_->channel(start + to) == ch)
          to = std::min(length, to + burst);
        auto part = std::make_unique<tlm::tlm_generic_payload>();
        part->set_command(p.get_command());
        part->set_address(start + from);
        part->set_data_ptr(p.get_data_ptr() + from);
        part->set_data_length(unsigned(to - from));
        part->set_streaming_width(unsigned(to - from));
        part->set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        parts.push_back(std::move(part));
        from = to;
      }
    }
    if (parts.size() <= 1) {
      parts.clear();
      sent.push_back(&p);
    } else {
      for (auto& part : parts) sent.push_back(part.get());
    }
    for (tlm::tlm_generic_payload* q : sent) send_request(*q);
    for (tlm::tlm_generic_payload* q : sent) {
      Pending& w = *pending_.at(q);
      if (!w.response_done) wait(w.response);
      pending_.erase(q);
      if (q != &p && q->get_response_status() != tlm::TLM_OK_RESPONSE)
        p.set_response_status(q->get_response_status());
    }
    if (!parts.empty() && p.get_response_status() == tlm::TLM_INCOMPLETE_RESPONSE)
      p.set_response_status(tlm::TLM_OK_RESPONSE);
  }
  if (p.get_response_status() != tlm::TLM_OK_RESPONSE) {
    std::ostringstream m;
    m << name() << ": DRAM " << (p.is_read() ? "read" : "write") << " of " << p.get_data_length()
      << " bytes at 0x" << std::hex << p.get_address() << " failed: " << p.get_response_string();
    throw Error(m.str());
  }
}

void DramPort::send_request(tlm::tlm_generic_payload& p) {
  Pending& pending = *(pending_[&p] = std::make_unique<Pending>());
  request_lock_.lock();
  tlm::tlm_phase phase = tlm::BEGIN_REQ;
  sc_time delay = SC_ZERO_TIME;
  const tlm::tlm_sync_enum r = out->nb_transport_fw(p, phase, delay);
  if (r == tlm::TLM_COMPLETED || (r == tlm::TLM_UPDATED && phase == tlm::BEGIN_RESP)) {
    pending.request_done = pending.response_done = true;
    wait(delay);
  } else if (r == tlm::TLM_UPDATED && phase == tlm::END_REQ) {
    pending.request_done = true;
    wait(delay);
  } else if (!pending.request_done) {
    wait(pending.end_req);
  }
  request_lock_.unlock();
}

tlm::tlm_sync_enum DramPort::nb_transport_bw(tlm::tlm_generic_payload& p, tlm::tlm_phase& phase,
                                             sc_time& delay) {
  auto it = pending_.find(&p);
  if (it == pending_.end()) return tlm::TLM_COMPLETED;  // not ours: nothing to do
  Pending* w = it->second.get();
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
