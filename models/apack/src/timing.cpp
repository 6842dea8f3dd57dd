// The pipeline's cycle model and its energy events (docs/apack-pipeline.md, "Timing").
#include "apack/pipeline/timing.hpp"

#include <algorithm>
#include <cmath>
#include <queue>
#include <tuple>

#include "apack/error.hpp"

namespace apack::pipeline {

void validate(const PipelineConfig& c, const std::string& what) {
  if (c.units == 0) throw Error(what + ": units: the pipeline needs at least 1 unit");
  if (c.stages == 0) throw Error(what + ": stages: the pipeline depth P must be at least 1");
  if (c.fifo_depth == 0) throw Error(what + ": fifo_depth: a stream FIFO holds at least 1 value");
  if (!std::isfinite(c.clock_hz) || c.clock_hz <= 0)
    throw Error(what + ": clock_hz: must be a positive number of hertz");
}

uint64_t schedule_cycles(const PipelineConfig& c, const std::vector<uint64_t>& chunk_values) {
  validate(c, "APack pipeline");
  // Each slot's next issue cycle; slot (u, s) first issues at s and then every P cycles, so a
  // slot's issue cycles stay = s mod P and the earliest slot is also the lowest stage.
  using Slot = std::tuple<uint64_t, unsigned, unsigned>;  // next issue, unit, stage
  std::priority_queue<Slot, std::vector<Slot>, std::greater<Slot>> free;
  for (unsigned s = 0; s < c.stages; ++s)
    for (unsigned u = 0; u < c.units; ++u) free.emplace(s, u, s);
  uint64_t end = 0;
  const uint64_t p = c.stages;
  for (uint64_t v : chunk_values) {
    if (v == 0) continue;  // an empty chunk occupies no slot
    auto [issue, unit, stage] = free.top();
    free.pop();
    // Values issue at issue, issue + P, ..., issue + (v - 1) P; the last leaves P cycles later.
    const uint64_t next = issue + v * p;
    end = std::max(end, next);
    free.emplace(next, unit, stage);
  }
  return end;
}

namespace {

uint64_t ceil_div(double a, double b) { return uint64_t(std::ceil(a / b - 1e-9)); }

}  // namespace

TransferTiming time_transfer(const PipelineConfig& c, const std::vector<uint64_t>& chunk_values,
                             Direction d, double rate) {
  validate(c, "APack pipeline");
  if (std::isnan(rate) || rate <= 0)
    throw Error(
        "APack pipeline: the consumer or producer rate must be a positive number of "
        "values per cycle");
  TransferTiming t;
  for (uint64_t v : chunk_values)
    if (v > 0) {
      t.values += v;
      ++t.chunks;
    }
  if (t.values == 0) return t;
  const uint64_t slots = uint64_t(c.units) * c.stages;
  t.streams_used = std::min(t.chunks, slots);
  // Chunks go to stage 0 of every unit first, so min(N, chunks) units receive one.
  t.units_used = std::min<uint64_t>(t.chunks, c.units);
  t.pipeline_cycles = c.table_load_cycles + schedule_cycles(c, chunk_values);
  const double T = double(t.pipeline_cycles), n = double(t.values);
  if (std::isinf(rate)) {
    t.cycles = t.pipeline_cycles;
  } else if (d == Direction::decode) {
    // The stream FIFOs (F values in all) absorb what the pipeline produces ahead of the
    // consumer; once they are full the pipeline runs at the consumer's rate.
    const double F = double(t.streams_used) * c.fifo_depth;
    const uint64_t produce =
        n > F ? std::max(t.pipeline_cycles, ceil_div(n - F, rate)) : t.pipeline_cycles;
    t.stall_cycles = produce - t.pipeline_cycles;
    t.cycles = std::max(t.pipeline_cycles, ceil_div(n, rate));
    t.peak_fifo_values =
        t.stall_cycles > 0 ? uint64_t(F) : uint64_t(std::max(0.0, std::ceil(n - rate * T)));
  } else {
    // The encoder cannot issue a value before the producer has delivered it: the last value
    // arrives after n / rate cycles and needs P more to cross the pipeline.
    t.cycles = std::max(t.pipeline_cycles, ceil_div(n, rate) + c.stages);
    t.stall_cycles = t.cycles - t.pipeline_cycles;
  }
  t.seconds = double(t.cycles) / c.clock_hz;
  return t;
}

TransferTiming time_bypass(const PipelineConfig& c, uint64_t values) {
  validate(c, "APack pipeline");
  TransferTiming t;
  t.bypass = true;
  t.values = values;
  t.pipeline_cycles = t.cycles = values == 0 ? 0 : c.bypass_latency_cycles;
  t.seconds = double(t.cycles) / c.clock_hz;
  return t;
}

double peak_values_per_cycle(const PipelineConfig& c, uint64_t streams) {
  validate(c, "APack pipeline");
  const uint64_t slots = uint64_t(c.units) * c.stages;
  return double(std::min(streams, slots)) / double(c.stages);
}

uint64_t units_needed(double bytes_per_s, double ratio, double clock_hz, int value_bits,
                      double values_per_cycle_per_unit) {
  const auto positive = [](double x) { return std::isfinite(x) && x > 0; };
  if (!positive(bytes_per_s) || !positive(ratio) || !positive(clock_hz) ||
      !positive(values_per_cycle_per_unit) || value_bits < 1 || value_bits > 64)
    throw Error(
        "APack pipeline sizing: bandwidth, ratio, clock and rate must be positive "
        "numbers and the value width 1 to 64 bits");
  // Stored bytes per second / ratio = raw bytes per second; x 8 / bits = values per second.
  const double values_per_s = bytes_per_s / ratio * 8.0 / value_bits;
  return ceil_div(values_per_s, clock_hz * values_per_cycle_per_unit);
}

engines::EventCounts transfer_events(const TransferTiming& t, Direction d) {
  engines::EventCounts e;
  if (t.bypass || t.values == 0) return e;
  e.add(d == Direction::decode ? "apack.decode_values" : "apack.encode_values", double(t.values));
  e.add("apack.table_loads", double(t.units_used));
  e.add("apack.fifo_accesses", 2.0 * double(t.values));  // one push and one pop per value
  return e;
}

}  // namespace apack::pipeline
