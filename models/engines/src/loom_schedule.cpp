#include "loom_schedule.hpp"

#include <algorithm>
#include <functional>
#include <queue>

namespace apack::engines::detail {

int64_t loom_fc_schedule(const std::vector<int64_t>& durations, int64_t columns) {
  // Free times of the columns; the one that frees first takes the next unit.
  std::priority_queue<int64_t, std::vector<int64_t>, std::greater<int64_t>> free_at;
  for (int64_t c = 0; c < columns; ++c) free_at.push(0);
  int64_t last_start = -1, end = 0;
  for (const int64_t d : durations) {
    const int64_t start = std::max(last_start + 1, free_at.top());
    free_at.pop();
    free_at.push(start + d);
    end = std::max(end, start + d);
    last_start = start;
  }
  return end;
}

}  // namespace apack::engines::detail
