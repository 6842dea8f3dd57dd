#include "apack/dram/sc/router.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "apack/dram/sc/kernel.hpp"
#include "apack/error.hpp"

namespace apack::dram::sc {

using tlm::tlm_generic_payload;

Router::Router(const sc_core::sc_module_name& name, const ChannelMap& map)
    : sc_module(name), in("in"), out("out", map.channels()), map_(map) {
  prepare_kernel();
  in.register_b_transport(this, &Router::b_transport);
  in.register_nb_transport_fw(this, &Router::nb_transport_fw);
  in.register_transport_dbg(this, &Router::transport_dbg);
  for (uint32_t c = 0; c < map_.channels(); ++c)
    out[c].register_nb_transport_bw(this, &Router::nb_transport_bw, int(c));
  SC_METHOD(pump);
  sensitive << pump_event_;
  dont_initialize();
}

int Router::channel_of(const tlm_generic_payload& p) const {
  const uint64_t address = p.get_address();
  const uint64_t length = p.get_data_length();
  if (length == 0) return map_.valid(address) ? int(map_.channel(address)) : -2;
  if (address + length < address) return -2;
  int channel = -3;
  for (uint64_t b = map_.burst_of(address); b < address + length; b += map_.burst_bytes()) {
    if (!map_.valid(b)) return -2;
    const int c = int(map_.channel(b));
    if (channel == -3)
      channel = c;
    else if (c != channel)
      channel = -1;
    if (b + map_.burst_bytes() < b) break;
  }
  return channel;
}

void Router::send_part(tlm_generic_payload& p, uint64_t offset, uint64_t length, int channel,
                       sc_core::sc_time& delay, bool debug, unsigned int* debug_bytes) {
  tlm_generic_payload part;
  part.set_command(p.get_command());
  part.set_address(p.get_address() + offset);
  part.set_data_ptr(p.get_data_ptr() + offset);
  part.set_data_length(uint32_t(length));
  part.set_streaming_width(uint32_t(length));
  part.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  // Byte i of the transaction is enabled by enable[i % enable length]: the part's pattern
  // starts at its offset.
  std::vector<uint8_t> enable;
  if (p.get_byte_enable_ptr() && p.get_byte_enable_length() > 0) {
    enable.resize(size_t(length));
    for (uint64_t i = 0; i < length; ++i)
      enable[size_t(i)] = p.get_byte_enable_ptr()[(offset + i) % p.get_byte_enable_length()];
    part.set_byte_enable_ptr(enable.data());
    part.set_byte_enable_length(uint32_t(length));
  }
  // The caller's extensions (Posted) go with the part, borrowed: detached before it dies.
  const unsigned n = tlm::max_num_extensions();
  for (unsigned i = 0; i < n; ++i)
    if (tlm::tlm_extension_base* e = p.get_extension(i)) part.set_extension(i, e);
  if (debug)
    *debug_bytes += out[size_t(channel)]->transport_dbg(part);
  else
    out[size_t(channel)]->b_transport(part, delay);
  for (unsigned i = 0; i < n; ++i) part.set_extension(i, nullptr);
  if (part.get_response_status() != tlm::TLM_OK_RESPONSE &&
      p.get_response_status() == tlm::TLM_OK_RESPONSE)
    p.set_response_status(part.get_response_status());
}

void Router::split(tlm_generic_payload& p, sc_core::sc_time& delay, bool debug,
                   unsigned int* debug_bytes) {
  ++split_;
  const uint64_t address = p.get_address();
  const uint64_t length = p.get_data_length();
  const uint64_t burst = map_.burst_bytes();
  p.set_response_status(tlm::TLM_OK_RESPONSE);
  sc_core::sc_time latest = delay;
  uint64_t start = 0;
  while (start < length) {
    // The run of bursts on the channel of the burst holding byte `start`.
    const int channel = int(map_.channel(address + start));
    uint64_t stop = std::min(length, map_.burst_of(address + start) + burst - address);
    while (stop < length && int(map_.channel(address + stop)) == channel)
      stop = std::min(length, stop + burst);
    sc_core::sc_time d = delay;
    send_part(p, start, stop - start, channel, d, debug, debug_bytes);
    latest = std::max(latest, d);
    start = stop;
  }
  delay = latest;
}

void Router::b_transport(tlm_generic_payload& p, sc_core::sc_time& delay) {
  const int channel = channel_of(p);
  if (channel >= 0) return out[size_t(channel)]->b_transport(p, delay);
  if (channel == -2) return p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
  const uint32_t width = p.get_streaming_width();
  if (width != 0 && width < p.get_data_length())
    return p.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
  split(p, delay, false, nullptr);
}

unsigned int Router::transport_dbg(tlm_generic_payload& p) {
  const int channel = channel_of(p);
  if (channel >= 0) return out[size_t(channel)]->transport_dbg(p);
  if (channel == -2) {
    p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return 0;
  }
  unsigned int bytes = 0;
  sc_core::sc_time unused = sc_core::SC_ZERO_TIME;
  split(p, unused, true, &bytes);
  return bytes;
}

tlm::tlm_sync_enum Router::nb_transport_fw(tlm_generic_payload& p, tlm::tlm_phase& phase,
                                           sc_core::sc_time& delay) {
  if (phase == tlm::END_RESP) {
    if (&p != responding_)
      throw apack::Error(std::string(name()) + ": END_RESP for a transaction without BEGIN_RESP");
    responding_ = nullptr;
    tlm::tlm_phase end = tlm::END_RESP;
    out[size_t(responding_channel_)]->nb_transport_fw(p, end, delay);
    if (!queued_.empty()) pump_event_.notify(delay);
    return tlm::TLM_COMPLETED;
  }
  const int channel = channel_of(p);
  if (channel < 0) {
    p.set_response_status(channel == -2 ? tlm::TLM_ADDRESS_ERROR_RESPONSE
                                        : tlm::TLM_BURST_ERROR_RESPONSE);
    return tlm::TLM_COMPLETED;
  }
  return out[size_t(channel)]->nb_transport_fw(p, phase, delay);
}

tlm::tlm_sync_enum Router::nb_transport_bw(int channel, tlm_generic_payload& p,
                                           tlm::tlm_phase& phase, sc_core::sc_time& delay) {
  if (phase != tlm::BEGIN_RESP) return in->nb_transport_bw(p, phase, delay);
  if (responding_ || !queued_.empty()) {
    queued_.emplace_back(&p, channel);
    return tlm::TLM_ACCEPTED;
  }
  const tlm::tlm_sync_enum r = in->nb_transport_bw(p, phase, delay);
  if (r == tlm::TLM_ACCEPTED) {
    responding_ = &p;
    responding_channel_ = channel;
  }
  return r;
}

void Router::pump() {
  while (!responding_ && !queued_.empty()) {
    const auto [p, channel] = queued_.front();
    queued_.pop_front();
    tlm::tlm_phase phase = tlm::BEGIN_RESP;
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    const tlm::tlm_sync_enum r = in->nb_transport_bw(*p, phase, delay);
    if (r == tlm::TLM_ACCEPTED) {
      responding_ = p;
      responding_channel_ = channel;
    } else {
      // Ended at once: the channel, told TLM_ACCEPTED when queued, waits for END_RESP.
      tlm::tlm_phase end = tlm::END_RESP;
      out[size_t(channel)]->nb_transport_fw(*p, end, delay);
    }
  }
}

}  // namespace apack::dram::sc
