#include "apack/dram/sc/play.hpp"

#include <atomic>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>

#include "apack/dram/sc/channel_map.hpp"
#include "apack/dram/sc/kernel.hpp"
#include "apack/dram/sc/memory_controller.hpp"
#include "apack/dram/sc/router.hpp"
#include "apack/dram/sc/trace_player.hpp"
#include "apack/error.hpp"

namespace apack::dram::sc {

const char* name(Mode m) { return m == Mode::LT ? "LT" : "AT"; }

void summarize_channels(PlayReport& r, const MemSpec& spec,
                        const std::vector<std::unique_ptr<MemoryController>>& channels) {
  LatencyHistogram latency;
  uint64_t latency_sum = 0, max_latency = 0;
  for (const auto& c : channels) {
    const ChannelStats& s = c->stats();
    r.requests += s.requests;
    r.reads += s.reads;
    r.writes += s.writes;
    r.bytes += s.bytes;
    r.row_hits += s.hits;
    r.row_misses += s.misses;
    r.row_conflicts += s.conflicts;
    r.rejected_offers += s.rejected;
    r.memory_wakeups += s.wakeups;
    r.channel_requests.push_back(s.requests);
    r.total_time_ps = std::max(r.total_time_ps, s.last_done_ps);
    latency_sum += s.latency_sum_ps;
    max_latency = std::max(max_latency, s.max_latency_ps);
    latency.merge(s.latency);
    const Statistics& st = c->command_statistics();
    for (int k = 0; k < kCmdCount; ++k) r.commands[size_t(k)] += st.commands(Cmd(k));
    for (int b = 0; b < kBackgroundCount; ++b)
      r.residency_cycles[size_t(b)] += st.residency(Background(b));
    const EnergyBreakdown& e = c->energy();
    r.energy.modelled = e.modelled;
    for (int k = 0; k < kEnergyKinds; ++k) r.energy.pj[size_t(k)] += e.pj[size_t(k)];
    r.protocol_violations += c->protocol_violations();
    if (const ProtocolChecker* k = c->checker())
      for (const std::string& m : k->messages())
        if (r.protocol_messages.size() < 20)
          r.protocol_messages.push_back(std::string(c->name()) + ": " + m);
  }
  // bytes per ps = 1000 GB/s.
  r.peak_GBps = spec.peak_bytes_per_cycle() * r.channels / spec.tck.ps() * 1000.0;
  if (r.total_time_ps > 0) r.bandwidth_GBps = double(r.bytes) / double(r.total_time_ps) * 1000.0;
  if (r.requests > 0) {
    r.avg_latency_ns = double(latency_sum) / double(r.requests) / 1000.0;
    r.row_hit_rate = double(r.row_hits) / double(r.requests);
  }
  r.p99_latency_ns = double(latency.quantile(0.99)) / 1000.0;
  r.max_latency_ns = double(max_latency) / 1000.0;
}

PlayReport play_trace(const PlayOptions& o, TraceSource& source) {
  const auto start = std::chrono::steady_clock::now();
  static std::atomic<bool> used{false};
  if (used.exchange(true))
    throw apack::Error(
        "play_trace: SystemC allows one simulation per process and this process has run one "
        "already");
  prepare_kernel();
  if (sc_core::sc_get_status() != sc_core::SC_ELABORATION)
    throw apack::Error("play_trace: a SystemC simulation has already started in this process");

  const ChannelMap map(o.spec, o.mapping);
  if (o.lt_quantum_ps <= 0) throw apack::Error("play_trace: the LT quantum must be positive");
  tlm::tlm_global_quantum::instance().set(ps_time(o.lt_quantum_ps));

  PlayReport r;
  r.mode = o.mode;
  r.channels = map.channels();
  {
    Router router("router", map);
    std::vector<std::unique_ptr<MemoryController>> channels;
    for (uint32_t c = 0; c < map.channels(); ++c) {
      const ChannelSetup s{o.spec, o.mapping, o.config, c, o.check_protocol};
      const std::string n = "channel_" + std::to_string(c);
      channels.push_back(std::make_unique<MemoryController>(n.c_str(), s));
      router.out[c].bind(channels.back()->in);
    }
    PlayerConfig pc;
    pc.mode = o.mode;
    pc.trace_period = o.trace_period;
    pc.progress = o.progress;
    TracePlayer player("player", source, map, pc);
    player.out.bind(router.in);

    sc_core::sc_start();

    if (player.failure()) std::rethrow_exception(player.failure());
    for (const auto& c : channels)
      if (c->failure()) std::rethrow_exception(c->failure());
    if (!player.finished())
      throw std::logic_error("play_trace: the simulation ended before every request was answered");
    // LT posted leaves accepted requests in the cores: issue them, then count everything up
    // to the last completion of any channel (idle channels see the same period).
    int64_t end_ps = 0;
    for (const auto& c : channels) {
      c->drain();
      end_ps = std::max(end_ps, c->stats().last_done_ps);
    }
    for (const auto& c : channels) c->finish(end_ps);
    summarize_channels(r, o.spec, channels);
    if (r.requests != player.results().sent)
      throw std::logic_error("play_trace: " + std::to_string(player.results().sent) +
                             " requests sent but " + std::to_string(r.requests) + " completed");
    r.read_checksum = player.results().read_checksum;
  }
  r.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace apack::dram::sc
