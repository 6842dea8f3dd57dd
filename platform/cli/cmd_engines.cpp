// apack-vp engines: the processing-engine models on real networks (analytic mode, no DRAM).
#include "commands.hpp"
#include "engines_commands.hpp"

namespace apack::vp {

void register_engines(CLI::App& app) {
  CLI::App* engines = app.add_subcommand(
      "engines",
      "processing engines: compare bit-parallel, tensor-core, Loom and Laconic on a network; "
      "find a precision profile");
  engines->require_subcommand(1);
  add_engines_compare(*engines);
  add_engines_profile(*engines);
}

}  // namespace apack::vp
