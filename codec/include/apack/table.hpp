// The APack value table (spec sections 2-4): 16 contiguous code ranges, their search, and the
// section-3 cost model used to report and compare tables.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace apack {

constexpr int kRows = 16;

// H[v] = occurrences of code v, v in [0, 2^bits).
using Histogram = std::vector<uint64_t>;
Histogram make_histogram(const uint8_t* codes, size_t n, int bits);

// lg(w) of the spec: 0 for w <= 1, else ceil(log2 w).
int offset_length(uint32_t width);

// Boundaries b_0..b_16 with b_0 = 0 and b_16 = 2^bits; row i covers [b_i, b_{i+1}).
struct Table {
  int bits = 8;
  std::array<uint32_t, kRows + 1> vmin{};

  uint32_t width(int row) const { return vmin[row + 1] - vmin[row]; }
  int ol(int row) const { return offset_length(width(row)); }
  // The row holding code v (v < 2^bits). Empty rows never hold a value.
  int row_of(uint32_t v) const;
  bool operator==(const Table& o) const { return bits == o.bits && vmin == o.vmin; }
};

// The start table of the search: uniform rows, or width-1 rows then empty ones for bits < 4.
Table uniform_table(int bits);

struct RowReport {
  uint32_t vmin = 0;
  int ol = 0;
  uint64_t abits = 0;  // trunc of the float32 prefix cost of the row
  uint64_t obits = 0;  // vcnt * ol
  uint64_t vcnt = 0;
};

struct TableReport {
  std::array<RowReport, kRows> rows{};
  uint64_t estimate_bits = 0;  // sum of abits + obits
  float score = 0.0f;          // the float32 objective the sweep minimises
};

// Section-3 cost model, computed bit-exactly in float32.
TableReport describe_table(const Table& t, const Histogram& h);

// Row counts c_i of a histogram under a table.
std::array<uint64_t, kRows> row_counts(const Table& t, const Histogram& h);

// `uniform` keeps the start table: the no-search baseline of `apack stats`.
enum class Search { optimal, sweep, uniform };
const char* to_string(Search s);

// The published heuristic (section 3), bit-exact.
Table search_sweep(const Histogram& h, int bits);
// Dynamic programme over boundaries minimising the real-valued cost (section 4).
Table search_optimal(const Histogram& h, int bits);
Table search_table(const Histogram& h, int bits, Search s);

// Order-0 entropy of the histogram in bits (sum -H log2(H/N)), the bound a per-value coder meets.
double entropy_bits(const Histogram& h);

}  // namespace apack
