// Running a list of timed requests through a controller, in order, as a trace player does:
// each request is offered at its arrival time and, while the controller refuses it
// (back-pressure), offered again after each controller event. For tests, analytical runs and
// the trace player.
#pragma once

#include <vector>

#include "apack/dram/controller.hpp"

namespace apack::dram {

struct RunResult {
  std::vector<Completion> completions;  // in column-command order
  Cycle end = 0;                        // the last completion (or now() if there were none)
};

// Offers every request, drains the controller and advances it to the last completion.
RunResult run_requests(Controller& controller, const std::vector<Request>& requests);

}  // namespace apack::dram
