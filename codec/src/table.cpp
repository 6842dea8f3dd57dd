// Table basics and the section-3 cost model. The cost is computed in float32 exactly as the
// published search does, because the sweep's decisions (and so the tables the authors published)
// depend on every rounding step.
#include "apack/table.hpp"

#include <cmath>
#include <stdexcept>

#include "apack/error.hpp"
#include "cost_model.hpp"

namespace apack {

Histogram make_histogram(const uint8_t* codes, size_t n, int bits) {
  // Four partial histograms break the store-to-load dependency on runs of equal codes.
  std::array<std::array<uint64_t, 256>, 4> part{};
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    ++part[0][codes[i]];
    ++part[1][codes[i + 1]];
    ++part[2][codes[i + 2]];
    ++part[3][codes[i + 3]];
  }
  for (; i < n; ++i) ++part[0][codes[i]];
  Histogram h(size_t(1) << bits, 0);
  for (size_t v = 0; v < 256; ++v) {
    const uint64_t c = part[0][v] + part[1][v] + part[2][v] + part[3][v];
    if (c == 0) continue;
    if (v >= h.size())
      throw Error("code " + std::to_string(v) + " does not fit " + std::to_string(bits) + " bits");
    h[v] = c;
  }
  return h;
}

int offset_length(uint32_t width) { return width <= 1 ? 0 : 32 - __builtin_clz(width - 1); }

int Table::row_of(uint32_t v) const {
  for (int i = kRows - 1; i >= 0; --i)
    if (vmin[i] <= v && v < vmin[i + 1]) return i;
  return -1;
}

Table uniform_table(int bits) {
  Table t;
  t.bits = bits;
  const uint32_t m = uint32_t(1) << bits;
  for (int k = 0; k <= kRows; ++k)
    t.vmin[k] = bits < 4 ? std::min<uint32_t>(k, m) : uint32_t(k) * (m / kRows);
  return t;
}

std::array<uint64_t, kRows> row_counts(const Table& t, const Histogram& h) {
  std::array<uint64_t, kRows> c{};
  for (int i = 0; i < kRows; ++i)
    for (uint32_t v = t.vmin[i]; v < t.vmin[i + 1]; ++v) c[i] += h[v];
  return c;
}

TableReport describe_table(const Table& t, const Histogram& h) {
  TableReport r;
  const auto c = row_counts(t, h);
  uint64_t n = 0;
  for (auto x : c) n += x;
  const float fn = float(n);
  float b = 0.0f;
  uint64_t obits_sum = 0;
  for (int i = 0; i < kRows; ++i) {
    RowReport& row = r.rows[i];
    row.vmin = t.vmin[i];
    row.ol = t.ol(i);
    row.vcnt = c[i];
    row.obits = c[i] * uint64_t(row.ol);
    obits_sum += row.obits;
    if (n > 0) {
      const float prod = detail::prefix_term_f32(c[i], fn);
      row.abits = uint64_t(std::trunc(-prod));
      b = b + prod;
    }
    r.estimate_bits += row.abits + row.obits;
  }
  r.score = float(obits_sum) - b;
  return r;
}


double entropy_bits(const Histogram& h) {
  uint64_t n = 0;
  for (auto x : h) n += x;
  if (n == 0) return 0.0;
  double bits = 0.0;
  for (auto x : h)
    if (x > 0) bits -= double(x) * std::log2(double(x) / double(n));
  return bits;
}

const char* to_string(Search s) {
  switch (s) {
    case Search::optimal:
      return "optimal";
    case Search::sweep:
      return "sweep";
    case Search::uniform:
      return "uniform";
  }
  return "?";
}

Table search_table(const Histogram& h, int bits, Search s) {
  switch (s) {
    case Search::optimal:
      return search_optimal(h, bits);
    case Search::sweep:
      return search_sweep(h, bits);
    case Search::uniform:
      return uniform_table(bits);
  }
  throw Error("unknown table search");
}

}  // namespace apack
