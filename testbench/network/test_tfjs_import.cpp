// TF.js graph model -> layer IR: the three real models (shapes, parameter and MAC counts from
// the workloads README) and small synthetic models written here, whose converted weights,
// paddings and fp32 results are checked against values computed by hand.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <numeric>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "apack/error.hpp"
#include "apack/image/image.hpp"
#include "apack/network/executor.hpp"
#include "apack/network/tfjs.hpp"
#include "apack/network/tfjs_import.hpp"
#include "real_workloads.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace apack::network;
using apack::test::TempDir;
using Catch::Matchers::Contains;

namespace {

// ---- real models ----------------------------------------------------------------------------

const GraphOutput& output(const Graph& g, const std::string& name) {
  for (const GraphOutput& o : g.outputs)
    if (o.name == name) return o;
  FAIL("no graph output " << name);
  return g.outputs.front();
}

size_t count_kind(const Graph& g, LayerKind k) {
  size_t n = 0;
  for (const Layer& l : g.layers) n += l.kind == k;
  return n;
}

// Within `percent` of the README's figure.
void require_near(double got, double want, double percent) {
  INFO("got " << got << ", README " << want);
  REQUIRE(std::abs(got - want) <= want * percent / 100.0);
}

// Conv/FC layers made from an op without a bias (Conv2D, DepthwiseConv2dNative, MatMul) with
// nothing folded in: the IR gives them F zero biases, which Layer::parameter_count counts
// although the file has no such parameters.
int64_t synthesized_bias(const Graph& g, const TfjsModel& m) {
  int64_t n = 0;
  for (const Layer& l : g.layers) {
    if (!l.has_weights() || l.sources.size() != 1) continue;
    const std::string& op = m.node(l.sources[0]).op;
    if (op != "Conv2D" && op != "DepthwiseConv2dNative" && op != "MatMul") continue;
    for (float b : l.bias) CHECK(b == 0.0f);
    CHECK_FALSE(l.has_bias);
    n += int64_t(l.bias.size());
  }
  return n;
}

// ---- synthetic models -----------------------------------------------------------------------

std::string b64(const std::string& s) {
  static const char* abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < s.size(); i += 3) {
    uint32_t v =
        uint32_t(uint8_t(s[i])) << 16 | uint32_t(uint8_t(s[i + 1])) << 8 | uint8_t(s[i + 2]);
    for (int k = 3; k >= 0; --k) out += abc[(v >> (6 * k)) & 63];
  }
  if (s.size() - i == 1) {
    uint32_t v = uint32_t(uint8_t(s[i])) << 16;
    out += std::string{abc[v >> 18], abc[(v >> 12) & 63], '=', '='};
  } else if (s.size() - i == 2) {
    uint32_t v = uint32_t(uint8_t(s[i])) << 16 | uint32_t(uint8_t(s[i + 1])) << 8;
    out += std::string{abc[v >> 18], abc[(v >> 12) & 63], abc[(v >> 6) & 63], '='};
  }
  return out;
}

// TF AttrValues in protobuf's JSON mapping.
json S(const std::string& s) { return {{"s", b64(s)}}; }
json I(int64_t v) { return {{"i", std::to_string(v)}}; }
json B(bool v) { return {{"b", v}}; }
json Ints(const std::vector<int64_t>& v) {
  json l = json::array();
  for (int64_t x : v) l.push_back(std::to_string(x));
  return {{"list", {{"i", l}}}};
}
json Strs(const std::vector<std::string>& v) {
  json l = json::array();
  for (const auto& x : v) l.push_back(b64(x));
  return {{"list", {{"s", l}}}};
}
json ShapeAttr(const std::vector<int64_t>& dims) {
  json d = json::array();
  for (int64_t x : dims) d.push_back({{"size", std::to_string(x)}});
  return {{"shape", {{"dim", d}}}};
}

// Conv-style attributes: padding, strides, dilations, optional fused ops.
json window_attr(const std::string& padding, int64_t stride = 1, int64_t dilation = 1,
                 const std::vector<std::string>& fused = {}) {
  json a = {{"padding", S(padding)},
            {"strides", Ints({1, stride, stride, 1})},
            {"dilations", Ints({1, dilation, dilation, 1})},
            {"data_format", S("NHWC")},
            {"T", {{"type", "DT_FLOAT"}}}};
  if (!fused.empty()) {
    a["fused_ops"] = Strs(fused);
    a["num_args"] = I(fused.size() == 2 && fused[1] == "Prelu" ? 2 : 1);
  }
  return a;
}

json pool_attr(const std::string& padding, int64_t k, int64_t stride) {
  return {{"padding", S(padding)},
          {"ksize", Ints({1, k, k, 1})},
          {"strides", Ints({1, stride, stride, 1})},
          {"data_format", S("NHWC")}};
}

// A model.json + weights.bin written by hand.
struct Model {
  json nodes = json::array();
  json weights = json::array();
  std::vector<uint8_t> bin;
  json signature;

  void placeholder(const std::string& name, const std::vector<int64_t>& shape) {
    nodes.push_back({{"name", name},
                     {"op", "Placeholder"},
                     {"attr", {{"dtype", {{"type", "DT_FLOAT"}}}, {"shape", ShapeAttr(shape)}}}});
  }
  void constant(const std::string& name, const std::vector<int64_t>& shape,
                const std::vector<float>& v) {
    for (float x : v) {
      uint32_t u;
      std::memcpy(&u, &x, 4);
      for (int k = 0; k < 4; ++k) bin.push_back(uint8_t(u >> (8 * k)));
    }
    add_const(name, shape, "float32", "DT_FLOAT");
  }
  void constant_i(const std::string& name, const std::vector<int64_t>& shape,
                  const std::vector<int32_t>& v) {
    for (int32_t x : v)
      for (int k = 0; k < 4; ++k) bin.push_back(uint8_t(uint32_t(x) >> (8 * k)));
    add_const(name, shape, "int32", "DT_INT32");
  }
  void op(const std::string& name, const std::string& op, const std::vector<std::string>& inputs,
          json attr = json::object()) {
    json n = {{"name", name}, {"op", op}, {"attr", attr}};
    if (!inputs.empty()) n["input"] = inputs;
    nodes.push_back(n);
  }
  std::string write(const TempDir& dir, const std::string& stem = "model") const {
    json doc = {
        {"format", "graph-model"},
        {"generatedBy", "test"},
        {"convertedBy", "hand"},
        {"modelTopology", {{"node", nodes}}},
        {"weightsManifest", json::array({{{"paths", {stem + ".bin"}}, {"weights", weights}}})}};
    if (!signature.is_null()) doc["signature"] = signature;
    std::ofstream(dir.path / (stem + ".bin"), std::ios::binary)
        .write(reinterpret_cast<const char*>(bin.data()), std::streamsize(bin.size()));
    const fs::path p = dir.path / (stem + ".json");
    std::ofstream(p) << doc.dump();
    return p.string();
  }

 private:
  void add_const(const std::string& name, const std::vector<int64_t>& shape,
                 const std::string& dtype, const std::string& tf_type) {
    weights.push_back({{"name", name}, {"shape", shape}, {"dtype", dtype}});
    nodes.push_back({{"name", name}, {"op", "Const"}, {"attr", {{"dtype", {{"type", tf_type}}}}}});
  }
};

const Layer& layer(const Graph& g, const std::string& name) {
  const int i = g.find(name);
  INFO("layer " << name);
  REQUIRE(i >= 0);
  return g.layers[size_t(i)];
}

template <typename F>
std::string format_error(F f) {
  try {
    f();
  } catch (const apack::FormatError& e) {
    return e.what();
  } catch (const std::exception& e) {
    FAIL("expected apack::FormatError, got another exception: " << e.what());
  }
  FAIL("expected apack::FormatError, nothing was thrown");
  return "";
}

// Runs a one-input graph and returns the value of the named layer.
std::vector<float> run(const Graph& g, const std::vector<float>& x, const std::string& name) {
  const Layer& in = g.layers[size_t(g.inputs.at(0))];
  const std::vector<FloatTensor> v = run_fp32(g, {FloatTensor{in.shape, x}}, 1);
  return v[size_t(g.find(name))].data;
}

std::vector<float> iota_values(size_t n, float start = 1.0f) {
  std::vector<float> v(n);
  std::iota(v.begin(), v.end(), start);
  return v;
}

}  // namespace

// ---- real models --------------------------------------------------------------------------

TEST_CASE("import posenet: MobileNetV1 at 385x385, four heads", "[network][tfjs][import][real]") {
  const TfjsModel m = load_tfjs_model(apack::test::model_json("posenet"));
  const Graph g = import_tfjs(m);
  CHECK(g.name == "posenet");
  CHECK(g.format == "tfjs");
  CHECK(g.source == m.path);
  // 1 input + 18 _FusedConv2D + 13 FusedDepthwiseConv2dNative, nothing else.
  CHECK(g.layers.size() == 32);
  CHECK(count_kind(g, LayerKind::Conv) == 31);
  REQUIRE(g.inputs.size() == 1);
  CHECK(g.layers[size_t(g.inputs[0])].name == "image");
  CHECK(g.layers[size_t(g.inputs[0])].shape == Shape{1, 385, 385, 3});

  REQUIRE(g.outputs.size() == 4);
  const std::map<std::string, int64_t> heads = {
      {"heatmap_2", 17}, {"offset_2", 34}, {"displacement_fwd_2", 32}, {"displacement_bwd_2", 32}};
  for (const auto& [head, k] : heads) {
    const GraphOutput& o = output(g, "MobilenetV1/" + head + "/BiasAdd:0");
    const Layer& l = g.layers[size_t(o.layer)];
    CHECK(l.name == "MobilenetV1/" + head + "/BiasAdd");
    CHECK(l.shape == Shape{1, 25, 25, k});
    CHECK(l.act == Act::None);  // logits: only the bias is fused
  }

  // The backbone: Relu6 everywhere, depthwise layers as groups == C.
  size_t depthwise = 0;
  for (const Layer& l : g.layers) {
    if (l.kind != LayerKind::Conv || l.name.find("MobilenetV1/MobilenetV1/") != 0) continue;
    CHECK(l.act == Act::Relu6);
    if (l.groups > 1) {
      ++depthwise;
      CHECK(l.groups == l.out_channels);
      CHECK(l.in_channels() == l.out_channels);
    }
  }
  CHECK(depthwise == 13);
  const Layer& c0 = layer(g, "MobilenetV1/MobilenetV1/Conv2d_0/Relu6");
  CHECK(c0.shape == Shape{1, 193, 193, 24});
  CHECK(c0.stride_h == 2);
  // SAME on 385 with stride 2, kernel 3: 193 outputs need (193-1)*2+3-385 = 2 pad rows.
  CHECK((c0.pad_top == 1 && c0.pad_bottom == 1 && c0.pad_left == 1 && c0.pad_right == 1));

  // Every float32 constant of the file is a conv filter or bias: the IR holds all of them.
  CHECK(m.float_parameter_count() == 1258195);
  CHECK(synthesized_bias(g, m) == 0);
  CHECK(g.parameter_count() == m.float_parameter_count());
  const double macs = double(g.macs());
  WARN("posenet: " << g.layers.size() << " layers, " << g.parameter_count() << " parameters, "
                   << g.macs() << " MACs");
  require_near(macs, 1.09e9, 3.0);

  // Fully convolutional: another resolution by overriding the input shape.
  const Graph g257 = import_tfjs(m, {Shape{1, 257, 257, 3}});
  CHECK(g257.layers[size_t(output(g257, "MobilenetV1/heatmap_2/BiasAdd:0").layer)].shape ==
        Shape{1, 17, 17, 17});
}

TEST_CASE("import emotion: mini-Xception, 64x64 grey to 7 classes",
          "[network][tfjs][import][real]") {
  const TfjsModel m = load_tfjs_model(apack::test::model_json("emotion"));
  const Graph g = import_tfjs(m);
  REQUIRE(g.inputs.size() == 1);
  // The signature's batch of -1 becomes 1.
  CHECK(g.layers[size_t(g.inputs[0])].shape == Shape{1, 64, 64, 1});
  REQUIRE(g.outputs.size() == 1);
  CHECK(g.outputs[0].name == "Identity:0");
  const Layer& out = g.layers[size_t(g.outputs[0].layer)];
  CHECK(out.kind == LayerKind::Softmax);
  CHECK(out.name == "StatefulPartitionedCall/model_1/predictions/Softmax");
  CHECK(out.shape == Shape{1, 7});
  CHECK(count_kind(g, LayerKind::Softmax) == 1);
  CHECK(count_kind(g, LayerKind::GlobalAvgPool) == 1);
  CHECK(count_kind(g, LayerKind::MaxPool) == 2);
  CHECK(count_kind(g, LayerKind::Add) == 2);
  CHECK(count_kind(g, LayerKind::Conv) == 13);  // 9 _FusedConv2D + 4 depthwise
  // add_1 feeds both a Relu and a conv, so its Relu stays a layer of its own; add_2 has no Relu.
  CHECK(count_kind(g, LayerKind::Activation) == 1);
  CHECK(layer(g, "StatefulPartitionedCall/model_1/block3_sepconv1_act/Relu").kind ==
        LayerKind::Activation);
  // No Identity layer: 45 nodes - 23 Const - 1 Identity.
  CHECK(g.layers.size() == 21);
  const Layer& pool = layer(g, "StatefulPartitionedCall/model_1/max_pooling2d_1/MaxPool");
  CHECK(pool.kernel_h == 3);
  CHECK(pool.stride_h == 2);

  // Every float32 constant of the file is in the IR (the Mean's axes are int32, not a
  // parameter). The 4 depthwise convs (DepthwiseConv2dNative has no bias) carry zero biases
  // for 64 + 128 + 128 + 256 = 576 channels, marked has_bias = false and not counted.
  CHECK(m.float_parameter_count() == 205127);
  CHECK(synthesized_bias(g, m) == 576);
  CHECK(g.parameter_count() == m.float_parameter_count());
  WARN("emotion: " << g.layers.size() << " layers, " << g.parameter_count() << " parameters, "
                   << g.macs() << " MACs");
  require_near(double(g.macs()), 0.066e9, 5.0);

  // The fp32 executor gives a distribution over the 7 classes.
  std::vector<float> x(64 * 64);
  for (size_t i = 0; i < x.size(); ++i) x[i] = float(i % 64) / 32.0f - 1.0f;
  const std::vector<float> p = run(g, x, out.name);
  REQUIRE(p.size() == 7);
  double sum = 0;
  for (float v : p) {
    CHECK(v >= 0.0f);
    sum += v;
  }
  CHECK(sum == Approx(1.0).epsilon(1e-5));
}

TEST_CASE("import blazeface: BlazeBlocks, channel padding, reshaped heads",
          "[network][tfjs][import][real]") {
  const TfjsModel m = load_tfjs_model(apack::test::model_json("blazeface"));
  const Graph g = import_tfjs(m);
  REQUIRE(g.inputs.size() == 1);
  CHECK(g.layers[size_t(g.inputs[0])].shape == Shape{1, 256, 256, 3});
  REQUIRE(g.outputs.size() == 4);
  CHECK(g.layers[size_t(output(g, "Identity:0").layer)].shape == Shape{1, 512, 1});
  CHECK(g.layers[size_t(output(g, "Identity_1:0").layer)].shape == Shape{1, 384, 1});
  CHECK(g.layers[size_t(output(g, "Identity_2:0").layer)].shape == Shape{1, 512, 16});
  CHECK(g.layers[size_t(output(g, "Identity_3:0").layer)].shape == Shape{1, 384, 16});
  CHECK(g.layers[size_t(output(g, "Identity:0").layer)].name ==
        "StatefulPartitionedCall/functional_1/tf_op_layer_classificators_1/classificators_1");

  CHECK(count_kind(g, LayerKind::Conv) == 69);  // 37 _FusedConv2D + 32 depthwise
  CHECK(count_kind(g, LayerKind::Reshape) == 4);
  CHECK(count_kind(g, LayerKind::Pad) == 2);
  CHECK(count_kind(g, LayerKind::Activation) == 0);  // every Relu folds into its AddV2
  CHECK(count_kind(g, LayerKind::Add) == 31);
  for (const Layer& l : g.layers)
    if (l.kind == LayerKind::Add) CHECK(l.act == Act::Relu);
  const Layer& add0 = layer(g, "StatefulPartitionedCall/functional_1/re_lu/Relu");
  CHECK(add0.sources ==
        std::vector<std::string>{"StatefulPartitionedCall/functional_1/add/add",
                                 "StatefulPartitionedCall/functional_1/re_lu/Relu"});
  const Layer& pad = layer(g, "StatefulPartitionedCall/functional_1/tf_op_layer_Pad/Pad");
  CHECK(pad.pads == std::vector<int64_t>{0, 0, 0, 0, 0, 0, 0, 24});
  CHECK(pad.pad_value == 0.0f);

  // The 6 int32 tensors (Reshape shapes, paddings) are not parameters; the zero biases of the
  // 32 bias-less depthwise convs (1536 channels in all) are marked and not counted.
  CHECK(m.float_parameter_count() == 134704);
  CHECK(synthesized_bias(g, m) == 1536);
  CHECK(g.parameter_count() == m.float_parameter_count());
  WARN("blazeface: " << g.layers.size() << " layers, " << g.parameter_count() << " parameters, "
                     << g.macs() << " MACs");
  require_near(double(g.macs()), 0.19e9, 5.0);
}

TEST_CASE("load_tfjs_graph and unsupported_tfjs_ops on a real model",
          "[network][tfjs][import][real]") {
  const std::string p = apack::test::model_json("posenet");
  const Graph g = load_tfjs_graph(p);
  CHECK(g.source == p);
  CHECK(g.layers.size() == 32);
  CHECK(unsupported_tfjs_ops(load_tfjs_model(p)).empty());
}

// ---- synthetic models -----------------------------------------------------------------------

TEST_CASE("SAME padding for odd sizes, stride 2, even kernels and dilation",
          "[network][tfjs][import]") {
  TempDir dir;
  Model md;
  md.placeholder("x", {1, 7, 8, 1});
  md.constant("k3", {3, 3, 1, 1}, std::vector<float>(9, 1.0f));
  md.constant("k4", {4, 4, 1, 1}, std::vector<float>(16, 1.0f));
  md.op("c_s2", "Conv2D", {"x", "k3"}, window_attr("SAME", 2));
  md.op("c_k4", "Conv2D", {"x", "k4"}, window_attr("SAME", 1));
  md.op("c_d2", "Conv2D", {"x", "k3"}, window_attr("SAME", 1, 2));
  md.op("c_valid", "Conv2D", {"x", "k3"}, window_attr("VALID", 2));
  json ex = window_attr("EXPLICIT", 1);
  ex["explicit_paddings"] = Ints({0, 0, 1, 2, 3, 0, 0, 0});
  md.op("c_explicit", "Conv2D", {"x", "k3"}, ex);
  md.op("maxpool", "MaxPool", {"x"}, pool_attr("SAME", 3, 2));
  md.op("avgpool", "AvgPool", {"x"}, pool_attr("VALID", 2, 2));
  const Graph g = load_tfjs_graph(md.write(dir));

  // No signature: the nodes nobody consumes are the outputs, in file order.
  REQUIRE(g.outputs.size() == 7);
  CHECK(g.outputs[0].name == "c_s2:0");
  CHECK(g.layers[size_t(g.outputs[6].layer)].name == "avgpool");

  auto pads = [](const Layer& l) {
    return std::vector<int64_t>{l.pad_top, l.pad_bottom, l.pad_left, l.pad_right};
  };
  // H 7, stride 2: 4 rows, total (4-1)*2+3-7 = 2 -> 1+1; W 8: total 3*2+3-8 = 1 -> 0+1.
  const Layer& s2 = layer(g, "c_s2");
  CHECK(pads(s2) == std::vector<int64_t>{1, 1, 0, 1});
  CHECK(s2.shape == Shape{1, 4, 4, 1});
  // Kernel 4, stride 1: total 3, the smaller half first.
  CHECK(pads(layer(g, "c_k4")) == std::vector<int64_t>{1, 2, 1, 2});
  CHECK(layer(g, "c_k4").shape == Shape{1, 7, 8, 1});
  // Dilation 2: a 5-wide window, total 4.
  const Layer& d2 = layer(g, "c_d2");
  CHECK(pads(d2) == std::vector<int64_t>{2, 2, 2, 2});
  CHECK(d2.dilation_h == 2);
  CHECK(d2.shape == Shape{1, 7, 8, 1});
  CHECK(pads(layer(g, "c_valid")) == std::vector<int64_t>{0, 0, 0, 0});
  CHECK(layer(g, "c_valid").shape == Shape{1, 3, 3, 1});
  CHECK(pads(layer(g, "c_explicit")) == std::vector<int64_t>{1, 2, 3, 0});
  CHECK(layer(g, "c_explicit").shape == Shape{1, 8, 9, 1});
  CHECK(pads(layer(g, "maxpool")) == std::vector<int64_t>{1, 1, 0, 1});
  CHECK(layer(g, "maxpool").shape == Shape{1, 4, 4, 1});
  CHECK(layer(g, "avgpool").shape == Shape{1, 3, 4, 1});

  // x[r][c] = 8r + c + 1, a 3x3 box sum: output (0,0) covers rows 0..1 (row -1 is padding) and
  // columns 0..2: 1+2+3 + 9+10+11 = 36. Output (3,3) covers rows 5..6, columns 6..7 (row 7 and
  // column 8 are padding): 47+48+55+56 = 206.
  const std::vector<float> x = iota_values(56);
  const std::vector<float> y = run(g, x, "c_s2");
  REQUIRE(y.size() == 16);
  CHECK(y[0] == 36.0f);
  CHECK(y[15] == 206.0f);
  // Max pool, same windows: the largest cell of each, 11 and 56.
  const std::vector<float> mp = run(g, x, "maxpool");
  CHECK(mp[0] == 11.0f);
  CHECK(mp[15] == 56.0f);
  // 2x2/2 average: (1+2+9+10)/4.
  CHECK(run(g, x, "avgpool")[0] == 5.5f);
}

TEST_CASE("depthwise with multiplier 2: HWCM -> OHWI, filter f = c*M + m reads channel c",
          "[network][tfjs][import]") {
  TempDir dir;
  Model md;
  md.placeholder("x", {1, 2, 3, 2});
  // t[0][kx][c][m] = 100*kx + 10*c + m + 1, stored in HWCM order.
  std::vector<float> t;
  for (int kx = 0; kx < 2; ++kx)
    for (int c = 0; c < 2; ++c)
      for (int m = 0; m < 2; ++m) t.push_back(float(100 * kx + 10 * c + m + 1));
  md.constant("w", {1, 2, 2, 2}, t);
  md.constant("b", {4}, {0.5f, 0.0f, 0.0f, -1000.0f});
  md.op("dw", "DepthwiseConv2dNative", {"x", "w"}, window_attr("VALID", 1));
  md.op("fdw", "FusedDepthwiseConv2dNative", {"x", "w", "b"},
        window_attr("VALID", 1, 1, {"BiasAdd", "Relu6"}));
  const Graph g = load_tfjs_graph(md.write(dir));
  const Layer& dw = layer(g, "dw");
  CHECK(dw.kind == LayerKind::Conv);
  CHECK(dw.groups == 2);
  CHECK(dw.out_channels == 4);
  CHECK(dw.kernel_h == 1);
  CHECK(dw.kernel_w == 2);
  // OHWI: filter 0 = (c0, m0): taps 1, 101; filter 1 = (c0, m1): 2, 102; filter 2 = (c1, m0).
  CHECK(dw.weights == std::vector<float>{1, 101, 2, 102, 11, 111, 12, 112});
  CHECK(dw.bias == std::vector<float>{0, 0, 0, 0});
  CHECK(dw.shape == Shape{1, 2, 2, 4});
  const Layer& fdw = layer(g, "fdw");
  CHECK(fdw.act == Act::Relu6);
  CHECK(fdw.bias == std::vector<float>{0.5f, 0.0f, 0.0f, -1000.0f});

  // Channel 0 all 1, channel 1 all 2: f0 = 1+101, f1 = 2+102, f2 = 2*(11+111), f3 = 2*(12+112).
  std::vector<float> x;
  for (int p = 0; p < 6; ++p) x.insert(x.end(), {1.0f, 2.0f});
  const std::vector<float> y = run(g, x, "dw");
  REQUIRE(y.size() == 16);
  CHECK(std::vector<float>(y.begin(), y.begin() + 4) == std::vector<float>{102, 104, 244, 248});
  const std::vector<float> z = run(g, x, "fdw");
  CHECK(std::vector<float>(z.begin(), z.begin() + 4) == std::vector<float>{6, 6, 6, 0});
}

TEST_CASE("a Conv2D filter with fewer input channels than the input is a grouped conv",
          "[network][tfjs][import]") {
  TempDir dir;
  Model md;
  md.placeholder("x", {1, 1, 1, 4});
  // HWIO [1][1][2][2]: 2 groups of 2 channels; output 0 reads channels 0, 1, output 1 reads 2, 3.
  md.constant("w", {1, 1, 2, 2}, {1, 10, 2, 20});
  md.op("conv", "Conv2D", {"x", "w"}, window_attr("VALID"));
  const Graph g = load_tfjs_graph(md.write(dir));
  const Layer& c = layer(g, "conv");
  CHECK(c.groups == 2);
  CHECK(c.weights == std::vector<float>{1, 2, 10, 20});
  // f0 = 1*x0 + 2*x1, f1 = 10*x2 + 20*x3.
  CHECK(run(g, {1, 2, 3, 4}, "conv") == std::vector<float>{5, 110});
}

TEST_CASE("nodes no graph output depends on are not imported", "[network][tfjs][import]") {
  TempDir dir;
  Model md;
  md.placeholder("x", {1, 4});
  md.op("used", "Relu", {"x"});
  md.op("dead", "Sigmoid", {"x"});
  md.op("dead2", "Tanh", {"dead"});
  md.signature = {{"outputs", {{"used:0", {{"name", "used:0"}}}}}};
  const Graph g = load_tfjs_graph(md.write(dir));
  CHECK(g.layers.size() == 2);
  CHECK(g.find("dead") < 0);
  CHECK(g.find("dead2") < 0);
  // Without the dead Sigmoid the Relu's input has one consumer, but an Input takes no activation.
  CHECK(layer(g, "used").kind == LayerKind::Activation);
}

TEST_CASE("MatMul and _FusedMatMul: [C][F] and transpose_b [F][C] to [F][C]",
          "[network][tfjs][import]") {
  TempDir dir;
  Model md;
  md.placeholder("x", {-1, 3});
  md.constant("w1", {3, 2}, {1, 2, 3, 4, 5, 6});
  md.constant("w2", {2, 3}, {1, 2, 3, 4, 5, 6});
  md.constant("b2", {2}, {-20.0f, 0.5f});
  md.constant("b1", {2}, {0.25f, -0.25f});
  md.op("mm1", "MatMul", {"x", "w1"}, {{"transpose_a", B(false)}, {"transpose_b", B(false)}});
  md.op("mm2", "_FusedMatMul", {"x", "w2", "b2"},
        {{"transpose_b", B(true)}, {"fused_ops", Strs({"BiasAdd", "Relu"})}, {"num_args", I(1)}});
  // MatMul + BiasAdd + Relu fold into one fully connected layer.
  md.op("mm3", "MatMul", {"x", "w1"});
  md.op("mm3_bias", "BiasAdd", {"mm3", "b1"});
  md.op("mm3_relu", "Relu", {"mm3_bias"});
  const Graph g = load_tfjs_graph(md.write(dir));
  CHECK(g.layers.size() == 4);
  const Layer& l1 = layer(g, "mm1");
  CHECK(l1.kind == LayerKind::FullyConnected);
  CHECK(l1.weights == std::vector<float>{1, 3, 5, 2, 4, 6});
  CHECK(l1.shape == Shape{1, 2});
  const Layer& l2 = layer(g, "mm2");
  CHECK(l2.weights == std::vector<float>{1, 2, 3, 4, 5, 6});
  CHECK(l2.act == Act::Relu);
  const Layer& l3 = layer(g, "mm3_relu");
  CHECK(l3.sources == std::vector<std::string>{"mm3", "mm3_bias", "mm3_relu"});
  CHECK(l3.bias == std::vector<float>{0.25f, -0.25f});
  CHECK(l3.act == Act::Relu);

  const std::vector<float> x = {1, 1, 2};
  CHECK(run(g, x, "mm1") == std::vector<float>{14, 18});    // 1+3+10, 2+4+12
  CHECK(run(g, x, "mm2") == std::vector<float>{0, 21.5f});  // relu(9-20), 4+5+12+0.5
  CHECK(run(g, x, "mm3_relu") == std::vector<float>{14.25f, 17.75f});
}

TEST_CASE("batch norm as Mul and Add of constants folds into the conv's weights and bias",
          "[network][tfjs][import]") {
  TempDir dir;
  Model md;
  md.placeholder("x", {1, 2, 2, 2});
  // HWIO [1][1][2][3]: input 0 -> outputs 1, 2, 3; input 1 -> 4, 5, 6.
  md.constant("w", {1, 1, 2, 3}, {1, 2, 3, 4, 5, 6});
  md.constant("scale", {3}, {0.5f, -2.0f, 0.1f});
  md.constant("offset", {3}, {1.0f, 2.0f, 3.0f});
  md.constant("bias", {3}, {0.25f, 1.0f, -1.0f});
  md.constant("half", {}, {0.5f});
  // Conv2D without bias, then BN, then Relu: one layer.
  md.op("conv", "Conv2D", {"x", "w"}, window_attr("VALID"));
  md.op("bn_mul", "Mul", {"conv", "scale"});
  md.op("bn_add", "AddV2", {"bn_mul", "offset"});
  md.op("relu", "Relu", {"bn_add"});
  // A fused conv with bias, a scalar Mul (constant first), then a Sub of a per-channel constant.
  md.op("fconv", "_FusedConv2D", {"x", "w", "bias"}, window_attr("VALID", 1, 1, {"BiasAdd"}));
  md.op("f_mul", "Mul", {"half", "fconv"});
  md.op("f_sub", "Sub", {"f_mul", "offset"});
  // Not foldable: the conv's value is read twice, and a conv with an activation.
  md.op("conv2", "Conv2D", {"x", "w"}, window_attr("VALID"));
  md.op("m2", "Mul", {"conv2", "scale"});
  md.op("a2", "AddV2", {"conv2", "m2"});
  md.op("rconv", "_FusedConv2D", {"x", "w", "bias"},
        window_attr("VALID", 1, 1, {"BiasAdd", "Relu"}));
  md.op("r_mul", "Mul", {"rconv", "scale"});
  const std::string path = md.write(dir);
  const TfjsModel m = load_tfjs_model(path);
  const Graph g = import_tfjs(m);

  const Layer& c = layer(g, "relu");
  CHECK(c.kind == LayerKind::Conv);
  CHECK(c.sources == std::vector<std::string>{"conv", "bn_mul", "bn_add", "relu"});
  CHECK(c.act == Act::Relu);
  // OHWI filter f = {w[0][f], w[1][f]}, scaled by scale[f].
  CHECK(c.weights == std::vector<float>{1.0f * 0.5f, 4.0f * 0.5f, 2.0f * -2.0f, 5.0f * -2.0f,
                                        3.0f * 0.1f, 6.0f * 0.1f});
  CHECK(c.bias == std::vector<float>{1.0f, 2.0f, 3.0f});
  CHECK(g.find("conv") < 0);
  CHECK(g.find("bn_mul") < 0);

  const Layer& f = layer(g, "f_sub");
  CHECK(f.sources == std::vector<std::string>{"fconv", "f_mul", "f_sub"});
  CHECK(f.weights == std::vector<float>{0.5f, 2.0f, 1.0f, 2.5f, 1.5f, 3.0f});
  CHECK(f.bias == std::vector<float>{0.25f * 0.5f - 1.0f, 1.0f * 0.5f - 2.0f, -1.0f * 0.5f - 3.0f});

  // conv2 is read by m2 and a2: m2 stays a Mul with a Const layer named after the constant.
  CHECK(layer(g, "conv2").kind == LayerKind::Conv);
  const Layer& m2 = layer(g, "m2");
  CHECK(m2.kind == LayerKind::Mul);
  const Layer& sc = g.layers[size_t(m2.inputs[1])];
  CHECK(sc.kind == LayerKind::Const);
  CHECK(sc.name == "scale");
  CHECK(sc.values == std::vector<float>{0.5f, -2.0f, 0.1f});
  CHECK(layer(g, "a2").kind == LayerKind::Add);
  // rconv has its Relu: the Mul comes after it and cannot fold; the Const layer is shared.
  CHECK(layer(g, "rconv").act == Act::Relu);
  CHECK(layer(g, "r_mul").kind == LayerKind::Mul);
  CHECK(layer(g, "r_mul").inputs[1] == m2.inputs[1]);

  // x = 1 everywhere on channel 0, 2 on channel 1: conv = {1+8, 2+10, 3+12} = {9, 12, 15};
  // relu(bn) = {9*0.5+1, relu(12*-2+2), 15*0.1+3} = {5.5, 0, 4.5}.
  std::vector<float> x;
  for (int p = 0; p < 4; ++p) x.insert(x.end(), {1.0f, 2.0f});
  const std::vector<float> y = run(g, x, "relu");
  CHECK(y[0] == Approx(5.5f));
  CHECK(y[1] == 0.0f);
  CHECK(y[2] == Approx(4.5f));
  // f: ({9, 12, 15} + bias) * 0.5 - offset = {3.625, 4.5, 4.0}.
  const std::vector<float> z = run(g, x, "f_sub");
  CHECK(z[0] == Approx(3.625f));
  CHECK(z[1] == Approx(4.5f));
  CHECK(z[2] == Approx(4.0f));

  // Parameters. The file holds w (6), scale, offset, bias (3 each) and half (1). The IR gives
  // each of the 4 convs its own copy of the shared filter (6 each); the 3 that received a bias
  // or an offset count 3 bias values, the one that only got a scale folded in has none. The
  // Const layer 'scale' is an operand, not a parameter (Layer::parameter_count counts weights,
  // the bias when the source had one, and PReLU slopes).
  CHECK(m.float_parameter_count() == 6 + 3 + 3 + 3 + 1);
  CHECK(g.parameter_count() == 4 * 6 + 3 * 3);
}

TEST_CASE("Minimum and Maximum with constants become Relu6 or Clip", "[network][tfjs][import]") {
  TempDir dir;
  Model md;
  md.placeholder("x", {1, 1, 2, 1});
  md.constant("w", {1, 1, 1, 1}, {2.0f});
  md.constant("six", {}, {6.0f});
  md.constant("zero", {1}, {0.0f});
  md.constant("lo", {}, {-1.0f});
  md.constant("hi", {}, {1.0f});
  md.constant("vec", {1}, {3.0f});
  // conv -> Minimum(., 6) -> Maximum(., 0): Relu6 on the conv.
  md.op("conv", "Conv2D", {"x", "w"}, window_attr("VALID"));
  md.op("min6", "Minimum", {"conv", "six"});
  md.op("max0", "Maximum", {"zero", "min6"});
  // The other order, other bounds, on a graph input (not foldable): a stand-alone Clip.
  md.op("max_lo", "Maximum", {"x", "lo"});
  md.op("min_hi", "Minimum", {"max_lo", "hi"});
  // A lone Minimum stays an element-wise layer.
  md.op("lone", "Minimum", {"x", "vec"});
  const Graph g = load_tfjs_graph(md.write(dir));

  const Layer& c = layer(g, "max0");
  CHECK(c.kind == LayerKind::Conv);
  CHECK(c.act == Act::Relu6);
  CHECK(c.sources == std::vector<std::string>{"conv", "min6", "max0"});
  const Layer& a = layer(g, "min_hi");
  CHECK(a.kind == LayerKind::Activation);
  CHECK(a.act == Act::Clip);
  CHECK(a.clip_min == -1.0f);
  CHECK(a.clip_max == 1.0f);
  CHECK(a.sources == std::vector<std::string>{"max_lo", "min_hi"});
  CHECK(g.find("min6") < 0);
  CHECK(g.find("max_lo") < 0);
  CHECK(layer(g, "lone").kind == LayerKind::Minimum);
  CHECK(layer(g, "vec").kind == LayerKind::Const);

  CHECK(run(g, {-2.0f, 4.0f}, "max0") == std::vector<float>{0.0f, 6.0f});
  CHECK(run(g, {-2.0f, 0.5f}, "min_hi") == std::vector<float>{-1.0f, 0.5f});
  CHECK(run(g, {-2.0f, 4.0f}, "lone") == std::vector<float>{-2.0f, 3.0f});
}

TEST_CASE("Identity nodes are skipped, outputs named as the signature spells them",
          "[network][tfjs][import]") {
  TempDir dir;
  Model md;
  md.placeholder("x", {1, 2, 2, 1});
  md.constant("w", {1, 1, 1, 2}, {1.0f, -1.0f});
  md.constant("b", {2}, {0.5f, 0.5f});
  md.op("id_in", "Identity", {"x"});
  md.op("conv", "Conv2D", {"id_in", "w"}, window_attr("VALID"));
  md.op("id_mid", "Identity", {"conv"});
  md.op("ba", "BiasAdd", {"id_mid", "b"}, {{"data_format", S("NHWC")}});
  md.op("relu", "Relu", {"ba"});
  md.op("out", "Identity", {"relu"});
  md.op("id_b", "Identity", {"b"});  // an Identity of a constant, used as an output
  md.signature = {{"inputs", {{"x:0", {{"name", "x:0"}, {"dtype", "DT_FLOAT"}}}}},
                  {"outputs", {{"out:0", {{"name", "out:0"}}}, {"id_b:0", {{"name", "id_b:0"}}}}}};
  const Graph g = load_tfjs_graph(md.write(dir));
  // Input, the conv (with bias and Relu folded through the Identity), the constant.
  REQUIRE(g.layers.size() == 3);
  for (const Layer& l : g.layers) CHECK(l.name.find("id_") != 0);
  const Layer& c = layer(g, "relu");
  CHECK(c.sources == std::vector<std::string>{"conv", "ba", "relu"});
  CHECK(c.inputs == std::vector<int>{g.inputs[0]});
  REQUIRE(g.outputs.size() == 2);
  CHECK(output(g, "out:0").layer == g.find("relu"));
  CHECK(g.layers[size_t(output(g, "id_b:0").layer)].kind == LayerKind::Const);
  CHECK(g.layers[size_t(output(g, "id_b:0").layer)].name == "b");
  CHECK(run(g, {1, 2, 3, 4}, "relu") ==
        std::vector<float>{1.5f, 0.0f, 2.5f, 0.0f, 3.5f, 0.0f, 4.5f, 0.0f});
}

TEST_CASE("an output is never folded away; a shared value keeps its activation apart",
          "[network][tfjs][import]") {
  TempDir dir;
  Model md;
  md.placeholder("x", {1, 1, 1, 2});
  md.constant("w", {1, 1, 2, 2}, {1, 0, 0, 1});
  md.constant("b", {2}, {1.0f, -1.0f});
  md.op("conv", "Conv2D", {"x", "w"}, window_attr("VALID"));
  md.op("ba", "BiasAdd", {"conv", "b"});
  md.op("relu", "Relu", {"ba"});
  md.signature = {{"outputs", {{"ba:0", {{"name", "ba:0"}}}, {"relu:0", {{"name", "relu:0"}}}}}};
  const Graph g = load_tfjs_graph(md.write(dir));
  CHECK(layer(g, "ba").kind == LayerKind::Conv);
  CHECK(layer(g, "ba").act == Act::None);
  CHECK(layer(g, "relu").kind == LayerKind::Activation);
  CHECK(run(g, {0.5f, 0.5f}, "relu") == std::vector<float>{1.5f, 0.0f});
}

TEST_CASE("pad, concat, reshape, squeeze, mean, softmax and the other element-wise ops",
          "[network][tfjs][import]") {
  TempDir dir;
  Model md;
  md.placeholder("x", {1, 2, 2, 2});
  md.constant_i("paddings", {4, 2}, {0, 0, 1, 0, 0, 1, 0, 1});
  md.constant("pv", {}, {-1.0f});
  md.constant_i("axis", {}, {-1});
  md.constant_i("shape", {2}, {1, -1});
  md.constant_i("axes", {2}, {1, 2});
  md.constant("alpha", {1, 1, 2}, {0.1f, 0.2f});
  md.constant("c", {2}, {1.0f, 2.0f});
  md.op("pad", "Pad", {"x", "paddings"});                       // 1x3x3x3, zeros
  md.op("padv2", "PadV2", {"x", "paddings", "pv"});             // pad value -1
  md.op("cat", "ConcatV2", {"x", "x", "axis"}, {{"N", I(2)}});  // 1x2x2x4
  md.op("flat", "Reshape", {"cat", "shape"});                   // 1x16
  md.op("mean", "Mean", {"x", "axes"}, {{"keep_dims", B(true)}});
  md.op("sq", "Squeeze", {"mean"}, {{"squeeze_dims", Ints({1, 2})}});  // 1x2
  md.op("sm", "Softmax", {"sq"});
  md.op("sub", "Sub", {"c", "x"});            // constant first: stays a Sub
  md.op("prelu", "Prelu", {"sub", "alpha"});  // folds into the Sub
  md.op("sig", "Sigmoid", {"x"});
  md.op("tanh", "Tanh", {"x"});
  md.op("max", "Maximum", {"sig", "tanh"});
  md.op("mul", "Mul", {"x", "x"});
  md.op("relu6", "Relu6", {"mul"});  // folds into the Mul
  const Graph g = load_tfjs_graph(md.write(dir));

  CHECK(layer(g, "pad").pads == std::vector<int64_t>{0, 0, 1, 0, 0, 1, 0, 1});
  CHECK(layer(g, "pad").shape == Shape{1, 3, 3, 3});
  CHECK(layer(g, "padv2").pad_value == -1.0f);
  CHECK(layer(g, "cat").axis == 3);
  CHECK(layer(g, "cat").shape == Shape{1, 2, 2, 4});
  CHECK(layer(g, "flat").kind == LayerKind::Reshape);
  CHECK(layer(g, "flat").shape == Shape{1, 16});
  CHECK(layer(g, "mean").kind == LayerKind::GlobalAvgPool);
  CHECK(layer(g, "mean").keep_dims);
  CHECK(layer(g, "mean").shape == Shape{1, 1, 1, 2});
  CHECK(layer(g, "sq").kind == LayerKind::Reshape);
  CHECK(layer(g, "sq").shape == Shape{1, 2});
  CHECK(layer(g, "sm").kind == LayerKind::Softmax);
  CHECK(g.find("sub") < 0);
  CHECK(layer(g, "prelu").kind == LayerKind::Sub);
  CHECK(layer(g, "prelu").act == Act::PRelu);
  CHECK(layer(g, "prelu").alpha == std::vector<float>{0.1f, 0.2f});
  CHECK(layer(g, "sig").act == Act::Sigmoid);
  CHECK(layer(g, "tanh").act == Act::Tanh);
  CHECK(layer(g, "max").kind == LayerKind::Maximum);
  CHECK(layer(g, "relu6").kind == LayerKind::Mul);
  CHECK(layer(g, "relu6").act == Act::Relu6);

  // x: pixel p holds {p+1, -(p+1)}.
  const std::vector<float> x = {1, -1, 2, -2, 3, -3, 4, -4};
  const std::vector<float> pad = run(g, x, "pad");
  // Row 0 is padding; row 1 = pixels (0,0), (0,1), then the right padding column.
  CHECK(std::vector<float>(pad.begin(), pad.begin() + 9) == std::vector<float>(9, 0.0f));
  CHECK(std::vector<float>(pad.begin() + 9, pad.begin() + 18) ==
        std::vector<float>{1, -1, 0, 2, -2, 0, 0, 0, 0});
  CHECK(run(g, x, "padv2")[0] == -1.0f);
  const std::vector<float> flat = run(g, x, "flat");
  CHECK(std::vector<float>(flat.begin(), flat.begin() + 8) ==
        std::vector<float>{1, -1, 1, -1, 2, -2, 2, -2});
  CHECK(run(g, x, "sq") == std::vector<float>{2.5f, -2.5f});
  const std::vector<float> sm = run(g, x, "sm");
  CHECK(sm[0] == Approx(1.0 / (1.0 + std::exp(-5.0))));
  // c - x = {0, 3}, {-1, 4}, ...; PReLU scales the negatives by 0.1 (channel 0).
  CHECK(run(g, x, "prelu") ==
        std::vector<float>{0.0f, 3.0f, -1.0f * 0.1f, 4.0f, -2.0f * 0.1f, 5.0f, -3.0f * 0.1f, 6.0f});
  CHECK(run(g, x, "relu6") == std::vector<float>{1, 1, 4, 4, 6, 6, 6, 6});
  CHECK(run(g, x, "max")[0] == Approx(std::tanh(1.0)));               // tanh(1) > sigmoid(1)
  CHECK(run(g, x, "max")[1] == Approx(1.0 / (1.0 + std::exp(1.0))));  // sigmoid(-1) > tanh(-1)
}

TEST_CASE("unsupported ops are listed by name with their nodes and the file",
          "[network][tfjs][import]") {
  TempDir dir;
  Model md;
  md.placeholder("x", {1, 4});
  md.op("a", "Foo", {"x"});
  md.op("b", "Foo", {"a"});
  md.op("c", "Foo", {"b"});
  md.op("d", "Foo", {"c"});
  md.op("e", "BarOp", {"d"});
  md.op("f", "Relu", {"e"});
  const std::string path = md.write(dir);
  const TfjsModel m = load_tfjs_model(path);
  const std::vector<OpUsage> bad = unsupported_tfjs_ops(m);
  REQUIRE(bad.size() == 2);
  CHECK(bad[0].op == "Foo");
  CHECK(bad[0].count == 4);
  CHECK(bad[0].nodes == std::vector<std::string>{"a", "b", "c", "d"});
  CHECK(bad[1].op == "BarOp");
  CHECK(bad[1].nodes == std::vector<std::string>{"e"});
  CHECK(tfjs_op_supported("FusedDepthwiseConv2dNative"));
  CHECK_FALSE(tfjs_op_supported("Foo"));

  const std::string msg = format_error([&] { import_tfjs(m); });
  CHECK_THAT(msg, Contains(path));
  CHECK_THAT(msg, Contains("2 unsupported ops"));
  CHECK_THAT(msg, Contains("Foo (4 nodes: 'a', 'b', 'c', ...)"));
  CHECK_THAT(msg, Contains("BarOp (1 node: 'e')"));
}

TEST_CASE("shape mismatches and bad attributes name the file and the node",
          "[network][tfjs][import]") {
  TempDir dir;
  SECTION("a conv filter for 3 channels on a 1-channel input") {
    Model md;
    md.placeholder("x", {1, 4, 4, 1});
    md.constant("w", {3, 3, 3, 8}, std::vector<float>(3 * 3 * 3 * 8, 0.0f));
    md.op("conv", "Conv2D", {"x", "w"}, window_attr("SAME"));
    const std::string path = md.write(dir);
    const std::string msg = format_error([&] { load_tfjs_graph(path); });
    CHECK_THAT(msg, Contains(path));
    CHECK_THAT(msg, Contains("'conv'"));
    CHECK_THAT(msg, Contains("3x3x3x8"));
    CHECK_THAT(msg, Contains("1x4x4x1"));
  }
  SECTION("an element-wise op on shapes that do not broadcast") {
    Model md;
    md.placeholder("x", {1, 4, 4, 2});
    md.constant("c", {3}, {1, 2, 3});
    md.op("add", "AddV2", {"x", "c"});
    const std::string path = md.write(dir);
    const std::string msg = format_error([&] { load_tfjs_graph(path); });
    CHECK_THAT(msg, Contains(path));
    CHECK_THAT(msg, Contains("'add'"));
    CHECK_THAT(msg, Contains("cannot broadcast 1x4x4x2 with 3"));
  }
  SECTION("a bias of the wrong size") {
    Model md;
    md.placeholder("x", {1, 2, 2, 1});
    md.constant("w", {1, 1, 1, 2}, {1, 2});
    md.constant("b", {3}, {1, 2, 3});
    md.op("conv", "_FusedConv2D", {"x", "w", "b"}, window_attr("VALID", 1, 1, {"BiasAdd"}));
    const std::string path = md.write(dir);
    const std::string msg = format_error([&] { load_tfjs_graph(path); });
    CHECK_THAT(msg, Contains(path + ": node 'conv' (_FusedConv2D): bias of shape 3"));
  }
  SECTION("NCHW, num_args and fused ops that are not supported") {
    Model md;
    md.placeholder("x", {1, 2, 2, 1});
    md.constant("w", {1, 1, 1, 2}, {1, 2});
    md.constant("b", {2}, {1, 2});
    json a = window_attr("VALID", 1, 1, {"BiasAdd"});
    a["data_format"] = S("NCHW");
    md.op("nchw", "_FusedConv2D", {"x", "w", "b"}, a);
    const std::string path = md.write(dir);
    CHECK_THAT(format_error([&] { load_tfjs_graph(path); }),
               Contains(path + ": node 'nchw' (_FusedConv2D): data_format 'NCHW'"));
    md.nodes.back()["attr"]["data_format"] = S("NHWC");
    md.nodes.back()["attr"]["num_args"] = I(2);
    md.write(dir);
    CHECK_THAT(format_error([&] { load_tfjs_graph(path); }),
               Contains("node 'nchw' (_FusedConv2D): num_args is 2"));
    md.nodes.back()["attr"]["num_args"] = I(1);
    md.nodes.back()["attr"]["fused_ops"] = Strs({"BiasAdd", "Elu"});
    md.write(dir);
    CHECK_THAT(format_error([&] { load_tfjs_graph(path); }),
               Contains("fused_ops [BiasAdd, Elu] are not supported"));
    md.nodes.back()["attr"].erase("padding");
    md.nodes.back()["attr"]["fused_ops"] = Strs({"BiasAdd"});
    md.write(dir);
    // Attribute accessor errors get the file too.
    CHECK_THAT(format_error([&] { load_tfjs_graph(path); }),
               Contains(path + ": node 'nchw' (op _FusedConv2D): attribute 'padding' is missing"));
  }
  SECTION("unknown input dimensions, and input shape overrides") {
    Model md;
    md.placeholder("img", {-1, -1, -1, 3});
    md.constant("w", {3, 3, 3, 4}, std::vector<float>(3 * 3 * 3 * 4, 1.0f));
    md.op("conv", "Conv2D", {"img", "w"}, window_attr("SAME", 2));
    const std::string path = md.write(dir);
    CHECK_THAT(format_error([&] { load_tfjs_graph(path); }),
               Contains(path + ": node 'img' (Placeholder): dimension 1 of the input shape "
                               "?x?x?x3 is unknown"));
    const Graph g = load_tfjs_graph(path, {Shape{1, 9, 9, 3}});
    CHECK(layer(g, "conv").shape == Shape{1, 5, 5, 4});
    CHECK_THAT(format_error([&] {
                 load_tfjs_graph(path, {Shape{1, 9, 9}});
               }),
               Contains("node 'img' (Placeholder): input shape 1x9x9 given for an input declared "
                        "?x?x?x3"));
    CHECK_THAT(format_error([&] {
                 load_tfjs_graph(path, {Shape{1, 9, 9, 1}});
               }),
               Contains("'conv'"));
    CHECK_THAT(format_error([&] {
                 load_tfjs_graph(path, {Shape{1, 9, 9, 3}, Shape{1}});
               }),
               Contains("2 input shape(s) given for 1 graph input(s) ('img:0')"));
  }
}

// ---- real photos through the imported models ----------------------------------------------
// The importer's layouts (OHWI, HWCM ordering, SAME pads, folding) are right only if the real
// networks still do their job: the workloads README gives the expected behaviour.

namespace {

std::vector<float> photo_input(const std::string& file, const std::string& preset,
                               const std::optional<apack::image::Crop>& box = std::nullopt) {
  apack::test::model_json("posenet");  // fetches the workloads (photos included) when missing
  const fs::path p = fs::path(APACK_SOURCE_DIR) / "workloads-cache" / "images" / file;
  INFO("photo " << p.string());
  REQUIRE(fs::exists(p));
  return apack::image::preprocess(apack::image::decode_file(p.string()),
                                  apack::image::preset(preset), box)
      .data;
}

std::vector<float> run_output(const Graph& g, const std::vector<float>& x,
                              const std::string& output_name) {
  const Layer& in = g.layers[size_t(g.inputs.at(0))];
  const std::vector<FloatTensor> v = run_fp32(g, {FloatTensor{in.shape, x}});
  return v[size_t(output(g, output_name).layer)].data;
}

double max_sigmoid(const std::vector<float>& a, const std::vector<float>& b) {
  float m = -1e30f;
  for (float v : a) m = std::max(m, v);
  for (float v : b) m = std::max(m, v);
  return 1.0 / (1.0 + std::exp(-double(m)));
}

}  // namespace

TEST_CASE("imported blazeface finds the faces the README lists", "[network][tfjs][import][real]") {
  // The README's scores come from another pipeline (decoder, resize); ours differ by up to 0.06
  // (coffee 0.29, rocket 0.34, chelsea 0.83). The imported graph itself matches an independent
  // float64 TF-semantics reference to ~1e-6 relative, so the check is the face / no-face decision
  // with a loose tolerance on the score.
  const Graph g = load_tfjs_graph(apack::test::model_json("blazeface"));
  const std::map<std::string, double> expected = {{"astronaut.png", 0.88},
                                                  {"grace_hopper.jpg", 0.88},
                                                  {"chelsea.png", 0.87},
                                                  {"coffee.png", 0.35},
                                                  {"rocket.jpg", 0.29}};
  for (const auto& [file, score] : expected) {
    const std::vector<float> x = photo_input(file, "blazeface");
    const double s = max_sigmoid(run_output(g, x, "Identity:0"), run_output(g, x, "Identity_1:0"));
    INFO(file << ": best face score " << s << ", README about " << score);
    CHECK((s >= 0.75) == (score >= 0.75));
    CHECK(std::abs(s - score) < 0.08);
  }
}

TEST_CASE("imported posenet puts the astronaut's nose and eyes inside her face",
          "[network][tfjs][import][real]") {
  const Graph g = load_tfjs_graph(apack::test::model_json("posenet"));
  const std::vector<float> x = photo_input("astronaut.png", "posenet");
  const Layer& in = g.layers[size_t(g.inputs.at(0))];
  const std::vector<FloatTensor> v = run_fp32(g, {FloatTensor{in.shape, x}});
  const std::vector<float>& heat =
      v[size_t(output(g, "MobilenetV1/heatmap_2/BiasAdd:0").layer)].data;
  const std::vector<float>& off = v[size_t(output(g, "MobilenetV1/offset_2/BiasAdd:0").layer)].data;
  // Keypoints 0..2: nose, left eye, right eye. Face box in the 512x512 original: x 150..300,
  // y 50..200; the model sees it at 385/512 scale.
  for (int k = 0; k < 3; ++k) {
    int best = 0;
    for (int cell = 0; cell < 25 * 25; ++cell)
      if (heat[size_t(cell * 17 + k)] > heat[size_t(best * 17 + k)]) best = cell;
    const double y = 16.0 * (best / 25) + off[size_t(best * 34 + k)];
    const double xx = 16.0 * (best % 25) + off[size_t(best * 34 + 17 + k)];
    const double score = 1.0 / (1.0 + std::exp(-double(heat[size_t(best * 17 + k)])));
    const double ox = xx * 512.0 / 385.0, oy = y * 512.0 / 385.0;
    INFO("keypoint " << k << " at (" << ox << ", " << oy << ") score " << score);
    CHECK(score > 0.5);
    CHECK((ox > 150 && ox < 300 && oy > 50 && oy < 200));
  }
}

TEST_CASE("imported emotion classifies real face crops", "[network][tfjs][import][real]") {
  const Graph g = load_tfjs_graph(apack::test::model_json("emotion"));
  const char* classes[] = {"angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"};
  const std::map<std::string, apack::image::Crop> faces = {
      {"astronaut.png", {150, 50, 150, 150}}, {"grace_hopper.jpg", {150, 110, 230, 230}}};
  for (const auto& [file, box] : faces) {
    const std::vector<float> p = run_output(g, photo_input(file, "emotion", box), "Identity:0");
    REQUIRE(p.size() == 7);
    const size_t top = size_t(std::max_element(p.begin(), p.end()) - p.begin());
    WARN(file << ": " << classes[top] << " " << p[top]);
    CHECK(std::accumulate(p.begin(), p.end(), 0.0) == Approx(1.0).epsilon(1e-5));
    CHECK(p[top] > 0.3f);
  }
}
