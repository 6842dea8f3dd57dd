// The optimal 16-row table (spec section 4): with N fixed, the ideal cost of a row depends only on
// the row itself, so the best partition of the code space into at most 16 contiguous rows is a
// dynamic programme over boundaries. Ties are broken deterministically: fewer non-empty rows, then
// the lexicographically smallest boundaries, empty rows last.
//
// The DP runs on integers: each row's real-valued cost is rounded once to 1/65536 bit, so sums
// are exact and ties are ties (float sums in different orders would differ in the last bits).
// A key packs cost and row count, cost * 32 + rows (rows <= 16), so one minimum picks the
// cheapest partition and, among equal costs, the one with fewer rows.
#include <cmath>
#include <cstdint>
#include <limits>

#include "apack/table.hpp"

namespace apack {

namespace {

constexpr double kCostScale = 65536.0;
constexpr int64_t kRowsField = 32;
constexpr int64_t kInfeasible = std::numeric_limits<int64_t>::max() / 4;

}  // namespace

Table search_optimal(const Histogram& h, int bits) {
  const uint32_t m = uint32_t(1) << bits;
  std::vector<uint64_t> cum(m + 1, 0);
  for (uint32_t v = 0; v < m; ++v) cum[v + 1] = cum[v] + h[v];
  const uint64_t n = cum[m];
  if (n == 0) return uniform_table(bits);

  // row_key[a][b] for the row [a, b): its ideal bits (offsets plus -c log2(c/N) for the prefixes)
  // in fixed point, shifted into the cost field.
  const size_t stride = m + 1;
  std::vector<int64_t> row_key(stride * stride, kInfeasible);
  const double log2n = std::log2(double(n));
  for (uint32_t a = 0; a < m; ++a)
    for (uint32_t b = a + 1; b <= m; ++b) {
      const uint64_t c = cum[b] - cum[a];
      const double bits_cost =
          c == 0 ? 0.0
                 : double(c) * offset_length(b - a) - double(c) * (std::log2(double(c)) - log2n);
      row_key[a * stride + b] = std::llround(bits_cost * kCostScale) * kRowsField;
    }

  // Layer k: key of the cheapest cover of [a, m) with at most k non-empty rows, and the end of
  // its first row. Layer 0 covers only the empty range [m, m).
  std::vector<int64_t> prev(stride, kInfeasible), cur(stride);
  std::vector<std::vector<uint32_t>> first_end(kRows + 1, std::vector<uint32_t>(stride, m));
  prev[m] = 0;
  for (int k = 1; k <= kRows; ++k) {
    cur[m] = 0;
    for (uint32_t a = 0; a < m; ++a) {
      const int64_t* row = &row_key[a * stride];
      int64_t best = kInfeasible;
      for (uint32_t b = a + 1; b <= m; ++b) best = std::min(best, row[b] + prev[b]);
      uint32_t choice = a + 1;  // the smallest boundary reaching the minimum
      while (row[choice] + prev[choice] != best) ++choice;
      cur[a] = best + 1;  // one more row
      first_end[k][a] = choice;
    }
    std::swap(prev, cur);
  }

  Table t;
  t.bits = bits;
  t.vmin.fill(m);
  t.vmin[0] = 0;
  uint32_t a = 0;
  for (int k = kRows, row = 1; a < m; --k, ++row) {
    a = first_end[k][a];
    t.vmin[row] = a;
  }
  return t;
}

}  // namespace apack
