// Coding counts (spec section 5).
#include "apack/counts.hpp"

namespace apack {

Counts coding_counts(const std::array<uint64_t, kRows>& c) {
  uint64_t n = 0;
  for (auto x : c) n += x;
  Counts q{};
  if (n == 0) return q;
  int64_t sum = 0;
  for (int i = 0; i < kRows; ++i) {
    q[i] = uint32_t((2 * uint64_t(kCountTotal) * c[i] + n) / (2 * n));
    if (c[i] > 0 && q[i] == 0) q[i] = 1;
    sum += q[i];
  }
  int largest = 0;
  for (int i = 1; i < kRows; ++i)
    if (q[i] > q[largest]) largest = i;
  q[largest] = uint32_t(int64_t(q[largest]) - (sum - int64_t(kCountTotal)));
  return q;
}

Cumulative cumulative(const Counts& q) {
  Cumulative cum{};
  for (int i = 0; i < kRows; ++i) cum[i + 1] = cum[i] + q[i];
  return cum;
}

}  // namespace apack
