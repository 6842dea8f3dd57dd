// Loom (engines.md §3): closed-form and hand-made cycle counts, the fully connected column
// schedule, equal-peak sizing, parameter errors, events, and the functional model against a
// literal bit-serial reference and the exact sums.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <string>

#include "apack/engines/engine.hpp"
#include "apack/error.hpp"
#include "engine_test_util.hpp"
#include "loom_reference.hpp"

using namespace apack::engines;
using namespace apack::engines::test;  // make_conv, make_fc, direct_sums, OwnedLayer

namespace {

std::unique_ptr<Engine> loom(const std::map<std::string, std::string>& params,
                             const Baseline& b = Baseline{}) {
  return make_engine(EngineSpec{"loom", params}, b);
}

int64_t cdiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

// The FC schedule cycle by cycle: each cycle, if a column is free and units remain, the next
// unit starts on it (at most one per cycle). Independent of the engine's heap formulation.
int64_t simulate_fc(const std::vector<int64_t>& durations, int64_t columns) {
  std::vector<int64_t> busy_until(size_t(columns), 0);
  size_t next = 0;
  int64_t end = 0;
  for (int64_t cycle = 0; next < durations.size(); ++cycle)
    for (auto& b : busy_until)
      if (b <= cycle) {
        b = cycle + durations[next++];
        end = std::max(end, b);
        break;
      }
  return end;
}

void set_precisions(LayerWork& l, int a_bits, bool a_signed, int pa, int w_bits, int pw) {
  l.act = {a_bits, a_signed, pa};
  l.weight = {w_bits, true, pw};
}

}  // namespace

TEST_CASE("loom static conv cycles = steps * ceil(Pa/k) * Pw", "[loom]") {
  struct Shape {
    int64_t H, W, C, F, K, s, p, g;
  };
  const Shape shapes[] = {{9, 9, 32, 20, 3, 1, 1, 1},  {13, 11, 3, 7, 5, 2, 2, 1},
                          {8, 8, 16, 16, 3, 1, 1, 16}, {10, 10, 24, 48, 1, 1, 0, 2},
                          {7, 7, 64, 130, 1, 1, 0, 1}, {6, 5, 40, 9, 2, 2, 0, 1}};
  const int64_t NC = 16, NR = 8;
  for (const auto& s : shapes) {
    auto o = make_conv(s.H, s.W, s.C, s.F, s.K, s.s, s.p, s.g, 0, 100, -50, 50);
    // Steps by the formula, from the shape alone.
    const int64_t Oy = (s.H + 2 * s.p - s.K) / s.s + 1, Ox = (s.W + 2 * s.p - s.K) / s.s + 1;
    const int64_t R = (s.C / s.g) * s.K * s.K;
    const int64_t steps = s.g * cdiv(Oy * Ox, NC) * cdiv(s.F / s.g, NR) * cdiv(R, 16);
    for (int k : {1, 2, 4})
      for (int pa : {1, 3, 5, 8, 11, 16})
        for (int pw : {2, 7, 16}) {
          set_precisions(o.work, 16, false, pa, 16, pw);
          auto e = loom({{"k", std::to_string(k)},
                         {"columns", "16"},
                         {"rows", "8"},
                         {"precision", "static"}});
          const LayerResult r = e->run(o.work, RunOptions{false});
          INFO("shape " << s.H << "x" << s.W << "x" << s.C << "->" << s.F << " k" << k << " Pa"
                        << pa << " Pw" << pw);
          REQUIRE(r.compute_cycles == steps * cdiv(pa, k) * pw);
          REQUIRE(r.cycles == r.compute_cycles);
          REQUIRE(r.outputs.empty());
          // Every product is active for the whole of its step; the array has 16*8*16 lanes.
          const double macs = double(o.work.macs());
          REQUIRE(r.events.get("sip_k" + std::to_string(k) + ".active") ==
                  macs * double(cdiv(pa, k) * pw));
          REQUIRE(r.events.get("sip_k" + std::to_string(k) + ".active") +
                      r.events.get("sip_k" + std::to_string(k) + ".idle") ==
                  double(r.compute_cycles) * 16 * 8 * 16);
          REQUIRE(r.metrics.at("pa_avg") == Approx(pa));
          REQUIRE(r.metrics.at("pw") == Approx(pw));
          REQUIRE(r.act_in_bits == s.H * s.W * s.C * pa);
          REQUIRE(r.weight_bits == s.F * R * pw);
        }
  }
}

TEST_CASE("loom dynamic conv cycles on activations with known step precisions", "[loom]") {
  // 1 x 20 input, 32 channels, 1x1 kernel: 20 windows = column blocks of 16 and 4 windows;
  // R = 32 = 2 bricks; F = 3 filters on 4 rows = 1 row block: 4 steps.
  auto o = make_conv(1, 20, 32, 3, 1, 1, 0, 1, 0, 0, -7, 7);
  set_precisions(o.work, 8, false, 8, 8, 6);
  auto& a = o.acts;  // all zero so far
  auto at = [&](int w, int c) -> int32_t& { return a[size_t(w * 32 + c)]; };
  // Block 0 (windows 0..15), brick 0 (channels 0..15): max 5 -> 3 bits; other windows 1 bit.
  for (int w = 0; w < 16; ++w) at(w, 3) = 1;
  at(7, 0) = 5;
  // Block 0, brick 1: all zero -> precision 0, still one pass.
  // Block 1 (windows 16..19), brick 0: 200 -> 8 bits; brick 1: only ones -> 1 bit.
  at(17, 9) = 200;
  at(19, 31) = 1;
  at(16, 20) = 1;
  const int64_t per_k[5] = {0, /*k=1*/ 3 + 1 + 8 + 1, /*k=2*/ 2 + 1 + 4 + 1, 0,
                            /*k=4*/ 1 + 1 + 2 + 1};
  for (int k : {1, 2, 4}) {
    auto e = loom({{"k", std::to_string(k)}, {"columns", "16"}, {"rows", "4"}});
    const LayerResult r = e->run(o.work, RunOptions{false});
    CHECK(r.compute_cycles == per_k[k] * 6);
    // MAC-weighted step precision: each brick has 16 products x 3 filters; block 0 has 16
    // windows, block 1 has 4: (16*(3+0) + 4*(8+1)) / (20*2).
    CHECK(r.metrics.at("pa_avg") == Approx((16.0 * 3 + 4.0 * 9) / 40));
    CHECK(e->info().value_driven);
  }
  // Static precision ignores the values: 4 steps * 8 * 6.
  CHECK(loom({{"precision", "static"}, {"columns", "16"}, {"rows", "4"}})
            ->run(o.work, RunOptions{false})
            .compute_cycles == 4 * 8 * 6);
}

TEST_CASE("loom: an all-zero step costs one cycle per weight bit", "[loom]") {
  auto o = make_conv(6, 6, 16, 10, 3, 1, 1, 1, 0, 0, -3, 3);
  set_precisions(o.work, 8, true, 8, 8, 5);
  const int64_t steps = cdiv(36, 16) * cdiv(10, 4) * cdiv(16 * 9, 16);
  for (int k : {1, 2, 4}) {
    auto e = loom({{"k", std::to_string(k)}, {"columns", "16"}, {"rows", "4"}});
    const LayerResult r = e->run(o.work, RunOptions{false});
    CHECK(r.compute_cycles == steps * 1 * 5);
    CHECK(r.metrics.at("pa_avg") == 0);
    // Stored as groups of 16 zeros: 0 bits per value plus a 4-bit header per group (Pa = 8).
    CHECK(r.act_in_bits == 6 * 6 * 16 / 16 * 4);
  }
}

TEST_CASE("loom: -128 in int8 needs 8 bits, -1 needs 2, 63 needs 7", "[loom]") {
  auto o = make_conv(1, 1, 16, 1, 1, 1, 0, 1, 0, 0, 1, 1);
  set_precisions(o.work, 8, true, 8, 8, 8);
  auto e = loom({{"columns", "16"}, {"rows", "4"}});
  const std::pair<int32_t, int64_t> cases[] = {{-128, 8}, {-1, 2}, {63, 7}, {64, 8}, {127, 8}};
  for (const auto& [v, bits] : cases) {
    o.acts[5] = v;
    const LayerResult r = e->run(o.work);
    INFO("value " << v);
    CHECK(r.compute_cycles == bits * 8);  // one step, Pw = 8
    CHECK(r.outputs == std::vector<int64_t>{v});
  }
}

TEST_CASE("loom fully connected: column schedule and weight stream bound", "[loom]") {
  // C = 64 (4 bricks), F = 20 on 8 rows (3 row blocks): U = 12 units, 4 columns.
  auto o = make_fc(64, 20, 0, 100, -100, 100);
  set_precisions(o.work, 8, false, 8, 8, 8);
  auto run = [&](std::map<std::string, std::string> p) {
    p["columns"] = "4";
    p["rows"] = "8";
    p["precision"] = "static";
    return loom(p)->run(o.work, RunOptions{false});
  };
  // k=1: each unit busy d = 8*8 = 64 > 4 columns: rounds of 4 units, 64 cycles apart:
  // floor(11/4)*64 + 11%4 + 64 = 195.
  LayerResult r = run({{"k", "1"}});
  CHECK(r.compute_cycles == 2 * 64 + 3 + 64);
  CHECK(r.compute_cycles == simulate_fc(std::vector<int64_t>(12, 64), 4));
  CHECK(r.events.get("wbuf.read_bits") == 20 * 64 * 8);  // every weight once at Pw
  CHECK(r.events.get("sip_k1.active") == 20.0 * 64 * 64);
  // Weight interface of 16 bits/cycle: 20*64*8/16 = 640 cycles, the bound.
  r = run({{"k", "1"}, {"weight_if", "16"}});
  CHECK(r.compute_cycles == 195);
  CHECK(r.bandwidth_cycles == 640);
  CHECK(r.cycles == 640);
  // Pa = 4, Pw = 1, k = 4: d = 1 <= 4 columns: one unit per cycle, 12 - 1 + 1 cycles.
  set_precisions(o.work, 8, false, 4, 8, 1);
  CHECK(run({{"k", "4"}}).compute_cycles == 12);
  // d = 4 = columns: still issue bound, 11 + 4.
  CHECK(run({{"k", "1"}}).compute_cycles == 15);
  // Pa = 4, Pw = 2, k = 1: d = 8 > 4: floor(11/4)*8 + 3 + 8 = 27.
  set_precisions(o.work, 8, false, 4, 8, 2);
  CHECK(run({{"k", "1"}}).compute_cycles == 27);
  CHECK(simulate_fc(std::vector<int64_t>(12, 8), 4) == 27);
}

TEST_CASE("loom fully connected with dynamic precision: units of different lengths", "[loom]") {
  // C = 48 (3 bricks), F = 10 on 4 rows (3 row blocks, 4+4+2 filters), 2 columns.
  auto o = make_fc(48, 10, 0, 0, -5, 5);
  set_precisions(o.work, 8, false, 8, 8, 4);
  o.acts[2] = 3;     // brick 0: 2 bits
  o.acts[33] = 255;  // brick 2: 8 bits; brick 1 all zero: one pass
  // Units in issue order: row block after row block, bricks in order; d = passes * Pw.
  std::vector<int64_t> d;
  for (int rb = 0; rb < 3; ++rb)
    for (int64_t passes : {2, 1, 8}) d.push_back(passes * 4);
  auto e = loom({{"k", "1"}, {"columns", "2"}, {"rows", "4"}});
  const LayerResult r = e->run(o.work);
  CHECK(r.compute_cycles == simulate_fc(d, 2));
  CHECK(r.outputs == direct_sums(o.work));
  // By hand: units 8,4,32 | 8,4,32 | 8,4,32 on two columns starting at most one per cycle:
  // u0 0-8 c0, u1 1-5 c1, u2 5-37 c1, u3 8-16 c0, u4 16-20 c0, u5 20-52 c0, u6 37-45 c1,
  // u7 45-49 c1, u8 49-81 c1 -> 81.
  CHECK(r.compute_cycles == 81);
}

TEST_CASE("loom equal-peak sizing against the baseline", "[loom]") {
  const Baseline int8_1024{8, 4, 16};  // 1024 8-bit MACs: 65536 bit-products per cycle
  const Baseline b16_128{16, 1, 8};    // 128 16-bit MACs: 32768
  for (int k : {1, 2, 4}) {
    auto e = loom({{"k", std::to_string(k)}}, int8_1024);
    CHECK(e->info().name == "loom-" + std::to_string(k) + "b");
    CHECK(e->info().peak_bit_products == 65536);
    CHECK(e->info().description.find(" rows=" + std::to_string(256 / k) + " ") !=
          std::string::npos);
    auto f = loom({{"k", std::to_string(k)}}, b16_128);
    CHECK(f->info().peak_bit_products == 32768);
    CHECK(f->info().description.find(" rows=" + std::to_string(128 / k) + " ") !=
          std::string::npos);
  }
  const std::string d = loom({{"k", "2"},
                              {"precision", "static"},
                              {"group", "256"},
                              {"dynamic_weights", "true"},
                              {"weight_if", "128"}})
                            ->info()
                            .description;
  for (const char* part : {"k=2 ", "columns=16 ", "rows=128 ", "precision=static ", "group=256 ",
                           "dynamic_weights=true", "weight interface 128 b/cycle"})
    CHECK(d.find(part) != std::string::npos);
  CHECK(loom({{"precision", "static"}})->info().value_driven == false);
  CHECK(loom({{"precision", "static"}, {"dynamic_weights", "true"}})->info().value_driven);
  // The default rows show in the cycles too: F = 129 filters need two row blocks of 128.
  auto o = make_conv(4, 4, 16, 129, 1, 1, 0, 1, 0, 9, -9, 9);
  set_precisions(o.work, 16, false, 8, 16, 16);
  CHECK(loom({{"precision", "static"}}, b16_128)->run(o.work, RunOptions{false}).compute_cycles ==
        1 * 2 * 1 * 8 * 16);
}

TEST_CASE("loom parameter errors", "[loom]") {
  CHECK_THROWS_WITH(loom({{"k", "3"}}), Catch::Contains("1, 2 or 4"));
  CHECK_THROWS_WITH(loom({{"bogus", "1"}}), Catch::Contains("unknown parameter(s) bogus"));
  // 65536 / (16 * 1 * 48) = 85.33 rows.
  CHECK_THROWS_WITH(loom({{"columns", "48"}}), Catch::Contains("not an integer >= 1"));
  CHECK_THROWS_WITH(loom({{"columns", "4096"}, {"k", "4"}}, Baseline{8, 1, 1}),
                    Catch::Contains("not an integer >= 1"));  // 0.0625 rows
  CHECK_THROWS_WITH(loom({{"group", "32"}}), Catch::Contains("16"));
  CHECK_THROWS_WITH(loom({{"precision", "dyn"}}), Catch::Contains("static, dynamic"));
  CHECK_THROWS_AS(loom({{"dynamic_weights", "maybe"}}), apack::Error);
  CHECK_NOTHROW(loom({{"columns", "48"}, {"rows", "3"}}));
}

TEST_CASE("loom functional: fast model equals the literal bit-serial reference", "[loom]") {
  struct Case {
    OwnedLayer o;
    int a_bits;
    bool a_signed;
    int pa, pw;
    bool fits;  // every value fits Pa / Pw bits
  };
  std::vector<Case> cases;
  // Values that fit their precisions...
  cases.push_back({make_conv(6, 7, 20, 9, 3, 1, 1, 1, 0, 31, -16, 15, 3), 8, false, 5, 5, true});
  cases.push_back({make_conv(7, 7, 8, 8, 3, 2, 1, 8, -8, 7, -8, 7, 4), 8, true, 4, 4, true});
  cases.push_back(
      {make_conv(5, 5, 12, 6, 2, 1, 0, 3, -100, 100, -128, 127, 5), 8, true, 8, 8, true});
  cases.push_back({make_fc(70, 11, 0, 255, -30, 30, 6), 8, false, 8, 6, true});
  // ...and values that do not: both models see the low Pa / Pw bits.
  cases.push_back(
      {make_conv(5, 6, 18, 5, 3, 1, 1, 1, -128, 127, -128, 127, 7), 8, true, 5, 6, false});
  cases.push_back({make_fc(40, 7, 0, 255, -128, 127, 8), 8, false, 3, 4, false});
  // Mostly small activations with a few large ones, so dynamic steps vary.
  cases.push_back({make_conv(6, 6, 16, 5, 3, 1, 1, 1, 0, 3, -50, 50, 9), 16, false, 12, 8, true});
  cases.back().o.acts[100] = 3000;
  // Grouped with 32 channels per group, depthwise 5x5 (25 cells = 2 bricks) with two filters
  // per channel, and a dilated 3x3: the other layouts of the dynamic-precision scan.
  cases.push_back({make_conv(5, 5, 64, 8, 3, 1, 1, 2, 0, 1, -9, 9, 10), 8, false, 4, 5, true});
  cases.back().o.acts[7] = 13;
  cases.push_back({make_conv(6, 6, 4, 8, 5, 1, 2, 4, -3, 3, -9, 9, 11), 8, true, 3, 5, true});
  cases.back().o.acts[50] = 1;
  cases.push_back({make_conv(9, 9, 16, 4, 3, 1, 2, 1, 0, 1, -9, 9, 12), 8, false, 7, 5, true});
  cases.back().o.acts[90] = 100;
  cases.back().o.work.dilation_h = cases.back().o.work.dilation_w = 2;
  cases.back().o.work.Oy = cases.back().o.work.Ox = 9;  // (9 + 2*2 - 5) / 1 + 1
  for (auto& c : cases) {
    LayerWork& l = c.o.work;
    set_precisions(l, c.a_bits, c.a_signed, c.pa, 8, c.pw);
    // Exact sums of the operands truncated to Pa / Pw bits, computed here independently.
    OwnedLayer t = c.o;
    auto wrap = [](int32_t v, int p, bool sgn) {
      const int64_t m = int64_t(1) << p;
      int64_t x = ((int64_t(v) % m) + m) % m;
      if (sgn && x >= m / 2) x -= m;
      return int32_t(x);
    };
    for (auto& v : t.acts) v = wrap(v, c.pa, c.a_signed);
    for (auto& v : t.weights) v = wrap(v, c.pw, true);
    t.work.activations = t.acts.data();
    t.work.weights = t.weights.data();
    const auto exact_truncated = direct_sums(t.work);
    const auto exact = direct_sums(l);
    const bool fits = exact_truncated == exact;
    for (int k : {1, 2, 4})
      for (bool dyn : {false, true})
        for (bool dynw : {false, true}) {
          detail::LoomConfig cfg;
          cfg.k = k;
          cfg.columns = 4;
          cfg.rows = 3;
          cfg.dynamic_act = dyn;
          cfg.dynamic_weights = dynw;
          auto e = loom({{"k", std::to_string(k)},
                         {"columns", "4"},
                         {"rows", "3"},
                         {"precision", dyn ? "dynamic" : "static"},
                         {"dynamic_weights", dynw ? "true" : "false"}});
          const LayerResult r = e->run(l);
          const detail::LoomReference ref = detail::loom_reference(l, cfg);
          INFO("layer C=" << l.C << " F=" << l.F << " g=" << l.groups << " k=" << k
                          << " dyn=" << dyn << " dynw=" << dynw);
          REQUIRE(r.outputs == ref.outputs);
          REQUIRE(r.outputs == exact_truncated);
          if (!l.fully_connected) REQUIRE(r.compute_cycles == ref.step_cycles);
        }
    // The truncating cases really truncate (the exact sums differ), the others do not.
    CHECK(fits == c.fits);
  }
}

TEST_CASE("loom events: buffers, accumulators and off-chip bits", "[loom]") {
  // 4 x 4 x 32 -> 6 filters 1x1: 16 windows (one column block), 2 bricks, rows 4: 2 row blocks.
  auto o = make_conv(4, 4, 32, 6, 1, 1, 0, 1, 0, 0, -3, 3);
  set_precisions(o.work, 8, false, 8, 8, 3);
  o.work.out = {8, false, 6};
  // Pixel 0: channels 0..15 hold 7 (3 bits), channel 16 holds 1 (1 bit); the rest zero.
  for (int c = 0; c < 16; ++c) o.acts[size_t(c)] = 7;
  o.acts[16] = 1;
  auto e = loom({{"columns", "16"}, {"rows", "4"}});
  const LayerResult r = e->run(o.work);
  CHECK(r.outputs == direct_sums(o.work));
  // Steps: 1 column block x 2 row blocks x 2 bricks; brick 0 at 3 bits, brick 1 at 1 bit.
  CHECK(r.compute_cycles == 2 * (3 + 1) * 3);
  // Activations: every step reads its 16 windows x 16 products at the step's precision.
  CHECK(r.events.get("abuf.read_bits") == 2 * (16 * 16 * 3 + 16 * 16 * 1));
  // Weights: each step reads its filters' bricks at Pw; one column block.
  CHECK(r.events.get("wbuf.read_bits") == 6 * 32 * 3);
  CHECK(r.events.get("acc.updates") == 16 * 6 * 2);
  CHECK(r.events.get("obuf.write_bits") == 16 * 6 * 8);
  // Off chip: groups of 16 channels: one at 3 bits, one at 1 bit, 30 at 0 bits, 4-bit headers.
  CHECK(r.act_in_bits == 16 * 3 + 16 * 1 + 32 * 4);
  CHECK(r.weight_bits == 6 * 32 * 3);
  CHECK(r.act_out_bits == 16 * 6 * 6);
  // Group of 256: the 512 values form 2 groups; the first holds 7 -> 3 bits, the second zero.
  const LayerResult r256 = loom({{"columns", "16"}, {"rows", "4"}, {"group", "256"}})->run(o.work);
  CHECK(r256.act_in_bits == 256 * 3 + 0 + 2 * 4);
  CHECK(r256.compute_cycles == r.compute_cycles);
}
