// Relative paths, the resolved scenario written back (YAML read back equal, JSON), and the
// scenarios shipped in scenarios/.
#include <nlohmann/json.hpp>

#include "apack/scenario/scenario_json.hpp"
#include "scenario_test_util.hpp"

using namespace apack::scenario;
using namespace apack::scenario::test;

TEST_CASE("scenario: paths are relative to the scenario file's folder", "[scenario]") {
  TempDir dir;
  const std::string model = dir.write("models/net.onnx");
  const std::string img = dir.write("images/cat.png");
  const std::string profile = dir.write("profiles/p.yaml");
  const std::string tech = dir.write("tech/t.yaml");
  (void)tech;
  const std::string file = dir.write("scen/a.yaml", R"(network:
  model: ../models/net.onnx
  inputs: [../images/cat.png, ../images/./cat.png]
  profile: ../profiles/p.yaml
outputs: {dir: ../results/a}
)");
  const Scenario s = load_scenario(file);
  CHECK(s.source == file);
  CHECK(s.name == "a");
  CHECK(s.network.model == model);
  CHECK(s.network.kind == ModelKind::onnx);
  CHECK(s.network.inputs == std::vector<std::string>{img, img});  // normalised
  CHECK(s.network.profile == profile);
  CHECK(s.outputs.dir == (dir.path() / "results/a").string());
  // Absolute paths stay as they are.
  const Scenario t = parse_scenario("network: {model: " + model + ", inputs: " + img + "}\n",
                                    "elsewhere.yaml", {}, ReadOptions{"/nonexistent"});
  CHECK(t.network.model == model);
  // A trace folder is a model of its own kind.
  dir.write("trace/trace.json", "{}");
  const Scenario u =
      parse_scenario("network: {model: trace}\n", "s.yaml", {}, ReadOptions{dir.path().string()});
  CHECK(u.network.kind == ModelKind::trace);
  CHECK(u.network.model == (dir.path() / "trace").string());
  CHECK(error_of("network: {model: trace, inputs: [x.png]}\n", {}, dir.path().string())
            .rfind("s.yaml:1: network.inputs: not used with a trace folder", 0) == 0);
}

TEST_CASE("scenario: resolved -> YAML -> parse gives the same scenario", "[scenario]") {
  TempDir dir;
  dir.write("m.json");
  dir.write("x y.png");          // a path that needs quoting
  dir.write("caf\xc3\xa9.png");  // and one with a non-ASCII (UTF-8) name
  const std::vector<std::string> texts = {
      "network: {model: alexnet}\n",
      "name: r2\nclock_ghz: 0.7\nengine: {name: laconic, parameters: {wires: 128, sync: pe, "
      "encoding: binary}, baseline: {width: 16, tiles: 2, rows: 8}}\nbuffers: {outputs: "
      "{size_kib: 32, width_bits: 128, banks: 2}}\ncodec: {compressor: bypass, units: 3, "
      "clock_ghz: 0.3333333333333333, chunk: 7, search: sweep, map: raw, tables: oracle}\nbatch: "
      "4\ndram: {memspec: ddr4-2400, channels: 8, page_policy: closed, scheduler: fcfs, refresh: "
      "false, power_down: true, mode: at}\nnetwork: {model: m.json, inputs: [\"x y.png\"], "
      "calibrate: [\"x y.png\", m.json], preprocess: posenet, quantization: {weight_bits: 5, "
      "activation_bits: 3, per_channel: false, percentile: 99.99}, seed: 123456789012}\n"
      "technology: 45nm\noutputs: {dir: \"o: ut\", trace: true, plots: true}\n",
      "network: {model: resnet50}\ncodec: {enabled: false}\nengine: {name: loom, parameters: "
      "{k: 1, dynamic_weights: true}}\n",
      "network: {model: m.json, inputs: caf\xc3\xa9.png}\noutputs: {dir: \"r\xc3\xa9sultats\"}\n",
  };
  for (const std::string& text : texts) {
    INFO(text);
    const Scenario a = parse_scenario(text, "r.yaml", {}, ReadOptions{dir.path().string()});
    const std::string yaml = to_yaml(a);
    INFO(yaml);
    // Read back from another folder: every path in it is absolute.
    const Scenario b = parse_scenario(yaml, "r.yaml", {}, ReadOptions{"/nonexistent"});
    CHECK(a == b);
    CHECK(to_yaml(b) == yaml);
  }
  // The equality is not vacuous: one field apart is unequal.
  Scenario a = parse_scenario(texts[0], "r.yaml");
  Scenario b = a;
  b.codec.fifo_depth = 9;
  CHECK(a != b);
}

TEST_CASE("scenario: JSON holds the resolved values", "[scenario]") {
  const Scenario s =
      parse_scenario("network: {model: alexnet}\ndram: {memspec: hbm2, mode: at}\n", "j.yaml");
  const nlohmann::json j = nlohmann::json::parse(to_json_text(s));
  CHECK(j["name"] == "j");
  CHECK(j["engine"]["name"] == "tensor-core");
  CHECK(j["engine"]["baseline"]["tiles"] == 4);
  CHECK(j["codec"]["units"] == 13);
  CHECK(j["codec"]["map"] == "auto");
  CHECK(j["dram"]["memspec"] == "hbm2");
  CHECK(j["dram"]["mode"] == "at");
  CHECK(j["dram"]["mapping"].is_null());
  CHECK(j["network"]["kind"] == "builtin");
  CHECK(j["network"]["quantization"]["percentile"] == 100.0);
  CHECK(j["technology"] == "65nm");
  CHECK(j["notes"].size() == 1);
}

TEST_CASE("scenario: the shipped scenarios validate", "[scenario]") {
  const fs::path root = APACK_SOURCE_DIR;
  std::vector<fs::path> files = {root / "scenarios/default.yaml"};
  for (const auto& e : fs::directory_iterator(root / "scenarios/examples"))
    if (e.path().extension() == ".yaml") files.push_back(e.path());
  REQUIRE(files.size() >= 4);
  for (const fs::path& f : files) {
    INFO(f.string());
    Scenario s;
    REQUIRE_NOTHROW(s = load_scenario(f.string()));
    CHECK(s.name == f.stem().string());  // each names itself after its file
    const Scenario back = parse_scenario(to_yaml(s), f.string());
    CHECK(back == s);
  }
  // The default scenario is what the README promises.
  const Scenario d = load_scenario((root / "scenarios/default.yaml").string());
  CHECK(d.engine.name == "tensor-core");
  CHECK(d.codec.enabled);
  CHECK(d.codec.compressor == Compressor::apack);
  CHECK(d.dram.memspec == "lpddr4-3200");
  CHECK(d.network.model == (root / "workloads-cache/models/posenet.json").lexically_normal());
  CHECK(
      d.network.inputs ==
      std::vector<std::string>{(root / "workloads-cache/images/astronaut.png").lexically_normal()});
  CHECK(d.technology == "65nm");
}
