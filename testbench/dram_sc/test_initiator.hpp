// A scriptable TLM initiator for module-level tests: `script` runs in an SC_THREAD and uses
// lt() for b_transport calls and at_begin()/at_wait_all() for 4-phase AT transactions, whose
// phase times are recorded. With end_resp_later, every other BEGIN_RESP is answered
// TLM_ACCEPTED and ended by an END_RESP 5 ns later (the slow-initiator path).
#pragma once

#include <tlm_utils/simple_initiator_socket.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <systemc>
#include <tlm>
#include <vector>

#include "apack/dram/sc/kernel.hpp"
#include "apack/dram/sc/posted.hpp"

namespace apack::dram::sc::test {

class TestInitiator : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(TestInitiator);
  tlm_utils::simple_initiator_socket<TestInitiator> out;

  struct Lt {
    tlm::tlm_response_status status = tlm::TLM_INCOMPLETE_RESPONSE;
    int64_t delay_ps = 0;
  };
  struct At {
    int64_t begin_ps = 0;
    int64_t end_req_ps = -1;
    int64_t response_ps = -1;
    bool end_req_later = false;  // END_REQ came through nb_transport_bw
    bool completed_at_once = false;
    tlm::tlm_response_status status = tlm::TLM_INCOMPLETE_RESPONSE;
  };

  TestInitiator(const sc_core::sc_module_name& name, std::function<void(TestInitiator&)> script)
      : sc_module(name), out("out"), script_(std::move(script)) {
    out.register_nb_transport_bw(this, &TestInitiator::nb_transport_bw);
    SC_THREAD(thread);
    set_stack_size(1 << 20);
    SC_METHOD(send_end_resp);
    sensitive << end_resp_event_;
    dont_initialize();
  }

  bool end_resp_later = false;
  std::vector<At> at;
  // BEGIN_RESPs that arrived while an earlier response still waited for its END_RESP.
  uint64_t response_exclusion_violations = 0;

  Lt lt(tlm::tlm_command cmd, uint64_t address, uint8_t* data, uint32_t length, bool posted = false,
        int64_t delay_ps = 0, const uint8_t* enable = nullptr, uint32_t enable_length = 0,
        uint32_t streaming_width = 0) {
    tlm::tlm_generic_payload p;
    p.set_command(cmd);
    p.set_address(address);
    p.set_data_ptr(data);
    p.set_data_length(length);
    p.set_streaming_width(streaming_width ? streaming_width : length);
    p.set_byte_enable_ptr(const_cast<uint8_t*>(enable));
    p.set_byte_enable_length(enable_length);
    p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    Posted ext;
    if (posted) p.set_extension(&ext);
    sc_core::sc_time delay = ps_time(delay_ps);
    out->b_transport(p, delay);
    if (posted) p.clear_extension(&ext);
    return {p.get_response_status(), ps_of(delay)};
  }

  // Sends BEGIN_REQ now and returns once END_REQ allows the next request (request exclusion).
  // `p` must live until at_wait_all() returns.
  void at_begin(tlm::tlm_generic_payload& p) {
    const size_t i = at.size();
    at.push_back({});
    at[i].begin_ps = now_ps();
    index_[&p] = i;
    ++outstanding_;
    tlm::tlm_phase phase = tlm::BEGIN_REQ;
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    current_ = i;
    const tlm::tlm_sync_enum r = out->nb_transport_fw(p, phase, delay);
    if (r == tlm::TLM_COMPLETED) {
      at[i].completed_at_once = true;
      at[i].status = p.get_response_status();
      at[i].response_ps = now_ps() + ps_of(delay);
      --outstanding_;
      return;
    }
    if (r == tlm::TLM_UPDATED) {
      at[i].end_req_ps = now_ps() + ps_of(delay);
      if (delay > sc_core::SC_ZERO_TIME) wait(delay);
      return;
    }
    while (at[i].end_req_ps < 0) wait(end_req_event_);
  }

  void at_wait_all() {
    while (outstanding_ > 0) wait(response_event_);
  }

 private:
  void thread() { script_(*this); }

  tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload& p, tlm::tlm_phase& phase,
                                     sc_core::sc_time& delay) {
    if (phase == tlm::END_REQ) {
      at[current_].end_req_ps = now_ps() + ps_of(delay);
      at[current_].end_req_later = true;
      end_req_event_.notify(delay);
      return tlm::TLM_ACCEPTED;
    }
    // BEGIN_RESP
    if (!pending_end_resp_.empty()) ++response_exclusion_violations;
    const size_t i = index_.at(&p);
    at[i].response_ps = now_ps() + ps_of(delay);
    at[i].status = p.get_response_status();
    --outstanding_;
    response_event_.notify(delay);
    if (end_resp_later && (i % 2) == 1) {
      pending_end_resp_.push_back(&p);
      end_resp_event_.notify(sc_core::sc_time(5, sc_core::SC_NS));
      return tlm::TLM_ACCEPTED;
    }
    return tlm::TLM_COMPLETED;
  }

  void send_end_resp() {
    while (!pending_end_resp_.empty()) {
      tlm::tlm_generic_payload* p = pending_end_resp_.front();
      pending_end_resp_.pop_front();
      tlm::tlm_phase phase = tlm::END_RESP;
      sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
      out->nb_transport_fw(*p, phase, delay);
    }
  }

  std::function<void(TestInitiator&)> script_;
  std::map<tlm::tlm_generic_payload*, size_t> index_;
  size_t current_ = 0;
  int outstanding_ = 0;
  sc_core::sc_event end_req_event_, response_event_, end_resp_event_;
  std::deque<tlm::tlm_generic_payload*> pending_end_resp_;
};

}  // namespace apack::dram::sc::test
