// The activation side of Loom's dynamic precision: for every step's activations (NC windows x one
// brick of one group) the OR of their magnitudes, whose leading one gives the step's precision
// (the leading one is monotone in the OR, so this is the maximum over the step's windows, and
// over any way of grouping its activations). Each activation is visited once per window that
// reads it, never once per product.
#pragma once

#include <cstdint>
#include <vector>

#include "apack/engines/layer.hpp"
#include "apack/engines/mapping.hpp"

namespace apack::engines::detail {

// out[(g * column_blocks + cb) * bricks + b] for group g, column block cb (windows
// [cb * columns, (cb + 1) * columns) in raster order) and brick b; `magnitudes` holds the
// layer's H*W*C activation magnitudes. Padding cells and brick tails count as zeros.
std::vector<uint32_t> loom_block_or(const LayerWork& layer, const Mapping& m,
                                    const int32_t* magnitudes, int64_t columns);

}  // namespace apack::engines::detail
