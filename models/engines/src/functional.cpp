#include "apack/engines/functional.hpp"

#include <algorithm>
#include <cstdlib>

#include "apack/engines/mapping.hpp"
#include "apack/engines/precision.hpp"

namespace apack::engines {

namespace {

template <typename TAcc, typename TIn>
inline TAcc dot(const TIn* x, const TIn* w, int64_t n) {
  TAcc s = 0;
#pragma omp simd reduction(+ : s)
  for (int64_t k = 0; k < n; ++k) s += TAcc(x[k]) * TAcc(w[k]);
  return s;
}

inline int32_t viewed(int32_t v, const OperandView& view) {
  return view.bits >= 32 ? v : int32_t(truncate_to(v, view.bits, view.is_signed));
}

int64_t max_abs(const int32_t* v, int64_t n, const OperandView& view) {
  int64_t m = 0;
  for (int64_t i = 0; i < n; ++i) m = std::max<int64_t>(m, std::llabs(int64_t(viewed(v[i], view))));
  return m;
}

// Filters per block: their converted weights stay in cache while every window passes by.
constexpr int64_t kFilterBlock = 64;

// One group: im2col of the windows (converted once), then the dot products of every window with
// each block of the group's filters.
template <typename TAcc, typename TIn>
void group_sums(const LayerWork& l, const Mapping& m, int64_t g, const OperandView& av,
                const OperandView& wv, std::vector<int64_t>& out) {
  const int64_t Fg = l.Fg(), n = l.windows();
  const std::vector<int32_t> cols = gather_group(l, m, g);
  std::vector<TIn> x(cols.size());
  for (size_t i = 0; i < cols.size(); ++i) x[i] = TIn(viewed(cols[i], av));
  std::vector<TIn> w(size_t(std::min(Fg, kFilterBlock) * m.R));
  for (int64_t f0 = 0; f0 < Fg; f0 += kFilterBlock) {
    const int64_t nf = std::min(kFilterBlock, Fg - f0);
    const int32_t* src = l.weights + (g * Fg + f0) * m.R;
    for (int64_t i = 0; i < nf * m.R; ++i) w[size_t(i)] = TIn(viewed(src[i], wv));
    for (int64_t p = 0; p < n; ++p) {
      const TIn* xp = x.data() + p * m.padded;
      int64_t* o = out.data() + p * l.F + g * Fg + f0;
      for (int64_t f = 0; f < nf; ++f) o[f] = int64_t(dot<TAcc>(xp, w.data() + f * m.R, m.R));
    }
  }
}

}  // namespace

std::vector<int64_t> layer_sums(const LayerWork& layer, const int32_t* activations,
                                const int32_t* weights, OperandView av, OperandView wv) {
  LayerWork l = layer;
  l.activations = activations;
  l.weights = weights;
  const Mapping m(l);
  std::vector<int64_t> out(size_t(l.outputs()), 0);
  const int64_t ma = max_abs(activations, l.H * l.W * l.C, av);
  const int64_t mw = max_abs(weights, l.F * m.R, wv);
  // 16-bit operands and 32-bit sums are exact when every operand fits int16 and R products of
  // the largest magnitudes stay below 2^31.
  const bool narrow = ma <= 32767 && mw <= 32767 &&
                      (ma == 0 || mw == 0 || double(ma) * double(mw) * double(m.R) < 2147483647.0);
  for (int64_t g = 0; g < l.groups; ++g) {
    if (narrow)
      group_sums<int32_t, int16_t>(l, m, g, av, wv, out);
    else
      group_sums<int64_t, int32_t>(l, m, g, av, wv, out);
  }
  return out;
}

std::vector<int32_t> map_values(const int32_t* values, int64_t n, const std::vector<int32_t>& table,
                                int32_t lo) {
  std::vector<int32_t> out(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) out[size_t(i)] = table[size_t(values[i] - lo)];
  return out;
}

}  // namespace apack::engines
