#include "loom_block_or.hpp"

#include <algorithm>

namespace apack::engines::detail {
namespace {

// Calls visit(window, column block, iy, ix, kernel position) for every in-bounds kernel cell of
// every window: the traversal the three layouts below share.
template <typename Visit>
void for_each_cell(const LayerWork& l, int64_t columns, Visit visit) {
  for (int64_t w = 0; w < l.windows(); ++w) {
    const int64_t oy = w / l.Ox, ox = w % l.Ox;
    const int64_t y0 = oy * l.stride_h - l.pad_top, x0 = ox * l.stride_w - l.pad_left;
    for (int64_t ky = 0; ky < l.Kh; ++ky) {
      const int64_t iy = y0 + ky * l.dilation_h;
      if (iy < 0 || iy >= l.H) continue;
      for (int64_t kx = 0; kx < l.Kw; ++kx) {
        const int64_t ix = x0 + kx * l.dilation_w;
        if (ix < 0 || ix >= l.W) continue;
        visit(w / columns, iy * l.W + ix, ky * l.Kw + kx);
      }
    }
  }
}

}  // namespace

std::vector<uint32_t> loom_block_or(const LayerWork& l, const Mapping& m, const int32_t* mag,
                                    int64_t columns) {
  const int64_t B = m.bricks, G = l.groups, Cg = l.Cg(), C = l.C;
  const int64_t blocks = ceil_div(l.windows(), columns);
  std::vector<uint32_t> out(static_cast<size_t>(G * blocks * B), 0u);
  auto at = [&](int64_t g, int64_t cb, int64_t b) -> uint32_t& {
    return out[size_t((g * blocks + cb) * B + b)];
  };
  if (Cg % kLanes == 0) {
    // Bricks are 16 channels of one kernel cell: OR each pixel's 16-channel chunks once, then
    // a window's brick (cell, chunk j) is one table entry.
    const int64_t chunks = C / kLanes, per_group = Cg / kLanes;
    std::vector<uint32_t> chunk(static_cast<size_t>(l.H * l.W * chunks), 0u);
    for (int64_t p = 0; p < l.H * l.W * chunks; ++p) {
      uint32_t o = 0;
      for (int lane = 0; lane < kLanes; ++lane) o |= uint32_t(mag[p * kLanes + lane]);
      chunk[size_t(p)] = o;
    }
    for_each_cell(l, columns, [&](int64_t cb, int64_t pixel, int64_t cell) {
      const uint32_t* src = chunk.data() + pixel * chunks;
      for (int64_t g = 0; g < G; ++g)
        for (int64_t j = 0; j < per_group; ++j)
          at(g, cb, cell * per_group + j) |= src[g * per_group + j];
    });
  } else if (Cg == 1) {
    // Depthwise: a group's reduction is its channel over the kernel cells, cell i in brick
    // i / 16. Accumulate all channels of a brick together (contiguous), scatter per block.
    std::vector<uint32_t> acc(static_cast<size_t>(B * C), 0u);
    int64_t current = 0;
    auto flush = [&](int64_t cb) {
      for (int64_t b = 0; b < B; ++b)
        for (int64_t c = 0; c < C; ++c) at(c, cb, b) = acc[size_t(b * C + c)];
      std::fill(acc.begin(), acc.end(), 0u);
    };
    for_each_cell(l, columns, [&](int64_t cb, int64_t pixel, int64_t cell) {
      if (cb != current) flush(current), current = cb;
      uint32_t* dst = acc.data() + (cell / kLanes) * C;
      const int32_t* src = mag + pixel * C;
      for (int64_t c = 0; c < C; ++c) dst[c] |= uint32_t(src[c]);
    });
    flush(current);
  } else {
    // Any other grouping (e.g. a first layer of 3 channels): product index cell * Cg + c.
    for_each_cell(l, columns, [&](int64_t cb, int64_t pixel, int64_t cell) {
      const int32_t* src = mag + pixel * C;
      for (int64_t g = 0; g < G; ++g)
        for (int64_t c = 0; c < Cg; ++c)
          at(g, cb, (cell * Cg + c) / kLanes) |= uint32_t(src[g * Cg + c]);
    });
  }
  return out;
}

}  // namespace apack::engines::detail
