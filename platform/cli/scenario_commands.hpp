// The `scenario` subcommands (scenario files, docs/scenario.md).
#pragma once

#include <CLI/CLI.hpp>

namespace apack::vp {

void register_scenario(CLI::App& app);  // scenario check

}  // namespace apack::vp
