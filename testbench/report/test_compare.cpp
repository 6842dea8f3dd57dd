// compare_runs on two hand-made runs whose ratios are round numbers, directly and through
// summary.json files in run folders (what `apack-vp compare` reads).
#include <catch2/catch.hpp>
#include <cmath>
#include <nlohmann/json.hpp>

#include "apack/report/reports.hpp"
#include "sample_result.hpp"

using namespace apack::report;
using apack::report::test::sample_result;
using apack::report::test::ScratchDir;

namespace {

// The sample with the codec's benefit: half the time, two thirds of the energy, 60% of the
// traffic, half the stored weights and a quarter of the stored activations.
RunResult faster_result() {
  RunResult r = sample_result();
  r.scenario_name = "faster";
  r.sim_time_ns = 1000.25;           // 2000.5 / 2
  r.dram_read_bytes = 600;           // 1000 * 0.6
  r.dram_write_bytes = 300;          // 500 * 0.6
  r.weights.stored_bytes = 1229;     // 2458 / 2
  r.activations.stored_bytes = 983;  // 3932 / 4
  r.energy_by_component = {{"engine", 1.5e-6},
                           {"dram", 0.15e-6},
                           {"codec", 0.25e-6},
                           {"buffers", 0.1e-6}};  // buffers: absent from the base
  r.energy_total_j = 2e-6;                        // 3 / 1.5
  r.layers[0].end_ns = 750;                       // 1500 / 2
  r.layers[0].dram_read_bytes = 400;              // (800 + 300) / 2 in all
  r.layers[0].dram_write_bytes = 150;
  r.layers[1].start_ns = 750;
  r.layers[1].end_ns = 1000.25;  // 500.5 / 2
  r.layers[1].bound = "compute";
  std::swap(r.layers[0], r.layers[1]);  // matched by name, not by position
  return r;
}

}  // namespace

TEST_CASE("compare_runs: ratios computed by hand", "[report][compare]") {
  const Comparison c = compare_runs(sample_result(), faster_result(), "off", "on");
  CHECK(c.speedup == Approx(2.0));
  CHECK(c.energy_efficiency == Approx(1.5));
  CHECK(c.base_traffic_bytes == 1500);
  CHECK(c.other_traffic_bytes == 900);
  CHECK(c.traffic_ratio == Approx(0.6));
  CHECK(c.read_ratio == Approx(0.6));
  CHECK(c.write_ratio == Approx(0.6));
  CHECK(c.weights_footprint_ratio == Approx(0.5));
  CHECK(c.activations_footprint_ratio == Approx(0.25));
  REQUIRE(c.components.size() == 4);  // buffers, codec, dram, engine
  CHECK(c.components[0].component == "buffers");
  CHECK(std::isnan(c.components[0].ratio));  // nothing in the base to divide by
  CHECK(c.components[1].ratio == Approx(1.0));
  CHECK(c.components[2].component == "dram");
  CHECK(c.components[2].ratio == Approx(0.12));  // 0.15 / 1.25
  CHECK(c.components[3].ratio == Approx(1.0));
  CHECK(c.warnings.empty());

  REQUIRE(c.same_layers);
  REQUIRE(c.layers.size() == 2);
  CHECK(c.layers[0].name == "conv \"1\",a");  // base order
  CHECK(c.layers[0].speedup == Approx(2.0));
  CHECK(c.layers[0].traffic_ratio == Approx(0.5));
  CHECK(c.layers[1].speedup == Approx(2.0));
  CHECK(c.layers[1].base_bound == "memory");
  CHECK(c.layers[1].other_bound == "compute");

  const std::string text = format_comparison(c, true);
  CHECK_THAT(text, Catch::Contains("speedup A/B 2.000x"));
  CHECK_THAT(text, Catch::Contains("efficiency A/B 1.500x"));
  CHECK_THAT(text, Catch::Contains("B/A 0.600x"));
  CHECK_THAT(text, Catch::Contains("per layer"));
  CHECK_THAT(text, Catch::Contains("memory/compute"));
  CHECK_THAT(format_comparison(c, false), !Catch::Contains("per layer"));

  const auto j = nlohmann::json::parse(comparison_json_text(c));
  CHECK(j.at("speedup").get<double>() == Approx(2.0));
  CHECK(j.at("energy_efficiency").get<double>() == Approx(1.5));
  CHECK(j.at("traffic_ratio").get<double>() == Approx(0.6));
  CHECK(j.at("components")[0].at("ratio").is_null());
  CHECK(j.at("layers").size() == 2);
  CHECK(j.at("base").at("label") == "off");
}

TEST_CASE("compare_runs warns when the runs are not comparable", "[report][compare]") {
  RunResult other = faster_result();
  other.inputs = {"other.png"};
  other.verified = false;
  other.layers[0].name = "renamed";
  const Comparison c = compare_runs(sample_result(), other, "A-dir", "B-dir");
  REQUIRE(c.warnings.size() == 3);
  CHECK_THAT(c.warnings[0], Catch::Contains("different inputs"));
  CHECK_THAT(c.warnings[1], Catch::Contains("B-dir"));
  CHECK_THAT(c.warnings[1], Catch::Contains("NOT VERIFIED"));
  CHECK_THAT(c.warnings[2], Catch::Contains("layers differ"));
  CHECK_FALSE(c.same_layers);
  CHECK(c.layers.empty());
  CHECK_THAT(format_comparison(c, true),
             Catch::Contains("WARNING: the runs used different inputs"));

  RunResult zero = sample_result();
  zero.sim_time_ns = 0;
  zero.energy_total_j = 0;
  const Comparison z = compare_runs(sample_result(), zero);
  CHECK(std::isnan(z.speedup));
  CHECK(std::isnan(z.energy_efficiency));
  CHECK_THAT(format_comparison(z), Catch::Contains("speedup A/B n/a"));
}

TEST_CASE("compare through run folders written by write_reports", "[report][compare]") {
  ScratchDir dir("compare-files");
  write_reports(sample_result(), dir.file("off"), false, false);
  write_reports(faster_result(), dir.file("on"), false, false);
  const RunResult a = read_summary_json(summary_path_for(dir.file("off")));
  const RunResult b = read_summary_json(summary_path_for(dir.file("on") + "/summary.json"));
  const Comparison c = compare_runs(a, b, dir.file("off"), dir.file("on"));
  CHECK(c.speedup == Approx(2.0));
  CHECK(c.energy_efficiency == Approx(1.5));
  CHECK(c.traffic_ratio == Approx(0.6));
  CHECK(c.same_layers);
  CHECK(c.warnings.empty());
}
