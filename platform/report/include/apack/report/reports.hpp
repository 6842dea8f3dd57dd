// Everything a run writes into its output folder, and the headers of each report.
#pragma once

#include <string>
#include <vector>

#include "apack/report/compare.hpp"
#include "apack/report/plots.hpp"
#include "apack/report/run_result.hpp"
#include "apack/report/summary_json.hpp"
#include "apack/report/tables.hpp"
#include "apack/report/text.hpp"
#include "apack/report/trace.hpp"

namespace apack::report {

// Creates `dir` (and its parents; errors name it) and writes summary.json, layers.csv and
// energy.csv, plus trace.json when `trace` and energy.svg and layers.svg when `plots`. Returns
// the paths written, in that order.
std::vector<std::string> write_reports(const RunResult& r, const std::string& dir, bool trace,
                                       bool plots);

}  // namespace apack::report
