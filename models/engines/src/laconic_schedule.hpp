// Laconic's cycle model (engines.md §4): the per-step work of every processing element from the
// term counts of its operands, synchronised per domain. All four domains are computed in one
// pass over the layer so that a report can show what the synchronisation costs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "apack/engines/layer.hpp"

namespace apack::engines::detail {

// Which lanes wait for each other at the end of a step.
enum class SyncDomain { pe, column, tile, engine };
SyncDomain parse_sync(const std::string& name);  // "pe", "column", "tile", "engine"
std::string sync_name(SyncDomain d);

// tiles x columns x rows processing elements (PEs) of 16 lanes. Within a step, the windows of a
// chunk of columns*tiles consecutive output windows go to (tile = j / columns,
// column = j % columns) and the filters of a chunk of `rows` filters of the group to the rows;
// every tile holds the same rows (weights are broadcast to the tiles, activations along a row).
struct LaconicGeometry {
  int64_t columns = 16, rows = 1, tiles = 1;
  int64_t pes() const { return columns * rows * tiles; }
};

struct LaconicSchedule {
  // Layer cycles under each synchronisation domain: the maximum over the domains of that kind of
  // the domain's sum over steps of its per-step maximum (see laconic_schedule).
  int64_t cycles_pe = 0, cycles_column = 0, cycles_tile = 0, cycles_engine = 0;
  // The sum over the domains of each kind of their cycles (the engine has one domain):
  // domain-cycles in which the domain's PEs are busy or waiting inside the domain.
  int64_t busy_pe = 0, busy_column = 0, busy_tile = 0;
  int64_t term_pairs = 0;  // sum over all products of t(a) * t(w)
  int64_t steps = 0;       // mapping.hpp steps() with columns*tiles columns
  int64_t cycles(SyncDomain d) const;
  // PE-cycles inside the synchronised steps of domain kind d (PEs per domain x busy_*): the
  // rest of pes() x cycles(d) is PEs whose domain has finished the layer before the slowest.
  int64_t pe_cycles_in_steps(SyncDomain d, const LaconicGeometry& g) const;
};

// The schedule of layer `l` (already checked; every value in [kTermValueMin, kTermValueMax])
// with per-value term counts `counts` (index v - kTermValueMin, TermEncoding::count_table()).
//
// A step is (group, window chunk, filter chunk, brick), decomposed as for Loom. A PE that holds
// a window and a filter in the step needs max over its 16 lanes of max(1, t(a) * t(w)) cycles
// (a lane with no term pair still spends the cycle the step takes); a PE without a window or a
// filter (partial chunk) has no work and does not set the maximum. A domain's step costs the
// maximum over its working PEs (0 if it has none), and a domain's cycles are the sum over
// steps; the layer ends when its slowest domain does. Domains: pe = one PE; column = the rows of
// one column of one tile; tile = all PEs of one tile; engine = every PE.
LaconicSchedule laconic_schedule(const LayerWork& l, const LaconicGeometry& geometry,
                                 const std::vector<uint8_t>& counts);

}  // namespace apack::engines::detail
