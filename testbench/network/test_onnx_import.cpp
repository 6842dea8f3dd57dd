// The ONNX importer on small models written at test time by make_onnx_models.py (Debian's
// python3-onnx and python3-numpy): layer kinds, shapes, padding, folded weights, and the fp32
// executor's outputs against numpy's, computed in NCHW straight from the ONNX definitions.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "apack/error.hpp"
#include "apack/network/executor.hpp"
#include "apack/network/onnx_import.hpp"
#include "apack/npy.hpp"

namespace fs = std::filesystem;
using apack::network::Act;
using apack::network::FloatTensor;
using apack::network::Graph;
using apack::network::Layer;
using apack::network::LayerKind;
using apack::network::load_onnx_graph;
using apack::network::Shape;
using Catch::Matchers::Contains;

namespace {

// A fresh directory per test holding the models the test asked the script for.
struct Models {
  fs::path dir;
  explicit Models(const std::string& names) {
    std::random_device rd;
    dir = fs::temp_directory_path() /
          ("apack_onnx_test_" + std::to_string(rd()) + "_" + std::to_string(rd()));
    fs::create_directories(dir);
    const std::string script =
        std::string(APACK_SOURCE_DIR) + "/testbench/network/make_onnx_models.py";
    const std::string cmd = "/usr/bin/python3 '" + script + "' '" + dir.string() + "' " + names;
    INFO(cmd);
    const int rc = std::system(cmd.c_str());
    if (rc != 0) {
      std::error_code ec;
      fs::remove_all(dir, ec);  // the destructor does not run when the constructor throws
    }
    REQUIRE(rc == 0);
  }
  ~Models() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  std::string path(const std::string& file) const { return (dir / file).string(); }
};

struct Array {
  Shape shape;
  std::vector<float> data;
};

Array read_npy(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  REQUIRE(f);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  apack::NpyArray a = apack::parse_npy(bytes.data(), bytes.size(), path);
  REQUIRE(a.descr == "<f4");
  REQUIRE_FALSE(a.fortran_order);
  Array out;
  for (uint64_t d : a.shape) out.shape.push_back(int64_t(d));
  out.data.resize(a.element_count());
  std::memcpy(out.data.data(), a.data.data(), out.data.size() * 4);
  return out;
}

// NCHW <-> NHWC of a rank-4 batch-1 array.
std::vector<float> nchw_to_nhwc(const std::vector<float>& v, const Shape& nchw) {
  const int64_t C = nchw[1], H = nchw[2], W = nchw[3];
  std::vector<float> out(v.size());
  for (int64_t c = 0; c < C; ++c)
    for (int64_t h = 0; h < H; ++h)
      for (int64_t w = 0; w < W; ++w)
        out[size_t((h * W + w) * C + c)] = v[size_t((c * H + h) * W + w)];
  return out;
}
std::vector<float> nhwc_to_nchw(const std::vector<float>& v, const Shape& nhwc) {
  const int64_t H = nhwc[1], W = nhwc[2], C = nhwc[3];
  std::vector<float> out(v.size());
  for (int64_t c = 0; c < C; ++c)
    for (int64_t h = 0; h < H; ++h)
      for (int64_t w = 0; w < W; ++w)
        out[size_t((c * H + h) * W + w)] = v[size_t((h * W + w) * C + c)];
  return out;
}

bool close(float got, float want) {
  return std::fabs(double(got) - double(want)) <= 1e-4 * std::fabs(double(want)) + 1e-5;
}

void require_close(const std::vector<float>& got, const std::vector<float>& want,
                   const std::string& what) {
  INFO(what);
  REQUIRE(got.size() == want.size());
  size_t bad = 0, first = 0;
  for (size_t i = 0; i < got.size(); ++i)
    if (!close(got[i], want[i]) && bad++ == 0) first = i;
  INFO("first mismatch at " << first << ": got " << got[first] << ", want " << want[first]);
  CHECK(bad == 0);
}

// Runs the graph on NAME.in<k>.npy and compares every output with NAME.out<k>.npy.
void check_outputs(const Models& m, const std::string& name, const Graph& g) {
  std::vector<FloatTensor> inputs;
  for (size_t k = 0; k < g.inputs.size(); ++k) {
    Array a = read_npy(m.path(name + ".in" + std::to_string(k) + ".npy"));
    FloatTensor t;
    t.shape = g.layers[size_t(g.inputs[k])].shape;
    t.data = a.shape.size() == 4 ? nchw_to_nhwc(a.data, a.shape) : a.data;
    inputs.push_back(std::move(t));
  }
  const std::vector<FloatTensor> values = apack::network::run_fp32(g, inputs, 1);
  for (size_t k = 0; k < g.outputs.size(); ++k) {
    const auto& o = g.outputs[k];
    Array want = read_npy(m.path(name + ".out" + std::to_string(k) + ".npy"));
    const FloatTensor& got = values[size_t(o.layer)];
    INFO("output " << o.name);
    CHECK(o.source_nchw == (want.shape.size() == 4));
    if (o.source_nchw) {
      REQUIRE(got.shape == Shape{want.shape[0], want.shape[2], want.shape[3], want.shape[1]});
      require_close(nhwc_to_nchw(got.data, got.shape), want.data, name + " output " + o.name);
    } else {
      REQUIRE(got.shape == want.shape);
      require_close(got.data, want.data, name + " output " + o.name);
    }
  }
}

const Layer& layer(const Graph& g, const std::string& name) {
  const int i = g.find(name);
  INFO("layer " << name);
  REQUIRE(i >= 0);
  return g.layers[size_t(i)];
}

std::vector<LayerKind> kinds(const Graph& g) {
  std::vector<LayerKind> k;
  for (const auto& l : g.layers) k.push_back(l.kind);
  return k;
}

}  // namespace

TEST_CASE("ONNX: conv -> bn -> relu -> maxpool -> flatten -> gemm -> softmax", "[onnx]") {
  Models m("cnn");
  const Graph g = load_onnx_graph(m.path("cnn.onnx"));
  CHECK(g.name == "cnn");
  CHECK(g.format == "onnx");
  CHECK(g.source == m.path("cnn.onnx"));
  REQUIRE(kinds(g) == std::vector<LayerKind>{LayerKind::Input, LayerKind::Conv, LayerKind::MaxPool,
                                             LayerKind::Reshape, LayerKind::FullyConnected,
                                             LayerKind::Softmax});
  CHECK(g.layers[0].name == "x");
  CHECK(g.layers[0].shape == Shape{1, 8, 8, 3});
  REQUIRE(g.inputs == std::vector<int>{0});

  // BatchNormalization (epsilon 1e-3) and Relu are folded into the Conv, named after the Relu.
  const Layer& conv = g.layers[1];
  CHECK(conv.name == "r1");
  CHECK(conv.sources == std::vector<std::string>{"conv1", "bn1", "relu1"});
  CHECK(conv.act == Act::Relu);
  CHECK(conv.shape == Shape{1, 8, 8, 4});
  CHECK((conv.pad_top == 1 && conv.pad_bottom == 1 && conv.pad_left == 1 && conv.pad_right == 1));
  require_close(conv.weights, read_npy(m.path("cnn.conv_w.npy")).data, "folded OHWI weights");
  require_close(conv.bias, read_npy(m.path("cnn.conv_b.npy")).data, "folded bias");

  CHECK(g.layers[2].name == "p1");
  CHECK(g.layers[2].shape == Shape{1, 4, 4, 4});
  CHECK(g.layers[3].shape == Shape{1, 64});
  // The flatten keeps NHWC order; the Gemm's columns are permuted to match.
  const Layer& fc = g.layers[4];
  CHECK(fc.name == "g1");
  CHECK(fc.out_channels == 5);
  require_close(fc.weights, read_npy(m.path("cnn.fc_w.npy")).data, "permuted FC weights");
  CHECK(g.layers[5].name == "prob");
  REQUIRE(g.outputs.size() == 1);
  CHECK(g.outputs[0].name == "prob");
  CHECK(g.outputs[0].layer == 5);
  CHECK_FALSE(g.outputs[0].source_nchw);
  check_outputs(m, "cnn", g);
}

TEST_CASE("ONNX: depthwise conv with Clip(0, 6) from inputs", "[onnx]") {
  Models m("depthwise");
  const Graph g = load_onnx_graph(m.path("depthwise.onnx"));
  REQUIRE(kinds(g) == std::vector<LayerKind>{LayerKind::Input, LayerKind::Conv});
  const Layer& c = g.layers[1];
  CHECK(c.name == "y");
  CHECK(c.groups == 4);
  CHECK(c.out_channels == 8);
  CHECK(c.in_channels() == 4);
  CHECK(c.act == Act::Relu6);
  CHECK((c.stride_h == 2 && c.stride_w == 2));
  // ONNX pads [top, left, bottom, right] = [1, 0, 1, 1]: 9 + 2 rows, 9 + 1 columns
  CHECK((c.pad_top == 1 && c.pad_left == 0 && c.pad_bottom == 1 && c.pad_right == 1));
  CHECK(c.shape == Shape{1, 5, 4, 8});
  require_close(c.weights, read_npy(m.path("depthwise.w_ohwi.npy")).data, "OHWI weights");
  CHECK(g.outputs[0].source_nchw);
  check_outputs(m, "depthwise", g);
}

TEST_CASE("ONNX: residual Add with fused Relu", "[onnx]") {
  Models m("residual");
  const Graph g = load_onnx_graph(m.path("residual.onnx"));
  REQUIRE(kinds(g) == std::vector<LayerKind>{LayerKind::Input, LayerKind::Conv, LayerKind::Conv,
                                             LayerKind::Add});
  CHECK(g.layers[1].name == "r1");
  CHECK(g.layers[1].act == Act::Relu);
  CHECK(g.layers[2].name == "c2");
  CHECK(g.layers[2].act == Act::None);
  const Layer& add = g.layers[3];
  CHECK(add.name == "y");
  CHECK(add.act == Act::Relu);
  CHECK(add.inputs == std::vector<int>{0, 2});
  CHECK(add.sources == std::vector<std::string>{"add", "relu2"});
  CHECK(add.shape == Shape{1, 6, 6, 4});
  check_outputs(m, "residual", g);
}

TEST_CASE("ONNX: Concat on channels becomes the NHWC axis 3", "[onnx]") {
  Models m("concat");
  const Graph g = load_onnx_graph(m.path("concat.onnx"));
  const Layer& cat = layer(g, "cat");
  CHECK(cat.kind == LayerKind::Concat);
  CHECK(cat.axis == 3);
  CHECK(cat.shape == Shape{1, 5, 5, 5});
  CHECK(layer(g, "gap").kind == LayerKind::GlobalAvgPool);
  CHECK(layer(g, "mm").kind == LayerKind::FullyConnected);
  REQUIRE(g.outputs.size() == 2);
  CHECK(g.outputs[0].name == "cat");
  CHECK(g.outputs[0].source_nchw);
  CHECK(g.outputs[1].name == "mm");
  CHECK_FALSE(g.outputs[1].source_nchw);
  check_outputs(m, "concat", g);

  SECTION("input shapes replace the declared ones") {
    const Graph h = load_onnx_graph(m.path("concat.onnx"), {{1, 3, 9, 7}});
    CHECK(h.layers[size_t(h.inputs[0])].shape == Shape{1, 9, 7, 3});
    CHECK(layer(h, "cat").shape == Shape{1, 9, 7, 5});
    CHECK(layer(h, "mm").shape == Shape{1, 4});
    CHECK_THROWS_WITH(load_onnx_graph(m.path("concat.onnx"), {{1, 3, 5, 5}, {1, 3, 5, 5}}),
                      Contains("2 input shapes given for 1 graph inputs"));
    CHECK_THROWS_WITH(load_onnx_graph(m.path("concat.onnx"), {{2, 3, 5, 5}}), Contains("batch 1"));
  }
}

TEST_CASE("ONNX: auto_pad SAME_UPPER / SAME_LOWER", "[onnx]") {
  Models m("same");
  const Graph g = load_onnx_graph(m.path("same.onnx"));
  const Layer& up = layer(g, "up");
  CHECK((up.pad_top == 0 && up.pad_bottom == 1 && up.pad_left == 0 && up.pad_right == 1));
  CHECK(up.shape == Shape{1, 4, 4, 3});
  const Layer& low = layer(g, "low");
  CHECK((low.pad_top == 1 && low.pad_bottom == 0 && low.pad_left == 1 && low.pad_right == 0));
  const Layer& mp = layer(g, "mp");
  CHECK(mp.kind == LayerKind::MaxPool);
  CHECK(mp.shape == Shape{1, 3, 3, 2});
  check_outputs(m, "same", g);
}

TEST_CASE("ONNX: opset 6 Clip attributes and LeakyRelu", "[onnx]") {
  Models m("opset6");
  const Graph g = load_onnx_graph(m.path("opset6.onnx"));
  CHECK(layer(g, "y1").kind == LayerKind::Conv);
  CHECK(layer(g, "y1").act == Act::Relu6);
  CHECK(layer(g, "y2").act == Act::PRelu);
  CHECK(layer(g, "y2").alpha == std::vector<float>{0.2f});
  const Layer& clip = layer(g, "y3");  // after an Input: stand-alone
  CHECK(clip.kind == LayerKind::Activation);
  CHECK(clip.act == Act::Clip);
  CHECK(clip.clip_min == -1.0f);
  CHECK(clip.clip_max == std::numeric_limits<float>::max());
  check_outputs(m, "opset6", g);
}

TEST_CASE("ONNX: Gemm alpha/beta, MatMul with a folded Add, Sub from a constant", "[onnx]") {
  Models m("gemm");
  const Graph g = load_onnx_graph(m.path("gemm.onnx"));
  REQUIRE(kinds(g) == std::vector<LayerKind>{LayerKind::Input, LayerKind::FullyConnected,
                                             LayerKind::FullyConnected, LayerKind::Activation,
                                             LayerKind::Const, LayerKind::Sub});
  CHECK(g.layers[2].name == "fc2");
  CHECK(g.layers[2].sources == std::vector<std::string>{"mm", "bias2"});
  CHECK(g.layers[3].act == Act::Sigmoid);
  CHECK(g.layers[4].name == "k");
  CHECK(g.layers[4].shape == Shape{3});
  CHECK(g.layers[5].inputs == std::vector<int>{4, 3});
  check_outputs(m, "gemm", g);
}

TEST_CASE("ONNX: [C,1,1] constants, BatchNormalization without a conv, PRelu", "[onnx]") {
  Models m("consts");
  const Graph g = load_onnx_graph(m.path("consts.onnx"));
  const Layer& sub = layer(g, "xm");
  CHECK(sub.kind == LayerKind::Sub);
  CHECK(g.layers[size_t(sub.inputs[1])].kind == LayerKind::Const);
  CHECK(g.layers[size_t(sub.inputs[1])].shape == Shape{3});  // [3,1,1] -> channel-last [3]
  CHECK(layer(g, "xs").kind == LayerKind::Mul);              // Div by a constant
  CHECK(layer(g, "bn").kind == LayerKind::Add);              // BN as Mul + Add
  const Layer& y = layer(g, "y");
  CHECK(y.kind == LayerKind::Mul);  // the scalar Mul, with the PRelu fused
  CHECK(y.act == Act::PRelu);
  CHECK(y.alpha == std::vector<float>{0.1f, 0.2f, 0.3f});
  check_outputs(m, "consts", g);
}

TEST_CASE("ONNX: PyTorch flatten (Shape/Gather/Concat/Reshape) before a Gemm", "[onnx]") {
  Models m("torch_flatten");
  const Graph g = load_onnx_graph(m.path("torch_flatten.onnx"));
  REQUIRE(kinds(g) == std::vector<LayerKind>{LayerKind::Input, LayerKind::Conv, LayerKind::Reshape,
                                             LayerKind::FullyConnected});
  CHECK(g.layers[2].shape == Shape{1, 36});
  CHECK(g.layers[2].sources == std::vector<std::string>{"view", "dropout"});
  check_outputs(m, "torch_flatten", g);
}

TEST_CASE("ONNX: squeeze-excitation, average pool, ReduceMean", "[onnx]") {
  Models m("se");
  const Graph g = load_onnx_graph(m.path("se.onnx"));
  CHECK(layer(g, "gap").shape == Shape{1, 1, 1, 4});
  CHECK(layer(g, "xg").kind == LayerKind::Mul);
  CHECK(layer(g, "ap").kind == LayerKind::AvgPool);
  CHECK(layer(g, "y").kind == LayerKind::GlobalAvgPool);
  CHECK(layer(g, "y").shape == Shape{1, 4});
  check_outputs(m, "se", g);
}

TEST_CASE("ONNX: Pad folded into Conv, ceil_mode pools, Max", "[onnx]") {
  Models m("pad_pool");
  const Graph g = load_onnx_graph(m.path("pad_pool.onnx"));
  for (const auto& l : g.layers) CHECK(l.kind != LayerKind::Pad);
  const Layer& c = layer(g, "c");
  CHECK((c.pad_top == 1 && c.pad_left == 2 && c.pad_bottom == 2 && c.pad_right == 1));
  CHECK(c.sources == std::vector<std::string>{"pad", "conv"});
  CHECK(layer(g, "mp").shape == Shape{1, 4, 4, 2});
  CHECK(layer(g, "mx").kind == LayerKind::Maximum);
  check_outputs(m, "pad_pool", g);
}

TEST_CASE("ONNX: symbolic dimensions need input shapes; softmax over channels", "[onnx]") {
  Models m("symbolic");
  const std::string path = m.path("symbolic.onnx");
  CHECK_THROWS_WITH(load_onnx_graph(path), Contains(path) && Contains("graph input 'x'") &&
                                               Contains("'H'") && Contains("pass its shape"));
  const Graph g = load_onnx_graph(path, {{1, 3, 6, 6}});
  CHECK(layer(g, "y").kind == LayerKind::Softmax);
  CHECK(layer(g, "y").shape == Shape{1, 6, 6, 4});
  check_outputs(m, "symbolic", g);
}

TEST_CASE("ONNX: initializers in an external data file", "[onnx]") {
  Models m("cnn_external");
  REQUIRE(fs::exists(m.path("cnn_external.weights")));
  const Graph g = load_onnx_graph(m.path("cnn_external.onnx"));
  CHECK(g.parameter_count() == 4 * 27 + 4 + 5 * 64 + 5);
  check_outputs(m, "cnn_external", g);
  fs::resize_file(m.path("cnn_external.weights"), 100);
  CHECK_THROWS_WITH(load_onnx_graph(m.path("cnn_external.onnx")),
                    Contains("cnn_external.onnx") && Contains("external data"));
}

TEST_CASE("ONNX: unsupported ops are all listed with their nodes and the file", "[onnx]") {
  Models m("unsupported cnn");
  const std::string path = m.path("unsupported.onnx");
  std::string msg;
  try {
    load_onnx_graph(path);
  } catch (const apack::FormatError& e) {
    msg = e.what();
  }
  CHECK_THAT(msg, Contains(path));
  CHECK_THAT(msg, Contains("Transpose (nodes 'tr1', 'tr2')"));
  CHECK_THAT(msg, Contains("com.example:MyOp (node 'custom1')"));

  const auto bad = apack::network::unsupported_onnx_ops(path);
  REQUIRE(bad.size() == 2);
  CHECK(bad[0].op == "Transpose");
  CHECK(bad[0].nodes == std::vector<std::string>{"tr1", "tr2"});
  CHECK(bad[1].op == "com.example:MyOp");
  CHECK(apack::network::unsupported_onnx_ops(m.path("cnn.onnx")).empty());
  const auto all = apack::network::onnx_op_coverage(m.path("cnn.onnx"));
  REQUIRE(all.size() == 7);
  CHECK(all[0].op == "Conv");
  CHECK(all[0].supported);
  CHECK(apack::network::onnx_op_supported("BatchNormalization"));
  CHECK_FALSE(apack::network::onnx_op_supported("Transpose"));
}

TEST_CASE("ONNX: truncated, empty and missing files", "[onnx]") {
  Models m("cnn");
  std::ifstream f(m.path("cnn.onnx"), std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  REQUIRE(bytes.size() > 100);
  for (size_t keep : {bytes.size() / 2, bytes.size() - 1, size_t(0)}) {
    const std::string cut = m.path("cut.onnx");
    std::ofstream(cut, std::ios::binary).write(bytes.data(), std::streamsize(keep));
    INFO("kept " << keep << " of " << bytes.size() << " bytes");
    CHECK_THROWS_WITH(load_onnx_graph(cut), Contains(cut) && Contains("ONNX model"));
    CHECK_THROWS_AS(apack::network::onnx_op_coverage(cut), apack::FormatError);
  }
  const std::string text = m.path("text.onnx");
  std::ofstream(text) << "this is not a model\n";
  CHECK_THROWS_WITH(load_onnx_graph(text), Contains(text));
  CHECK_THROWS_WITH(load_onnx_graph(m.path("missing.onnx")),
                    Contains("missing.onnx") && Contains("cannot open"));
}

TEST_CASE("ONNX: constructs the IR cannot hold are refused naming the node", "[onnx]") {
  Models m("avgpool_include_pad flatten_output");
  const std::string ap = m.path("avgpool_include_pad.onnx");
  CHECK_THROWS_WITH(load_onnx_graph(ap), Contains(ap) && Contains("node 'ap' (AveragePool)") &&
                                             Contains("count_include_pad"));
  const std::string fo = m.path("flatten_output.onnx");
  CHECK_THROWS_WITH(load_onnx_graph(fo), Contains(fo) && Contains("graph output 'y'"));
}
