// Subcommands of apack-vp, each registered on the CLI11 app by its own file.
#pragma once

#include <CLI/CLI.hpp>

namespace apack::vp {

void register_network(CLI::App& app);  // network inspect | run
void register_dram(CLI::App& app);     // dram (trace replay) | dram gen
void register_engines(CLI::App& app);  // engines compare | profile

// True while a progress message on stderr waits for its end; main() ends the line before
// printing an error.
extern bool progress_line_open;

// The exit status a command that completed asks for (apack-vp run: 2 when the outputs did not
// verify). Set rather than thrown: an exception after a SystemC simulation trips ASan's stack
// bookkeeping (the kernel's coroutines switch stacks), so a normal return carries it.
extern int command_status;

}  // namespace apack::vp
