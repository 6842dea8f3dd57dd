// The APack pipeline's cycle model (apack-codec.md §9, docs/apack-pipeline.md), no SystemC:
// N units, each a P-stage loop that interleaves P chunk streams round-robin. Arithmetic coding
// is serial per stream, so a stream advances one value every P cycles in its fixed slot; a unit
// reaches one value per cycle only when all P of its slots hold a stream.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "apack/engines/events.hpp"

namespace apack::pipeline {

struct PipelineConfig {
  // Defaults are ours, not the paper's (its values are not public, §9): P = 3 is the number of
  // decoder stages §9 lists; 1 GHz is §9's sizing example; the rest are placeholders a scenario
  // sets.
  unsigned units = 8;
  unsigned stages = 3;  // P: pipeline depth = chunk streams interleaved per unit
  double clock_hz = 1e9;
  unsigned fifo_depth = 8;             // values per stream FIFO (decoder output, encoder input)
  unsigned table_load_cycles = 0;      // per transfer, before the first value (ours)
  unsigned bypass_latency_cycles = 1;  // pass-through latency in bypass (ours)
};
// Throws apack::Error naming `what` and the field for a zero unit count, depth or FIFO depth, or
// a clock that is not a positive finite number.
void validate(const PipelineConfig& c, const std::string& what);

enum class Direction { decode, encode };

constexpr double kUnlimitedRate = std::numeric_limits<double>::infinity();

struct TransferTiming {
  bool bypass = false;
  uint64_t values = 0, chunks = 0;
  uint64_t units_used = 0;    // units that received at least one chunk (each loads the table)
  uint64_t streams_used = 0;  // slots that received at least one chunk
  // Cycles until the last value leaves the pipeline when the other side never holds it up
  // (table load included).
  uint64_t pipeline_cycles = 0;
  // Cycles of the whole transfer under the FIFO rule: decode until the consumer has taken the
  // last value, encode until the last value has left the pipeline.
  uint64_t cycles = 0;
  // Decode: cycles the pipeline waited on full output FIFOs. Encode: cycles it waited on empty
  // input FIFOs.
  uint64_t stall_cycles = 0;
  // Decode: the most values held in all stream FIFOs together (fluid approximation). Encode: 0,
  // not modelled.
  uint64_t peak_fifo_values = 0;
  double seconds = 0;  // cycles at the pipeline clock

  // Values per pipeline cycle over the transfer, the figure that paces DRAM traffic.
  double values_per_cycle() const { return cycles == 0 ? 0.0 : double(values) / double(cycles); }
};

// The schedule alone: chunks (their value counts, in order) dispatched one by one to the slot
// that can issue soonest (ties: the lowest unit), a slot issuing one value every P cycles. Slot
// (u, s) issues at cycles s, s + P, ...; a value issued at t leaves at t + P. Returns the cycle
// the last value leaves, excluding the table load; 0 for no values.
uint64_t schedule_cycles(const PipelineConfig& c, const std::vector<uint64_t>& chunk_values);

// One transfer through the pipeline. `io_values_per_cycle` is the rate of the other side, in
// values per pipeline cycle: the consumer draining the decoder's output FIFOs, or the producer
// filling the encoder's input FIFOs; kUnlimitedRate when it never holds the pipeline up.
TransferTiming time_transfer(const PipelineConfig& c, const std::vector<uint64_t>& chunk_values,
                             Direction d, double io_values_per_cycle = kUnlimitedRate);

// Bypass: values pass through with a fixed latency and no pipeline cycles.
TransferTiming time_bypass(const PipelineConfig& c, uint64_t values);

// Peak rate with `streams` concurrent chunk streams: min(streams, N * P) / P values per cycle.
double peak_values_per_cycle(const PipelineConfig& c, uint64_t streams);

// §9's sizing rule N_units >= BW / (ratio * f_clk): units needed for the pipeline to keep up
// with a DRAM moving `compressed_bytes_per_s` of stored data when stored = ratio x raw, each
// unit producing `values_per_cycle_per_unit` values of `value_bits` bits per cycle.
// (25.6 GB/s, ratio 0.5, 1 GHz, 8-bit values -> 52 units.)
uint64_t units_needed(double compressed_bytes_per_s, double ratio, double clock_hz,
                      int value_bits = 8, double values_per_cycle_per_unit = 1.0);

// Energy events of one transfer (names in docs/apack-pipeline.md, energies in the technology
// tables): apack.decode_values or apack.encode_values per value coded, apack.table_loads per unit
// that loads the table, apack.fifo_accesses per FIFO push or pop (two per value). Bypass
// transfers (time_bypass) report none.
engines::EventCounts transfer_events(const TransferTiming& t, Direction d);

}  // namespace apack::pipeline
