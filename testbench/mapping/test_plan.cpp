// Plans worked out by hand (the examples of docs/mapping.md) and the errors of impossible
// budgets.
#include <catch2/catch.hpp>

#include "apack/error.hpp"
#include "apack/mapping/tiling.hpp"
#include "mapping_test_util.hpp"

using namespace apack;
using namespace apack::mapping;
using engines::LayerWork;
using mapping_test::Shape;

namespace {
LayerWork conv(const std::string& name, int64_t H, int64_t W, int64_t C, int64_t F, int64_t k,
               int64_t groups = 1) {
  Shape s{name, H, W, C, F, k, k, groups};
  s.pad_top = s.pad_left = s.pad_bottom = s.pad_right = k / 2;
  return mapping_test::make_layer(s);
}
}  // namespace

TEST_CASE("storage bytes round each range up to whole bytes", "[mapping]") {
  CHECK(storage_bytes(0, 8) == 0);
  CHECK(storage_bytes(10, 8) == 10);
  CHECK(storage_bytes(3, 5) == 2);  // 15 bits
  CHECK(storage_bytes(8, 5) == 5);  // 40 bits
  CHECK(storage_bytes(9, 5) == 6);  // 45 bits
  CHECK(storage_bytes(1, 1) == 1);
  CHECK_THROWS_AS(storage_bytes(-1, 8), Error);
  CHECK_THROWS_AS(storage_bytes(4, 0), Error);
}

TEST_CASE("worked example: filters outside", "[mapping]") {
  // 8x8x16 input, 32 filters 3x3 pad 1, 8 bits: R = 144, weights 4608 bytes, one input row
  // 128 bytes. Weights 2304 B -> 16 filters; activations 512 B -> 4 input rows -> 2 output rows
  // (a middle band of 2 rows reads 4 rows).
  const LayerWork l = conv("example", 8, 8, 16, 32, 3);
  const LayerPlan p = plan_layer(l, {2304, 512, 1024});
  REQUIRE(p.filters_per_tile == 16);
  REQUIRE(p.rows_per_tile == 2);
  REQUIRE(p.filter_blocks == 2);
  REQUIRE(p.row_blocks == 4);
  REQUIRE(p.filters_outer);
  REQUIRE(p.tiles.size() == 8);
  // Bands read rows 0..3, 1..5, 3..7, 5..8: 3 + 4 + 4 + 3 = 14 rows of 128 values.
  const int64_t bands[4][2] = {{0, 3}, {1, 5}, {3, 7}, {5, 8}};
  for (int b = 0; b < 4; ++b) {
    REQUIRE(p.tiles[size_t(b)].iy0 == bands[b][0]);
    REQUIRE(p.tiles[size_t(b)].iy1 == bands[b][1]);
    REQUIRE(p.tiles[size_t(b)].f0 == 0);
    REQUIRE(p.tiles[size_t(b + 4)].f0 == 16);
  }
  // Filters outside: 4608 weights once + 2 x 1792 activations = 8192 values; rows outside would
  // be 1792 + 4 x 4608 = 20224.
  REQUIRE(p.weight_values_read == 4608);
  REQUIRE(p.activation_values_read == 3584);
}

TEST_CASE("worked example: rows outside when weights are small and activations large",
          "[mapping]") {
  // 32x32x8 input, 64 1x1 filters: weights 512 B, activations 8192 B. Weight budget 64 B -> 8
  // filters (8 blocks); activations 4096 B -> 16 rows (2 bands). Filters outside would move
  // 512 + 8 x 8192 = 66048 values; rows outside 8192 + 2 x 512 = 9216.
  const LayerWork l = conv("pw", 32, 32, 8, 64, 1);
  const LayerPlan p = plan_layer(l, {64, 4096, 4096});
  REQUIRE(p.filters_per_tile == 8);
  REQUIRE(p.rows_per_tile == 16);
  REQUIRE(p.filter_blocks == 8);
  REQUIRE(p.row_blocks == 2);
  REQUIRE_FALSE(p.filters_outer);
  REQUIRE(p.weight_values_read == 1024);
  REQUIRE(p.activation_values_read == 8192);
  REQUIRE(p.tiles[0].oy0 == 0);
  REQUIRE(p.tiles[1].oy0 == 0);
  REQUIRE(p.tiles[1].f0 == 8);
  REQUIRE(p.tiles[8].oy0 == 16);
}

TEST_CASE("the output budget limits both the filter block and the rows", "[mapping]") {
  // All 32 weights fit, but one output row of 32 filters (8 x 32 = 256 B) does not fit 200 B:
  // the block shrinks to 25 filters (200 B per row), then 1 row per band.
  const LayerWork l = conv("outs", 8, 8, 16, 32, 3);
  const LayerPlan p = plan_layer(l, {1 << 20, 1 << 20, 200});
  REQUIRE(p.filters_per_tile == 25);
  REQUIRE(p.filter_blocks == 2);
  REQUIRE(p.rows_per_tile == 1);
  REQUIRE(p.tiles.back().f0 == 25);
  REQUIRE(p.tiles.back().f1 == 32);
}

TEST_CASE("grouped layers take whole groups", "[mapping]") {
  // Depthwise, multiplier 2: 16 channels, 32 filters, groups of 2 filters each 9 weights (18 B).
  // 50 B of weights -> 2 groups (4 filters, 36 B), not 5 filters.
  const LayerWork l = conv("dw", 6, 6, 16, 32, 3, 16);
  const LayerPlan p = plan_layer(l, {50, 1 << 20, 1 << 20});
  REQUIRE(p.filters_per_tile == 4);
  REQUIRE(p.tiles[1].f0 == 4);
  REQUIRE(p.tiles[1].g0 == 2);
  REQUIRE(p.tiles[1].g1 == 4);
  // tile_work takes the tile's channels (those of groups 2 and 3: 2 and 3 of every pixel) out of
  // the whole rows.
  std::vector<int32_t> acts(size_t(l.H * l.W * l.C)), w(size_t(4 * 9), 1), storage;
  for (size_t i = 0; i < acts.size(); ++i) acts[i] = int32_t(i % 1000);
  const Tile& t = p.tiles[1];
  const LayerWork tw = tile_work(l, t, acts.data() + t.iy0 * l.W * l.C, w.data(), storage);
  REQUIRE(tw.C == 2);
  REQUIRE(tw.groups == 2);
  REQUIRE(tw.F == 4);
  REQUIRE(storage.size() == size_t(l.H * l.W * 2));
  REQUIRE(storage[0] == 2);
  REQUIRE(storage[1] == 3);
  REQUIRE(storage[2] == 16 + 2);
}

TEST_CASE("fully connected layers are split into filter blocks only", "[mapping]") {
  Shape s{"fc1", 1, 1, 100, 40, 1, 1};
  s.fc = true;
  const LayerWork l = mapping_test::make_layer(s);
  const LayerPlan p = plan_layer(l, {1000, 100, 1 << 10});
  REQUIRE(p.filters_per_tile == 10);
  REQUIRE(p.tiles.size() == 4);
  REQUIRE(p.rows_per_tile == 1);
  REQUIRE(p.filters_outer);
  REQUIRE(p.weight_values_read == 4000);
  REQUIRE(p.activation_values_read == 100);  // the one input row stays on chip
  REQUIRE_THROWS_WITH(plan_layer(l, {1000, 99, 1 << 10}),
                      Catch::Contains("layer 'fc1'") && Catch::Contains("activation buffer"));
}

TEST_CASE("impossible budgets are errors naming the layer, buffer, need and offer", "[mapping]") {
  const LayerWork l = conv("conv3", 16, 129, 32, 64, 3);
  REQUIRE_THROWS_WITH(
      plan_layer(l, {1 << 20, 8192, 1 << 20}),
      "layer 'conv3': one output row needs 12.1 KiB (12384 bytes) of input rows (3 rows x 129 x "
      "32 channels at 8 bits); the activation buffer gives 8.0 KiB (8192 bytes) per tile (half "
      "of its double-buffered size)");
  REQUIRE_THROWS_WITH(plan_layer(l, {287, 1 << 20, 1 << 20}),
                      "layer 'conv3': one filter needs 288 bytes of weights (288 values = 32 "
                      "channels x 3 x 3 at 8 bits); the weight buffer gives 287 bytes per tile "
                      "(half of its double-buffered size)");
  REQUIRE_THROWS_WITH(plan_layer(l, {1 << 20, 1 << 20, 128}),
                      Catch::StartsWith("layer 'conv3': one output row of one filter needs") &&
                          Catch::Contains("output buffer gives 128 bytes"));
  const LayerWork g = conv("grp", 8, 8, 8, 6, 3, 2);
  REQUIRE_THROWS_WITH(plan_layer(g, {100, 1 << 20, 1 << 20}),
                      Catch::Contains("layer 'grp': one group's 3 filters need 108 bytes"));
  for (int64_t bad : {int64_t(0), int64_t(-5)}) {
    REQUIRE_THROWS_WITH(plan_layer(l, {bad, 1 << 20, 1 << 20}),
                        Catch::Contains("layer 'conv3'") && Catch::Contains("weight buffer"));
    REQUIRE_THROWS_WITH(plan_layer(l, {1 << 20, bad, 1 << 20}),
                        Catch::Contains("layer 'conv3'") && Catch::Contains("activation buffer"));
    REQUIRE_THROWS_WITH(plan_layer(l, {1 << 20, 1 << 20, bad}),
                        Catch::Contains("layer 'conv3'") && Catch::Contains("output buffer"));
  }
  // The threshold itself is feasible.
  REQUIRE(plan_layer(l, {288, 12384, 129}).rows_per_tile == 1);
}

TEST_CASE("bad layers and bad tiles are errors", "[mapping]") {
  LayerWork l = conv("bad", 8, 8, 6, 4, 3);
  l.groups = 4;  // does not divide C = 6
  REQUIRE_THROWS_WITH(plan_layer(l, {1 << 20, 1 << 20, 1 << 20}), Catch::Contains("layer 'bad'"));
  const LayerWork g = conv("grp", 8, 8, 8, 6, 3, 2);
  std::vector<int32_t> acts(size_t(8 * 8 * 8)), w(size_t(6 * 36)), storage;
  Tile t;
  t.f0 = 1, t.f1 = 3, t.g0 = 0, t.g1 = 1, t.oy0 = 0, t.oy1 = 2, t.iy0 = 0, t.iy1 = 3;
  REQUIRE_THROWS_WITH(tile_work(g, t, acts.data(), w.data(), storage),
                      Catch::Contains("layer 'grp'") && Catch::Contains("whole groups"));
  t.f0 = 0, t.iy1 = 2;  // rows 0..2 miss row 2, which output row 1 reads
  REQUIRE_THROWS_WITH(tile_work(g, t, acts.data(), w.data(), storage),
                      Catch::Contains("input rows 0..3"));
  t.iy1 = 3;
  REQUIRE_NOTHROW(tile_work(g, t, acts.data(), w.data(), storage));
  REQUIRE_THROWS_AS(tile_work(g, t, nullptr, w.data(), storage), Error);
  std::vector<int64_t> outs(size_t(g.outputs())), small(5);
  REQUIRE_THROWS_WITH(scatter_outputs(g, t, small, outs), Catch::Contains("layer 'grp'"));
}
