// The optimal 16-row table (spec section 4): with N fixed, the ideal cost of a row depends only on
// the row itself, so the best partition of the code space into at most 16 contiguous rows is a
// dynamic programme over boundaries. Ties are broken deterministically: fewer non-empty rows, then
// the lexicographically smallest boundaries, empty rows last.
//
// The DP runs on integers: each row's real-valued cost is rounded once to 1/256 bit, so sums are
// exact and ties are ties (float sums in different orders would differ in the last bits). A key
// packs cost, row count and the end of the first row: ((cost * 32 + rows) * 512 + end), so one
// vectorised minimum picks the cheapest partition, then the one with fewer rows, then the
// smallest boundary.
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>

#include "apack/table.hpp"

namespace apack {

namespace {

constexpr int kRowsShift = 5;  // rows <= 16
constexpr int kEndShift = 9;   // boundaries <= 256
constexpr int64_t kInfeasible = int64_t(1) << 61;

// log2 of the counts 0..size-1 (0 for 0, whose rows cost nothing anyway), per thread: the cost
// matrix needs one per entry, and tensors of up to 2^16 values then need no log2 call at all.
constexpr uint64_t kLogTable = uint64_t(1) << 16;
const double* log2_table(uint64_t size) {
  thread_local std::vector<double> table{0.0};
  if (table.size() < size) {
    const size_t old = table.size();
    table.resize(size);
    for (size_t i = old; i < size; ++i) table[i] = std::log2(double(i));
  }
  return table.data();
}

}  // namespace

Table search_optimal(const Histogram& h, int bits) {
  const uint32_t m = uint32_t(1) << bits;
  std::vector<uint64_t> cum(m + 1, 0);
  for (uint32_t v = 0; v < m; ++v) cum[v + 1] = cum[v] + h[v];
  const uint64_t n = cum[m];
  if (n == 0) return uniform_table(bits);
  // A row costs at most n * (8 + log2 n) bits; the packed key must stay below kInfeasible.
  // 1/256-bit resolution fits tensors of up to 2^33 values; beyond that, whole bits.
  const double scale = n < (uint64_t(1) << 33) ? 256.0 : 1.0;

  // row_key[a][b] for the row [a, b): its ideal bits (offsets plus -c log2(c/N) for the prefixes)
  // in fixed point, in the cost field, with b in the end field.
  // Per-thread storage, reused: only entries with b > a are read, and all of those are written.
  const size_t stride = m + 1;
  thread_local std::vector<int64_t> row_key;
  if (row_key.size() < stride * stride) row_key.resize(stride * stride);
  const double log2n = std::log2(double(n));
  std::array<double, 257> ol_of_width{};
  for (uint32_t w = 0; w <= m; ++w) ol_of_width[w] = offset_length(w);
  const bool small = n < kLogTable;
  const double* lg = log2_table(small ? n + 1 : kLogTable);
  for (uint32_t a = 0; a < m; ++a) {
    const uint64_t base = cum[a];
    int64_t* keys = &row_key[a * stride];
    for (uint32_t b = a + 1; b <= m; ++b) {
      const uint64_t c = cum[b] - base;
      const double log2c = small || c < kLogTable ? lg[c] : std::log2(double(c));
      // c (OL - log2(c / N)); an empty row (c = 0) costs 0.
      const double bits_cost = double(c) * (ol_of_width[b - a] + log2n - log2c);
      const int64_t fixed = int64_t(bits_cost * scale + 0.5);  // costs are >= 0
      keys[b] = ((fixed << kRowsShift) << kEndShift) + b;
    }
  }

  // Layer k: the cheapest cover of [a, m) with at most k non-empty rows (cost and rows fields,
  // end field 0), and the end of its first row. Layer 0 covers only the empty range [m, m).
  std::vector<int64_t> prev(stride, kInfeasible), cur(stride);
  std::vector<std::vector<uint32_t>> first_end(kRows + 1, std::vector<uint32_t>(stride, m));
  prev[m] = 0;
  const int64_t end_mask = (int64_t(1) << kEndShift) - 1;
  for (int k = 1; k <= kRows; ++k) {
    cur[m] = 0;
    for (uint32_t a = 0; a < m; ++a) {
      const int64_t* row = &row_key[a * stride];
      int64_t best = std::numeric_limits<int64_t>::max();
      for (uint32_t b = a + 1; b <= m; ++b) best = std::min(best, row[b] + prev[b]);
      first_end[k][a] = uint32_t(best & end_mask);
      cur[a] = (best & ~end_mask) + (int64_t(1) << kEndShift);  // one more row
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
