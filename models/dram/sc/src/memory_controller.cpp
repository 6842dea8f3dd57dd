#include "apack/dram/sc/memory_controller.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

#include "apack/dram/sc/kernel.hpp"
#include "apack/dram/sc/posted.hpp"
#include "apack/error.hpp"

namespace apack::dram::sc {

using tlm::tlm_generic_payload;

namespace {

ControllerConfig without_log(ControllerConfig c) {
  // The module never reads the command log; statistics come from the core's counters and the
  // checker sees each command as it issues, so memory does not grow with the run.
  c.record_log = false;
  return c;
}

}  // namespace

MemoryController::MemoryController(const sc_core::sc_module_name& name, const ChannelSetup& s)
    : sc_module(name),
      in("in"),
      setup_(s),
      map_(s.spec, s.mapping),
      core_(s.spec, s.mapping, without_log(s.config)),
      store_(map_.channel_bytes()),
      tck_(s.spec.tck),
      min_latency_(std::min(s.spec.read_latency(), s.spec.write_latency()) +
                   s.spec.arch.burst_cycles()),
      burst_bytes_(map_.burst_bytes()) {
  prepare_kernel();
  if (s.channel >= map_.channels())
    throw apack::Error("dram: channel " + std::to_string(s.channel) + " of a memory with " +
                       std::to_string(map_.channels()) + " channel(s)");
  if (s.check_protocol) {
    CheckOptions o;
    o.refresh_deadline = s.config.refresh != RefreshPolicy::NoRefresh;
    o.max_violations = 20;
    checker_ = std::make_unique<ProtocolChecker>(s.spec, o);
    ProtocolChecker* c = checker_.get();
    core_.on_command([c](const Command& cmd) { c->check(cmd); });
  }
  in.register_b_transport(this, &MemoryController::b_transport);
  in.register_nb_transport_fw(this, &MemoryController::nb_transport_fw);
  in.register_transport_dbg(this, &MemoryController::transport_dbg);
  SC_METHOD(run);
  sensitive << wake_;
  dont_initialize();
}

MemoryController::~MemoryController() = default;

void MemoryController::add_command_observer(std::function<void(const Command&)> f) {
  observers_.push_back(std::move(f));
  // One hook for the checker and every observer (the core has one slot).
  core_.on_command([this](const Command& cmd) {
    if (checker_) checker_->check(cmd);
    for (const auto& o : observers_) o(cmd);
  });
}

tlm::tlm_response_status MemoryController::check(const tlm_generic_payload& p) const {
  const tlm::tlm_command cmd = p.get_command();
  if (cmd != tlm::TLM_READ_COMMAND && cmd != tlm::TLM_WRITE_COMMAND)
    return tlm::TLM_COMMAND_ERROR_RESPONSE;
  const uint64_t address = p.get_address();
  const uint64_t length = p.get_data_length();
  if (length == 0 || !p.get_data_ptr()) return tlm::TLM_GENERIC_ERROR_RESPONSE;
  if (address + length < address) return tlm::TLM_ADDRESS_ERROR_RESPONSE;
  // Streaming width 0 is taken as "not streaming" (a payload's default).
  const uint32_t width = p.get_streaming_width();
  if (width != 0 && width < length) return tlm::TLM_BURST_ERROR_RESPONSE;
  if (p.get_byte_enable_ptr() && p.get_byte_enable_length() == 0)
    return tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE;
  const uint64_t end = address + length;
  for (uint64_t b = map_.burst_of(address); b < end; b += burst_bytes_) {
    if (!map_.valid(b) || map_.channel(b) != setup_.channel) return tlm::TLM_ADDRESS_ERROR_RESPONSE;
    if (b + burst_bytes_ < b) break;  // the top burst of the address space
  }
  return tlm::TLM_OK_RESPONSE;
}

void MemoryController::move_data(tlm_generic_payload& p) {
  const bool write = p.is_write();
  uint8_t* data = p.get_data_ptr();
  const uint8_t* enable = p.get_byte_enable_ptr();
  const uint32_t enable_len = p.get_byte_enable_length();
  const uint64_t address = p.get_address();
  const uint64_t length = p.get_data_length();
  uint8_t byte = 0;
  for (uint64_t done = 0; done < length;) {
    const uint64_t a = address + done;
    const uint64_t n = std::min<uint64_t>(length - done, map_.burst_of(a) + burst_bytes_ - a);
    const uint64_t local = map_.local(a);  // a burst is contiguous in the local store
    if (!enable) {
      if (write)
        store_.write(local, data + done, size_t(n));
      else
        store_.read(local, data + done, size_t(n));
    } else {
      // Byte i of the transaction is enabled by enable[i % length of the enables].
      for (uint64_t i = 0; i < n; ++i) {
        if (!enable[(done + i) % enable_len]) continue;
        if (write) {
          store_.write(local + i, data + done + i, 1);
        } else {
          store_.read(local + i, &byte, 1);
          data[done + i] = byte;
        }
      }
    }
    done += n;
  }
}

void MemoryController::record(const Completion& d, int64_t offer_ps) {
  ChannelStats& s = stats_;
  ++s.requests;
  ++(d.write ? s.writes : s.reads);
  s.bytes += burst_bytes_;
  ++(d.outcome == RowOutcome::Hit    ? s.hits
     : d.outcome == RowOutcome::Miss ? s.misses
                                     : s.conflicts);
  const int64_t done_ps = tck_.ceil_ps(d.done);
  const uint64_t latency = uint64_t(std::max<int64_t>(0, done_ps - offer_ps));
  s.latency_sum_ps += latency;
  s.max_latency_ps = std::max(s.max_latency_ps, latency);
  s.latency.add(latency);
  s.last_done_ps = std::max(s.last_done_ps, done_ps);
}

void MemoryController::harvest() {
  for (const Completion& d : core_.take_completions()) {
    const uint32_t id = uint32_t(d.id);
    const Slot slot = slots_[id];
    free_slots_.push_back(id);
    record(d, slot.offer_ps);
    Txn* t = slot.txn;
    if (!t) continue;
    t->done = std::max(t->done, d.done);
    if (--t->outstanding == 0 && t->at)
      responses_.push({tck_.ceil_ps(t->done), response_seq_++, t});
  }
}

int64_t MemoryController::offer(const tlm_generic_payload& p, int64_t offer_ps, Txn* txn) {
  const Cycle arrival = tck_.ceil_cycles(offer_ps);
  const bool write = p.is_write();
  const uint64_t end = p.get_address() + p.get_data_length();
  Cycle accepted = arrival;
  // Count every burst first: an early burst may complete while a later one waits for room.
  if (txn)
    txn->outstanding += uint32_t((end - 1 - map_.burst_of(p.get_address())) / burst_bytes_ + 1);
  for (uint64_t b = map_.burst_of(p.get_address()); b < end; b += burst_bytes_) {
    uint32_t id;
    if (free_slots_.empty()) {
      id = uint32_t(slots_.size());
      slots_.emplace_back();
    } else {
      id = free_slots_.back();
      free_slots_.pop_back();
    }
    slots_[id] = {offer_ps, txn};
    while (!core_.try_enqueue({id, b, write, arrival})) {
      // Back-pressure: move the core to its next event (a column command freeing buffer space
      // or a completion ending an active request) and offer again.
      ++stats_.rejected;
      if (!core_.step())
        throw std::logic_error("dram: the controller refuses a request but has nothing to do");
      harvest();
    }
    accepted = std::max(accepted, core_.now());
    if (b + burst_bytes_ < b) break;
  }
  harvest();
  return accepted <= arrival ? offer_ps : tck_.ceil_ps(accepted);
}

void MemoryController::b_transport(tlm_generic_payload& p, sc_core::sc_time& delay) {
  const tlm::tlm_response_status status = check(p);
  if (status != tlm::TLM_OK_RESPONSE) {
    ++stats_.errors;
    p.set_response_status(status);
    return;
  }
  ++stats_.transactions;
  const int64_t now = now_ps();
  const int64_t offer_ps = now + ps_of(delay);
  move_data(p);
  if (p.get_extension<Posted>()) {
    const int64_t accepted_ps = offer(p, offer_ps, nullptr);
    delay = ps_time(accepted_ps - now);
  } else {
    Txn t;
    offer(p, offer_ps, &t);
    while (t.outstanding > 0) {
      if (!core_.step())
        throw std::logic_error("dram: a request is pending but the controller has nothing to do");
      harvest();
    }
    delay = ps_time(tck_.ceil_ps(t.done) - now);
  }
  p.set_dmi_allowed(false);
  p.set_response_status(tlm::TLM_OK_RESPONSE);
}

MemoryController::Txn* MemoryController::new_txn() {
  if (free_txns_.empty()) {
    txns_.push_back(std::make_unique<Txn>());
    return txns_.back().get();
  }
  Txn* t = free_txns_.back();
  free_txns_.pop_back();
  return t;
}

void MemoryController::release(Txn* t) {
  if (t->payload->has_mm()) t->payload->release();
  *t = Txn{};
  free_txns_.push_back(t);
}

tlm::tlm_sync_enum MemoryController::nb_transport_fw(tlm_generic_payload& p, tlm::tlm_phase& phase,
                                                     sc_core::sc_time& delay) {
  if (phase == tlm::BEGIN_REQ) {
    if (waiting_)
      throw apack::Error(std::string(name()) +
                         ": BEGIN_REQ before END_REQ of the previous request (request exclusion)");
    const tlm::tlm_response_status status = check(p);
    if (status != tlm::TLM_OK_RESPONSE) {
      ++stats_.errors;
      p.set_response_status(status);
      return tlm::TLM_COMPLETED;
    }
    ++stats_.transactions;
    Txn* t = new_txn();
    t->payload = &p;
    t->at = true;
    if (p.has_mm()) p.acquire();
    const int64_t offer_ps = now_ps() + ps_of(delay);
    move_data(p);
    // The last burst cannot complete inside offer() (it was only just accepted), so the
    // response is pushed by a later harvest.
    const int64_t accepted_ps = offer(p, offer_ps, t);
    if (accepted_ps == offer_ps) {
      schedule();
      phase = tlm::END_REQ;
      return tlm::TLM_UPDATED;
    }
    waiting_ = t;
    waiting_ps_ = accepted_ps;
    schedule();
    return tlm::TLM_ACCEPTED;
  }
  if (phase == tlm::END_RESP) {
    if (!responding_ || responding_->payload != &p)
      throw apack::Error(std::string(name()) + ": END_RESP for a transaction without BEGIN_RESP");
    release(responding_);
    responding_ = nullptr;
    response_free_ps_ = now_ps() + ps_of(delay);
    schedule();
    return tlm::TLM_COMPLETED;
  }
  throw apack::Error(std::string(name()) + ": unexpected phase " + phase.get_name() +
                     " on the forward path");
}

void MemoryController::respond(Txn* t) {
  tlm_generic_payload& p = *t->payload;
  p.set_response_status(tlm::TLM_OK_RESPONSE);
  tlm::tlm_phase phase = tlm::BEGIN_RESP;
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  switch (in->nb_transport_bw(p, phase, delay)) {
    case tlm::TLM_ACCEPTED:
      responding_ = t;  // END_RESP comes through nb_transport_fw
      break;
    case tlm::TLM_UPDATED:
      if (phase != tlm::END_RESP)
        throw apack::Error(std::string(name()) + ": BEGIN_RESP answered with phase " +
                           phase.get_name());
      [[fallthrough]];
    case tlm::TLM_COMPLETED:
      response_free_ps_ = now_ps() + ps_of(delay);
      release(t);
      break;
  }
}

void MemoryController::run() {
  try {
    ++stats_.wakeups;
    const int64_t s = now_ps();
    if (wake_pending_ && wake_ps_ <= s) wake_pending_ = false;
    // Every command before `s` can issue now: an arrival from here on has ps >= s, hence a
    // cycle >= ceil_cycles(s).
    core_.advance_to(tck_.ceil_cycles(s));
    harvest();
    if (waiting_ && waiting_ps_ <= s) {
      Txn* t = waiting_;
      waiting_ = nullptr;
      tlm::tlm_phase phase = tlm::END_REQ;
      sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
      in->nb_transport_bw(*t->payload, phase, delay);  // the initiator answers TLM_ACCEPTED
    }
    while (!responding_ && response_free_ps_ <= s && !responses_.empty() &&
           responses_.top().ps <= s) {
      Txn* t = responses_.top().txn;
      responses_.pop();
      respond(t);
    }
    schedule();
  } catch (...) {
    failure_ = std::current_exception();
    sc_core::sc_stop();
  }
}

void MemoryController::schedule() {
  constexpr int64_t kNone = std::numeric_limits<int64_t>::max();
  int64_t next = kNone;
  if (waiting_) next = waiting_ps_;
  if (!responding_ && !responses_.empty())
    next = std::min(next, std::max(responses_.top().ps, response_free_ps_));
  // A buffered request's column command issues at the core's current cycle or later, and its
  // data ends min_latency_ after that at the earliest: catching the core up then is soon
  // enough to respond on time. One wake-up per min_latency_ cycles while requests wait,
  // instead of one per command, and no scheduler query here (next_event() would compute the
  // next command once more for every arrival).
  if (core_.pending() > 0) next = std::min(next, tck_.ceil_ps(core_.now() + min_latency_));
  if (next == kNone) return;
  const int64_t now = now_ps();
  next = std::max(next, now);
  // sc_event keeps the earliest of several notifications; skip the call when it would not
  // change the pending one.
  if (wake_pending_ && wake_ps_ <= next && wake_ps_ >= now) return;
  wake_pending_ = true;
  wake_ps_ = next;
  wake_.notify(ps_time(next - now));
}

unsigned int MemoryController::transport_dbg(tlm_generic_payload& p) {
  const tlm::tlm_response_status status = check(p);
  p.set_response_status(status);
  if (status != tlm::TLM_OK_RESPONSE) return 0;
  move_data(p);
  return p.get_data_length();
}

void MemoryController::drain() {
  core_.drain();
  harvest();
}

void MemoryController::finish(int64_t end_ps) {
  drain();
  end_cycle_ = std::max(core_.now(), tck_.ceil_cycles(std::max(end_ps, stats_.last_done_ps)));
  core_.advance_to(end_cycle_);
  harvest();
  final_stats_ = core_.statistics(end_cycle_);
  energy_ = core_.energy(end_cycle_);
  if (checker_) checker_->finish(end_cycle_, "run");
}

}  // namespace apack::dram::sc
