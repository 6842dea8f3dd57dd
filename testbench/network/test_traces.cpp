// Layer traces: what dump_traces writes is what load_trace reads, a minimal hand-written trace
// (the "bring your own" case) is accepted, and inconsistent ones are refused naming the file,
// the layer and the key.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <random>

#include "apack/atomic_file.hpp"
#include "apack/error.hpp"
#include "apack/network/executor.hpp"
#include "apack/network/quantize.hpp"
#include "apack/network/trace.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
using namespace apack::network;
using apack::test::TempDir;

namespace {

Graph two_convs() {
  Graph g;
  g.name = "two_convs";
  Layer in;
  in.name = "x";
  in.shape = {1, 6, 6, 2};
  g.layers.push_back(in);
  std::mt19937 rng(4);
  std::normal_distribution<float> n(0.0f, 0.5f);
  for (int i = 0; i < 2; ++i) {
    Layer c;
    c.name = i == 0 ? "block/conv a" : "fc";
    c.inputs = {i};
    if (i == 0) {
      c.kind = LayerKind::Conv;
      c.out_channels = 3;
      c.kernel_h = c.kernel_w = 3;
      c.stride_h = c.stride_w = 2;
      c.pad_bottom = c.pad_right = 1;
      c.act = Act::Relu;
      c.weights.resize(3 * 3 * 3 * 2);
    } else {
      c.kind = LayerKind::FullyConnected;
      c.out_channels = 4;
      c.weights.resize(4 * 27);
    }
    for (auto& w : c.weights) w = n(rng);
    c.bias.assign(size_t(c.out_channels), 0.1f);
    g.layers.push_back(c);
  }
  g.inputs = {0};
  g.outputs = {{"fc", 2}};
  validate(g);
  return g;
}

void write_npy_i8(const fs::path& p, const Shape& shape, int8_t fill) {
  IntTensor t;
  t.shape = shape;
  t.q = TensorQuant::make(1.0, true, 8);
  t.data.assign(size_t(element_count(shape)), fill);
  apack::write_file_atomic(p.string(), int_npy_bytes(t));
}

}  // namespace

TEST_CASE("a dumped trace reads back with the same values and geometry", "[network][trace]") {
  TempDir tmp;
  const Graph g = two_convs();
  FloatTensor x{{1, 6, 6, 2}, std::vector<float>(72)};
  for (size_t i = 0; i < 72; ++i) x.data[i] = float(i % 7) / 7.0f - 0.4f;
  Calibration cal;
  add_calibration_run(cal, g, run_fp32(g, {x}), 100.0);
  const auto qg = quantize(g, cal, QuantConfig{});
  const auto run = run_int(qg, {x});
  const std::string dir = (tmp.path / "trace").string();
  REQUIRE(dump_traces(qg, run, dir) == 2);
  CHECK(fs::exists(tmp.path / "trace" / "weights" / "001_block_conv_a.npy"));
  const Trace t = load_trace(dir);
  REQUIRE(t.layers.size() == 2);
  const TraceLayer& c = t.layers[0];
  CHECK(c.layer.name == "block/conv a");
  CHECK(c.layer.kind == LayerKind::Conv);
  CHECK(c.layer.stride_h == 2);
  CHECK(c.layer.pad_bottom == 1);
  CHECK(c.layer.act == Act::Relu);
  CHECK(c.layer.shape == g.layers[1].shape);
  CHECK(c.weights.shape == Shape{3, 3, 3, 2});
  CHECK(c.weights.data == qg.layers[1].weights);
  CHECK(c.input.data == run.values[0].data);
  REQUIRE(c.output);
  CHECK(c.output->data == run.values[1].data);
  CHECK_FALSE(c.output->q.is_signed);  // after ReLU: uint8
  CHECK(c.input_scale == Approx(run.values[0].q.scale));
  CHECK(c.macs == g.layers[1].macs(g.layers));
  const TraceLayer& f = t.layers[1];
  CHECK(f.layer.kind == LayerKind::FullyConnected);
  CHECK(f.weights.shape == Shape{4, 27});
  CHECK(f.input.data == run.values[1].data);
  // A second dump replaces the first; a folder holding other files is refused untouched.
  REQUIRE(dump_traces(qg, run, dir) == 2);
  fs::create_directories(tmp.path / "mine");
  std::ofstream(tmp.path / "mine" / "keep.txt") << "keep";
  CHECK_THROWS_WITH(dump_traces(qg, run, (tmp.path / "mine").string()),
                    Catch::Contains("refusing"));
  CHECK(fs::exists(tmp.path / "mine" / "keep.txt"));
  for (const auto& e : fs::directory_iterator(tmp.path))
    CHECK(e.path().filename().string().find("partial") == std::string::npos);
}

TEST_CASE("a minimal hand-written trace is accepted; bad ones are named precisely",
          "[network][trace]") {
  TempDir tmp;
  write_npy_i8(tmp.path / "w.npy", {8, 3, 3, 4}, 1);
  write_npy_i8(tmp.path / "x.npy", {1, 10, 10, 4}, 2);
  auto write_trace = [&](const std::string& layer_json) {
    std::ofstream(tmp.path / "trace.json") << "{\"layers\": [" << layer_json << "]}";
  };
  write_trace(R"({"name": "c1", "kind": "conv", "input_shape": [1, 10, 10, 4], "filters": 8,
                  "kernel": [3, 3], "weights": "w.npy", "input": "x.npy"})");
  const Trace t = load_trace(tmp.path.string());
  REQUIRE(t.layers.size() == 1);
  CHECK(t.layers[0].layer.shape == Shape{1, 8, 8, 8});
  CHECK(t.layers[0].macs == 8 * 8 * 8 * 3 * 3 * 4);
  CHECK_FALSE(t.layers[0].output);

  write_trace(R"({"name": "c1", "kind": "conv", "input_shape": [1, 10, 10, 4], "filters": 4,
                  "kernel": [3, 3], "weights": "w.npy", "input": "x.npy"})");
  CHECK_THROWS_WITH(load_trace(tmp.path.string()),
                    Catch::Contains("trace.json") && Catch::Contains("'c1'") &&
                        Catch::Contains("'weights'") && Catch::Contains("w.npy"));
  write_trace(R"({"name": "c1", "kind": "pool", "input_shape": [1, 10, 10, 4], "filters": 8})");
  CHECK_THROWS_WITH(load_trace(tmp.path.string()), Catch::Contains("'kind'"));
  write_trace(R"({"name": "c1", "kind": "conv", "input_shape": [1, 10, 10, 4], "filters": 8,
                  "weights": "w.npy", "input": "x.npy"})");
  CHECK_THROWS_WITH(load_trace(tmp.path.string()), Catch::Contains("'kernel'"));
  write_trace(R"({"name": "c1", "kind": "conv", "input_shape": [1, 10, 10, 4], "filters": 8,
                  "kernel": [3, 3], "weights": "missing.npy", "input": "x.npy"})");
  CHECK_THROWS_WITH(load_trace(tmp.path.string()), Catch::Contains("missing.npy"));
  std::ofstream(tmp.path / "trace.json") << "{\"layers\": [";
  CHECK_THROWS_AS(load_trace(tmp.path.string()), apack::FormatError);
}
