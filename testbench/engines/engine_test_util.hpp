// Hand-made layers for the engine tests: a LayerWork that owns its operand buffers.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "apack/engines/layer.hpp"

namespace apack::engines::test {

struct OwnedLayer {
  std::vector<int32_t> acts, weights;
  LayerWork work;
};

// A convolution H x W x C -> F filters of Kh x Kw (groups g), stride s, symmetric padding p,
// values uniform in [alo, ahi] (activations) and [wlo, whi] (weights) from `seed`.
inline OwnedLayer make_conv(int64_t H, int64_t W, int64_t C, int64_t F, int64_t K, int64_t s,
                            int64_t p, int64_t g, int alo, int ahi, int wlo, int whi,
                            uint32_t seed = 1) {
  OwnedLayer o;
  LayerWork& l = o.work;
  l.name = "test";
  l.H = H;
  l.W = W;
  l.C = C;
  l.F = F;
  l.Kh = l.Kw = K;
  l.groups = g;
  l.stride_h = l.stride_w = s;
  l.pad_top = l.pad_left = p;
  l.Oy = conv_out_size(H, K, s, 1, p, p);
  l.Ox = conv_out_size(W, K, s, 1, p, p);
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> da(alo, ahi), dw(wlo, whi);
  o.acts.resize(size_t(H * W * C));
  for (auto& v : o.acts) v = da(rng);
  o.weights.resize(size_t(F * K * K * (C / g)));
  for (auto& v : o.weights) v = dw(rng);
  l.activations = o.acts.data();
  l.weights = o.weights.data();
  l.act = {8, alo < 0, 8};
  l.weight = {8, true, 8};
  l.out = {8, false, 8};
  return o;
}

inline OwnedLayer make_fc(int64_t C, int64_t F, int alo, int ahi, int wlo, int whi,
                          uint32_t seed = 1) {
  OwnedLayer o = make_conv(1, 1, C, F, 1, 1, 0, 1, alo, ahi, wlo, whi, seed);
  o.work.fully_connected = true;
  return o;
}

// Exact sums by the definition (no mapping code): HWF order.
inline std::vector<int64_t> direct_sums(const LayerWork& l) {
  std::vector<int64_t> out(size_t(l.Oy * l.Ox * l.F), 0);
  const int64_t Cg = l.C / l.groups, Fg = l.F / l.groups;
  for (int64_t oy = 0; oy < l.Oy; ++oy)
    for (int64_t ox = 0; ox < l.Ox; ++ox)
      for (int64_t f = 0; f < l.F; ++f) {
        const int64_t g = f / Fg;
        int64_t s = 0;
        for (int64_t ky = 0; ky < l.Kh; ++ky)
          for (int64_t kx = 0; kx < l.Kw; ++kx)
            for (int64_t c = 0; c < Cg; ++c) {
              const int64_t iy = oy * l.stride_h - l.pad_top + ky * l.dilation_h;
              const int64_t ix = ox * l.stride_w - l.pad_left + kx * l.dilation_w;
              if (iy < 0 || iy >= l.H || ix < 0 || ix >= l.W) continue;
              s += int64_t(l.activations[(iy * l.W + ix) * l.C + g * Cg + c]) *
                   l.weights[((f * l.Kh + ky) * l.Kw + kx) * Cg + c];
            }
        out[size_t((oy * l.Ox + ox) * l.F + f)] = s;
      }
  return out;
}

}  // namespace apack::engines::test
