// Loom's fully connected schedule (engines.md §3, fc): a fully connected layer has one window, so
// the columns cannot share a weight brick as they do for convolutions; instead the engine
// time-multiplexes them. The work is cut into units, one unit = one brick (16 consecutive
// inputs) of one block of NR filters: the unit's NR weight bricks are streamed into one column
// (each weight read once) and its SIPs then run the brick bit-serially, busy for
// d = max(1, ceil(Pa/k)) * max(1, Pw) cycles. Units are issued in order (filter block after
// filter block, bricks in reduction order); at most one unit starts per cycle (the weight
// stream loads one column at a time) and a unit starts on the column that frees first.
//
// Start times: s_0 = 0, s_i = max(s_(i-1) + 1, earliest free column); the layer's compute cycles
// are the last end, max_i (s_i + d_i).
//
// With equal durations d (static precisions) the columns are used round robin and the schedule
// has a closed form. Unit i waits for unit i - NC's column: s_i = max(i, s_(i-NC) + d), which
// solves to s_i = floor(i / NC) * max(d, NC) + i mod NC, so for U units
//   cycles = floor((U - 1) / NC) * max(d, NC) + (U - 1) mod NC + d.
// When d <= NC the issue rate binds (cycles = U - 1 + d); when d > NC the columns do (rounds of
// NC units, each round d cycles long). The bandwidth bound F*C*Pw / interface bits is applied
// on top of this by finish_cycles (the weight reads are counted once per weight).
#pragma once

#include <cstdint>
#include <vector>

namespace apack::engines::detail {

// The greedy schedule above for any durations (one per unit, in issue order).
int64_t loom_fc_schedule(const std::vector<int64_t>& durations, int64_t columns);

}  // namespace apack::engines::detail
