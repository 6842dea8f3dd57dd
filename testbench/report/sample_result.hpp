// A hand-made RunResult with every field set to a distinct value, and a scratch folder, shared
// by the report tests. Figures are chosen so the expected ratios and totals are easy to compute
// by hand in each test.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "apack/report/run_result.hpp"

namespace apack::report::test {

inline RunResult sample_result() {
  RunResult r;
  r.scenario_name = "tc & apack";  // '&' checks the SVG's XML escaping
  r.scenario_file = "/work/scenarios/default.yaml";
  r.scenario_json = R"({"name":"tc & apack","engine":{"kind":"tensor-core","tiles":4}})";
  r.engine = "tensor-core";
  r.engine_description = "4 tiles of 16x16 int8 MACs";
  r.codec = "apack";
  r.table_source = "profile";
  r.dram = "lpddr4-3200 x1 channel";
  r.tlm_mode = "lt";
  r.model = "posenet";
  r.inputs = {"astronaut.png", "dir/with, comma.png"};
  r.synthetic = false;
  r.technology = "65nm";
  r.clock_ghz = 1.0;
  r.verified = true;
  r.verification = "final outputs equal the int8 reference (2 tensors)";
  r.outputs_checked = 4096;
  r.mismatches = 0;
  r.sim_time_ns = 2000.5;
  r.cycles = 2001;
  r.macs = 123456789012;
  r.dram_read_bytes = 1000;
  r.dram_write_bytes = 500;
  r.dram_read_bursts = 16;
  r.dram_write_bursts = 8;
  r.raw_read_bytes = 2000;
  r.raw_write_bytes = 1000;
  r.weights = {3, 4096, 2458};
  r.activations = {5, 8192, 3932};
  r.energy_by_component = {{"engine", 1.5e-6}, {"dram", 1.25e-6}, {"codec", 0.25e-6}};
  r.energy_total_j = 3e-6;
  r.energy = {
      // count x pJ = joules: 1.2e6 x 1.25 pJ = 1.5 uJ, 25000 x 50 pJ = 1.25 uJ,
      // 2.5e6 x 0.1 pJ = 0.25 uJ; 3 uJ in all.
      {"engine", "mac", 1.2e6, 1.25, 1.5e-6, "Horowitz ISSCC 2014, 45nm scaled", false},
      {"dram", "read_burst", 25000, 50.0, 1.25e-6, "DRAMPower IDD model", false},
      {"codec", "value_coded", 2.5e6, 0.1, 0.25e-6, "derived: docs/apack-pipeline.md", true},
  };
  LayerRecord a;
  a.index = 0;
  a.name = "conv \"1\",a";  // quotes and a comma: CSV quoting
  a.kind = "Conv";
  a.unit = "engine";
  a.tiles = 12;
  a.macs = 100000;
  a.start_ns = 0;
  a.end_ns = 1500;
  a.cycles = 1500;
  a.compute_cycles = 1200;
  a.bound = "compute";
  a.dram_read_bytes = 800;
  a.dram_write_bytes = 300;
  a.dram_read_bursts = 13;
  a.dram_write_bursts = 5;
  a.raw_read_bytes = 1600;
  a.raw_write_bytes = 600;
  a.compression_ratio = 0.5;
  a.energy_j = {{"engine", 1.5e-6}, {"dram", 1e-6}};
  a.energy_total_j = 2.5e-6;
  LayerRecord b;
  b.index = 1;
  b.name = "add_1";
  b.kind = "Add";
  b.unit = "vector";
  b.macs = 0;
  b.start_ns = 1500;
  b.end_ns = 2000.5;
  b.cycles = 501;
  b.compute_cycles = 100;
  b.bound = "memory";
  b.dram_read_bytes = 200;
  b.dram_write_bytes = 200;
  b.dram_read_bursts = 3;
  b.dram_write_bursts = 3;
  b.raw_read_bytes = 400;
  b.raw_write_bytes = 400;
  b.compression_ratio = 0.5;
  b.energy_j = {{"codec", 0.25e-6}, {"dram", 0.25e-6}};
  b.energy_total_j = 0.5e-6;
  r.layers = {a, b};
  r.wall_seconds = 12.5;
  r.reference_seconds = 3.25;
  r.sim_wall_seconds = 8.75;
  r.peak_rss_bytes = 300u << 20;
  r.dram_requests = 24;
  r.dram_requests_per_second = 24 / 8.75;
  r.sim_to_wall = 2000.5e-9 / 8.75;
  r.notes = {"tables from the calibration profile", "unverified: codec FIFO energy"};
  r.timeline = {{"engine", "conv tile 0", 10, 100},
                {"dma.read", "weights", 0, 40},
                {"dram.ch0", "RD", 5, 20},
                {"engine", "conv tile 1", 120, 100}};
  return r;
}

// A fresh folder under the system's temporary folder, removed with its content at scope end.
struct ScratchDir {
  std::filesystem::path path;
  explicit ScratchDir(const std::string& tag) {
    path = std::filesystem::temp_directory_path() /
           ("apack-report-" + tag + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

inline std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

inline void spit(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

}  // namespace apack::report::test
