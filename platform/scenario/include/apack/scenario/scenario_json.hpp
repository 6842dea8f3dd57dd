// The resolved scenario as a JSON object, for summary.json and `scenario check --json`.
#pragma once

#include <nlohmann/json.hpp>

#include "apack/scenario/scenario.hpp"

namespace apack::scenario {

nlohmann::ordered_json to_json(const Scenario& s);

}  // namespace apack::scenario
