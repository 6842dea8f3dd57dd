// Every engine on every Conv layer of posenet with the values of a real photo: the output sums
// must equal the int8 reference executor's bit for bit (issue: functional equality), and a
// precision narrower than the data must be caught.
#include <catch2/catch.hpp>
#include <iostream>

#include "apack/engines/compare.hpp"
#include "apack/engines/network_layers.hpp"
#include "apack/image/image.hpp"
#include "apack/network/tfjs_import.hpp"
#include "real_workloads.hpp"

using namespace apack::engines;
using namespace apack::network;

namespace {

struct PosenetRun {
  Graph graph;
  QuantizedGraph qg;
  IntRun run;
};

// One quantized reference run of posenet on the astronaut photo, shared by the test cases.
const PosenetRun& posenet() {
  static const PosenetRun* r = [] {
    auto* p = new PosenetRun;
    p->graph = load_tfjs_graph(apack::test::model_json("posenet"));
    const auto img = apack::image::decode_file(apack::test::photo("astronaut.png"));
    auto t = apack::image::preprocess(img, apack::image::preset("posenet"), std::nullopt, "astro");
    const FloatTensor x{p->graph.layers[size_t(p->graph.inputs[0])].shape, std::move(t.data)};
    Calibration cal;
    add_calibration_run(cal, p->graph, run_fp32(p->graph, {x}), 100.0);
    p->qg = quantize(p->graph, cal, QuantConfig{});
    p->run = run_int(p->qg, {x}, true);
    return p;
  }();
  return *r;
}

std::vector<NamedEngine> engines_of(const std::vector<std::string>& specs) {
  std::vector<NamedEngine> out;
  for (const auto& s : specs) {
    const EngineSpec spec = EngineSpec::parse(s);
    out.push_back({spec, make_engine(spec, Baseline{})});
  }
  return out;
}

}  // namespace

TEST_CASE("posenet: every engine's outputs equal the int8 executor's on every layer",
          "[engines][posenet]") {
  const PosenetRun& p = posenet();
  const auto layers = network_layers(p.qg, p.run, PrecisionSource::Data);
  REQUIRE(layers.size() >= 25);
  const auto engines = engines_of({"bit-parallel", "tensor-core", "loom", "loom:k=2",
                                   "loom:k=4:precision=static", "loom:dynamic_weights=true",
                                   "laconic", "laconic:sync=pe", "laconic:encoding=binary"});
  const auto runs = run_engines(layers, engines);
  for (const auto& r : runs) {
    INFO(r.spec.str());
    for (size_t l = 0; l < layers.size(); ++l) {
      INFO("layer " << layers[l].work.name);
      REQUIRE(r.layers[l].check.ran);
      CHECK(r.layers[l].check.mismatches == 0);
      CHECK(r.layers[l].result.cycles > 0);
    }
    std::cout << "posenet " << r.spec.str() << ": " << r.cycles << " cycles, "
              << double(r.macs) / r.seconds / 1e9 << " G value pairs/s\n";
  }
}

TEST_CASE("posenet: a static precision narrower than the data is caught by the check",
          "[engines][posenet]") {
  const PosenetRun& p = posenet();
  auto layers = network_layers(p.qg, p.run, PrecisionSource::Data);
  // The first layer's input (the image, signed 8-bit) really needs its full width; one bit
  // less truncates some values, and a bit-serial engine then computes another sum.
  std::vector<NetworkLayer> one;
  one.push_back(std::move(layers[0]));
  REQUIRE(one[0].work.act.precision >= 2);
  one[0].work.act.precision -= 1;
  const auto runs = run_engines(one, engines_of({"loom:precision=static"}));
  CHECK(runs[0].layers[0].check.ran);
  CHECK(runs[0].layers[0].check.mismatches > 0);
}
