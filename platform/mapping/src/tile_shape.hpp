// Internal helpers shared by the planner and tile_work: which input rows a band of output rows
// reads, and the shape of a tile's engine layer.
#pragma once

#include <cstdint>
#include <string>

#include "apack/engines/layer.hpp"
#include "apack/mapping/tiling.hpp"

namespace apack::mapping::detail {

struct RowSpan {
  int64_t iy0 = 0, iy1 = 0;
};

// Input rows [iy0, iy1) that output rows [oy0, oy1) read: from the first to the last kernel tap
// inside [0, H). A band whose windows lie wholly in the padding still gets one row (H' >= 1),
// which it never reads.
RowSpan input_rows(const engines::LayerWork& layer, int64_t oy0, int64_t oy1);

// The tile's layer without operand pointers: H' = iy1 - iy0, C' and F' of groups [g0, g1),
// Oy' = oy1 - oy0, pad_top' chosen so that every window reads the same input rows as in the
// layer. Throws apack::Error naming the layer when the tile is not a valid part of it.
engines::LayerWork tile_shape(const engines::LayerWork& layer, const Tile& tile);

// "37.0 KiB (37888 bytes)" or "700 bytes": sizes in error messages.
std::string describe_bytes(int64_t bytes);

}  // namespace apack::mapping::detail
