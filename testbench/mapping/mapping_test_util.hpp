// Helpers of the mapping tests: layers from a few numbers, random operands, and the quantities a
// plan must satisfy, computed here the slow and obvious way (window by window, tap by tap) rather
// than with the planner's formulas.
#pragma once

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "apack/engines/layer.hpp"

namespace mapping_test {

struct Shape {
  std::string name;
  int64_t H, W, C, F, Kh, Kw, groups = 1;
  int64_t stride_h = 1, stride_w = 1, dilation = 1;
  int64_t pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  bool fc = false;
  int act_bits = 8, weight_bits = 8, out_bits = 8;
};

inline apack::engines::LayerWork make_layer(const Shape& s) {
  apack::engines::LayerWork l;
  l.name = s.name;
  l.fully_connected = s.fc;
  l.H = s.H, l.W = s.W, l.C = s.C, l.F = s.F, l.Kh = s.Kh, l.Kw = s.Kw, l.groups = s.groups;
  l.stride_h = s.stride_h, l.stride_w = s.stride_w;
  l.dilation_h = l.dilation_w = s.dilation;
  l.pad_top = s.pad_top, l.pad_left = s.pad_left;
  l.Oy = apack::engines::conv_out_size(s.H, s.Kh, s.stride_h, s.dilation, s.pad_top, s.pad_bottom);
  l.Ox = apack::engines::conv_out_size(s.W, s.Kw, s.stride_w, s.dilation, s.pad_left, s.pad_right);
  l.act = {s.act_bits, true, s.act_bits};
  l.weight = {s.weight_bits, true, s.weight_bits};
  l.out = {s.out_bits, true, s.out_bits};
  return l;
}

// Signed values over the whole range of `bits`.
inline std::vector<int32_t> random_values(int64_t n, int bits, std::mt19937& rng) {
  std::uniform_int_distribution<int32_t> d(-(1 << (bits - 1)), (1 << (bits - 1)) - 1);
  std::vector<int32_t> v(static_cast<size_t>(n));
  for (auto& x : v) x = d(rng);
  return v;
}

inline int64_t bytes_of(int64_t values, int bits) { return (values * bits + 7) / 8; }

// Input rows inside the tensor that output rows [oy0, oy1) touch, found tap by tap: {first,
// last + 1}, or {0, 0} when they touch none.
struct Touched {
  int64_t first = 0, end = 0;
};
inline Touched touched_rows(const apack::engines::LayerWork& l, int64_t oy0, int64_t oy1) {
  int64_t lo = l.H, hi = -1;
  for (int64_t oy = oy0; oy < oy1; ++oy)
    for (int64_t ky = 0; ky < l.Kh; ++ky) {
      const int64_t iy = oy * l.stride_h - l.pad_top + ky * l.dilation_h;
      if (iy >= 0 && iy < l.H) lo = std::min(lo, iy), hi = std::max(hi, iy);
    }
  return hi < 0 ? Touched{} : Touched{lo, hi + 1};
}

}  // namespace mapping_test
