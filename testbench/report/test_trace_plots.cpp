// trace.json parses as Chrome trace-event JSON with one named thread per track; the SVG plots
// are complete documents that name the scenario.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "apack/report/plots.hpp"
#include "apack/report/trace.hpp"
#include "sample_result.hpp"

using namespace apack::report;
using apack::report::test::sample_result;
using apack::report::test::ScratchDir;
using apack::report::test::slurp;

namespace {
size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}
}  // namespace

TEST_CASE("trace.json: complete events on named tracks", "[report][trace]") {
  ScratchDir dir("trace");
  const std::string path = dir.file("trace.json");
  const RunResult r = sample_result();
  write_trace_json(r, path);
  const auto doc = nlohmann::json::parse(slurp(path));
  const auto& events = doc.at("traceEvents");
  REQUIRE(events.is_array());

  // Tracks: layers + dma.read, dram.ch0, engine (sorted) = 4. Events: process_name, a
  // thread_name and a thread_sort_index per track, 2 layer spans, 4 timeline spans.
  const std::vector<std::string> tracks = {"layers", "dma.read", "dram.ch0", "engine"};
  CHECK(trace_tracks(r) == tracks);
  CHECK(events.size() == 1 + 2 * 4 + 2 + 4);

  std::map<int, std::string> thread_names;
  size_t complete = 0;
  for (const auto& e : events) {
    CHECK(e.at("pid") == 1);
    if (e.at("ph") == "M" && e.at("name") == "thread_name")
      thread_names[e.at("tid").get<int>()] = e.at("args").at("name").get<std::string>();
    if (e.at("ph") == "X") {
      ++complete;
      CHECK(e.at("dur").get<double>() >= 0);
    }
  }
  CHECK(complete == 6);
  REQUIRE(thread_names.size() == 4);
  for (size_t i = 0; i < tracks.size(); ++i) CHECK(thread_names[int(i) + 1] == tracks[i]);

  // Microseconds: the second layer starts at 1500 ns and lasts 500.5 ns; "conv tile 1" is on
  // the engine track (tid 4) at 120 ns.
  bool seen_layer = false, seen_tile = false;
  for (const auto& e : events) {
    if (e.at("ph") != "X") continue;
    if (e.at("name") == "add_1") {
      seen_layer = true;
      CHECK(e.at("tid") == 1);
      CHECK(e.at("ts").get<double>() == Approx(1.5));
      CHECK(e.at("dur").get<double>() == Approx(0.5005));
      CHECK(e.at("args").at("bound") == "memory");
    }
    if (e.at("name") == "conv tile 1") {
      seen_tile = true;
      CHECK(e.at("tid") == 4);
      CHECK(e.at("ts").get<double>() == Approx(0.12));
      CHECK(e.at("dur").get<double>() == Approx(0.1));
    }
  }
  CHECK(seen_layer);
  CHECK(seen_tile);
}

TEST_CASE("energy.svg and layers.svg are complete SVG documents", "[report][svg]") {
  ScratchDir dir("svg");
  const RunResult r = sample_result();
  write_energy_svg(r, dir.file("energy.svg"));
  write_layers_svg(r, dir.file("layers.svg"));
  for (const std::string name : {"energy.svg", "layers.svg"}) {
    const std::string svg = slurp(dir.file(name));
    INFO(name);
    CHECK(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0) == 0);
    CHECK(svg.size() > 7);
    CHECK(svg.substr(svg.size() - 7) == "</svg>\n");
    CHECK(svg.find("tc &amp; apack") != std::string::npos);  // escaped scenario name
    CHECK(svg.find("tc & apack") == std::string::npos);
    CHECK(count(svg, "<text") == count(svg, "</text>"));
    CHECK(count(svg, "<title>") == count(svg, "</title>"));
  }
  const std::string energy = slurp(dir.file("energy.svg"));
  CHECK(count(energy, "<title>") == 3);  // one bar per component
  // engine 1.5 of 3 uJ: 50.0%; dram 1.25 of 3: 41.7%.
  CHECK(energy.find("1.50 uJ (50.0%)") != std::string::npos);
  CHECK(energy.find("1.25 uJ (41.7%)") != std::string::npos);
  const std::string layers = slurp(dir.file("layers.svg"));
  CHECK(count(layers, "<title>") == 2);  // one bar per layer
  CHECK(layers.find("compute-bound") != std::string::npos);
  CHECK(layers.find("memory-bound") != std::string::npos);
  CHECK(layers.find("time (us)") != std::string::npos);  // longest layer 1.5 us

  const RunResult empty;
  CHECK(energy_svg_text(empty).find("no energy recorded") != std::string::npos);
  CHECK(layers_svg_text(empty).find("no layers recorded") != std::string::npos);
}
