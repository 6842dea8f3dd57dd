#include "laconic_schedule.hpp"

#include <algorithm>

#include "apack/engines/mapping.hpp"
#include "apack/engines/terms.hpp"
#include "apack/error.hpp"

namespace apack::engines::detail {

SyncDomain parse_sync(const std::string& name) {
  if (name == "pe") return SyncDomain::pe;
  if (name == "column") return SyncDomain::column;
  if (name == "tile") return SyncDomain::tile;
  if (name == "engine") return SyncDomain::engine;
  throw Error("laconic: sync=" + name + " is not one of pe, column, tile, engine");
}

std::string sync_name(SyncDomain d) {
  switch (d) {
    case SyncDomain::pe:
      return "pe";
    case SyncDomain::column:
      return "column";
    case SyncDomain::tile:
      return "tile";
    case SyncDomain::engine:
      break;
  }
  return "engine";
}

int64_t LaconicSchedule::cycles(SyncDomain d) const {
  switch (d) {
    case SyncDomain::pe:
      return cycles_pe;
    case SyncDomain::column:
      return cycles_column;
    case SyncDomain::tile:
      return cycles_tile;
    case SyncDomain::engine:
      break;
  }
  return cycles_engine;
}

int64_t LaconicSchedule::pe_cycles_in_steps(SyncDomain d, const LaconicGeometry& g) const {
  switch (d) {
    case SyncDomain::pe:
      return busy_pe;
    case SyncDomain::column:
      return g.rows * busy_column;
    case SyncDomain::tile:
      return g.rows * g.columns * busy_tile;
    case SyncDomain::engine:
      break;
  }
  return g.pes() * cycles_engine;
}

namespace {

// Windows processed together: a whole number of window chunks (so a chunk never straddles two
// blocks) and about 256 windows, which keeps the block's activation term counts (16 lanes x 256
// bytes per brick) in L1 while every filter of the group passes over them.
int64_t window_block(int64_t chunk) { return chunk * std::max<int64_t>(1, ceil_div(256, chunk)); }

// Per-step costs of one filter against n windows for one brick: out[i] = max(1, max over the 16
// lanes of ta[k][i] * tw[k]). Vectorised over the windows (16-bit lanes; a count is at most 17,
// so a product fits); the lane loop is unrolled inside.
void pe_costs(const uint8_t* const ta[kLanes], const uint8_t* tw, int64_t n, uint16_t* out) {
  uint16_t w[kLanes];
  for (int k = 0; k < kLanes; ++k) w[k] = tw[k];
#pragma omp simd
  for (int64_t i = 0; i < n; ++i) {
    uint16_t v = 1;
    for (int k = 0; k < kLanes; ++k) v = std::max<uint16_t>(v, uint16_t(ta[k][i] * w[k]));
    out[i] = v;
  }
}

struct Totals {
  std::vector<int64_t> pe, column,
      tile;  // per domain: [row][chunk position], [chunk position], [tile]
  int64_t engine = 0;
};

// Adds one step's costs of n windows (chunks of `chunk` windows from the block start) to the
// column, tile and engine domains; colmax[i] is the maximum over the step's filters of window i.
void add_chunk_domains(const uint16_t* colmax, int64_t n, const LaconicGeometry& g, Totals& t) {
  const int64_t chunk = g.columns * g.tiles;
  for (int64_t c0 = 0; c0 < n; c0 += chunk) {
    const int64_t len = std::min(chunk, n - c0);
    const uint16_t* cm = colmax + c0;
    int64_t engine_max = 0;
    for (int64_t tile = 0; tile * g.columns < len; ++tile) {
      const int64_t s = tile * g.columns, e = std::min(s + g.columns, len);
      int64_t tile_max = 0;
      for (int64_t j = s; j < e; ++j) {
        t.column[size_t(j)] += cm[j];
        tile_max = std::max<int64_t>(tile_max, cm[j]);
      }
      t.tile[size_t(tile)] += tile_max;
      engine_max = std::max(engine_max, tile_max);
    }
    t.engine += engine_max;
  }
}

}  // namespace

LaconicSchedule laconic_schedule(const LayerWork& l, const LaconicGeometry& geo,
                                 const std::vector<uint8_t>& counts) {
  const Mapping m(l);
  const int64_t Wn = l.windows(), P = m.padded, Fg = l.Fg(), R = m.R;
  const int64_t chunk = geo.columns * geo.tiles, rows = geo.rows;
  const int64_t block = window_block(chunk);
  const auto t_of = [&](int32_t v) { return counts[size_t(int64_t(v) - kTermValueMin)]; };

  Totals tot;
  tot.pe.assign(size_t(rows * chunk), 0);
  tot.column.assign(size_t(chunk), 0);
  tot.tile.assign(size_t(geo.tiles), 0);
  LaconicSchedule s;

  // Term counts of the group's activations, transposed to [reduction position][window] so that
  // the inner loop runs over consecutive windows; and of the group's filters, [filter][position].
  std::vector<uint8_t> ta(static_cast<size_t>(P * Wn)), tw(static_cast<size_t>(Fg * P));
  std::vector<uint16_t> cost(static_cast<size_t>(block)), colmax(static_cast<size_t>(block));
  std::vector<int64_t> act_sum(static_cast<size_t>(P)), weight_sum(static_cast<size_t>(P));
  for (int64_t g = 0; g < l.groups; ++g) {
    const std::vector<int32_t> cols = gather_group(l, m, g);
    for (int64_t w = 0; w < Wn; ++w) {
      const int32_t* src = cols.data() + w * P;
      for (int64_t k = 0; k < P; ++k) ta[size_t(k * Wn + w)] = t_of(src[k]);
    }
    for (int64_t f = 0; f < Fg; ++f) {
      const int32_t* src = l.weights + (g * Fg + f) * R;
      uint8_t* dst = tw.data() + f * P;
      for (int64_t k = 0; k < R; ++k) dst[k] = t_of(src[k]);
      std::fill(dst + R, dst + P, 0);
    }

    // Term pairs: sum over windows w, filters f and positions k of ta[w][k] * tw[f][k] =
    // sum over k of (sum over w of ta) * (sum over f of tw); padding and tail lanes are zeros.
    std::fill(act_sum.begin(), act_sum.end(), 0);
    std::fill(weight_sum.begin(), weight_sum.end(), 0);
    for (int64_t k = 0; k < P; ++k)
      for (int64_t w = 0; w < Wn; ++w) act_sum[size_t(k)] += ta[size_t(k * Wn + w)];
    for (int64_t f = 0; f < Fg; ++f)
      for (int64_t k = 0; k < P; ++k) weight_sum[size_t(k)] += tw[size_t(f * P + k)];
    for (int64_t k = 0; k < P; ++k) s.term_pairs += act_sum[size_t(k)] * weight_sum[size_t(k)];

    for (int64_t w0 = 0; w0 < Wn; w0 += block) {
      const int64_t n = std::min(block, Wn - w0);
      for (int64_t f0 = 0; f0 < Fg; f0 += rows) {
        const int64_t nf = std::min(rows, Fg - f0);
        for (int64_t b = 0; b < m.bricks; ++b) {
          const uint8_t* lanes[kLanes];
          for (int k = 0; k < kLanes; ++k) lanes[k] = ta.data() + (b * kLanes + k) * Wn + w0;
          std::fill(colmax.begin(), colmax.begin() + n, uint16_t(0));
          for (int64_t r = 0; r < nf; ++r) {
            pe_costs(lanes, tw.data() + (f0 + r) * P + b * kLanes, n, cost.data());
            uint16_t* cm = colmax.data();
            const uint16_t* c = cost.data();
#pragma omp simd
            for (int64_t i = 0; i < n; ++i) cm[i] = std::max(cm[i], c[i]);
            // PE (row r, chunk position j) runs window w0 + c0 + j of every chunk c0.
            int64_t* pe = tot.pe.data() + r * chunk;
            for (int64_t c0 = 0; c0 < n; c0 += chunk) {
              const int64_t len = std::min(chunk, n - c0);
#pragma omp simd
              for (int64_t j = 0; j < len; ++j) pe[j] += c[c0 + j];
            }
          }
          add_chunk_domains(colmax.data(), n, geo, tot);
        }
      }
    }
  }
  s.cycles_pe = *std::max_element(tot.pe.begin(), tot.pe.end());
  s.cycles_column = *std::max_element(tot.column.begin(), tot.column.end());
  s.cycles_tile = *std::max_element(tot.tile.begin(), tot.tile.end());
  s.cycles_engine = tot.engine;
  for (const int64_t v : tot.pe) s.busy_pe += v;
  for (const int64_t v : tot.column) s.busy_column += v;
  for (const int64_t v : tot.tile) s.busy_tile += v;
  s.steps = steps(l, m, chunk, rows);
  return s;
}

}  // namespace apack::engines::detail
