// The optimal 16-row table (spec section 4): with N fixed, the ideal cost of a row depends only on
// the row itself, so the best partition of the code space into at most 16 contiguous rows is a
// dynamic programme over boundaries. Ties are broken deterministically: fewer non-empty rows, then
// the lexicographically smallest boundaries, empty rows last.
#include <cmath>
#include <limits>

#include "apack/table.hpp"

namespace apack {

namespace {

struct Key {
  double cost = std::numeric_limits<double>::infinity();
  int rows = 0;
};

// Costs are sums of the same terms in different orders; a relative tolerance makes partitions
// that are equal in exact arithmetic compare equal, so the tie-break rules decide.
bool same_cost(double a, double b) {
  if (std::isinf(a) || std::isinf(b)) return a == b;
  return std::fabs(a - b) <= 1e-9 * std::max(1.0, std::max(std::fabs(a), std::fabs(b)));
}

bool better(const Key& a, const Key& b) {
  if (!same_cost(a.cost, b.cost)) return a.cost < b.cost;
  return a.rows < b.rows;
}

bool equal(const Key& a, const Key& b) { return same_cost(a.cost, b.cost) && a.rows == b.rows; }

}  // namespace

Table search_optimal(const Histogram& h, int bits) {
  const uint32_t m = uint32_t(1) << bits;
  std::vector<uint64_t> cum(m + 1, 0);
  for (uint32_t v = 0; v < m; ++v) cum[v + 1] = cum[v] + h[v];
  const uint64_t n = cum[m];
  if (n == 0) return uniform_table(bits);

  // cost[a][b]: ideal bits of row [a, b): offsets plus -c log2(c/N) for the prefixes.
  std::vector<double> cost(size_t(m + 1) * (m + 1), 0.0);
  auto at = [m](uint32_t a, uint32_t b) { return size_t(a) * (m + 1) + b; };
  const double log2n = std::log2(double(n));
  for (uint32_t a = 0; a < m; ++a)
    for (uint32_t b = a + 1; b <= m; ++b) {
      const uint64_t c = cum[b] - cum[a];
      cost[at(a, b)] =
          c == 0 ? 0.0
                 : double(c) * offset_length(b - a) - double(c) * (std::log2(double(c)) - log2n);
    }

  // best[k][a]: cheapest cover of [a, m) with at most k non-empty rows.
  std::vector<std::vector<Key>> best(kRows + 1, std::vector<Key>(m + 1));
  for (int k = 0; k <= kRows; ++k) best[k][m] = Key{0.0, 0};
  for (int k = 1; k <= kRows; ++k)
    for (uint32_t a = 0; a < m; ++a) {
      Key b_key;
      for (uint32_t b = a + 1; b <= m; ++b) {
        const Key& rest = best[k - 1][b];
        if (std::isinf(rest.cost)) continue;
        const Key cand{cost[at(a, b)] + rest.cost, rest.rows + 1};
        if (better(cand, b_key)) b_key = cand;
      }
      best[k][a] = b_key;
    }

  Table t;
  t.bits = bits;
  t.vmin.fill(m);
  t.vmin[0] = 0;
  uint32_t a = 0;
  for (int k = kRows, row = 1; a < m; --k, ++row) {
    const Key target = best[k][a];
    for (uint32_t b = a + 1; b <= m; ++b) {
      const Key& rest = best[k - 1][b];
      if (std::isinf(rest.cost)) continue;
      if (equal(Key{cost[at(a, b)] + rest.cost, rest.rows + 1}, target)) {
        a = b;
        break;
      }
    }
    t.vmin[row] = a;
  }
  return t;
}

}  // namespace apack
