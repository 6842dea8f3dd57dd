// plan_layer: the filter block and row band of a layer's tiles, and their loop order
// (docs/mapping.md).
#include <algorithm>
#include <limits>

#include "apack/error.hpp"
#include "apack/mapping/tiling.hpp"
#include "tile_shape.hpp"

namespace apack::mapping {

using engines::LayerWork;

namespace {

// Values of `bits` bits that fit `bytes` bytes when a range is rounded up to whole bytes:
// ceil(n * bits / 8) <= bytes  <=>  n * bits <= 8 * bytes. Budgets are capped so 8x cannot
// overflow (2^56 bytes is more than any buffer).
int64_t values_in(int64_t bytes, int bits) {
  const int64_t cap = int64_t(1) << 56;
  return std::min(bytes, cap) * 8 / bits;
}

std::string plural(int64_t n, const std::string& one, const std::string& many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// The largest input-row count any band of `rows` output rows reads.
int64_t widest_band(const LayerWork& l, int64_t rows) {
  int64_t widest = 0;
  for (int64_t oy0 = 0; oy0 < l.Oy; oy0 += rows) {
    const detail::RowSpan s = detail::input_rows(l, oy0, std::min(l.Oy, oy0 + rows));
    widest = std::max(widest, s.iy1 - s.iy0);
  }
  return widest;
}

// Tiles of the blocks x bands grid in one loop order.
std::vector<Tile> grid(const LayerWork& l, int64_t fb, int64_t rows, bool filters_outer) {
  std::vector<Tile> blocks, bands;
  const int64_t Fg = l.Fg();
  for (int64_t f0 = 0; f0 < l.F; f0 += fb) {
    Tile t;
    t.f0 = f0;
    t.f1 = std::min(l.F, f0 + fb);
    t.g0 = l.groups == 1 ? 0 : t.f0 / Fg;
    t.g1 = l.groups == 1 ? 1 : t.f1 / Fg;
    blocks.push_back(t);
  }
  for (int64_t oy0 = 0; oy0 < l.Oy; oy0 += rows) {
    Tile t;
    t.oy0 = oy0;
    t.oy1 = std::min(l.Oy, oy0 + rows);
    const detail::RowSpan s = detail::input_rows(l, t.oy0, t.oy1);
    t.iy0 = s.iy0;
    t.iy1 = s.iy1;
    bands.push_back(t);
  }
  std::vector<Tile> tiles;
  auto add = [&](const Tile& b, const Tile& r) {
    Tile t = b;
    t.oy0 = r.oy0, t.oy1 = r.oy1, t.iy0 = r.iy0, t.iy1 = r.iy1;
    tiles.push_back(t);
  };
  if (filters_outer) {
    for (const Tile& b : blocks)
      for (const Tile& r : bands) add(b, r);
  } else {
    for (const Tile& r : bands)
      for (const Tile& b : blocks) add(b, r);
  }
  return tiles;
}

// What the DMA moves: a tile's weights (activations) are read unless the previous tile used the
// very same range, which then still sits in the buffer.
void count_reads(const LayerWork& l, LayerPlan& p) {
  p.weight_values_read = p.activation_values_read = 0;
  const Tile* prev = nullptr;
  for (const Tile& t : p.tiles) {
    if (!prev || prev->f0 != t.f0 || prev->f1 != t.f1)
      p.weight_values_read += weight_range(l, t).count;
    if (!prev || prev->iy0 != t.iy0 || prev->iy1 != t.iy1)
      p.activation_values_read += activation_range(l, t).count;
    prev = &t;
  }
}

}  // namespace

LayerPlan plan_layer(const LayerWork& layer, const BufferBudget& budget) {
  // The shape must be a valid layer; the operands are not needed to plan it.
  LayerWork probe = layer;
  static const int32_t kNoValue = 0;
  probe.activations = probe.weights = &kNoValue;
  engines::check_layer(probe);

  const std::string who = "layer '" + layer.name + "': ";
  const std::string per_tile = " per tile (half of its double-buffered size)";
  auto positive = [&](int64_t bytes, const char* buffer) {
    if (bytes <= 0)
      throw Error(who + "the " + buffer + " buffer gives " + std::to_string(bytes) +
                  " bytes per tile; a budget must be positive");
  };
  positive(budget.weight_bytes, "weight");
  positive(budget.activation_bytes, "activation");
  positive(budget.output_bytes, "output");

  const LayerWork& l = layer;
  const int64_t R = l.reduction();
  // Filter blocks are whole groups: a tile must be a grouped layer of its own.
  const int64_t unit = l.groups == 1 ? 1 : l.Fg();
  const std::string unit_text =
      unit == 1 ? "one filter" : "one group's " + std::to_string(unit) + " filters";

  // Filter block: all filters when they fit, else the most whole groups that fit the weight
  // budget and whose one output row fits the output budget.
  const int64_t by_weights = values_in(budget.weight_bytes, l.weight.bits) / (unit * R);
  if (by_weights < 1)
    throw Error(who + unit_text + " need" + (unit == 1 ? "s " : " ") +
                detail::describe_bytes(storage_bytes(unit * R, l.weight.bits)) + " of weights (" +
                (unit == 1 ? "" : std::to_string(unit) + " x ") + std::to_string(R) +
                " values = " + std::to_string(l.Cg()) + " channels x " + std::to_string(l.Kh) +
                " x " + std::to_string(l.Kw) + " at " + std::to_string(l.weight.bits) +
                " bits); the weight buffer gives " + detail::describe_bytes(budget.weight_bytes) +
                per_tile);
  const int64_t by_outputs = values_in(budget.output_bytes, l.out.bits) / (unit * l.Ox);
  if (by_outputs < 1)
    throw Error(who + "one output row of " + unit_text + " needs " +
                detail::describe_bytes(storage_bytes(unit * l.Ox, l.out.bits)) + " of outputs (" +
                std::to_string(l.Ox) + " columns x " + plural(unit, "filter", "filters") + " at " +
                std::to_string(l.out.bits) + " bits); the output buffer gives " +
                detail::describe_bytes(budget.output_bytes) + per_tile);
  const int64_t fb = std::min(l.F, std::min(by_weights, by_outputs) * unit);

  // Row band: the most output rows whose outputs fit and whose input rows (whole rows: every
  // column and channel, as the DMA fetches them) fit, in every band of the layer.
  int64_t rows = std::min(l.Oy, values_in(budget.output_bytes, l.out.bits) / (l.Ox * fb));
  auto band_bytes = [&](int64_t r) {
    return storage_bytes(widest_band(l, r) * l.W * l.C, l.act.bits);
  };
  while (rows >= 1 && band_bytes(rows) > budget.activation_bytes) --rows;
  if (rows < 1) {
    const int64_t n = widest_band(l, 1);
    throw Error(who + "one output row needs " + detail::describe_bytes(band_bytes(1)) +
                " of input rows (" + plural(n, "row", "rows") + " x " + std::to_string(l.W) +
                " x " + std::to_string(l.C) + " channels at " + std::to_string(l.act.bits) +
                " bits); the activation buffer gives " +
                detail::describe_bytes(budget.activation_bytes) + per_tile);
  }

  LayerPlan plan;
  plan.filters_per_tile = fb;
  plan.rows_per_tile = rows;
  plan.filter_blocks = (l.F + fb - 1) / fb;
  plan.row_blocks = (l.Oy + rows - 1) / rows;

  // Every band must be a layer of its own. It is unless windows lie wholly in the padding (a
  // pad of at least the kernel's span), which a band other than the whole layer cannot express.
  for (int64_t oy0 = 0; oy0 < l.Oy; oy0 += rows) {
    Tile t;
    t.f1 = unit;
    t.g1 = 1;
    t.oy0 = oy0;
    t.oy1 = std::min(l.Oy, oy0 + rows);
    const detail::RowSpan s = detail::input_rows(l, t.oy0, t.oy1);
    t.iy0 = s.iy0;
    t.iy1 = s.iy1;
    LayerWork band = detail::tile_shape(l, t);
    band.activations = band.weights = &kNoValue;
    try {
      engines::check_layer(band);
    } catch (const Error& e) {
      throw Error(who + "output rows " + std::to_string(t.oy0) + ".." + std::to_string(t.oy1) +
                  " cannot be a tile of " + std::to_string(rows) +
                  " rows: their windows lie wholly in the padding, which only a tile of the "
                  "whole layer can express (" +
                  e.what() + ")");
    }
  }

  // Loop order: the one that moves fewer values; filters outside on a tie.
  LayerPlan other = plan;
  plan.tiles = grid(l, fb, rows, true);
  count_reads(l, plan);
  other.tiles = grid(l, fb, rows, false);
  count_reads(l, other);
  other.filters_outer = false;
  if (other.weight_values_read + other.activation_values_read <
      plan.weight_values_read + plan.activation_values_read)
    return other;
  return plan;
}

}  // namespace apack::mapping
