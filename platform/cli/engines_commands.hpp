// The `engines` subcommands: compare engines on a network, find a precision profile.
#pragma once

#include <CLI/CLI.hpp>

namespace apack::vp {

void add_engines_compare(CLI::App& engines);
void add_engines_profile(CLI::App& engines);

}  // namespace apack::vp
