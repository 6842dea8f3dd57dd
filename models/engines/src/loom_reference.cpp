#include "loom_reference.hpp"

#include <algorithm>

#include "apack/engines/mapping.hpp"
#include "apack/engines/precision.hpp"

namespace apack::engines::detail {
namespace {

// Bit t of v's two's complement representation (the datapath's register holds these bits).
inline int64_t bit(int32_t v, int t) { return int64_t((uint32_t(v) >> t) & 1u); }

// One SIP computing the inner product of a 16-value activation brick `a` and weight brick `w`
// at pa activation bits (k per cycle) and pw weight bits.
int64_t sip(const int32_t* a, const int32_t* w, int pa, int pw, int k, bool a_signed,
            bool w_signed) {
  int64_t acc = 0;
  for (int j = 0; j < pw; ++j) {       // one weight bit per cycle...
    for (int i = 0; i < pa; i += k) {  // ...times k activation bits
      int64_t lanes = 0;               // the adder over the 16 lanes
      for (int lane = 0; lane < kLanes; ++lane) {
        const int64_t wb = bit(w[lane], j);
        for (int t = i; t < std::min(i + k, pa); ++t) {
          int64_t term = (wb & bit(a[lane], t)) << (t - i);
          if (a_signed && t == pa - 1) term = -term;  // the MSB weighs -2^(pa-1)
          lanes += term;
        }
      }
      int64_t shifted = lanes * (int64_t(1) << (i + j));
      if (w_signed && j == pw - 1) shifted = -shifted;
      acc += shifted;
    }
  }
  return acc;
}

}  // namespace

LoomReference loom_reference(const LayerWork& l, const LoomConfig& c) {
  check_layer(l);
  const Mapping m(l);
  const int Pa = l.act.precision, Pw = l.weight.precision;
  const int64_t Fg = l.Fg(), nwin = l.windows();
  LoomReference r;
  r.outputs.assign(size_t(l.outputs()), 0);
  for (int64_t g = 0; g < l.groups; ++g) {
    const std::vector<int32_t> cols = gather_group(l, m, g);
    std::vector<int32_t> filters(static_cast<size_t>(Fg * m.padded));
    for (int64_t f = 0; f < Fg; ++f) gather_filter(l, m, g * Fg + f, filters.data() + f * m.padded);
    for (int64_t w0 = 0; w0 < nwin; w0 += c.columns) {
      const int64_t w1 = std::min(nwin, w0 + c.columns);
      for (int64_t f0 = 0; f0 < Fg; f0 += c.rows) {
        const int64_t f1 = std::min(Fg, f0 + c.rows);
        for (int64_t b = 0; b < m.bricks; ++b) {
          // The step's precisions, from the values it holds.
          uint32_t aor = 0, wor = 0;
          for (int64_t w = w0; w < w1; ++w)
            for (int lane = 0; lane < kLanes; ++lane)
              aor |= loom_magnitude(cols[size_t(w * m.padded + b * kLanes + lane)], l.act);
          for (int64_t f = f0; f < f1; ++f)
            for (int lane = 0; lane < kLanes; ++lane)
              wor |= loom_magnitude(filters[size_t(f * m.padded + b * kLanes + lane)], l.weight);
          const int pa = c.dynamic_act ? dynamic_precision(aor, l.act.is_signed, Pa) : Pa;
          const int pw = c.dynamic_weights ? dynamic_precision(wor, l.weight.is_signed, Pw) : Pw;
          r.step_cycles += loom_act_passes(pa, c.k) * std::max(1, pw);
          ++r.steps;
          for (int64_t w = w0; w < w1; ++w)
            for (int64_t f = f0; f < f1; ++f)
              r.outputs[size_t(w * l.F + g * Fg + f)] +=
                  sip(cols.data() + w * m.padded + b * kLanes,
                      filters.data() + f * m.padded + b * kLanes, pa, pw, c.k, l.act.is_signed,
                      l.weight.is_signed);
        }
      }
    }
  }
  return r;
}

}  // namespace apack::engines::detail
