// The `apack` subcommands. Each registers itself on the CLI11 app; main() dispatches.
#pragma once

#include <CLI/CLI.hpp>

namespace apack::cli {

void register_compress(CLI::App& app);
void register_decompress(CLI::App& app);
void register_table(CLI::App& app);
void register_stats(CLI::App& app);
void register_bench(CLI::App& app);

}  // namespace apack::cli
