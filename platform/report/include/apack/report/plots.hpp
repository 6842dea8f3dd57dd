// Plots for reports and docs as standalone SVG, drawn by our own code (no plotting tools):
// energy by component (horizontal bars with values and shares) and per-layer time (bars
// coloured by what bounded the layer, compute or memory).
#pragma once

#include <string>

#include "apack/report/run_result.hpp"

namespace apack::report {

std::string energy_svg_text(const RunResult& r);
std::string layers_svg_text(const RunResult& r);

// Atomic writes; errors name `path`.
void write_energy_svg(const RunResult& r, const std::string& path);
void write_layers_svg(const RunResult& r, const std::string& path);

}  // namespace apack::report
