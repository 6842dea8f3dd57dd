// `apack-vp`: the virtual platform on the command line. Errors go to stderr with a non-zero
// status; stdout carries the requested output (human summary, or JSON with --json); progress
// goes to stderr.
#include <iostream>
#include <new>

#include "apack/error.hpp"
#include "commands.hpp"
#include "scenario_commands.hpp"

namespace apack::vp {
bool progress_line_open = false;
int command_status = 0;
}  // namespace apack::vp

namespace {
void error_line() {
  if (apack::vp::progress_line_open) std::cerr << "\n";
  apack::vp::progress_line_open = false;
}
}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "apack-vp - virtual platform for DNN inference hardware with APack-compressed off-chip "
      "traffic"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "apack-vp 0.1.0");
  apack::vp::register_network(app);
  apack::vp::register_dram(app);
  apack::vp::register_engines(app);
  apack::vp::register_scenario(app);
  apack::vp::register_run(app);
  apack::vp::register_compare(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const apack::Error& e) {
    error_line();
    std::cerr << "apack-vp: error: " << e.what() << "\n";
    return 1;
  } catch (const std::bad_alloc&) {
    error_line();
    std::cerr << "apack-vp: error: out of memory\n";
    return 1;
  } catch (const std::exception& e) {
    error_line();
    std::cerr << "apack-vp: error: " << e.what() << "\n";
    return 1;
  }
  return apack::vp::command_status;
}
