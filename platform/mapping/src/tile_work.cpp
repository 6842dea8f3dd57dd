// A tile as an engine layer of its own, its outputs placed back into the layer's, and the value
// ranges a tile reads and writes in the full tensors.
#include <algorithm>
#include <cstdio>

#include "apack/error.hpp"
#include "apack/mapping/tiling.hpp"
#include "tile_shape.hpp"

namespace apack::mapping {

using engines::LayerWork;

int64_t storage_bytes(int64_t values, int bits) {
  if (values < 0 || bits < 1)
    throw Error("storage_bytes: " + std::to_string(values) + " values of " + std::to_string(bits) +
                " bits is not a tensor size");
  return (values * bits + 7) / 8;
}

namespace detail {

std::string describe_bytes(int64_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + " bytes";
  char kib[32];
  std::snprintf(kib, sizeof kib, "%.1f KiB", double(bytes) / 1024.0);
  return std::string(kib) + " (" + std::to_string(bytes) + " bytes)";
}

RowSpan input_rows(const LayerWork& l, int64_t oy0, int64_t oy1) {
  // Window by window, the first and last taps inside the tensor: with dilation the rows a band
  // touches may start after its first window's first row (that row falls between taps).
  const int64_t d = l.dilation_h;
  int64_t lo = l.H, hi = -1;
  for (int64_t oy = oy0; oy < oy1; ++oy) {
    const int64_t top = oy * l.stride_h - l.pad_top, bottom = top + (l.Kh - 1) * d;
    const int64_t first = top >= 0 ? top : top + (-top + d - 1) / d * d;
    const int64_t last = bottom < l.H ? bottom : bottom - (bottom - l.H + d) / d * d;
    if (first <= bottom && first < l.H) lo = std::min(lo, first);
    if (last >= top && last >= 0) hi = std::max(hi, last);
  }
  RowSpan r;
  if (hi >= lo) {
    r.iy0 = lo;
    r.iy1 = hi + 1;
  } else {
    // Windows wholly in the padding: one row that is never read keeps the tile's H >= 1.
    r.iy0 = std::clamp<int64_t>(oy0 * l.stride_h - l.pad_top, 0, l.H - 1);
    r.iy1 = r.iy0 + 1;
  }
  return r;
}

LayerWork tile_shape(const LayerWork& l, const Tile& t) {
  auto fail = [&](const std::string& what) {
    throw Error("layer '" + l.name + "': tile (filters " + std::to_string(t.f0) + ".." +
                std::to_string(t.f1) + ", output rows " + std::to_string(t.oy0) + ".." +
                std::to_string(t.oy1) + ", input rows " + std::to_string(t.iy0) + ".." +
                std::to_string(t.iy1) + "): " + what);
  };
  if (l.groups < 1 || l.F % l.groups != 0 || l.C % l.groups != 0)
    fail("the layer's groups do not divide its channels and filters");
  if (t.f0 < 0 || t.f1 <= t.f0 || t.f1 > l.F) fail("the filters are not a range inside 0..F");
  if (t.oy0 < 0 || t.oy1 <= t.oy0 || t.oy1 > l.Oy)
    fail("the output rows are not a range inside 0..Oy");
  if (t.iy0 < 0 || t.iy1 <= t.iy0 || t.iy1 > l.H)
    fail("the input rows are not a range inside 0..H");
  // Filters must be whole groups so the tile is a grouped layer of its own.
  const int64_t Fg = l.Fg();
  if (l.groups == 1) {
    if (t.g0 != 0 || t.g1 != 1) fail("an ungrouped layer's tiles have groups 0..1");
  } else if (t.f0 % Fg != 0 || t.f1 % Fg != 0 || t.g0 != t.f0 / Fg || t.g1 != t.f1 / Fg) {
    fail("the filters are not the whole groups g0..g1 (" + std::to_string(Fg) +
         " filters per group)");
  }
  // The first window's first row fixes pad_top'; the rows must reach the last window's end.
  const RowSpan need = input_rows(l, t.oy0, t.oy1);
  if (t.iy0 != need.iy0 || t.iy1 < need.iy1)
    fail("the output rows read input rows " + std::to_string(need.iy0) + ".." +
         std::to_string(need.iy1));
  LayerWork w = l;
  w.activations = nullptr;
  w.weights = nullptr;
  w.H = t.iy1 - t.iy0;
  w.groups = l.groups == 1 ? 1 : t.g1 - t.g0;
  w.C = l.groups == 1 ? l.C : w.groups * l.Cg();
  w.F = t.f1 - t.f0;
  w.Oy = t.oy1 - t.oy0;
  // Window oy' of the tile is window oy0 + oy' of the layer: its first row, oy*s - pad_top in
  // the layer, is that minus iy0 in the tile.
  w.pad_top = t.iy0 + l.pad_top - t.oy0 * l.stride_h;
  return w;
}

}  // namespace detail

LayerWork tile_work(const LayerWork& layer, const Tile& tile, const int32_t* act_rows,
                    const int32_t* tile_weights, std::vector<int32_t>& storage) {
  LayerWork w = detail::tile_shape(layer, tile);
  if (!act_rows || !tile_weights)
    throw Error("layer '" + layer.name + "': tile_work got no activation or weight values");
  // Copy the tile's channels (those of groups g0..g1) out of the whole input rows.
  const int64_t c0 = layer.groups == 1 ? 0 : tile.g0 * layer.Cg();
  const int64_t pixels = w.H * w.W;
  storage.resize(size_t(pixels * w.C));
  for (int64_t p = 0; p < pixels; ++p)
    std::copy_n(act_rows + p * layer.C + c0, w.C, storage.begin() + p * w.C);
  w.activations = storage.data();
  w.weights = tile_weights;
  engines::check_layer(w);
  return w;
}

void scatter_outputs(const LayerWork& layer, const Tile& tile,
                     const std::vector<int64_t>& tile_outputs,
                     std::vector<int64_t>& layer_outputs) {
  const int64_t rows = tile.oy1 - tile.oy0, nf = tile.f1 - tile.f0;
  if (tile.oy0 < 0 || rows < 1 || tile.oy1 > layer.Oy || tile.f0 < 0 || nf < 1 || tile.f1 > layer.F)
    throw Error("layer '" + layer.name + "': scatter_outputs: the tile is outside the layer");
  if (int64_t(tile_outputs.size()) != rows * layer.Ox * nf)
    throw Error("layer '" + layer.name + "': scatter_outputs: the tile has " +
                std::to_string(tile_outputs.size()) + " outputs, its shape " +
                std::to_string(rows * layer.Ox * nf));
  if (int64_t(layer_outputs.size()) != layer.outputs())
    throw Error("layer '" + layer.name + "': scatter_outputs: the layer buffer has " +
                std::to_string(layer_outputs.size()) + " outputs, the layer " +
                std::to_string(layer.outputs()));
  for (int64_t y = 0; y < rows; ++y)
    for (int64_t x = 0; x < layer.Ox; ++x)
      std::copy_n(tile_outputs.begin() + (y * layer.Ox + x) * nf, nf,
                  layer_outputs.begin() + ((tile.oy0 + y) * layer.Ox + x) * layer.F + tile.f0);
}

ValueRange weight_range(const LayerWork& layer, const Tile& tile) {
  const int64_t R = layer.reduction();
  return {uint64_t(tile.f0 * R), uint64_t((tile.f1 - tile.f0) * R)};
}

ValueRange activation_range(const LayerWork& layer, const Tile& tile) {
  const int64_t row = layer.W * layer.C;
  return {uint64_t(tile.iy0 * row), uint64_t((tile.iy1 - tile.iy0) * row)};
}

ValueRange output_rows_range(const LayerWork& layer, const Tile& tile) {
  const int64_t row = layer.Ox * layer.F;
  return {uint64_t(tile.oy0 * row), uint64_t((tile.oy1 - tile.oy0) * row)};
}

}  // namespace apack::mapping
