#include "apack/dram/run.hpp"

#include <algorithm>
#include <stdexcept>

namespace apack::dram {

RunResult run_requests(Controller& c, const std::vector<Request>& requests) {
  RunResult out;
  auto collect = [&] {
    for (Completion& d : c.take_completions()) out.completions.push_back(d);
  };
  for (const Request& r : requests) {
    while (!c.try_enqueue(r)) {
      // An empty controller that still refuses would refuse forever (refresh keeps it busy).
      if (c.active() == 0 || !c.step())
        throw std::logic_error("dram: controller refuses a request but is idle");
      collect();
    }
  }
  c.drain();
  collect();
  out.end = c.now();
  for (const Completion& d : out.completions) out.end = std::max(out.end, d.done);
  c.advance_to(out.end);
  return out;
}

}  // namespace apack::dram
