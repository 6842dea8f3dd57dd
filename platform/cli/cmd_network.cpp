#include "commands.hpp"
#include "network_commands.hpp"

namespace apack::vp {

void register_network(CLI::App& app) {
  CLI::App* network = app.add_subcommand(
      "network", "networks: inspect a model, run it in fp32 or int8 on real inputs");
  network->require_subcommand(1);
  register_network_inspect(network);
  register_network_run(network);
}

}  // namespace apack::vp
