#include "laconic_functional.hpp"

#include <algorithm>

#include "apack/engines/functional.hpp"
#include "apack/engines/mapping.hpp"

namespace apack::engines::detail {
namespace {

// Every value of `values` replaced by the value its terms stand for, through a table over the
// tensor's value range (each distinct value is recoded once). Empty when every value's terms
// add up to the value itself (an exact encoding): the operands are then used as they are.
std::vector<int32_t> decoded(const int32_t* values, int64_t n, const TermEncoding& e) {
  if (n == 0) return {};
  const auto [lo, hi] = std::minmax_element(values, values + n);
  std::vector<int32_t> table(size_t(int64_t(*hi) - *lo + 1));
  Term t[kMaxTerms];
  bool exact = true;
  for (int64_t v = *lo; v <= *hi; ++v) {
    table[size_t(v - *lo)] = int32_t(decode_terms(t, e.encode(int32_t(v), t)));
    exact = exact && table[size_t(v - *lo)] == v;
  }
  return exact ? std::vector<int32_t>{} : map_values(values, n, table, *lo);
}

}  // namespace

std::vector<int64_t> laconic_term_pair_sums(const LayerWork& l, const TermEncoding& e) {
  const Mapping m(l);
  const int64_t Fg = l.Fg();
  std::vector<int64_t> out(size_t(l.outputs()), 0);
  std::vector<int32_t> window(size_t(m.padded));
  Term ta[kMaxTerms], tw[kMaxTerms];
  for (int64_t g = 0; g < l.groups; ++g)
    for (int64_t oy = 0; oy < l.Oy; ++oy)
      for (int64_t ox = 0; ox < l.Ox; ++ox) {
        gather_window(l, m, g, oy, ox, window.data());
        for (int64_t f = g * Fg; f < (g + 1) * Fg; ++f) {
          const int32_t* w = l.weights + f * m.R;
          int64_t sum = 0;
          for (int64_t k = 0; k < m.R; ++k) {
            const int na = e.encode(window[size_t(k)], ta), nw = e.encode(w[k], tw);
            for (int i = 0; i < na; ++i)
              for (int j = 0; j < nw; ++j) {
                const int64_t pair = int64_t(1) << (ta[i].exponent + tw[j].exponent);
                sum += ta[i].sign * tw[j].sign > 0 ? pair : -pair;
              }
          }
          out[size_t((oy * l.Ox + ox) * l.F + f)] = sum;
        }
      }
  return out;
}

std::vector<int64_t> laconic_sums(const LayerWork& l, const TermEncoding& e) {
  const auto a = decoded(l.activations, l.H * l.W * l.C, e);
  const auto w = decoded(l.weights, l.F * l.reduction(), e);
  return layer_sums(l, a.empty() ? l.activations : a.data(), w.empty() ? l.weights : w.data());
}

}  // namespace apack::engines::detail
