// apack-vp scenario check: reads a scenario file, applies --set overrides, validates it, and
// prints the resolved scenario (every default filled in, paths absolute) as YAML or JSON.
// Errors name the file, line and key (or the override) and exit with status 1 through main().
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "apack/scenario/scenario.hpp"
#include "scenario_commands.hpp"

namespace apack::vp {

namespace {

struct CheckArgs {
  std::string file;
  std::vector<std::string> sets;
  bool json = false;
};

void run_check(const CheckArgs& a) {
  const scenario::Scenario s = scenario::load_scenario(a.file, a.sets);
  if (a.json) {
    std::cout << scenario::to_json_text(s) << "\n";
    return;
  }
  const std::string yaml = scenario::to_yaml(s);
  std::cout << yaml << (yaml.empty() || yaml.back() != '\n' ? "\n" : "") << std::flush;
  std::cerr << a.file << ": valid scenario '" << s.name << "'\n";
}

}  // namespace

void register_scenario(CLI::App& app) {
  CLI::App* sc = app.add_subcommand(
      "scenario", "scenario files: validate one and show it with every default filled in");
  sc->require_subcommand(1);

  auto args = std::make_shared<CheckArgs>();
  CLI::App* check = sc->add_subcommand(
      "check",
      "validate a scenario file and print it resolved: every default filled in, every path "
      "absolute (docs/scenario.md)");
  check->add_option("SCENARIO", args->file, "the scenario YAML file")->required();
  check
      ->add_option("--set", args->sets,
                   "override a key before validation, KEY=VALUE with a dotted key and a YAML "
                   "scalar or flow list as value (repeatable)")
      ->type_name("KEY=VALUE")
      ->allow_extra_args(false);
  check->add_flag("--json", args->json, "print the resolved scenario as JSON instead of YAML");
  check->footer(
      "Examples:\n"
      "  apack-vp scenario check scenarios/default.yaml\n"
      "  apack-vp scenario check scenarios/default.yaml --set codec.units=32 "
      "--set dram.memspec=hbm2 --json\n"
      "  apack-vp scenario check my.yaml --set network.inputs=[a.png,b.png]\n"
      "Exit status 0 when the scenario is valid; 1 with FILE:LINE: KEY: problem (or "
      "--set KEY=VALUE: KEY: problem) when not.");
  check->callback([args] { run_check(*args); });
}

}  // namespace apack::vp
