// The mapping all engines share (engines.md, "Mapping shared by all engines"): one output's
// reduction of R products is taken in bricks of 16 consecutive products (channels fastest, then
// kernel position); groups run one after another; within a group filters go to rows and output
// windows to columns.
#pragma once

#include <cstdint>
#include <vector>

#include "apack/engines/layer.hpp"

namespace apack::engines {

constexpr int kLanes = 16;  // products per brick, lanes per processing element

inline int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

struct Mapping {
  int64_t R = 0;       // products per output
  int64_t bricks = 0;  // ceil(R / 16)
  int64_t padded = 0;  // bricks * 16
  explicit Mapping(const LayerWork& l);
};

// Gathers the activations of output window (oy, ox) of group g in reduction order into
// out[0..padded): padding cells and the tail of the last brick are 0.
void gather_window(const LayerWork& l, const Mapping& m, int64_t g, int64_t oy, int64_t ox,
                   int32_t* out);

// All windows of group g, window after window: windows() * padded values (im2col of the group).
std::vector<int32_t> gather_group(const LayerWork& l, const Mapping& m, int64_t g);

// The weights of filter f (absolute index) padded to m.padded values (tail zeros).
void gather_filter(const LayerWork& l, const Mapping& m, int64_t f, int32_t* out);

// Number of steps of an engine with `columns` window columns and `rows` filter rows:
//   g * ceil(Oy*Ox / columns) * ceil((F/g) / rows) * bricks.
int64_t steps(const LayerWork& l, const Mapping& m, int64_t columns, int64_t rows);

}  // namespace apack::engines
