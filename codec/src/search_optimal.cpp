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
#include <algorithm>
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

  // Layer k holds, for each start a, the key of the cheapest cover of [a, m) with at most k
  // non-empty rows (cost and rows fields; end field 0), and the end of its first row. Layer k at
  // a needs layer k - 1 only at b > a, so one pass over a from the top computes all layers. The
  // layers of one position sit side by side (16 keys, two vector registers), so one sweep over
  // b updates every layer at once, reading the row costs once.
  const size_t stride = m + 1;
  struct alignas(64) Layers {
    int64_t k[kRows];  // layers 0 .. 15 at one position
  };
  std::vector<Layers> layer(stride);
  for (auto& l : layer) std::fill(std::begin(l.k), std::end(l.k), kInfeasible);
  std::fill(std::begin(layer[m].k), std::end(layer[m].k), 0);   // [m, m) needs no row
  std::vector<std::array<uint16_t, 257>> first_end(kRows + 1);  // [layer][a]
  std::vector<int64_t> row_key(stride);

  const double log2n = std::log2(double(n));
  std::array<double, 257> ol_of_width{};
  for (uint32_t w = 0; w <= m; ++w) ol_of_width[w] = offset_length(w);
  // Tensors of fewer than 2^16 values take every log2 from the table, in a branch-free loop the
  // compiler vectorises; larger ones fall back to log2() for large counts.
  const bool small = n < kLogTable;
  const double* lg = log2_table(small ? n + 1 : kLogTable);
  // row_key[b] for the row [a, b): its ideal bits, c (OL - log2(c / N)) (0 for c = 0), in fixed
  // point in the cost field, with b in the end field.
  auto fill = [&](uint32_t a, auto log2_of) {
    const uint64_t base = cum[a];
    const double* ol = &ol_of_width[0] - a;  // ol[b] = OL of the width b - a
    for (uint32_t b = a + 1; b <= m; ++b) {
      const uint64_t c = cum[b] - base;
      const double bits_cost = double(c) * (ol[b] + log2n - log2_of(c));
      const int64_t fixed = int64_t(bits_cost * scale + 0.5);  // costs are >= 0
      row_key[b] = ((fixed << kRowsShift) << kEndShift) + int64_t(b);
    }
  };
  const int64_t end_mask = (int64_t(1) << kEndShift) - 1;
  for (uint32_t a = m; a-- > 0;) {
    if (small)
      fill(a, [lg](uint64_t c) { return lg[c]; });
    else
      fill(a, [lg](uint64_t c) { return c < kLogTable ? lg[c] : std::log2(double(c)); });
    // best[j]: the cheapest first row [a, b) followed by layer j at b, i.e. layer j + 1 at a.
    int64_t best[kRows];
    std::fill(std::begin(best), std::end(best), std::numeric_limits<int64_t>::max());
    for (uint32_t b = a + 1; b <= m; ++b) {
      const int64_t r = row_key[b];
      const int64_t* prev = layer[b].k;
      for (int j = 0; j < kRows; ++j) best[j] = std::min(best[j], r + prev[j]);
    }
    for (int j = 0; j < kRows; ++j) {
      first_end[j + 1][a] = uint16_t(best[j] & end_mask);
      if (j + 1 < kRows) layer[a].k[j + 1] = (best[j] & ~end_mask) + (int64_t(1) << kEndShift);
    }
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
