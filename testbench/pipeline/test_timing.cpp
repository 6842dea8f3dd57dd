// The pipeline's cycle model against closed forms worked out by hand, the FIFO rule, bypass,
// the §9 sizing rule and the events a transfer reports.
#include <catch2/catch.hpp>
#include <vector>

#include "apack/error.hpp"
#include "apack/pipeline/timing.hpp"

using namespace apack::pipeline;

namespace {

PipelineConfig config(unsigned units, unsigned stages) {
  PipelineConfig c;
  c.units = units;
  c.stages = stages;
  return c;
}

}  // namespace

TEST_CASE("one stream yields one value every P cycles", "[timing]") {
  // 100 values issue at 0, 4, ..., 396; the last leaves at 396 + 4 = 400.
  const TransferTiming t = time_transfer(config(2, 4), {100}, Direction::decode);
  CHECK(t.pipeline_cycles == 400);
  CHECK(t.cycles == 400);
  CHECK(t.values_per_cycle() == Approx(0.25));
  CHECK(t.units_used == 1);
  CHECK(t.streams_used == 1);
  CHECK(t.seconds == Approx(400e-9));  // 1 GHz default clock
}

TEST_CASE("P streams per unit reach one value per cycle per unit", "[timing]") {
  // 2 units x 4 stages, 8 chunks of 100: slot stage s of each unit finishes at s + 400; the last
  // stage (3) sets the end, 403 cycles for 800 values.
  const TransferTiming t =
      time_transfer(config(2, 4), std::vector<uint64_t>(8, 100), Direction::decode);
  CHECK(t.cycles == 403);
  CHECK(t.units_used == 2);
  CHECK(t.streams_used == 8);
  CHECK(t.values_per_cycle() == Approx(800.0 / 403));
  // Fewer streams than slots leave stages idle: 2 chunks spread over the 2 units, 1 value
  // every 4 cycles each.
  const TransferTiming two = time_transfer(config(2, 4), {100, 100}, Direction::decode);
  CHECK(two.cycles == 400);
  CHECK(two.values_per_cycle() == Approx(0.5));
  // 3 chunks on 2 units: the third takes stage 1 of unit 0 and ends at 1 + 400.
  CHECK(time_transfer(config(2, 4), {100, 100, 100}, Direction::decode).cycles == 401);
}

TEST_CASE("uniform chunks follow the closed form W*V*P + ceil(r/N) - 1", "[timing]") {
  // C chunks of V values over S = N*P slots: W = ceil(C/S) waves; the last wave's r chunks take
  // stage offsets 0..ceil(r/N)-1 (stage 0 of every unit first), ending at its highest offset.
  for (unsigned n : {1u, 3u, 8u})
    for (unsigned p : {1u, 2u, 3u, 5u})
      for (uint64_t chunks : {1u, 2u, 7u, 24u, 25u, 100u})
        for (uint64_t v : {1u, 64u, 4096u}) {
          INFO("N " << n << " P " << p << " C " << chunks << " V " << v);
          const uint64_t s = uint64_t(n) * p;
          const uint64_t waves = (chunks + s - 1) / s;
          const uint64_t last = chunks - (waves - 1) * s;
          const uint64_t expect = waves * v * p + (last + n - 1) / n - 1;
          CHECK(schedule_cycles(config(n, p), std::vector<uint64_t>(chunks, v)) == expect);
        }
}

TEST_CASE("chunks of different lengths go to the slot that frees first", "[timing]") {
  // 1 unit, P = 2: 10 values in slot 0 (ends 20), 5 in slot 1 (issues 1, 3, ..., 9; ends 11).
  CHECK(schedule_cycles(config(1, 2), {10, 5}) == 20);
  // Three chunks of 3: slot 0 ends 6, slot 1 ends 7; the third starts in slot 0 at 6, ends 12.
  CHECK(schedule_cycles(config(1, 2), {3, 3, 3}) == 12);
  // A short last chunk (a tensor of 4096 + 4096 + 100 values on 1 unit, P = 3): slots 0, 1, 2
  // end at 12288, 12289 and 2 + 300.
  CHECK(schedule_cycles(config(1, 3), {4096, 4096, 100}) == 12289);
  CHECK(schedule_cycles(config(4, 3), {}) == 0);
  CHECK(schedule_cycles(config(4, 3), {0, 0}) == 0);
}

TEST_CASE("the table load precedes the first value", "[timing]") {
  PipelineConfig c = config(1, 3);
  c.table_load_cycles = 16;
  CHECK(time_transfer(c, {10}, Direction::decode).cycles == 16 + 30);
}

TEST_CASE("decoder FIFO rule: output FIFOs drain at the consumer's rate", "[timing]") {
  // 1 unit, P = 1, one chunk of 100: the pipeline alone takes 100 cycles (1 value per cycle).
  PipelineConfig c = config(1, 1);
  c.fifo_depth = 10;
  // The consumer takes 0.5 values per cycle: done after 200 cycles. The FIFO (10 values) fills,
  // and the pipeline produces its last value only when 90 have been taken: 180 cycles, 80 of
  // them stalled.
  TransferTiming t = time_transfer(c, {100}, Direction::decode, 0.5);
  CHECK(t.pipeline_cycles == 100);
  CHECK(t.cycles == 200);
  CHECK(t.stall_cycles == 80);
  CHECK(t.peak_fifo_values == 10);
  // A FIFO deep enough to hold the backlog: no stall; 100 - 0.5 * 100 = 50 values wait at most.
  c.fifo_depth = 200;
  t = time_transfer(c, {100}, Direction::decode, 0.5);
  CHECK(t.cycles == 200);
  CHECK(t.stall_cycles == 0);
  CHECK(t.peak_fifo_values == 50);
  // A consumer faster than the pipeline changes nothing.
  t = time_transfer(c, {100}, Direction::decode, 4.0);
  CHECK(t.cycles == 100);
  CHECK(t.stall_cycles == 0);
  CHECK(t.peak_fifo_values == 0);
  // FIFO capacity counts every stream in use: 4 chunks of 100 on 1 unit with P = 4 take 403
  // cycles; at 0.25 values per cycle the consumer needs 1600; with 4 streams x 10 values the
  // pipeline stalls until (400 - 40) / 0.25 = 1440.
  PipelineConfig d = config(1, 4);
  d.fifo_depth = 10;
  t = time_transfer(d, std::vector<uint64_t>(4, 100), Direction::decode, 0.25);
  CHECK(t.pipeline_cycles == 403);
  CHECK(t.cycles == 1600);
  CHECK(t.stall_cycles == 1440 - 403);
  CHECK(t.peak_fifo_values == 40);
}

TEST_CASE("encoder input FIFOs: a slow producer starves the pipeline", "[timing]") {
  PipelineConfig c = config(1, 1);
  // 100 values at 0.5 per cycle: the last arrives at 200 and leaves the 1-stage pipeline at 201.
  TransferTiming t = time_transfer(c, {100}, Direction::encode, 0.5);
  CHECK(t.cycles == 201);
  CHECK(t.stall_cycles == 101);
  t = time_transfer(c, {100}, Direction::encode);
  CHECK(t.cycles == 100);
  CHECK(t.stall_cycles == 0);
  CHECK_THROWS_AS(time_transfer(c, {100}, Direction::encode, 0.0), apack::Error);
  CHECK_THROWS_AS(time_transfer(c, {100}, Direction::decode, -1.0), apack::Error);
}

TEST_CASE("bypass costs only its pass-through latency and reports no events", "[timing]") {
  PipelineConfig c = config(4, 3);
  c.bypass_latency_cycles = 2;
  const TransferTiming t = time_bypass(c, 1 << 20);
  CHECK(t.bypass);
  CHECK(t.cycles == 2);
  CHECK(transfer_events(t, Direction::decode).all().empty());
  CHECK(time_bypass(c, 0).cycles == 0);
}

TEST_CASE("peak rate: min(streams, N*P) / P values per cycle", "[timing]") {
  const PipelineConfig c = config(4, 3);
  CHECK(peak_values_per_cycle(c, 1) == Approx(1.0 / 3));
  CHECK(peak_values_per_cycle(c, 6) == Approx(2.0));
  CHECK(peak_values_per_cycle(c, 12) == Approx(4.0));
  CHECK(peak_values_per_cycle(c, 1000) == Approx(4.0));
}

TEST_CASE("sizing rule of §9: N_units >= BW / (ratio * f_clk)", "[timing]") {
  // The spec's example: 25.6 GB/s, ratio 0.5, 1 GHz -> 51.2 -> 52 units.
  CHECK(units_needed(25.6e9, 0.5, 1e9) == 52);
  // An exact quotient needs no extra unit: 16 GB/s / (0.5 * 1 GHz) = 32.
  CHECK(units_needed(16e9, 0.5, 1e9) == 32);
  // 4-bit values: twice the values per byte, twice the units.
  CHECK(units_needed(25.6e9, 0.5, 1e9, 4) == 103);  // 102.4 -> 103
  // Units that do 2 values per cycle: half.
  CHECK(units_needed(25.6e9, 0.5, 1e9, 8, 2.0) == 26);  // 25.6 -> 26
  CHECK_THROWS_AS(units_needed(25.6e9, 0.0, 1e9), apack::Error);
  CHECK_THROWS_AS(units_needed(25.6e9, 0.5, -1.0), apack::Error);
}

TEST_CASE("a transfer's events: values coded, table loads per unit, two FIFO accesses per value",
          "[timing]") {
  const TransferTiming t =
      time_transfer(config(4, 3), {4096, 4096, 4096, 4096, 4096, 100}, Direction::decode);
  CHECK(t.units_used == 4);
  const auto e = transfer_events(t, Direction::decode);
  CHECK(e.get("apack.decode_values") == 5 * 4096 + 100);
  CHECK(e.get("apack.encode_values") == 0);
  CHECK(e.get("apack.table_loads") == 4);
  CHECK(e.get("apack.fifo_accesses") == 2 * (5 * 4096 + 100));
  const auto enc =
      transfer_events(time_transfer(config(4, 3), {10, 10}, Direction::encode), Direction::encode);
  CHECK(enc.get("apack.encode_values") == 20);
  CHECK(enc.get("apack.table_loads") == 2);  // two chunks reach two units
}

TEST_CASE("configurations without units, stages, FIFO or clock are refused", "[timing]") {
  PipelineConfig c;
  c.units = 0;
  CHECK_THROWS_WITH(validate(c, "scenario.yaml"),
                    Catch::Contains("scenario.yaml") && Catch::Contains("units"));
  c = PipelineConfig{};
  c.stages = 0;
  CHECK_THROWS_WITH(validate(c, "s"), Catch::Contains("stages"));
  c = PipelineConfig{};
  c.fifo_depth = 0;
  CHECK_THROWS_WITH(validate(c, "s"), Catch::Contains("fifo_depth"));
  c = PipelineConfig{};
  c.clock_hz = 0;
  CHECK_THROWS_WITH(validate(c, "s"), Catch::Contains("clock_hz"));
  CHECK_THROWS_AS(time_transfer(c, {1}, Direction::decode), apack::Error);
}
