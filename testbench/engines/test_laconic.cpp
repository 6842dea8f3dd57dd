// Laconic (engines.md §4): cycles per synchronisation domain on layers whose term counts are
// constructed by hand, against a step-by-step reference written here, monotonicity over the
// domains, the potential, events, parameters and the functional model (term-pair sums).
#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <map>

#include "apack/engines/engine.hpp"
#include "apack/engines/mapping.hpp"
#include "apack/engines/terms.hpp"
#include "apack/error.hpp"
#include "engine_test_util.hpp"
#include "laconic_functional.hpp"

using namespace apack::engines;
using namespace apack::engines::test;  // make_conv, make_fc, direct_sums, OwnedLayer

namespace {

LayerResult run(const std::string& spec, const LayerWork& l, bool outputs = false) {
  RunOptions o;
  o.outputs = outputs;
  return make_engine(EngineSpec::parse(spec), Baseline{})->run(l, o);
}

struct Domains {
  int64_t pe = 0, column = 0, tile = 0, engine = 0;
};

// The schedule by its definition, step by step, with no code of the model: the activation of
// window (oy, ox), reduction position k of group g read from the tensor directly.
Domains reference_domains(const LayerWork& l, int64_t columns, int64_t rows, int64_t tiles,
                          const TermEncoding& e) {
  const int64_t Cg = l.C / l.groups, Fg = l.F / l.groups, R = Cg * l.Kh * l.Kw;
  const int64_t bricks = (R + 15) / 16, Wn = l.Oy * l.Ox, chunk = columns * tiles;
  auto act = [&](int64_t g, int64_t w, int64_t k) -> int32_t {
    const int64_t c = k % Cg, kx = (k / Cg) % l.Kw, ky = k / Cg / l.Kw;
    const int64_t iy = (w / l.Ox) * l.stride_h - l.pad_top + ky * l.dilation_h;
    const int64_t ix = (w % l.Ox) * l.stride_w - l.pad_left + kx * l.dilation_w;
    if (iy < 0 || iy >= l.H || ix < 0 || ix >= l.W) return 0;
    return l.activations[(iy * l.W + ix) * l.C + g * Cg + c];
  };
  std::map<std::pair<int64_t, int64_t>, int64_t> pe;  // (row, chunk position)
  std::map<int64_t, int64_t> column, tile;
  Domains d;
  for (int64_t g = 0; g < l.groups; ++g)
    for (int64_t w0 = 0; w0 < Wn; w0 += chunk)
      for (int64_t f0 = 0; f0 < Fg; f0 += rows)
        for (int64_t b = 0; b < bricks; ++b) {
          std::map<int64_t, int64_t> col_step, tile_step;
          int64_t engine_step = 0;
          for (int64_t j = 0; j < chunk && w0 + j < Wn; ++j)
            for (int64_t r = 0; r < rows && f0 + r < Fg; ++r) {
              int64_t cost = 1;
              for (int64_t k = b * 16; k < std::min(R, b * 16 + 16); ++k) {
                const int32_t w = l.weights[(g * Fg + f0 + r) * R + k];
                cost = std::max<int64_t>(cost, int64_t(e.count(act(g, w0 + j, k))) * e.count(w));
              }
              pe[{r, j}] += cost;
              col_step[j] = std::max(col_step[j], cost);
              tile_step[j / columns] = std::max(tile_step[j / columns], cost);
              engine_step = std::max(engine_step, cost);
            }
          for (const auto& [j, c] : col_step) column[j] += c;
          for (const auto& [t, c] : tile_step) tile[t] += c;
          d.engine += engine_step;
        }
  for (const auto& [k, v] : pe) d.pe = std::max(d.pe, v);
  for (const auto& [k, v] : column) d.column = std::max(d.column, v);
  for (const auto& [k, v] : tile) d.tile = std::max(d.tile, v);
  return d;
}

// The hand-made layer: 5 windows (1 x 5, 1x1 kernel) of 16 unsigned 8-bit channels, 3 filters of
// signed 8-bit weights. Filter f is non-zero only in channel f (7, 1, -3: NAF terms 2, 1, 2), so
// PE (window w, filter f) costs max(1, t(a[w][f]) * t(weight f)).
OwnedLayer hand_layer() {
  OwnedLayer o = make_conv(1, 5, 16, 3, 1, 1, 0, 1, 0, 0, 0, 0);
  // channels 0..2 of each window; NAF terms: 0->0, 1->1, 3->2, 7->2, 85->4, 127->2, 255->2
  const int32_t a[5][3] = {{0, 85, 0}, {1, 7, 85}, {85, 3, 1}, {3, 85, 255}, {85, 0, 127}};
  for (int w = 0; w < 5; ++w)
    for (int c = 0; c < 3; ++c) o.acts[size_t(w * 16 + c)] = a[w][c];
  // Noise in the other channels of the activations: the filters' zero weights cancel it.
  for (int w = 0; w < 5; ++w) o.acts[size_t(w * 16 + 9)] = 255;
  o.weights[0 * 16 + 0] = 7;
  o.weights[1 * 16 + 1] = 1;
  o.weights[2 * 16 + 2] = -3;
  o.work.act = {8, false, 8};
  return o;
}

}  // namespace

TEST_CASE("laconic cycles per synchronisation domain on a hand-made layer", "[laconic]") {
  const OwnedLayer o = hand_layer();
  // Costs max(1, t(a) t(w)), windows x filters (worked out by hand):
  //   w0: 1 4 1 | w1: 2 2 8 | w2: 8 2 2 | w3: 4 4 4 | w4: 8 1 4
  // Engine 2 tiles x 2 columns x 2 rows: window chunks {w0..w3} (w0,w1 in tile 0, w2,w3 in tile
  // 1) and {w4}; filter chunks {f0,f1} and {f2}; one brick: 4 steps S1..S4.
  //   pe:     PE (row 0, position 0) = w0f0 + w0f2 + w4f0 + w4f2 = 1 + 1 + 8 + 4 = 14 (the max;
  //           (0,1) = 2 + 8, (0,2) = 8 + 2, (0,3) = 4 + 4, row 1: 4 + 1, 2, 2, 4)
  //   column: position 0: S1 max(1, 4) + S2 1 + S3 max(8, 1) + S4 4 = 17 (1: 2 + 8, 2: 8 + 2,
  //           3: 4 + 4)
  //   tile:   tile 0: S1 max(1, 4, 2, 2) + S2 max(1, 8) + S3 8 + S4 4 = 24 (tile 1: 8 + 4)
  //   engine: S1 8 + S2 8 + S3 8 + S4 4 = 28
  const std::string base = "laconic:columns=2:rows=2:tiles=2";
  const LayerResult r = run(base, o.work);
  CHECK(r.metrics.at("cycles_pe") == 14);
  CHECK(r.metrics.at("cycles_column") == 17);
  CHECK(r.metrics.at("cycles_tile") == 24);
  CHECK(r.metrics.at("cycles_engine") == 28);
  CHECK(r.compute_cycles == 28);  // default sync=engine
  CHECK(run(base + ":sync=pe", o.work).compute_cycles == 14);
  CHECK(run(base + ":sync=column", o.work).compute_cycles == 17);
  CHECK(run(base + ":sync=tile", o.work).compute_cycles == 24);
  CHECK(r.metrics.at("steps") == 4);
  // Lanes of domains that finished before the slowest one (8 PEs x 16 lanes): per PE the
  // domain totals sum to 55 (the cost table), per column 17 + 10 + 10 + 8 = 45 domain-cycles
  // of 2 PEs, per tile 24 + 12 of 4 PEs.
  CHECK(r.metrics.at("idle_lane_cycles_layer_end") == 0);
  CHECK(run(base + ":sync=pe", o.work).metrics.at("idle_lane_cycles_layer_end") ==
        16 * (8 * 14 - 55));
  CHECK(run(base + ":sync=column", o.work).metrics.at("idle_lane_cycles_layer_end") ==
        16 * (8 * 17 - 2 * 45));
  CHECK(run(base + ":sync=tile", o.work).metrics.at("idle_lane_cycles_layer_end") ==
        16 * (8 * 24 - 4 * 36));

  // Term pairs: the products without the one-cycle floor: 4 + 12 + 12 + 12 + 12 = 52 (the noise
  // channel meets zero weights); 240 MACs of 8-bit data.
  CHECK(r.metrics.at("term_pairs") == 52);
  CHECK(r.metrics.at("potential") == Approx(64.0 * 240 / 52));
  CHECK(r.events.get("term.active") == 52);
  CHECK(r.events.get("term.idle") == 8 * 16 * 28 - 52);
  // 2 filter chunks x 1 brick x 5 windows x 16 x 8 bits; 2 window chunks x 3 filters x 16 x 8.
  CHECK(r.events.get("abuf.read_bits") == 2 * 5 * 16 * 8);
  CHECK(r.events.get("wbuf.read_bits") == 2 * 3 * 16 * 8);
  CHECK(r.events.get("acc.updates") == 15);
  CHECK(r.events.get("obuf.write_bits") == 15 * 8);
  CHECK(r.weight_bits == 48 * 8);
  CHECK(r.act_in_bits == 80 * 8);

  // The same layer on one PE: every (window, filter) pair is its own step, all domains equal
  // the sum of the cost table: 6 + 12 + 12 + 12 + 13 = 55.
  const LayerResult one = run("laconic:columns=1:rows=1:tiles=1", o.work);
  for (const char* k : {"cycles_pe", "cycles_column", "cycles_tile", "cycles_engine"})
    CHECK(one.metrics.at(k) == 55);

  // Plain binary terms: 7 -> 3 terms, 85 -> 4, 3 -> 2, 127 -> 7, 255 -> 8, 1 -> 1; -3 -> 2.
  // Costs: w0: 1 4 1 | w1: 3 3 8 | w2: 12 2 2 | w3: 6 4 16 | w4: 12 1 14; engine sync:
  // S1 max(1,4,3,3,12,2,6,4) + S2 max(1,8,2,16) + S3 max(12,1) + S4 14 = 12 + 16 + 12 + 14.
  CHECK(run(base + ":encoding=binary", o.work).compute_cycles == 54);
}

TEST_CASE("laconic bricks, partial lanes and depthwise layers by hand", "[laconic]") {
  // 3x3 depthwise, 2 channels, 3x3 input, padding 1: 9 windows per channel, one brick of 9
  // products (7 idle lanes). Activations all 3 (2 NAF terms), weights all 1 (1 term) except
  // channel 1's centre weight 85 (4 terms). One PE (1x1x1): every window is a step, and a step
  // costs 2 (channel 0) or 8 (channel 1: every window covers the centre tap with a real
  // activation) -> 9 * 2 + 9 * 8 = 90 in every domain.
  OwnedLayer o = make_conv(3, 3, 2, 2, 3, 1, 1, 2, 3, 3, 1, 1);
  o.weights[9 + 4] = 85;
  const LayerResult r = run("laconic:columns=1:rows=1:tiles=1", o.work);
  CHECK(r.compute_cycles == 90);
  CHECK(r.metrics.at("cycles_pe") == 90);
  // 16 columns: the 9 windows of a group in one step: engine = 2 + 8; per column a window's
  // own costs; the most loaded column is 2 + 8 as well; the rows beyond the first never work.
  const LayerResult w = run("laconic:columns=16:rows=4:tiles=1", o.work);
  CHECK(w.metrics.at("cycles_engine") == 10);
  CHECK(w.metrics.at("cycles_pe") == 10);
  // Term pairs: channel 0 has 4 corner windows x 4 + 4 edge x 6 + 1 centre x 9 = 49 real taps,
  // each 2 x 1; channel 1 the same taps at 2 x 1 except the 9 centre taps at 2 x 4.
  CHECK(w.metrics.at("term_pairs") == 49 * 2 + (40 * 2 + 9 * 8));
  // Idle rows cost: 4 rows x 16 columns x 16 lanes exist for all 10 cycles.
  CHECK(w.events.get("term.idle") == 64 * 16 * 10 - (98 + 152));
}

TEST_CASE("laconic fully connected: weight interface bound, potential 64 and 256", "[laconic]") {
  // 32 inputs x 4 outputs, all ones: one term pair per product, every step costs 1.
  OwnedLayer o = make_fc(32, 4, 1, 1, 1, 1);
  // rows=2: 2 filter chunks x 2 bricks = 4 steps of 1 cycle.
  const LayerResult r = run("laconic:columns=1:rows=2", o.work);
  CHECK(r.compute_cycles == 4);
  CHECK(r.cycles == 4);
  CHECK(r.metrics.at("potential") == Approx(64.0));
  // 128 weight wires: 4 filters x 2 bricks x 16 weights x 8 bits = 1024 bits -> 8 cycles.
  const LayerResult w = run("laconic:columns=1:rows=2:wires=128", o.work);
  CHECK(w.events.get("wbuf.read_bits") == 1024);
  CHECK(w.bandwidth_cycles == 8);
  CHECK(w.cycles == 8);
  CHECK(run("laconic:columns=1:rows=2:weight_if=1024", o.work).cycles == 4);
  // 16-bit data: the potential is against 16 x 16 bit products per MAC.
  o.work.weight = {16, true, 16};
  CHECK(run("laconic:columns=1:rows=2", o.work).metrics.at("potential") == Approx(256.0));
  // A zero operand costs nothing in the potential but a cycle in the schedule.
  std::fill(o.acts.begin(), o.acts.begin() + 16, 0);
  const LayerResult z = run("laconic:columns=1:rows=2", o.work);
  CHECK(z.metrics.at("term_pairs") == 64);
  CHECK(z.metrics.at("potential") == Approx(256.0 * 128 / 64));
  CHECK(z.compute_cycles == 4);
  // No term pair at all: the potential is undefined and left out.
  std::fill(o.acts.begin(), o.acts.end(), 0);
  const LayerResult none = run("laconic:columns=1:rows=2", o.work);
  CHECK(none.metrics.count("potential") == 0);
  CHECK(none.compute_cycles == 4);
}

TEST_CASE("laconic matches the step-by-step reference; pe <= column <= tile <= engine",
          "[laconic]") {
  struct Shape {
    int64_t H, W, C, F, K, s, p, g;
  };
  const Shape shapes[] = {
      {7, 9, 40, 13, 3, 1, 1, 1},   // 3x3, partial bricks, partial filter chunks
      {6, 6, 8, 8, 3, 2, 1, 8},     // depthwise, stride 2
      {5, 5, 12, 6, 1, 1, 0, 3},    // grouped 1x1
      {1, 1, 100, 37, 1, 1, 0, 1},  // fully connected
      {20, 23, 20, 5, 1, 1, 0, 1}   // 460 windows: more than one block of the fast kernel
  };
  const int64_t geometries[][3] = {{2, 3, 2}, {4, 2, 3}, {3, 5, 1}, {16, 4, 1}};
  uint32_t seed = 1;
  for (const Shape& sh : shapes)
    for (const auto& geo : geometries)
      for (const char* enc : {"naf", "binary"}) {
        OwnedLayer o =
            make_conv(sh.H, sh.W, sh.C, sh.F, sh.K, sh.s, sh.p, sh.g, -128, 127, -128, 127, seed++);
        // Sparse-ish activations (ReLU-like), so that zero lanes and 1-cycle floors occur.
        for (auto& v : o.acts) v = v < 0 ? 0 : v;
        o.work.fully_connected = sh.H == 1 && sh.K == 1 && sh.W == 1;
        const std::string spec = "laconic:columns=" + std::to_string(geo[0]) +
                                 ":rows=" + std::to_string(geo[1]) +
                                 ":tiles=" + std::to_string(geo[2]) + ":encoding=" + enc;
        INFO(spec << " C=" << sh.C << " K=" << sh.K << " g=" << sh.g);
        const LayerResult r = run(spec, o.work);
        const Domains d = reference_domains(o.work, geo[0], geo[1], geo[2], term_encoding(enc));
        CHECK(r.metrics.at("cycles_pe") == d.pe);
        CHECK(r.metrics.at("cycles_column") == d.column);
        CHECK(r.metrics.at("cycles_tile") == d.tile);
        CHECK(r.metrics.at("cycles_engine") == d.engine);
        CHECK(d.pe <= d.column);
        CHECK(d.column <= d.tile);
        CHECK(d.tile <= d.engine);
        // Every step costs at least a cycle: the engine domain is at least the step count.
        CHECK(r.metrics.at("cycles_engine") >= r.metrics.at("steps"));
      }
}

TEST_CASE("laconic outputs: term-pair sums equal the factored form and the exact sums",
          "[laconic]") {
  struct Case {
    OwnedLayer o;
    const char* what;
  };
  std::vector<Case> cases;
  cases.push_back({make_conv(6, 5, 20, 7, 3, 1, 1, 1, -128, 127, -128, 127, 11), "conv3x3"});
  cases.push_back({make_conv(7, 7, 6, 6, 3, 2, 1, 6, 0, 255, -128, 127, 12), "depthwise"});
  cases.push_back({make_fc(50, 9, 0, 255, -128, 127, 13), "fc"});
  // 16-bit operands: signed activations, unsigned weights up to 65535.
  cases.push_back({make_conv(4, 4, 5, 3, 2, 1, 0, 1, -32768, 32767, 0, 65535, 14), "16-bit"});
  cases.back().o.work.act = {16, true, 16};
  cases.back().o.work.weight = {16, false, 16};
  for (auto& c : cases) {
    c.o.work.act.is_signed = *std::min_element(c.o.acts.begin(), c.o.acts.end()) < 0;
    const std::vector<int64_t> exact = direct_sums(c.o.work);
    for (const auto& name : term_encoding_names()) {
      INFO(c.what << " " << name);
      const TermEncoding& e = term_encoding(name);
      CHECK(detail::laconic_term_pair_sums(c.o.work, e) == exact);
      CHECK(detail::laconic_sums(c.o.work, e) == exact);
      CHECK(run("laconic:encoding=" + name, c.o.work, true).outputs == exact);
    }
  }
}

TEST_CASE("laconic parameters, defaults and errors", "[laconic]") {
  const Baseline b;  // 1024 8-bit MACs: 65536 bit products per cycle
  const auto info = make_engine(EngineSpec::parse("laconic"), b)->info();
  CHECK(info.name == "laconic");
  CHECK(info.value_driven);
  CHECK(info.peak_bit_products == 65536);  // 16 columns x 256 rows x 16 lanes
  CHECK(info.description.find("256 filter rows") != std::string::npos);
  CHECK(info.description.find("sync=engine") != std::string::npos);
  CHECK(info.description.find("naf") != std::string::npos);
  Baseline b16;
  b16.width = 16;
  b16.tiles = 8;
  b16.rows = 1;  // 128 16-bit MACs: 32768 bit products
  CHECK(make_engine(EngineSpec::parse("laconic:tiles=2"), b16)->info().peak_bit_products == 32768);
  const auto w = make_engine(EngineSpec::parse("laconic:wires=128:encoding=binary"), b)->info();
  CHECK(w.description.find("weight interface 128 b/cycle") != std::string::npos);
  CHECK(w.description.find("binary") != std::string::npos);

  auto fails = [&](const std::string& spec, const std::string& needle) {
    INFO(spec);
    try {
      make_engine(EngineSpec::parse(spec), b);
      FAIL("no error");
    } catch (const apack::Error& e) {
      CHECK(std::string(e.what()).find(needle) != std::string::npos);
    }
  };
  fails("laconic:sync=lane", "sync=lane");
  fails("laconic:encoding=booth", "naf, binary");
  fails("laconic:rows=0", "rows=0");
  fails("laconic:columns=x", "columns=x");
  fails("laconic:wires=128:weight_if=256", "not both");
  fails("laconic:speed=2", "speed");
  fails("laconic:columns=4096:rows=4096", "PEs");

  // Values that do not fit their declared format are errors naming the layer.
  OwnedLayer o = make_conv(2, 2, 4, 2, 1, 1, 0, 1, 0, 255, -128, 127);
  o.work.name = "conv7";
  o.work.act.is_signed = true;  // 0..255 in a signed 8-bit format
  try {
    run("laconic", o.work);
    FAIL("no error");
  } catch (const apack::Error& e) {
    CHECK(std::string(e.what()).find("conv7") != std::string::npos);
  }
}

// Timing on posenet's convolution shapes (MobileNetV1 0.75, 385 x 385 input, output stride 16)
// with random uint8 activations and int8 weights. Hidden: run with "[.laconic-bench]".
TEST_CASE("laconic speed on posenet-sized layers", "[.laconic-bench]") {
  struct Shape {
    int64_t HW, C, F, K, s, g;
  };
  std::vector<Shape> shapes = {{385, 3, 24, 3, 2, 1}};
  const int64_t dw[][3] = {{193, 24, 1}, {193, 48, 2}, {97, 96, 1},  {97, 96, 2},  {49, 192, 1},
                           {49, 192, 2}, {25, 384, 1}, {25, 384, 1}, {25, 384, 1}, {25, 384, 1},
                           {25, 384, 1}, {25, 384, 1}, {25, 384, 1}};
  const int64_t pw_out[] = {48, 96, 96, 192, 192, 384, 384, 384, 384, 384, 384, 384, 384};
  for (int i = 0; i < 13; ++i) {
    const int64_t HW = dw[i][0], C = dw[i][1], s = dw[i][2];
    shapes.push_back({HW, C, C, 3, s, C});
    const int64_t O = (HW + s - 1) / s;
    shapes.push_back({O, C, pw_out[i], 1, 1, 1});
  }
  for (const int64_t F : {17, 32, 34, 32}) shapes.push_back({25, 384, F, 1, 1, 1});
  const auto engine = make_engine(EngineSpec::parse("laconic"), Baseline{});
  double total_s = 0, total_out_s = 0, total_macs = 0;
  RunOptions o;
  o.outputs = false;
  RunOptions with_outputs;
  for (const Shape& sh : shapes) {
    const int64_t p = sh.K / 2;
    OwnedLayer l = make_conv(sh.HW, sh.HW, sh.C, sh.F, sh.K, sh.s, p, sh.g, 0, 255, -128, 127, 7);
    l.work.act.is_signed = false;
    const auto t0 = std::chrono::steady_clock::now();
    const LayerResult r = engine->run(l.work, o);
    const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const auto t1 = std::chrono::steady_clock::now();
    const LayerResult full = engine->run(l.work, with_outputs);
    const double dt_out =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
    CHECK(full.compute_cycles == r.compute_cycles);
    total_s += dt;
    total_out_s += dt_out;
    total_macs += double(l.work.macs());
    std::printf(
        "%4lldx%-4lld C=%-4lld F=%-4lld K=%lld g=%-4lld %8.1f M MACs %7.3f s (with outputs "
        "%7.3f s)  cycles %lld\n",
        (long long)sh.HW, (long long)sh.HW, (long long)sh.C, (long long)sh.F, (long long)sh.K,
        (long long)sh.g, l.work.macs() / 1e6, dt, dt_out, (long long)r.compute_cycles);
  }
  std::printf("total %.1f M MACs: cycle model %.3f s (%.0f M MACs/s), with outputs %.3f s\n",
              total_macs / 1e6, total_s, total_macs / 1e6 / total_s, total_out_s);
  CHECK(total_s > 0);
}
