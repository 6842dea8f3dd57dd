// The fp32 and int8 reference executors on small hand-built graphs: values computed by hand,
// the documented rounding rules, and agreement between the two executors.
#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "apack/error.hpp"
#include "apack/network/executor.hpp"
#include "apack/network/quantize.hpp"
#include "tiny_graphs.hpp"

using namespace apack::network;
using namespace apack::test;

namespace {

// A graph of an input and one layer reading it, whose output is named "out".
Graph single(Layer in, Layer op) {
  Graph g;
  g.name = "test";
  g.layers = {std::move(in), std::move(op)};
  finish_graph(g, "out");
  return g;
}

std::vector<float> ramp(size_t n, float start = 1.0f) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = start + float(i);
  return v;
}

}  // namespace

TEST_CASE("fp32 conv with SAME padding and stride 2 matches a hand computation") {
  // 1x3x3x1 input 1..9, 3x3 all-ones kernel, stride 2, SAME: pads 1 on every side.
  Layer c = conv_layer("c", 0, 1, 3, 1);
  c.stride_h = c.stride_w = 2;
  same_padding(3, 3, 2, 1, c.pad_top, c.pad_bottom);
  same_padding(3, 3, 2, 1, c.pad_left, c.pad_right);
  CHECK(c.pad_top == 1);
  CHECK(c.pad_bottom == 1);
  c.weights.assign(9, 1.0f);
  c.bias = {0.5f};
  Graph g = single(input_layer("x", {1, 3, 3, 1}), c);
  REQUIRE(g.layers[1].shape == Shape{1, 2, 2, 1});
  auto v = run_fp32(g, {{{1, 3, 3, 1}, ramp(9)}});
  // Windows: rows 0-1 x cols 0-1 -> 1+2+4+5, rows 0-1 x cols 1-2 -> 2+3+5+6, ...
  CHECK(v[1].data == std::vector<float>{12.5f, 16.5f, 24.5f, 28.5f});
}

TEST_CASE("SAME padding puts the smaller half first, as TF does") {
  int64_t b = 0, a = 0;
  same_padding(4, 3, 2, 1, b, a);  // out 2, total (2-1)*2+3-4 = 1
  CHECK(b == 0);
  CHECK(a == 1);
  same_padding(5, 1, 2, 1, b, a);
  CHECK(b + a == 0);
}

TEST_CASE("fp32 depthwise conv with multiplier 2 reads channel f / 2") {
  Layer c = conv_layer("dw", 0, 4, 1, 1, 2);  // C = 2, F = 4, groups = 2 (depthwise, multiplier 2)
  c.weights = {1, 2, 3, 4};
  Graph g = single(input_layer("x", {1, 1, 2, 2}), c);
  auto v = run_fp32(g, {{{1, 1, 2, 2}, {10, 100, 20, 200}}});
  CHECK(v[1].data == std::vector<float>{10, 20, 300, 400, 20, 40, 600, 800});
}

TEST_CASE("grouped conv keeps the groups apart") {
  Layer c = conv_layer("g", 0, 2, 1, 2, 2);  // C = 4 in 2 groups of 2, F = 2
  c.weights = {1, 1, 1, -1};
  Graph g = single(input_layer("x", {1, 1, 1, 4}), c);
  auto v = run_fp32(g, {{{1, 1, 1, 4}, {1, 2, 3, 5}}});
  CHECK(v[1].data == std::vector<float>{3, -2});
}

TEST_CASE("pooling ignores padding cells") {
  Layer p = pool_layer("p", LayerKind::AvgPool, 0, 2, 2);
  p.pad_bottom = p.pad_right = 1;  // 3x3 -> 2x2
  Graph g = single(input_layer("x", {1, 3, 3, 1}), p);
  auto v = run_fp32(g, {{{1, 3, 3, 1}, ramp(9)}});
  CHECK(v[1].data == std::vector<float>{3.0f, 4.5f, 7.5f, 9.0f});
  g.layers[1].kind = LayerKind::MaxPool;
  v = run_fp32(g, {{{1, 3, 3, 1}, {-1, -2, -3, -4, -5, -6, -7, -8, -9}}});
  CHECK(v[1].data == std::vector<float>{-1, -3, -7, -9});
}

TEST_CASE("element-wise ops broadcast per channel; pad extends channels; concat joins them") {
  Graph g = start_graph("t", {1, 1, 2, 2});
  g.layers.push_back(const_layer("k", {2}, {10, 20}));
  g.layers.push_back(op_layer("add", LayerKind::Add, {0, 1}));
  Layer pad = op_layer("pad", LayerKind::Pad, {2});
  pad.pads = {0, 0, 0, 0, 0, 0, 0, 1};
  g.layers.push_back(pad);
  Layer cat = op_layer("cat", LayerKind::Concat, {3, 0});
  cat.axis = -1;
  g.layers.push_back(cat);
  finish_graph(g, "cat");
  REQUIRE(g.layers[4].shape == Shape{1, 1, 2, 5});
  auto v = run_fp32(g, {{{1, 1, 2, 2}, {1, 2, 3, 4}}});
  CHECK(v[2].data == std::vector<float>{11, 22, 13, 24});
  CHECK(v[4].data == std::vector<float>{11, 22, 0, 1, 2, 13, 24, 0, 3, 4});
}

TEST_CASE("validate names the layer and the problem") {
  Layer c = conv_layer("bad_conv", 0, 2, 3, 3);
  c.weights.pop_back();
  Graph g;
  g.name = "model.json";
  g.layers = {input_layer("x", {1, 8, 8, 3}), c};
  g.inputs = {0};
  g.outputs = {{"o", 1}};
  CHECK_THROWS_WITH(validate(g), Catch::Contains("bad_conv") && Catch::Contains("53 weights"));
  g.layers[1] = conv_layer("c", 0, 2, 3, 4);  // expects 4 input channels, input has 3
  CHECK_THROWS_AS(validate(g), apack::FormatError);
}

TEST_CASE("round_half_away and requantization round halves away from zero") {
  CHECK(round_half_away(2.5) == 3);
  CHECK(round_half_away(-2.5) == -3);
  CHECK(round_half_away(-2.49) == -2);
  Requant half = Requant::from_real(0.5);
  CHECK(half.apply(5) == 3);
  CHECK(half.apply(-5) == -3);
  CHECK(half.apply(4) == 2);
  Requant one = Requant::from_real(1.0);
  for (int64_t v : {-1000000007LL, -1LL, 0LL, 1LL, 123456789LL}) CHECK(one.apply(v) == v);
  // An arbitrary multiplier agrees with exact rational rounding.
  Requant r = Requant::from_real(0.0123456);
  for (int64_t v = -100000; v <= 100000; v += 997) {
    double exact = double(v) * double(r.m0) / std::ldexp(1.0, r.shift);
    CHECK(r.apply(v) == round_half_away(exact));
  }
  CHECK(std::fabs(double(r.m0) / std::ldexp(1.0, r.shift) - 0.0123456) < 1e-11);
}

TEST_CASE("weights quantize symmetrically per channel") {
  Layer c = conv_layer("c", 0, 2, 1, 2);
  c.weights = {0.5f, -1.0f, 0.02f, 0.01f};
  Graph g = single(input_layer("x", {1, 1, 1, 2}), c);
  Calibration cal;
  add_calibration_run(cal, g, run_fp32(g, {{{1, 1, 1, 2}, {1.0f, -1.0f}}}), 100.0);
  QuantConfig qc;
  auto qg = quantize(g, cal, qc);
  CHECK(qg.layers[1].weights == std::vector<int32_t>{64, -127, 127, 64});  // 63.5 -> 64
  qc.per_channel = false;
  qg = quantize(g, cal, qc);
  CHECK(qg.layers[1].weights == std::vector<int32_t>{64, -127, 3, 1});  // 2.54 -> 3, 1.27 -> 1
  CHECK(qg.layers[0].out.is_signed);
  qc.weight_bits = 4;
  qg = quantize(g, cal, qc);
  CHECK(qg.layers[1].weights == std::vector<int32_t>{4, -7, 0, 0});  // 3.5 -> 4
  qc.weight_bits = 17;
  CHECK_THROWS_AS(quantize(g, cal, qc), apack::Error);
}

namespace {

// A small random CNN: conv3x3+relu6, depthwise, 1x1 conv, residual add, maxpool, global
// average, fully connected, softmax. Weights with a fixed seed.
Graph random_cnn(uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> n01(0.0f, 1.0f);
  auto fill = [&](std::vector<float>& v, float sd) {
    for (auto& x : v) x = n01(rng) * sd;
  };
  Graph g = start_graph("random_cnn", {1, 16, 16, 3});
  Layer c1 = conv_layer("c1", 0, 8, 3, 3);
  c1.pad_top = c1.pad_bottom = c1.pad_left = c1.pad_right = 1;
  c1.act = Act::Relu6;
  fill(c1.weights, 0.4f);
  fill(c1.bias, 0.1f);
  g.layers.push_back(c1);
  Layer dw = conv_layer("dw", 1, 8, 3, 1, 8);
  dw.pad_top = dw.pad_bottom = dw.pad_left = dw.pad_right = 1;
  dw.act = Act::Relu;
  fill(dw.weights, 0.5f);
  g.layers.push_back(dw);
  Layer pw = conv_layer("pw", 2, 8, 1, 8);
  fill(pw.weights, 0.5f);
  g.layers.push_back(pw);
  Layer add = op_layer("add", LayerKind::Add, {1, 3});
  add.act = Act::Relu;
  g.layers.push_back(add);
  g.layers.push_back(pool_layer("mp", LayerKind::MaxPool, 4, 2, 2));
  Layer gap = op_layer("gap", LayerKind::GlobalAvgPool, {5});
  gap.keep_dims = false;
  g.layers.push_back(gap);
  Layer fc = op_layer("fc", LayerKind::FullyConnected, {6});
  fc.out_channels = 5;
  fc.weights.resize(40);
  fc.bias.resize(5);
  fill(fc.weights, 0.8f);
  fill(fc.bias, 0.2f);
  g.layers.push_back(fc);
  g.layers.push_back(op_layer("prob", LayerKind::Softmax, {7}));
  finish_graph(g, "prob");
  return g;
}

}  // namespace

TEST_CASE("int8 inference follows fp32 on a random CNN and is bit-reproducible") {
  Graph g = random_cnn(7);
  FloatTensor x = random_input({1, 16, 16, 3}, 11);
  auto ref = run_fp32(g, {x});
  Calibration cal;
  add_calibration_run(cal, g, ref, 100.0);
  auto qg = quantize(g, cal, QuantConfig{});
  CHECK(qg.layers[1].out.is_signed == false);  // after ReLU6
  CHECK(qg.layers[1].out.scale <= 6.0 / 255 + 1e-12);
  CHECK(qg.layers[3].out.is_signed);
  CHECK(qg.layers[5].out.scale == qg.layers[4].out.scale);  // max pool keeps its input's scale
  auto a = run_int(qg, {x}, true, 1);
  auto b = run_int(qg, {x}, true, 2);
  for (size_t i = 0; i < g.layers.size(); ++i) {
    INFO("layer " << g.layers[i].name);
    CHECK(a.values[i].data == b.values[i].data);
    if (i >= 1 && i <= 7) CHECK(sqnr_db(ref[i].data, a.values[i].dequantized()) > 25.0);
  }
  CHECK(a.accumulators[1].size() == 16 * 16 * 8);
  CHECK(a.accumulators[2].size() == 16 * 16 * 8);
  CHECK(a.accumulators[4].empty());
  // The softmax output sums to about one in units of 1/255.
  int sum = 0;
  for (int32_t q : a.values[8].data) sum += q;
  CHECK(std::abs(sum - 255) <= 3);
  // Accumulators reproduce the output through the documented requantization.
  const auto& l1 = qg.layers[1];
  for (size_t i = 0; i < a.accumulators[1].size(); i += 37) {
    int64_t q = l1.requant[i % 8].apply(a.accumulators[1][i]);
    q = std::min<int64_t>(l1.hi, std::max<int64_t>(l1.lo, q));
    CHECK(a.values[1].data[i] == q);
  }
}

TEST_CASE("calibration by percentile narrows the range") {
  Graph g = random_cnn(3);
  auto ref = run_fp32(g, {random_input({1, 16, 16, 3}, 5)});
  Calibration full, p99;
  add_calibration_run(full, g, ref, 100.0);
  add_calibration_run(p99, g, ref, 99.0);
  for (size_t i = 1; i < g.layers.size(); ++i) CHECK(p99.range[i] <= full.range[i]);
  CHECK(p99.range[3] < full.range[3]);
}

TEST_CASE("16-bit activations and weights use wide accumulators and track fp32 closely") {
  Graph g = random_cnn(9);
  FloatTensor x = random_input({1, 16, 16, 3}, 2);
  auto ref = run_fp32(g, {x});
  Calibration cal;
  add_calibration_run(cal, g, ref, 100.0);
  QuantConfig qc;
  qc.weight_bits = 16;
  qc.activation_bits = 16;
  auto qg = quantize(g, cal, qc);
  CHECK(qg.layers[1].wide_accumulator);
  auto r = run_int(qg, {x});
  CHECK(sqnr_db(ref[7].data, r.values[7].dequantized()) > 60.0);
}

TEST_CASE("a PReLU fused into an element-wise add follows fp32 in int8") {
  Graph g = start_graph("add_prelu", {1, 4, 4, 2});
  g.layers.push_back(const_layer("k", {2}, {0.25f, -0.5f}));
  Layer add = op_layer("add", LayerKind::Add, {0, 1});
  add.act = Act::PRelu;
  add.alpha = {0.1f, 0.5f};
  g.layers.push_back(add);
  finish_graph(g, "add");
  FloatTensor x{{1, 4, 4, 2}, std::vector<float>(32)};
  for (size_t i = 0; i < 32; ++i) x.data[i] = float(int(i) - 16) / 10.0f;
  const auto ref = run_fp32(g, {x});
  CHECK(ref[2].data[0] == Approx((-1.6f + 0.25f) * 0.1f));
  CHECK(ref[2].data[1] == Approx((-1.5f - 0.5f) * 0.5f));
  Calibration cal;
  add_calibration_run(cal, g, ref, 100.0);
  const auto r = run_int(quantize(g, cal, QuantConfig{}), {x});
  CHECK(sqnr_db(ref[2].data, r.values[2].dequantized()) > 30.0);
}
