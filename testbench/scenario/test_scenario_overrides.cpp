// --set overrides: applied to the tree before validation, so they are checked like the file's
// values, and their errors name the override instead of a file line.
#include "scenario_test_util.hpp"

using namespace apack::scenario;
using namespace apack::scenario::test;

TEST_CASE("scenario: --set replaces values and creates sections", "[scenario]") {
  const std::string text = "network: {model: alexnet}\ncodec:\n  units: 4\n";
  const Scenario s = parse_scenario(
      text, "s.yaml",
      {"codec.units=32", "dram.memspec=hbm2", "dram.channels=2", "engine.parameters.units=8",
       "network.quantization.per_channel=false", "clock_ghz=1.5", "name=other"});
  CHECK(s.codec.units == 32);       // replaced
  CHECK(s.dram.memspec == "hbm2");  // section created
  CHECK(s.dram.channels == 2);
  CHECK(s.engine.parameters.at("units") == "8");
  CHECK_FALSE(s.network.quantization.per_channel);
  CHECK(s.clock_ghz == 1.5);
  CHECK(s.name == "other");
  // The last override of a key wins.
  CHECK(parse_scenario(text, "s.yaml", {"batch=2", "batch=5"}).batch == 5);
}

TEST_CASE("scenario: --set takes flow lists, relative to the working directory", "[scenario]") {
  TempDir dir;
  const std::string a = dir.write("a.png"), b = dir.write("b.png");
  dir.write("m.json");
  const std::string cwd = fs::current_path().string();
  fs::current_path(dir.path());
  Scenario s;
  try {
    // The file's paths are relative to its folder (base), the override's to the working dir.
    s = parse_scenario("network:\n  model: m.json\n  inputs: [a.png]\n", "s.yaml",
                       {"network.calibrate=[a.png, b.png]"}, ReadOptions{dir.path().string()});
  } catch (...) {
    fs::current_path(cwd);
    throw;
  }
  fs::current_path(cwd);
  CHECK(s.network.inputs == std::vector<std::string>{a});
  CHECK(s.network.calibrate == std::vector<std::string>{a, b});
}

TEST_CASE("scenario: --set errors name the override", "[scenario]") {
  const std::string text = builtin_scenario();
  CHECK(error_of(text, {"codec.unitz=4"})
            .rfind("--set codec.unitz=4: codec.unitz: unknown key (did you mean 'units'?)", 0) ==
        0);
  CHECK(error_of(text, {"nosuch.key=1"}).rfind("--set nosuch.key=1: nosuch: unknown key", 0) == 0);
  CHECK(error_of(text, {"codec.units=0"}) ==
        "--set codec.units=0: codec.units: must be in [1, 4096], got 0");
  CHECK(error_of(text, {"batch=two"}) == "--set batch=two: batch: must be an integer, got 'two'");
  CHECK(error_of(text, {"network.quantization.weight_bits=16"})
            .rfind("--set network.quantization.weight_bits=16: network.quantization.weight_bits: "
                   "the tensor-core engine cannot run 16-bit weights",
                   0) == 0);
  CHECK(error_of(text, {"engine.name=loom", "engine.parameters.k=5"})
            .rfind("--set engine.parameters.k=5: engine.parameters.k: engine loom: k=5", 0) == 0);
  CHECK(error_of(text, {"dram.channels=6"})
            .rfind("--set dram.channels=6: dram.channels: must be "
                   "a power of two",
                   0) == 0);
  // Malformed overrides.
  CHECK(error_of(text, {"batch"}) == "--set batch: expected key=value");
  CHECK(error_of(text, {"batch="}) == "--set batch=: no value after '='");
  CHECK(error_of(text, {"=3"}).rfind("--set =3: the key must be dotted words", 0) == 0);
  CHECK(error_of(text, {"codec..units=3"}).rfind("--set codec..units=3: the key must be", 0) == 0);
  CHECK(error_of(text, {"co dec=3"}).rfind("--set co dec=3: the key must be dotted words", 0) == 0);
  CHECK(error_of(text, {"codec={units: 3}"})
            .rfind("--set codec={units: 3}: the value must be a "
                   "scalar or a flow list",
                   0) == 0);
  CHECK(error_of(text, {"batch=[1"}).rfind("--set batch=[1: the value is not a YAML scalar", 0) ==
        0);
  CHECK(error_of(text, {"network.model.x=1"}) ==
        "--set network.model.x=1: network.model is not a section (it holds a value), so it has no "
        "key x");
  // A value from the file still names the file even when another key was overridden.
  CHECK(error_of("network: {model: alexnet}\nbatch: 0\n", {"codec.units=2"}) ==
        "s.yaml:2: batch: must be in [1, 4096], got 0");
  // A section the override created holds the missing-key error of the override.
  CHECK(error_of("name: x\n", {"network.seed=3"}) ==
        "--set network.seed=3: network.model: missing (required)");
}
