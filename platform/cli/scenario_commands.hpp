// The `scenario` subcommands (scenario files, docs/scenario.md).
#pragma once

#include <CLI/CLI.hpp>

namespace apack::vp {

void register_scenario(CLI::App& app);  // scenario check
void register_run(CLI::App& app);       // run (cmd_run.cpp)
void register_compare(CLI::App& app);   // compare (cmd_compare.cpp)

}  // namespace apack::vp
