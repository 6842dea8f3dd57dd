// The engines' shared core: layer checks, the brick mapping, precisions, the functional model,
// parameter parsing, and the two dense engines (bit-parallel, tensor-core).
#include <catch2/catch.hpp>

#include "apack/engines/engine.hpp"
#include "apack/engines/functional.hpp"
#include "apack/engines/mapping.hpp"
#include "apack/engines/precision.hpp"
#include "apack/error.hpp"
#include "engine_test_util.hpp"

using namespace apack::engines;
using apack::engines::test::direct_sums;
using apack::engines::test::make_conv;
using apack::engines::test::make_fc;

TEST_CASE("bits_needed is the smallest two's complement or unsigned width", "[engines][core]") {
  for (int64_t v = -40000; v <= 70000; ++v) {
    // Independently: the smallest p whose two's complement range [-2^(p-1), 2^(p-1)) holds v.
    int p = 0;
    if (v != 0)
      for (p = 1; !(v >= -(int64_t(1) << (p - 1)) && v < (int64_t(1) << (p - 1))); ++p) {
      }
    REQUIRE(bits_needed(v, true) == p);
    if (v >= 0) {
      int u = 0;
      while ((v >> u) != 0) ++u;
      REQUIRE(bits_needed(v, false) == u);
    }
  }
  CHECK(bits_needed(-128, true) == 8);
  CHECK(bits_needed(127, true) == 8);
  CHECK(bits_needed(128, true) == 9);
  CHECK(bits_needed(255, false) == 8);
  CHECK(bits_needed(-1, false) == 64);
}

TEST_CASE("dynamic precision: leading one of the OR, a sign bit, a cap", "[engines][core]") {
  CHECK(dynamic_precision(0, true, 8) == 0);
  CHECK(dynamic_precision(1, false, 8) == 1);
  CHECK(dynamic_precision(1, true, 8) == 2);
  CHECK(dynamic_precision(0x50, false, 8) == 7);
  CHECK(dynamic_precision(128, true, 8) == 8);  // -128 in int8: 9 by the rule, capped at 8
  CHECK(dynamic_precision(0xFF, false, 5) == 5);
}

TEST_CASE("truncate_to keeps the low bits as the datapath reads them", "[engines][core]") {
  CHECK(truncate_to(5, 8, true) == 5);
  CHECK(truncate_to(-5, 8, true) == -5);
  CHECK(truncate_to(200, 8, true) == 200 - 256);
  CHECK(truncate_to(200, 8, false) == 200);
  CHECK(truncate_to(300, 8, false) == 300 - 256);
  CHECK(truncate_to(7, 3, true) == -1);
  CHECK(truncate_to(-4, 3, true) == -4);
  CHECK(truncate_to(-5, 3, true) == 3);
}

TEST_CASE("mapping: bricks of 16 products, channels fastest then kernel position",
          "[engines][core]") {
  auto o = make_conv(5, 5, 3, 4, 3, 1, 1, 1, 0, 9, -3, 3);
  const Mapping m(o.work);
  CHECK(m.R == 27);
  CHECK(m.bricks == 2);
  CHECK(m.padded == 32);
  std::vector<int32_t> col(32, -1);
  gather_window(o.work, m, 0, 0, 0, col.data());
  // Window (0,0) with padding 1: kernel row 0 and column 0 fall outside.
  for (int k = 0; k < 3 * 3; ++k) {
    const int ky = k / 3, kx = k % 3;
    for (int c = 0; c < 3; ++c) {
      const int iy = ky - 1, ix = kx - 1;
      const int32_t expect = iy < 0 || ix < 0 ? 0 : o.acts[size_t((iy * 5 + ix) * 3 + c)];
      REQUIRE(col[size_t(k * 3 + c)] == expect);
    }
  }
  for (int i = 27; i < 32; ++i) REQUIRE(col[size_t(i)] == 0);
  // A 3x3 depthwise layer: one brick of 9 products per output.
  auto dw = make_conv(6, 6, 8, 8, 3, 1, 1, 8, 0, 9, -3, 3);
  const Mapping md(dw.work);
  CHECK(md.R == 9);
  CHECK(md.bricks == 1);
  CHECK(steps(dw.work, md, 16, 8) == 8 * ((36 + 15) / 16) * 1 * 1);
}

TEST_CASE("layer_sums equals the definition on plain, strided, grouped and FC layers",
          "[engines][core]") {
  std::vector<apack::engines::test::OwnedLayer> layers;
  layers.push_back(make_conv(7, 6, 5, 3, 3, 1, 1, 1, 0, 255, -127, 127));
  layers.push_back(make_conv(9, 9, 16, 32, 3, 2, 1, 1, -127, 127, -127, 127, 2));
  layers.push_back(make_conv(8, 8, 12, 24, 3, 1, 0, 4, 0, 255, -127, 127, 3));
  layers.push_back(make_conv(8, 8, 12, 12, 3, 2, 1, 12, 0, 255, -127, 127, 4));
  layers.push_back(make_fc(300, 10, -127, 127, -127, 127, 5));
  // Wide values take the 64-bit path.
  layers.push_back(make_conv(4, 4, 20, 5, 1, 1, 0, 1, -32768, 32767, -32768, 32767, 6));
  for (auto& o : layers) {
    check_layer(o.work);
    REQUIRE(layer_sums(o.work, o.acts.data(), o.weights.data()) == direct_sums(o.work));
  }
}

TEST_CASE("check_layer names the layer and the problem", "[engines][core]") {
  auto o = make_conv(5, 5, 6, 4, 3, 1, 1, 1, 0, 9, -3, 3);
  o.work.groups = 4;
  CHECK_THROWS_WITH(check_layer(o.work), Catch::Contains("layer 'test'") &&
                                             Catch::Contains("groups (4) must divide C (6)"));
  o.work.groups = 1;
  o.work.act.precision = 9;
  CHECK_THROWS_WITH(check_layer(o.work), Catch::Contains("activation precision 9"));
  o.work.act.precision = 8;
  o.work.Oy = 40;
  CHECK_THROWS_WITH(check_layer(o.work), Catch::Contains("output size"));
}

TEST_CASE("engine specs and parameters", "[engines][core]") {
  const EngineSpec s = EngineSpec::parse("loom:k=2:columns=16");
  CHECK(s.name == "loom");
  CHECK(s.params.at("k") == "2");
  CHECK(s.str() == "loom:columns=16:k=2");
  CHECK_THROWS_WITH(EngineSpec::parse("loom:k"), Catch::Contains("not key=value"));
  CHECK_THROWS_WITH(EngineSpec::parse("loom:k=1:k=2"), Catch::Contains("given twice"));
  CHECK_THROWS_WITH(make_engine(EngineSpec::parse("systolic"), Baseline{}),
                    Catch::Contains("unknown engine 'systolic'"));
  CHECK_THROWS_WITH(make_engine(EngineSpec::parse("bit-parallel:tiels=2"), Baseline{}),
                    Catch::Contains("unknown parameter(s) tiels") && Catch::Contains("tiles"));
  CHECK_THROWS_WITH(make_engine(EngineSpec::parse("bit-parallel:width=12"), Baseline{}),
                    Catch::Contains("width must be 8 or 16"));
  CHECK_THROWS_WITH(make_engine(EngineSpec::parse("bit-parallel:rows=x"), Baseline{}),
                    Catch::Contains("rows=x is not an integer"));
}

TEST_CASE("bit-parallel: closed-form cycles, events and exact outputs", "[engines][bit-parallel]") {
  const Baseline base;  // 4 tiles x 16 rows x 16 lanes of 8-bit MACs
  auto e = make_engine(EngineSpec::parse("bit-parallel"), base);
  CHECK(e->info().peak_bit_products == 1024.0 * 64);
  SECTION("plain conv") {
    auto o = make_conv(10, 10, 32, 100, 3, 1, 1, 1, 0, 255, -127, 127);
    const LayerResult r = e->run(o.work);
    // R = 288 -> 18 bricks; 100 filters over 64 -> 2 passes; 100 windows.
    CHECK(r.compute_cycles == 100 * 18 * 2);
    CHECK(r.cycles == r.compute_cycles);
    CHECK(r.events.get("mac8.active") == double(100 * 100 * 288));
    CHECK(r.events.get("mac8.active") + r.events.get("mac8.idle") == double(3600 * 1024));
    CHECK(r.weight_bits == 100 * 288 * 8);
    CHECK(r.act_in_bits == 10 * 10 * 32 * 8);
    CHECK(r.outputs == direct_sums(o.work));
  }
  SECTION("depthwise runs group after group") {
    auto o = make_conv(8, 8, 16, 16, 3, 1, 1, 16, 0, 255, -127, 127);
    CHECK(e->run(o.work).compute_cycles == 16 * 64 * 1 * 1);
  }
  SECTION("fully connected, bound by the weight interface when given") {
    auto o = make_fc(1000, 200, 0, 255, -127, 127);
    CHECK(e->run(o.work).compute_cycles == 63 * 4);
    auto narrow = make_engine(EngineSpec::parse("bit-parallel:weight_if=256"), base);
    const LayerResult r = narrow->run(o.work);
    // Every weight brick crosses the interface once: 200 filters x 63 bricks x 16 x 8 bits.
    CHECK(r.bandwidth_cycles == 200 * 63 * 16 * 8 / 256);
    CHECK(r.cycles == r.bandwidth_cycles);
  }
  SECTION("16-bit data need width=16") {
    auto o = make_conv(4, 4, 16, 4, 1, 1, 0, 1, 0, 255, -127, 127);
    o.work.weight = {16, true, 16};
    CHECK_THROWS_WITH(e->run(o.work), Catch::Contains("16-bit data on the 8-bit"));
  }
}

TEST_CASE("tensor-core: im2col tiles over units, exact outputs", "[engines][tensor-core]") {
  auto e = make_engine(EngineSpec::parse("tensor-core"), Baseline{});
  CHECK(e->info().peak_bit_products == 1024.0 * 64);  // 16 units of 4x4x4
  auto o = make_conv(9, 9, 10, 6, 3, 2, 0, 1, 0, 255, -127, 127);
  const LayerResult r = e->run(o.work);
  // 16 windows, 6 filters, R = 90: ceil(16/4) * ceil(6/4) * ceil(90/4) = 4 * 2 * 23 tile ops.
  CHECK(r.compute_cycles == (4 * 2 * 23 + 15) / 16);
  CHECK(r.events.get("acc.updates") == 4 * 2 * 23 * 16);
  CHECK(r.outputs == direct_sums(o.work));
  auto two = make_engine(EngineSpec::parse("tensor-core:units=2:m=8:n=8:k=8"), Baseline{});
  CHECK(two->run(o.work).compute_cycles == (2 * 1 * 12 + 1) / 2);
}
