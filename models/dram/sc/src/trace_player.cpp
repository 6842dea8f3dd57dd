#include "apack/dram/sc/trace_player.hpp"

#include <tlm_utils/tlm_quantumkeeper.h>

#include <algorithm>
#include <cstring>
#include <limits>

#include "apack/dram/sc/kernel.hpp"
#include "apack/dram/sc/posted.hpp"
#include "apack/error.hpp"

namespace apack::dram::sc {

using tlm::tlm_generic_payload;

namespace {

uint64_t splitmix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

}  // namespace

void write_pattern(uint8_t* out, size_t n, uint64_t index, uint64_t address) {
  const uint64_t seed = splitmix64(index) ^ address;
  for (size_t w = 0; w * 8 < n; ++w) {
    const uint64_t v = splitmix64(seed + w);
    for (size_t i = 0; i < 8 && w * 8 + i < n; ++i) out[w * 8 + i] = uint8_t(v >> (8 * i));
  }
}

uint64_t read_hash(uint64_t index, const uint8_t* data, size_t n) {
  // Eight bytes at a time through splitmix64's mixer, seeded by the index.
  uint64_t h = splitmix64(index ^ (uint64_t(n) << 48));
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, data + i, 8);
    h = splitmix64(h ^ w);
  }
  uint64_t tail = 0;
  for (size_t k = 0; i + k < n; ++k) tail |= uint64_t(data[i + k]) << (8 * k);
  return splitmix64(h ^ tail);
}

struct TracePlayer::Item : tlm_generic_payload {
  explicit Item(tlm::tlm_mm_interface* mm, size_t bytes) : tlm_generic_payload(mm), data(bytes) {}
  std::vector<uint8_t> data;
  uint64_t index = 0;
  int64_t offer_ps = 0;
};

TracePlayer::TracePlayer(const sc_core::sc_module_name& name, TraceSource& source,
                         const ChannelMap& map, const PlayerConfig& config)
    : sc_module(name),
      out("out"),
      source_(source),
      map_(map),
      config_(config),
      burst_bytes_(map.burst_bytes()) {
  prepare_kernel();
  out.register_nb_transport_bw(this, &TracePlayer::nb_transport_bw);
  if (config_.mode == Mode::LT) {
    SC_THREAD(run_lt);
    // Room for the call chain through router, channel and core, and for exceptions.
    set_stack_size(1 << 20);
  } else {
    SC_METHOD(run_at);
    sensitive << wake_;
  }
}

TracePlayer::~TracePlayer() = default;

void TracePlayer::fail(const std::string& problem) const {
  const std::string where = line_.line > 0 ? source_.name() + ":" + std::to_string(line_.line)
                                           : source_.name() + ": request " + std::to_string(lines_);
  throw apack::FormatError(where + ": " + problem);
}

bool TracePlayer::fetch(tlm_generic_payload& p, uint64_t& index, int64_t& offer_ps) {
  if (!source_.next(line_)) return false;
  index = lines_++;
  if (line_.cycle < last_cycle_)
    fail("cycle " + std::to_string(line_.cycle) + " is before the previous request's " +
         std::to_string(last_cycle_));
  last_cycle_ = line_.cycle;
  if (!map_.valid(line_.address))
    fail("address " + ChannelMap::hex(line_.address) + " is beyond the memory's capacity (" +
         std::to_string(map_.capacity()) + " bytes in " + std::to_string(map_.channels()) +
         " channel(s))");
  if (line_.data.size() > burst_bytes_)
    fail(std::to_string(line_.data.size()) + " data bytes; one request moves one burst of " +
         std::to_string(burst_bytes_) + " bytes");
  try {
    if (line_.cycle > uint64_t(std::numeric_limits<int64_t>::max())) throw apack::Error("");
    offer_ps = config_.trace_period.ceil_ps(int64_t(line_.cycle));
  } catch (const apack::Error&) {
    fail("cycle " + std::to_string(line_.cycle) + " is too late for a time in picoseconds");
  }
  const uint64_t address = map_.burst_of(line_.address);
  const uint64_t offset = line_.address - address;
  if (offset + line_.data.size() > burst_bytes_)
    fail(std::to_string(line_.data.size()) + " data bytes at offset " + std::to_string(offset) +
         " cross the end of the " + std::to_string(burst_bytes_) + "-byte burst");
  p.set_command(line_.write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
  p.set_address(address);
  p.set_data_length(burst_bytes_);
  p.set_streaming_width(burst_bytes_);
  p.set_byte_enable_ptr(nullptr);
  p.set_byte_enable_length(0);
  p.set_dmi_allowed(false);
  p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  if (line_.write) {
    uint8_t* d = p.get_data_ptr();
    if (line_.data.empty()) {
      write_pattern(d, burst_bytes_, index, address);
    } else if (offset == 0 && line_.data.size() == burst_bytes_) {
      std::memcpy(d, line_.data.data(), burst_bytes_);
    } else {
      // Partial data: written where the line's address points, the other bytes untouched.
      enables_.assign(burst_bytes_, TLM_BYTE_DISABLED);
      std::memset(enables_.data() + offset, TLM_BYTE_ENABLED, line_.data.size());
      std::memcpy(d + offset, line_.data.data(), line_.data.size());
      p.set_byte_enable_ptr(enables_.data());
      p.set_byte_enable_length(burst_bytes_);
    }
  }
  return true;
}

void TracePlayer::answered(const tlm_generic_payload& p, uint64_t index, int64_t at_ps) {
  if (p.get_response_status() != tlm::TLM_OK_RESPONSE)
    throw apack::Error(source_.name() + ": request " + std::to_string(index + 1) + " (address " +
                       ChannelMap::hex(p.get_address()) + "): the memory answered " +
                       p.get_response_string());
  PlayerResults& r = results_;
  ++r.answered;
  if (p.is_read()) {
    ++r.reads;
    r.read_checksum += read_hash(index, p.get_data_ptr(), p.get_data_length());
  } else {
    ++r.writes;
  }
  r.last_answer_ps = std::max(r.last_answer_ps, at_ps);
}

void TracePlayer::fail_now(std::exception_ptr e) {
  if (!failure_) failure_ = e;
  sc_core::sc_stop();
}

void TracePlayer::run_lt() {
  tlm_generic_payload p;
  std::vector<uint8_t> data(burst_bytes_);
  p.set_data_ptr(data.data());
  Posted posted;
  p.set_extension(&posted);
  try {
    tlm_utils::tlm_quantumkeeper qk;
    qk.reset();
    int64_t local = 0;  // the player's own time: the last acceptance
    uint64_t index = 0;
    int64_t offer_ps = 0;
    while (fetch(p, index, offer_ps)) {
      const int64_t now = now_ps();
      sc_core::sc_time delay = ps_time(std::max(offer_ps, local) - now);
      out->b_transport(p, delay);
      ++results_.sent;
      local = now + ps_of(delay);
      answered(p, index, local);
      if (config_.progress && (results_.sent & 0xffff) == 0) config_.progress(results_.sent);
      qk.set(delay);
      if (qk.need_sync()) qk.sync();  // one wait() per quantum, not per request
    }
    finished_ = true;
  } catch (...) {
    fail_now(std::current_exception());
  }
  p.clear_extension(&posted);  // not owned by the payload
}

void TracePlayer::free(tlm_generic_payload* p) { free_items_.push_back(static_cast<Item*>(p)); }

void TracePlayer::run_at() {
  try {
    for (;;) {
      if (!next_) {
        if (source_done_) break;
        Item* it;
        if (free_items_.empty()) {
          tlm::tlm_mm_interface* mm = this;  // a private base: converted here
          items_.push_back(std::make_unique<Item>(mm, burst_bytes_));
          it = items_.back().get();
          it->set_data_ptr(it->data.data());
        } else {
          it = free_items_.back();
          free_items_.pop_back();
        }
        if (!fetch(*it, it->index, it->offer_ps)) {
          free_items_.push_back(it);
          source_done_ = true;
          break;
        }
        next_ = it;
      }
      if (request_busy_) return;  // END_REQ wakes the method
      const int64_t now = now_ps();
      const int64_t at = std::max(next_->offer_ps, request_free_ps_);
      if (at > now) {
        wake_.notify(ps_time(at - now));
        return;
      }
      Item* it = next_;
      next_ = nullptr;
      it->acquire();
      ++in_flight_;
      ++results_.sent;
      if (config_.progress && (results_.sent & 0xffff) == 0) config_.progress(results_.sent);
      tlm::tlm_phase phase = tlm::BEGIN_REQ;
      sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
      switch (out->nb_transport_fw(*it, phase, delay)) {
        case tlm::TLM_ACCEPTED:
          request_busy_ = true;
          break;
        case tlm::TLM_UPDATED:
          request_free_ps_ = now + ps_of(delay);
          if (phase == tlm::BEGIN_RESP) {  // END_REQ implied; the response ends here
            answered(*it, it->index, now + ps_of(delay));
            tlm::tlm_phase end = tlm::END_RESP;
            sc_core::sc_time d = sc_core::SC_ZERO_TIME;
            out->nb_transport_fw(*it, end, d);
            --in_flight_;
            it->release();
          }
          break;
        case tlm::TLM_COMPLETED:
          answered(*it, it->index, now + ps_of(delay));
          --in_flight_;
          it->release();
          break;
      }
    }
    if (in_flight_ == 0) finished_ = true;
  } catch (...) {
    fail_now(std::current_exception());
  }
}

tlm::tlm_sync_enum TracePlayer::nb_transport_bw(tlm_generic_payload& p, tlm::tlm_phase& phase,
                                                sc_core::sc_time& delay) {
  try {
    if (phase == tlm::END_REQ) {
      request_busy_ = false;
      request_free_ps_ = now_ps() + ps_of(delay);
      wake_.notify(delay);
      return tlm::TLM_ACCEPTED;
    }
    if (phase == tlm::BEGIN_RESP) {
      Item& it = static_cast<Item&>(p);
      answered(it, it.index, now_ps() + ps_of(delay));
      --in_flight_;
      it.release();
      if (source_done_ && !next_ && in_flight_ == 0) finished_ = true;
      return tlm::TLM_COMPLETED;
    }
    throw apack::Error(std::string(name()) + ": unexpected phase " + phase.get_name() +
                       " on the backward path");
  } catch (...) {
    fail_now(std::current_exception());
    return tlm::TLM_COMPLETED;
  }
}

}  // namespace apack::dram::sc
