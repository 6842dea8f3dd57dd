// The CSV reports: OUT/layers.csv (one row per layer) and OUT/energy.csv (the energy ledger with
// a TOTAL row). RFC 4180 quoting; columns and units in docs/reports.md.
#pragma once

#include <string>
#include <vector>

#include "apack/report/run_result.hpp"

namespace apack::report {

// A CSV field: quoted (with doubled quotes) when it holds a comma, quote, CR, LF or starts or
// ends with a space; as is otherwise.
std::string csv_field(const std::string& s);

// Components with energy in any layer, sorted: the energy_<component>_uJ columns of layers.csv.
std::vector<std::string> layer_energy_components(const RunResult& r);

std::string layers_csv_text(const RunResult& r);
std::string energy_csv_text(const RunResult& r);

// Atomic writes; errors name `path`.
void write_layers_csv(const RunResult& r, const std::string& path);
void write_energy_csv(const RunResult& r, const std::string& path);

}  // namespace apack::report
