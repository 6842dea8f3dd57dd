// A minimal scenario gets every default docs/scenario.md lists.
#include "scenario_test_util.hpp"

using namespace apack::scenario;
using namespace apack::scenario::test;

TEST_CASE("scenario: a minimal scenario takes every documented default", "[scenario]") {
  ReadOptions o;
  o.base_dir = "/tmp";
  const Scenario s = parse_scenario("network: {model: alexnet}\n", "dir/minimal.yaml", {}, o);
  CHECK(s.name == "minimal");  // the file's stem
  CHECK(s.clock_ghz == 1.0);
  CHECK(s.engine.name == "tensor-core");
  CHECK(s.engine.parameters.empty());
  CHECK(s.engine.baseline.width == 8);
  CHECK(s.engine.baseline.tiles == 4);
  CHECK(s.engine.baseline.rows == 16);
  // The engine's own description of its default configuration: 4 x 16 x 16 = 1024 MACs in 4x4x4
  // units is 16 units.
  CHECK(s.engine.description.find("16 units of 4x4x4") != std::string::npos);
  CHECK(s.buffers.weights.size_kib == 256);
  CHECK(s.buffers.weights.width_bits == 256);
  CHECK(s.buffers.weights.banks == 8);
  CHECK(s.buffers.activations.size_kib == 256);
  CHECK(s.buffers.outputs.size_kib == 64);
  CHECK(s.buffers.outputs.banks == 4);
  CHECK(s.codec.enabled);
  CHECK(s.codec.compressor == Compressor::apack);
  CHECK(s.codec.units == 13);
  CHECK(s.codec.pipeline_depth == 3);
  CHECK(s.codec.clock_ghz == 1.0);
  CHECK(s.codec.fifo_depth == 8);
  CHECK(s.codec.chunk == 4096);
  CHECK(s.codec.search == apack::Search::optimal);
  CHECK(s.codec.map == apack::MapChoice::automatic);
  CHECK(s.codec.tables == TableSource::profile);
  CHECK(s.batch == 1);
  CHECK(s.dram.memspec == "lpddr4-3200");
  CHECK(s.dram.preset);
  CHECK(s.dram.channels == 1);
  CHECK(s.dram.page_policy == apack::dram::PagePolicy::Open);
  CHECK(s.dram.scheduler == apack::dram::SchedulerPolicy::FrFcfs);
  CHECK(s.dram.refresh);
  CHECK_FALSE(s.dram.power_down);
  CHECK(s.dram.mode == TlmMode::lt);
  CHECK(s.dram.mapping.empty());
  CHECK(s.dram.mcconfig.empty());
  CHECK(s.network.model == "alexnet");
  CHECK(s.network.kind == ModelKind::builtin);
  CHECK(s.network.inputs.empty());
  CHECK(s.network.calibrate.empty());
  CHECK(s.network.preprocess == "auto");
  CHECK(s.network.quantization.weight_bits == 8);
  CHECK(s.network.quantization.activation_bits == 8);
  CHECK(s.network.quantization.per_channel);
  CHECK(s.network.quantization.percentile == 100.0);
  CHECK(s.network.profile.empty());
  CHECK(s.network.seed == 1);
  CHECK(s.technology == "65nm");
  CHECK(s.outputs.dir == (fs::current_path() / "out/minimal").lexically_normal().string());
  CHECK_FALSE(s.outputs.trace);
  CHECK_FALSE(s.outputs.plots);
  // A built-in topology without inputs runs on a synthetic input, and the notes say so.
  REQUIRE(s.notes.size() == 1);
  CHECK(s.notes[0].find("synthetic input") != std::string::npos);
}

TEST_CASE("scenario: given values replace the defaults", "[scenario]") {
  const Scenario s = parse_scenario(R"(name: full
clock_ghz: 0.8
engine:
  name: loom
  parameters: {k: 4, precision: static}
  baseline: {width: 16, tiles: 1, rows: 8}
buffers:
  weights: {size_kib: 128, width_bits: 64, banks: 2}
codec:
  enabled: true
  compressor: zrle
  units: 4
  pipeline_depth: 5
  clock_ghz: 1.25
  fifo_depth: 2
  chunk: 1024
  search: sweep
  map: zigzag
  tables: oracle
batch: 3
dram:
  memspec: ddr4-2400
  channels: 4
  page_policy: closed
  scheduler: fcfs
  refresh: off
  power_down: on
  mode: at
network:
  model: vgg16
  preprocess: generic
  quantization: {weight_bits: 6, activation_bits: 7, per_channel: false, percentile: 99.9}
  seed: 7
technology: 28nm
outputs: {dir: results, trace: true, plots: true}
)",
                                    "x.yaml", {}, ReadOptions{"/base", true});
  CHECK(s.name == "full");
  CHECK(s.clock_ghz == 0.8);
  CHECK(s.engine.name == "loom");
  CHECK(s.engine.parameters ==
        std::map<std::string, std::string>{{"k", "4"}, {"precision", "static"}});
  CHECK(s.engine.baseline.width == 16);
  CHECK(s.engine.baseline.rows == 8);
  CHECK(s.buffers.weights.width_bits == 64);
  CHECK(s.buffers.activations.size_kib == 256);  // untouched buffers keep their defaults
  CHECK(s.codec.compressor == Compressor::zrle);
  CHECK(s.codec.clock_ghz == 1.25);
  CHECK(s.codec.chunk == 1024);
  CHECK(s.codec.search == apack::Search::sweep);
  CHECK(s.codec.map == apack::MapChoice::zigzag);
  CHECK(s.codec.tables == TableSource::oracle);
  CHECK(s.batch == 3);
  CHECK(s.dram.memspec == "ddr4-2400");
  CHECK(s.dram.channels == 4);
  CHECK(s.dram.page_policy == apack::dram::PagePolicy::Closed);
  CHECK(s.dram.scheduler == apack::dram::SchedulerPolicy::Fcfs);
  CHECK_FALSE(s.dram.refresh);
  CHECK(s.dram.power_down);
  CHECK(s.dram.mode == TlmMode::at);
  CHECK(s.network.preprocess == "generic");
  CHECK(s.network.quantization.weight_bits == 6);
  CHECK(s.network.quantization.activation_bits == 7);
  CHECK_FALSE(s.network.quantization.per_channel);
  CHECK(s.network.quantization.percentile == 99.9);
  CHECK(s.network.seed == 7);
  CHECK(s.technology == "28nm");
  CHECK(s.outputs.dir == "/base/results");
  CHECK(s.outputs.trace);
  CHECK(s.outputs.plots);
}

TEST_CASE("scenario: notes say what the codec settings mean", "[scenario]") {
  auto notes = [](const std::string& extra) {
    return parse_scenario(builtin_scenario() + extra, "s.yaml").notes;
  };
  auto has = [](const std::vector<std::string>& n, const std::string& what) {
    for (const std::string& s : n)
      if (s.find(what) != std::string::npos) return true;
    return false;
  };
  CHECK(has(notes("codec: {compressor: bypass}\n"), "pass values through raw"));
  CHECK(has(notes("codec: {enabled: false}\n"), "stored raw"));
  CHECK(has(notes("codec: {tables: oracle}\n"), "upper bound"));
  CHECK(has(notes("codec: {compressor: shapeshifter}\n"), "apply to apack only"));
  CHECK_FALSE(has(notes(""), "codec"));
}
