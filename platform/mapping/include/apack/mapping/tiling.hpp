// Mapping of one Conv/FullyConnected layer onto the platform's on-chip buffers: the layer is
// split into tiles (a block of filters x a band of output rows) whose operands fit half of each
// double-buffered buffer, and every tile is an engine layer of its own, built from the values
// the DMA brought on chip (docs/platform.md).
//
// What a tile reads and writes, as ranges of the full tensors (all HWC / OHWI, values):
// - weights: filters [f0, f1), contiguous values [f0 * R, f1 * R) (R = reduction());
// - activations: input rows [iy0, iy1) with every column and channel, contiguous values
//   [iy0 * W * C, iy1 * W * C); the tile's own channels (groups [g0, g1)) are taken from them;
// - outputs: output rows [oy0, oy1) and filters [f0, f1), inside the contiguous values
//   [oy0 * Ox * F, oy1 * Ox * F); the filters select values f0..f1-1 of every run of F.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "apack/engines/layer.hpp"

namespace apack::mapping {

// Bytes one tile may use in each buffer: half of a double-buffered buffer.
struct BufferBudget {
  int64_t weight_bytes = 0;
  int64_t activation_bytes = 0;
  int64_t output_bytes = 0;
};

struct Tile {
  int64_t f0 = 0, f1 = 0;    // filters
  int64_t g0 = 0, g1 = 0;    // groups those filters belong to (filters are group-aligned)
  int64_t oy0 = 0, oy1 = 0;  // output rows
  int64_t iy0 = 0, iy1 = 0;  // input rows the output rows need (clamped to the tensor)
};

struct LayerPlan {
  std::vector<Tile> tiles;  // in execution order
  int64_t filters_per_tile = 0, rows_per_tile = 0;
  int64_t filter_blocks = 0, row_blocks = 0;
  bool filters_outer = true;  // loop order: filter blocks outside (weights read once)
  // Values the tiles read in total, counting re-reads (what the DMA moves at storage width).
  uint64_t weight_values_read = 0, activation_values_read = 0;
};

// Bytes of `values` values of `bits` bits each, rounded up to whole bytes.
int64_t storage_bytes(int64_t values, int bits);

// Splits `layer` (shape and formats; operand pointers are not read) into tiles. Operand sizes
// use the storage widths layer.act.bits / weight.bits / out.bits. Prefers whole-layer weights
// (filter block = F), then the largest row band that fits; filter blocks are aligned to groups.
// Throws apack::Error naming the layer and the buffer when not even one group's filters with one
// output row fit.
LayerPlan plan_layer(const engines::LayerWork& layer, const BufferBudget& budget);

// The engine layer of one tile. `act_rows` holds the input rows [iy0, iy1) with every column and
// channel (HWC), `tile_weights` the filters [f0, f1) (OHWI); the tile's channels are copied into
// `storage`, which the returned work points into (with tile_weights), so both must outlive it.
engines::LayerWork tile_work(const engines::LayerWork& layer, const Tile& tile,
                             const int32_t* act_rows, const int32_t* tile_weights,
                             std::vector<int32_t>& storage);

// Places a tile's output sums (the tile's HWF order) into the layer's (HWF, F filters).
void scatter_outputs(const engines::LayerWork& layer, const Tile& tile,
                     const std::vector<int64_t>& tile_outputs, std::vector<int64_t>& layer_outputs);

// Value ranges of a tile in the full tensors (see the comment at the top).
struct ValueRange {
  uint64_t first = 0, count = 0;
};
ValueRange weight_range(const engines::LayerWork& layer, const Tile& tile);
ValueRange activation_range(const engines::LayerWork& layer, const Tile& tile);
ValueRange output_rows_range(const engines::LayerWork& layer, const Tile& tile);

}  // namespace apack::mapping
