// Playing a request trace through the SystemC/TLM-2.0 DRAM subsystem: a trace player
// (initiator, socket `out`) -> a router interleaving channels -> one memory-controller module
// per channel (target socket `in`), in LT (b_transport) or AT (nb_transport, 4 phases) style.
// One call builds the modules, runs the simulation and returns the report, so it may be called
// once per process (SystemC allows one elaboration per process): a second call throws
// apack::Error, as does a call after another SystemC simulation has started. No sc_main is
// needed; the caller's own main calls play_trace (see kernel.hpp). Semantics of the modules:
// memory_controller.hpp, router.hpp, trace_player.hpp.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "apack/dram/address_mapping.hpp"
#include "apack/dram/command.hpp"
#include "apack/dram/controller_config.hpp"
#include "apack/dram/energy.hpp"
#include "apack/dram/memspec.hpp"
#include "apack/dram/trace_file.hpp"
#include "apack/dram/units.hpp"

namespace apack::dram::sc {

enum class Mode { LT, AT };
const char* name(Mode m);

struct PlayOptions {
  MemSpec spec;            // one channel's device description (spec.arch.channels = channels)
  AddressMapping mapping;  // maps all channels (CHANNEL bits select the channel)
  ControllerConfig config;
  Mode mode = Mode::LT;
  // The trace clock: trace cycle c is offered at c * trace_period (default 1000 MHz).
  ClockPeriod trace_period = ClockPeriod::picoseconds(1000);
  bool check_protocol = false;  // validate every command against the constraint table
  // Called now and then (about every 65536 requests) with the requests replayed so far.
  std::function<void(uint64_t requests)> progress;
  // LT only: the player's local time may run this far ahead of SystemC time before it
  // synchronises (tlm_global_quantum); larger costs nothing in accuracy here.
  int64_t lt_quantum_ps = 1000000;
};

struct PlayReport {
  Mode mode = Mode::LT;
  uint32_t channels = 1;
  uint64_t requests = 0, reads = 0, writes = 0;
  uint64_t bytes = 0;         // moved on the data buses
  int64_t total_time_ps = 0;  // the last response
  double peak_GBps = 0;       // all channels together
  double bandwidth_GBps = 0;  // bytes / total_time
  double avg_latency_ns = 0;  // offer to last data beat, all requests
  double p99_latency_ns = 0;
  double max_latency_ns = 0;
  double row_hit_rate = 0;  // hits / requests
  uint64_t row_hits = 0, row_misses = 0, row_conflicts = 0;
  std::array<uint64_t, kCmdCount> commands{};                 // summed over channels
  std::array<uint64_t, kBackgroundCount> residency_cycles{};  // summed over ranks and channels
  EnergyBreakdown energy;                                     // summed over channels
  uint64_t protocol_violations = 0;                           // when check_protocol
  double wall_seconds = 0;                                    // the simulation, parsing included
  std::vector<uint64_t> channel_requests;  // requests (bursts) each channel served
  uint64_t rejected_offers = 0;  // offers a controller refused for lack of room (back-pressure)
  // Sum over reads of read_hash(index in the trace, data): equal for two runs that read the
  // same bytes for the same lines, whatever the order of the responses.
  uint64_t read_checksum = 0;
  std::vector<std::string> protocol_messages;  // the first violations, when any
  uint64_t memory_wakeups = 0;  // AT: activations of the memory modules' SystemC processes
};

PlayReport play_trace(const PlayOptions& options, TraceSource& source);

class MemoryController;
// The DRAM figures of a report from finished channel modules (after drain and finish): requests,
// bytes, row hits, latencies, commands, residency and energy summed over channels. play_trace
// and the platform's run (platform/run) share it.
void summarize_channels(PlayReport& r, const MemSpec& spec,
                        const std::vector<std::unique_ptr<MemoryController>>& channels);

}  // namespace apack::dram::sc
