// Tiling must not change a layer's results: for many shapes and budgets, running the bit-parallel
// engine tile by tile (each tile built from only the values the DMA would bring) and scattering
// the outputs gives exactly the whole layer's outputs. Every plan is also checked against the
// rules of docs/mapping.md: budgets, coverage, ranges, the chosen block sizes and loop order,
// and the values read.
#include <catch2/catch.hpp>
#include <limits>
#include <memory>

#include "apack/engines/engine.hpp"
#include "apack/mapping/tiling.hpp"
#include "mapping_test_util.hpp"

using namespace apack;
using namespace apack::mapping;
using engines::LayerWork;
using mapping_test::bytes_of;
using mapping_test::Shape;
using mapping_test::touched_rows;

namespace {

int64_t filter_unit(const LayerWork& l) { return l.groups == 1 ? 1 : l.F / l.groups; }

// Input rows (at least one) a band reads, counted tap by tap.
int64_t band_rows(const LayerWork& l, int64_t oy0, int64_t oy1) {
  const auto t = touched_rows(l, oy0, oy1);
  return std::max<int64_t>(1, t.end - t.first);
}

// The filter block and row band the rules ask for, found by trying every size from the largest.
int64_t expected_filters(const LayerWork& l, const BufferBudget& b) {
  const int64_t unit = filter_unit(l);
  for (int64_t n = l.F; n >= unit; n -= unit)
    if (bytes_of(n * l.reduction(), l.weight.bits) <= b.weight_bytes &&
        bytes_of(l.Ox * n, l.out.bits) <= b.output_bytes)
      return n;
  return 0;
}
int64_t expected_rows(const LayerWork& l, const BufferBudget& b, int64_t fb) {
  for (int64_t r = l.Oy; r >= 1; --r) {
    bool fits = bytes_of(r * l.Ox * fb, l.out.bits) <= b.output_bytes;
    for (int64_t oy0 = 0; fits && oy0 < l.Oy; oy0 += r)
      fits = bytes_of(band_rows(l, oy0, std::min(l.Oy, oy0 + r)) * l.W * l.C, l.act.bits) <=
             b.activation_bytes;
    if (fits) return r;
  }
  return 0;
}

// Values read in a given tile order, fetching an operand whenever it differs from the previous
// tile's.
std::pair<uint64_t, uint64_t> reads(const LayerWork& l, const std::vector<Tile>& tiles) {
  uint64_t w = 0, a = 0;
  for (size_t i = 0; i < tiles.size(); ++i) {
    const Tile& t = tiles[i];
    if (i == 0 || tiles[i - 1].f0 != t.f0 || tiles[i - 1].f1 != t.f1)
      w += uint64_t((t.f1 - t.f0) * l.Kh * l.Kw * (l.C / l.groups));
    if (i == 0 || tiles[i - 1].iy0 != t.iy0 || tiles[i - 1].iy1 != t.iy1)
      a += uint64_t((t.iy1 - t.iy0) * l.W * l.C);
  }
  return {w, a};
}

void check_plan(const LayerWork& l, const BufferBudget& b, const LayerPlan& p) {
  const int64_t R = l.Cg() * l.Kh * l.Kw, unit = filter_unit(l);
  const int64_t fb = expected_filters(l, b);
  REQUIRE(p.filters_per_tile == fb);
  REQUIRE(p.rows_per_tile == expected_rows(l, b, fb));
  REQUIRE(p.filter_blocks == (l.F + fb - 1) / fb);
  REQUIRE(p.row_blocks == (l.Oy + p.rows_per_tile - 1) / p.rows_per_tile);
  REQUIRE(int64_t(p.tiles.size()) == p.filter_blocks * p.row_blocks);

  std::vector<int> covered(size_t(l.Oy * l.F), 0);
  for (size_t i = 0; i < p.tiles.size(); ++i) {
    const Tile& t = p.tiles[i];
    CAPTURE(i, t.f0, t.f1, t.g0, t.g1, t.oy0, t.oy1, t.iy0, t.iy1);
    REQUIRE(0 <= t.f0);
    REQUIRE(t.f0 < t.f1);
    REQUIRE(t.f1 <= l.F);
    REQUIRE(0 <= t.oy0);
    REQUIRE(t.oy0 < t.oy1);
    REQUIRE(t.oy1 <= l.Oy);
    // Group-aligned filters.
    REQUIRE(t.f0 % unit == 0);
    REQUIRE(t.f1 % unit == 0);
    if (l.groups == 1) {
      REQUIRE((t.g0 == 0 && t.g1 == 1));
    } else {
      REQUIRE(t.g0 == t.f0 / unit);
      REQUIRE(t.g1 == t.f1 / unit);
    }
    // Exactly the input rows the windows touch.
    const auto touched = touched_rows(l, t.oy0, t.oy1);
    REQUIRE(touched.end > touched.first);  // none of these shapes has windows wholly in padding
    REQUIRE(t.iy0 == touched.first);
    REQUIRE(t.iy1 == touched.end);
    // Budgets, in storage bytes rounded up per range.
    REQUIRE(bytes_of((t.f1 - t.f0) * R, l.weight.bits) <= b.weight_bytes);
    REQUIRE(bytes_of((t.iy1 - t.iy0) * l.W * l.C, l.act.bits) <= b.activation_bytes);
    REQUIRE(bytes_of((t.oy1 - t.oy0) * l.Ox * (t.f1 - t.f0), l.out.bits) <= b.output_bytes);
    // Ranges in the full tensors.
    const ValueRange wr = weight_range(l, t), ar = activation_range(l, t),
                     orr = output_rows_range(l, t);
    REQUIRE(wr.first == uint64_t(t.f0 * R));
    REQUIRE(wr.count == uint64_t((t.f1 - t.f0) * R));
    REQUIRE(wr.first + wr.count <= uint64_t(l.F * R));
    REQUIRE(ar.first == uint64_t(t.iy0 * l.W * l.C));
    REQUIRE(ar.count == uint64_t((t.iy1 - t.iy0) * l.W * l.C));
    REQUIRE(ar.first + ar.count <= uint64_t(l.H * l.W * l.C));
    REQUIRE(orr.first == uint64_t(t.oy0 * l.Ox * l.F));
    REQUIRE(orr.count == uint64_t((t.oy1 - t.oy0) * l.Ox * l.F));
    REQUIRE(orr.first + orr.count <= uint64_t(l.outputs()));
    for (int64_t oy = t.oy0; oy < t.oy1; ++oy)
      for (int64_t f = t.f0; f < t.f1; ++f) ++covered[size_t(oy * l.F + f)];
    // Loop order.
    if (i > 0) {
      const Tile& q = p.tiles[i - 1];
      if (p.filters_outer)
        REQUIRE((q.f0 < t.f0 || (q.f0 == t.f0 && q.oy0 < t.oy0)));
      else
        REQUIRE((q.oy0 < t.oy0 || (q.oy0 == t.oy0 && q.f0 < t.f0)));
    }
  }
  REQUIRE(std::all_of(covered.begin(), covered.end(), [](int c) { return c == 1; }));

  // Totals: this order counted directly; the other order may not move fewer values.
  const auto mine = reads(l, p.tiles);
  REQUIRE(p.weight_values_read == mine.first);
  REQUIRE(p.activation_values_read == mine.second);
  std::vector<Tile> swapped = p.tiles;
  std::sort(swapped.begin(), swapped.end(), [&](const Tile& a, const Tile& c) {
    return p.filters_outer ? std::make_pair(a.oy0, a.f0) < std::make_pair(c.oy0, c.f0)
                           : std::make_pair(a.f0, a.oy0) < std::make_pair(c.f0, c.oy0);
  });
  const auto other = reads(l, swapped);
  const uint64_t total = mine.first + mine.second, other_total = other.first + other.second;
  if (p.filters_outer)
    REQUIRE(total <= other_total);
  else
    REQUIRE(total < other_total);
  // Filters outside: every weight read once, the activations once per filter block (once in
  // all when there is one band). Bands that read the same rows as the one before them (a kernel
  // taller than the input) stay on chip, so the closed form holds when neighbours differ.
  if (p.filters_outer) {
    REQUIRE(p.weight_values_read == uint64_t(l.F * R));
    uint64_t bands = 0;
    bool neighbours_differ = true;
    mapping_test::Touched prev;
    for (int64_t oy0 = 0; oy0 < l.Oy; oy0 += p.rows_per_tile) {
      const auto t = touched_rows(l, oy0, std::min(l.Oy, oy0 + p.rows_per_tile));
      if (oy0 > 0 && t.first == prev.first && t.end == prev.end) neighbours_differ = false;
      bands += uint64_t((t.end - t.first) * l.W * l.C);
      prev = t;
    }
    if (neighbours_differ)
      REQUIRE(p.activation_values_read == bands * uint64_t(p.row_blocks > 1 ? p.filter_blocks : 1));
  }
}

// Runs the layer tile by tile, each tile from its own copy of exactly the values its ranges
// name, and returns the scattered outputs.
std::vector<int64_t> run_tiled(const engines::Engine& engine, const LayerWork& l,
                               const LayerPlan& p) {
  std::vector<int64_t> out(size_t(l.outputs()), std::numeric_limits<int64_t>::min());
  for (const Tile& t : p.tiles) {
    const ValueRange ar = activation_range(l, t), wr = weight_range(l, t);
    const std::vector<int32_t> rows(l.activations + ar.first, l.activations + ar.first + ar.count);
    const std::vector<int32_t> w(l.weights + wr.first, l.weights + wr.first + wr.count);
    std::vector<int32_t> storage;
    const LayerWork tw = tile_work(l, t, rows.data(), w.data(), storage);
    REQUIRE(tw.H == t.iy1 - t.iy0);
    REQUIRE(tw.F == t.f1 - t.f0);
    REQUIRE(tw.Oy == t.oy1 - t.oy0);
    REQUIRE(tw.Ox == l.Ox);
    REQUIRE(tw.W == l.W);
    REQUIRE(tw.pad_left == l.pad_left);
    const engines::LayerResult r = engine.run(tw);
    scatter_outputs(l, t, r.outputs, out);
  }
  return out;
}

std::vector<Shape> shapes() {
  std::vector<Shape> s;
  //        name            H   W   C   F   Kh Kw
  s.push_back({"conv3x3_s1", 9, 7, 8, 12, 3, 3});
  s.back().pad_top = s.back().pad_left = s.back().pad_bottom = s.back().pad_right = 1;
  s.push_back({"conv3x3_s2", 11, 10, 6, 10, 3, 3});
  s.back().stride_h = s.back().stride_w = 2;
  s.back().pad_top = s.back().pad_left = 1;  // TF "same" on even sizes: no bottom/right pad
  s.back().act_bits = 6, s.back().weight_bits = 5, s.back().out_bits = 16;
  s.push_back({"pointwise", 5, 6, 16, 20, 1, 1});
  s.back().out_bits = 12;
  s.push_back({"depthwise_m1", 8, 6, 8, 8, 3, 3, 8});
  s.back().pad_top = s.back().pad_left = s.back().pad_bottom = s.back().pad_right = 1;
  s.push_back({"depthwise_m2", 9, 7, 6, 12, 3, 3, 6});
  s.back().stride_h = s.back().stride_w = 2;
  s.back().pad_top = s.back().pad_left = s.back().pad_bottom = s.back().pad_right = 1;
  s.back().act_bits = 7;
  s.push_back({"grouped_g2", 7, 7, 8, 6, 3, 3, 2});
  s.back().pad_top = s.back().pad_left = s.back().pad_bottom = s.back().pad_right = 1;
  s.push_back({"dilated_d2", 10, 9, 4, 5, 3, 3});
  s.back().dilation = 2;
  s.back().pad_top = s.back().pad_left = s.back().pad_bottom = s.back().pad_right = 2;
  s.push_back({"fc", 1, 1, 50, 30, 1, 1});
  s.back().fc = true;
  s.back().weight_bits = 3, s.back().out_bits = 16;
  s.push_back({"odd", 13, 5, 3, 7, 3, 2});
  s.back().stride_h = 2;
  s.back().pad_bottom = 1;
  s.back().act_bits = 5, s.back().out_bits = 9;
  s.push_back({"kernel7_s2", 12, 8, 3, 4, 7, 7});
  s.back().stride_h = s.back().stride_w = 2;
  s.back().pad_top = s.back().pad_left = s.back().pad_bottom = s.back().pad_right = 3;
  s.push_back({"kernel5_taller_than_input", 3, 4, 2, 3, 5, 5});
  s.back().pad_top = s.back().pad_left = s.back().pad_bottom = s.back().pad_right = 2;
  s.push_back({"asym_no_top_pad", 6, 6, 5, 9, 3, 3});
  s.back().pad_bottom = 2, s.back().pad_right = 2;
  return s;
}

std::vector<BufferBudget> budgets(const LayerWork& l, std::mt19937& rng) {
  const int64_t R = l.reduction(), unit = filter_unit(l);
  int64_t min_act = 0;
  for (int64_t oy = 0; oy < l.Oy; ++oy)
    min_act = std::max(min_act, bytes_of(band_rows(l, oy, oy + 1) * l.W * l.C, l.act.bits));
  const BufferBudget minimal{bytes_of(unit * R, l.weight.bits), min_act,
                             bytes_of(l.Ox * unit, l.out.bits)};
  const BufferBudget whole{bytes_of(l.F * R, l.weight.bits), bytes_of(l.H * l.W * l.C, l.act.bits),
                           bytes_of(l.outputs(), l.out.bits)};
  const int64_t huge = int64_t(1) << 40;
  std::vector<BufferBudget> b{minimal, {huge, huge, huge}, whole};
  // Filter blocks with every row; rows limited with every filter.
  b.push_back({std::max(minimal.weight_bytes, whole.weight_bytes / 3), huge, huge});
  b.push_back({huge, 2 * minimal.activation_bytes, huge});
  b.push_back({huge, huge, std::max(minimal.output_bytes, whole.output_bytes / 4)});
  b.push_back({minimal.weight_bytes, huge, minimal.output_bytes});
  for (int i = 0; i < 4; ++i) {
    auto pick = [&](int64_t lo, int64_t hi) {
      return std::uniform_int_distribution<int64_t>(lo, std::max(lo, hi))(rng);
    };
    b.push_back({pick(minimal.weight_bytes, whole.weight_bytes),
                 pick(minimal.activation_bytes, whole.activation_bytes),
                 pick(minimal.output_bytes, whole.output_bytes)});
  }
  return b;
}

}  // namespace

TEST_CASE("tiles run on bit-parallel reproduce the whole layer", "[mapping]") {
  const auto engine = engines::make_engine(engines::EngineSpec{"bit-parallel", {}}, {});
  std::mt19937 rng(20261129);
  int tiled_runs = 0;
  for (const Shape& s : shapes()) {
    LayerWork l = mapping_test::make_layer(s);
    const auto acts = mapping_test::random_values(l.H * l.W * l.C, l.act.bits, rng);
    const auto weights = mapping_test::random_values(l.F * l.reduction(), l.weight.bits, rng);
    l.activations = acts.data();
    l.weights = weights.data();
    const std::vector<int64_t> whole = engine->run(l).outputs;
    REQUIRE(int64_t(whole.size()) == l.outputs());
    const auto bs = budgets(l, rng);
    for (size_t i = 0; i < bs.size(); ++i) {
      const BufferBudget& b = bs[i];
      CAPTURE(s.name, i, b.weight_bytes, b.activation_bytes, b.output_bytes);
      const LayerPlan p = plan_layer(l, b);
      CAPTURE(p.filters_per_tile, p.rows_per_tile, p.filters_outer);
      check_plan(l, b, p);
      if (i == 0) {
        // The smallest budgets force one group's filters and one output row per tile.
        REQUIRE(p.filters_per_tile == filter_unit(l));
        REQUIRE(p.rows_per_tile == 1);
      }
      if (i == 1 || i == 2) REQUIRE(p.tiles.size() == 1);
      REQUIRE(run_tiled(*engine, l, p) == whole);
      ++tiled_runs;
    }
  }
  REQUIRE(tiled_runs == 12 * 11);
}

TEST_CASE("a layer with windows wholly in the padding runs as one tile, and not in bands",
          "[mapping]") {
  // Pads of 3 around a 3-row kernel: the first and last three output rows read only zeros.
  Shape s{"padded_out", 4, 5, 3, 4, 3, 3};
  s.pad_top = s.pad_bottom = 3;
  s.pad_left = s.pad_right = 1;
  LayerWork l = mapping_test::make_layer(s);
  REQUIRE(l.Oy == 8);
  std::mt19937 rng(7);
  const auto acts = mapping_test::random_values(l.H * l.W * l.C, 8, rng);
  const auto weights = mapping_test::random_values(l.F * l.reduction(), 8, rng);
  l.activations = acts.data();
  l.weights = weights.data();
  const auto engine = engines::make_engine(engines::EngineSpec{"bit-parallel", {}}, {});
  const LayerPlan one = plan_layer(l, {1 << 20, 1 << 20, 1 << 20});
  REQUIRE(one.tiles.size() == 1);
  REQUIRE(run_tiled(*engine, l, one) == engine->run(l).outputs);
  // Output budget of two rows: bands are needed and cannot be expressed.
  REQUIRE_THROWS_WITH(
      plan_layer(l, {1 << 20, 1 << 20, 2 * l.Ox * l.F}),
      Catch::Contains("layer 'padded_out'") && Catch::Contains("wholly in the padding"));
}
