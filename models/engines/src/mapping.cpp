#include "apack/engines/mapping.hpp"

#include <algorithm>

namespace apack::engines {

Mapping::Mapping(const LayerWork& l)
    : R(l.reduction()), bricks(ceil_div(R, kLanes)), padded(bricks * kLanes) {}

void gather_window(const LayerWork& l, const Mapping& m, int64_t g, int64_t oy, int64_t ox,
                   int32_t* out) {
  const int64_t Cg = l.Cg(), c0 = g * Cg;
  const int64_t y0 = oy * l.stride_h - l.pad_top, x0 = ox * l.stride_w - l.pad_left;
  int32_t* o = out;
  for (int64_t ky = 0; ky < l.Kh; ++ky) {
    const int64_t iy = y0 + ky * l.dilation_h;
    for (int64_t kx = 0; kx < l.Kw; ++kx, o += Cg) {
      const int64_t ix = x0 + kx * l.dilation_w;
      if (iy < 0 || iy >= l.H || ix < 0 || ix >= l.W) {
        std::fill(o, o + Cg, 0);
        continue;
      }
      const int32_t* src = l.activations + (iy * l.W + ix) * l.C + c0;
      std::copy(src, src + Cg, o);
    }
  }
  std::fill(out + m.R, out + m.padded, 0);
}

std::vector<int32_t> gather_group(const LayerWork& l, const Mapping& m, int64_t g) {
  std::vector<int32_t> out(size_t(l.windows() * m.padded));
  for (int64_t oy = 0; oy < l.Oy; ++oy)
    for (int64_t ox = 0; ox < l.Ox; ++ox)
      gather_window(l, m, g, oy, ox, out.data() + (oy * l.Ox + ox) * m.padded);
  return out;
}

void gather_filter(const LayerWork& l, const Mapping& m, int64_t f, int32_t* out) {
  const int32_t* src = l.weights + f * m.R;
  std::copy(src, src + m.R, out);
  std::fill(out + m.R, out + m.padded, 0);
}

int64_t steps(const LayerWork& l, const Mapping& m, int64_t columns, int64_t rows) {
  return l.groups * ceil_div(l.windows(), columns) * ceil_div(l.Fg(), rows) * m.bricks;
}

}  // namespace apack::engines
