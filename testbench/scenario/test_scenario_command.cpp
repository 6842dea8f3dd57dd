// `apack-vp scenario check` as registered on a CLI11 app (platform/cli/cmd_scenario.cpp): the
// resolved YAML or JSON on stdout, errors out of the callback as apack::FormatError (main()
// prints them and exits 1).
#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "scenario_commands.hpp"
#include "scenario_test_util.hpp"

using namespace apack::scenario;
using namespace apack::scenario::test;

namespace {

// Runs `apack-vp scenario check ARGS...`, returning what it printed on stdout.
std::string run_check(std::vector<std::string> args) {
  CLI::App app{"apack-vp"};
  apack::vp::register_scenario(app);
  args.insert(args.begin(), {"scenario", "check"});
  std::reverse(args.begin(), args.end());  // CLI11 takes the arguments last first
  std::ostringstream out;
  std::streambuf* old = std::cout.rdbuf(out.rdbuf());
  try {
    app.parse(args);
  } catch (...) {
    std::cout.rdbuf(old);
    throw;
  }
  std::cout.rdbuf(old);
  return out.str();
}

}  // namespace

TEST_CASE("scenario check: prints the resolved scenario, YAML or JSON", "[scenario]") {
  const std::string file = std::string(APACK_SOURCE_DIR) + "/scenarios/default.yaml";
  const std::string yaml = run_check({file, "--set", "codec.units=32"});
  CHECK(yaml.find("units: 32") != std::string::npos);
  CHECK(yaml.find("fifo_depth: 8") != std::string::npos);  // a default filled in
  // What it printed is the scenario itself: read back, it equals the file with the override.
  CHECK(parse_scenario(yaml, file) == load_scenario(file, {"codec.units=32"}));
  const nlohmann::json j = nlohmann::json::parse(run_check({file, "--json"}));
  CHECK(j["name"] == "default");
  CHECK(j["dram"]["memspec"] == "lpddr4-3200");
}

TEST_CASE("scenario check: errors leave the command as FormatError", "[scenario]") {
  const std::string file = std::string(APACK_SOURCE_DIR) + "/scenarios/default.yaml";
  CHECK_THROWS_WITH(run_check({file, "--set", "codec.units=0"}),
                    "--set codec.units=0: codec.units: must be in [1, 4096], got 0");
  CHECK_THROWS_AS(run_check({file, "--set", "engine.name=nope"}), apack::FormatError);
  CHECK_THROWS_AS(run_check({"/nonexistent/s.yaml"}), apack::Error);
}
