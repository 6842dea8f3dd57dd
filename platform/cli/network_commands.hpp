// The `network` subcommands.
#pragma once

#include <CLI/CLI.hpp>

namespace apack::vp {

void register_network_inspect(CLI::App* network);
void register_network_run(CLI::App* network);

}  // namespace apack::vp
