// Precision profiles: the YAML reader and writer, applying a profile (which tensors and weights
// change width), the int executor's exactness at 9..16 bits, and data-derived widths.
#include <catch2/catch.hpp>
#include <climits>
#include <cmath>
#include <fstream>
#include <random>
#include <sstream>

#include "apack/error.hpp"
#include "apack/network/executor.hpp"
#include "apack/network/precision_profile.hpp"
#include "apack/network/quantize.hpp"
#include "temp_dir.hpp"
#include "tiny_graphs.hpp"

using namespace apack::network;
using namespace apack::test;
using Catch::Matchers::Contains;

namespace {

// x -> a (conv, relu) -> p (maxpool) -> b (conv), c (conv) -> add -> r (reshape) -> fc.
// p's tensor is a's (MaxPool keeps its input's grid) and is read by both b and c.
Graph branchy_graph() {
  std::mt19937 rng(7);
  Graph g = start_graph("branchy", {1, 8, 8, 3});
  g.layers.push_back(random_conv_layer("a", 0, 4, 3, 3, rng, 0.3f, Act::Relu));
  g.layers.push_back(pool_layer("p", LayerKind::MaxPool, 1, 2, 2));
  g.layers.push_back(random_conv_layer("b", 2, 4, 3, 4, rng, 0.3f, Act::None));
  g.layers.push_back(random_conv_layer("c", 2, 4, 1, 4, rng, 0.3f, Act::None));
  g.layers.push_back(op_layer("add", LayerKind::Add, {3, 4}));
  g.layers.push_back(reshape_layer("r", 5, {1, 64}));
  g.layers.push_back(random_fc_layer("fc", 6, 5, 64, rng, 0.2f, 0.05f));
  finish_graph(g, "fc");
  return g;
}

PrecisionProfile parse(const std::string& text) {
  static const Graph g = branchy_graph();
  return parse_precision_profile(text, "p.yaml", g);
}

void check_rejects(const std::string& text, const std::string& message) {
  CAPTURE(text);
  CHECK_THROWS_AS(parse(text), apack::FormatError);
  CHECK_THROWS_WITH(parse(text), Contains(message));
}

}  // namespace

TEST_CASE("a precision profile is read with its defaults, in file order") {
  const auto p = parse(
      "# comment\n"
      "network: branchy\n"
      "default: {pa: 6, pw: 5}\n"
      "layers:\n"
      "  \"b\": {pa: 4, pw: 3}\n"
      "  a: {pw: 7}\n"
      "  fc:\n"
      "    pa: 16\n"
      "    pw: 2\n");
  CHECK(p.network == "branchy");
  CHECK(p.default_pa == 6);
  CHECK(p.default_pw == 5);
  REQUIRE(p.layers.size() == 3);
  CHECK(p.layers[0].layer == "b");
  CHECK(p.layers[0].pa == 4);
  CHECK(p.layers[0].pw == 3);
  CHECK(p.layers[1].layer == "a");
  CHECK(p.layers[1].pa == 6);  // the default, given after nothing in the entry
  CHECK(p.layers[1].pw == 7);
  CHECK(p.layers[2].pa == 16);
  CHECK(p.layers[2].pw == 2);
  const auto q = parse("layers: {c: {pa: 2, pw: 2}}\n");
  CHECK(q.network.empty());
  CHECK(q.default_pa == 8);
  CHECK(q.default_pw == 8);
}

TEST_CASE("a precision profile with a mistake is refused naming the line and the key") {
  check_rejects("layers:\n  a: {pa: 8}\nlayer: {}\n", "p.yaml:3: layer: unknown key");
  check_rejects("layers:\n  a: {pa: 8, pq: 3}\n", "p.yaml:2: layers.\"a\".pq: unknown key");
  check_rejects("default: {pa: 8, w: 3}\n", "p.yaml:1: default.w: unknown key (known: pa, pw)");
  check_rejects("layers:\n  a: {pa: 1}\n",
                "p.yaml:2: layers.\"a\".pa: width 1 bits is outside 2..16");
  check_rejects("layers:\n  a: {pw: 17}\n", "layers.\"a\".pw: width 17 bits is outside 2..16");
  check_rejects("layers:\n  a: {pw: 8.0}\n", "must be a width in bits (2..16), got '8.0'");
  check_rejects("layers:\n  a: {pw: \"8\"}\n", "must be a width in bits (2..16), got '8'");
  check_rejects("layers:\n  a: {pw: -3}\n", "got '-3'");
  check_rejects("layers:\n  a: 8\n", "layers.\"a\": must be a mapping {pa: BITS, pw: BITS}");
  check_rejects("layers:\n  bb: {pa: 4}\n",
                "p.yaml:2: layers.\"bb\": no layer 'bb' in branchy; closest Conv/FC layers: 'b', ");
  check_rejects("layers:\n  bb: {pa: 4}\n", "apack-vp network inspect MODEL lists every layer");
  check_rejects("layers:\n  p: {pa: 4}\n",
                "layers.\"p\": layer 'p' is a MaxPool; a profile gives widths of Conv and "
                "FullyConnected layers only");
  check_rejects("layers:\n  a: {pa: 4}\n  b: {pa: 4}\n  a: {pa: 5}\n",
                "p.yaml:4: layers.a: given twice (first on line 2)");
  check_rejects("layers:\n  a: {pa: 4, pa: 5}\n", "given twice");
  check_rejects("network: posenet\nlayers: {}\n",
                "p.yaml:1: network: the profile is for 'posenet', the model is 'branchy'");
  check_rejects("layers:\n  a: {pa: 4\n", "p.yaml:3: not valid YAML");
  check_rejects("- a\n- b\n", "p.yaml:1: a precision profile is a mapping");
  check_rejects("", "a precision profile is a mapping");
  check_rejects("layers:\n", "layers: must be a mapping of layer names to {pa, pw}, got nothing");
}

TEST_CASE("a written profile reads back the same, with its header as comments") {
  apack::test::TempDir dir;
  Graph g = branchy_graph();
  g.layers[3].name = "we\"ird\\name: x";  // quotes, a backslash and a colon survive
  PrecisionProfile p;
  p.network = g.name;
  p.default_pa = 7;
  p.default_pw = 6;
  p.layers = {{g.layers[3].name, 3, 4}, {"fc", 16, 2}};
  const std::string path = (dir.path / "prof.yaml").string();
  write_precision_profile(path, p, {"made by a test", "tolerance: none\nsecond line"});
  std::ifstream f(path);
  std::stringstream text;
  text << f.rdbuf();
  CHECK_THAT(text.str(), Contains("# made by a test\n# tolerance: none\n# second line\n"));
  const auto q = load_precision_profile(path, g);
  CHECK(q.network == p.network);
  CHECK(q.default_pa == 7);
  CHECK(q.default_pw == 6);
  REQUIRE(q.layers.size() == 2);
  CHECK(q.layers[0].layer == g.layers[3].name);
  CHECK(q.layers[0].pa == 3);
  CHECK(q.layers[0].pw == 4);
  CHECK(q.layers[1].layer == "fc");
  CHECK(q.layers[1].pa == 16);
  CHECK(q.layers[1].pw == 2);
  CHECK_THROWS_AS(load_precision_profile((dir.path / "missing.yaml").string(), g), apack::Error);
}

TEST_CASE("applying a profile changes exactly the intended tensors and weight widths") {
  const Graph g = branchy_graph();
  Calibration cal;
  add_calibration_run(cal, g, run_fp32(g, {random_input({1, 8, 8, 3}, 1)}), 100.0);
  PrecisionProfile p;
  p.layers = {{"a", 6, 5}, {"b", 4, 3}, {"c", 7, 8}, {"fc", 5, 2}};
  const AppliedProfile ap = apply_precision_profile(g, p, QuantConfig{});
  // a reads x (6); b and c both read p = a's tensor (4 and 7: the largest wins); fc reads r =
  // add's tensor (5). Nothing else is overridden.
  CHECK(ap.config.activation_bits_of == std::vector<int>{6, 7, 0, 0, 0, 5, 0, 0});
  CHECK(ap.config.weight_bits_of == std::vector<int>{0, 5, 0, 3, 8, 0, 0, 2});
  REQUIRE(ap.conflicts.size() == 1);
  CHECK_THAT(ap.conflicts[0], Contains("tensor 'a'") && Contains("4 bits asked by 'b'") &&
                                  Contains("7 bits asked by 'c'") && Contains("quantized at 7"));
  const QuantizedGraph ref = quantize(g, cal, QuantConfig{});
  const QuantizedGraph qg = quantize(g, cal, ap.config);
  const std::vector<int> bits = {6, 7, 7, 8, 8, 5, 5, 8};  // p and r keep their input's grid
  for (size_t i = 0; i < g.layers.size(); ++i) {
    CAPTURE(g.layers[i].name);
    CHECK(qg.layers[i].out.bits == bits[i]);
    CHECK(ref.layers[i].out.bits == 8);
    // Same calibrated range, so the scale follows the width alone.
    CHECK(qg.layers[i].out.scale * qg.layers[i].out.qmax ==
          Approx(ref.layers[i].out.scale * ref.layers[i].out.qmax));
  }
  const std::vector<std::pair<size_t, int>> pw = {{1, 5}, {3, 3}, {4, 8}, {7, 2}};
  for (auto [i, b] : pw) {
    CAPTURE(g.layers[i].name);
    CHECK(qg.layers[i].weight_bits == b);
    int32_t m = 0;
    for (int32_t w : qg.layers[i].weights) m = std::max(m, std::abs(w));
    CHECK(m == (1 << (b - 1)) - 1);  // per channel: the largest weight lands on the top code
  }
  // A profile of all 8s is the 8-bit model itself.
  PrecisionProfile eights;
  eights.layers = {{"a", 8, 8}, {"b", 8, 8}, {"c", 8, 8}, {"fc", 8, 8}};
  const auto q8 = quantize(g, cal, apply_precision_profile(g, eights, QuantConfig{}).config);
  const auto x = random_input({1, 8, 8, 3}, 2);
  CHECK(run_int(q8, {x}).values[7].data == run_int(ref, {x}).values[7].data);
}

TEST_CASE("per-layer widths are checked against the graph") {
  const Graph g = branchy_graph();
  Calibration cal;
  add_calibration_run(cal, g, run_fp32(g, {random_input({1, 8, 8, 3}, 1)}), 100.0);
  QuantConfig c;
  c.weight_bits_of.assign(8, 0);
  c.weight_bits_of[2] = 4;  // the MaxPool has no weights
  CHECK_THROWS_WITH(quantize(g, cal, c), Contains("'p'") && Contains("has no weights"));
  c = QuantConfig{};
  c.activation_bits_of.assign(8, 0);
  c.activation_bits_of[6] = 4;  // the Reshape keeps its input's grid
  CHECK_THROWS_WITH(quantize(g, cal, c), Contains("'r'") && Contains("keeps its input"));
  c.activation_bits_of.assign(3, 0);
  CHECK_THROWS_AS(quantize(g, cal, c), apack::Error);
  c = QuantConfig{};
  c.weight_bits_of.assign(8, 0);
  c.weight_bits_of[1] = 17;
  CHECK_THROWS_AS(check_config(c), apack::Error);
  c.weight_bits_of[1] = 1;
  CHECK_THROWS_AS(check_config(c), apack::Error);
  for (int b = 2; b <= 16; ++b) {
    c = QuantConfig{};
    c.weight_bits = c.activation_bits = b;
    CHECK_NOTHROW(check_config(c));
  }
}

TEST_CASE("the int executor is exact at 9..16 bits on a hand-made conv") {
  // 2 filters of 3x3 over 3 channels, padding 1, on a 5x5 input; the sums are compared with a
  // direct double computation (exact: every sum is far below 2^53), the outputs with the
  // double requantization.
  std::mt19937 rng(11);
  Graph g = start_graph("one_conv", {1, 5, 5, 3});
  g.layers.push_back(random_conv_layer("c", 0, 2, 3, 3, rng, 0.3f, Act::None));
  finish_graph(g, "c");
  const FloatTensor x = random_input({1, 5, 5, 3}, 3);
  Calibration cal;
  add_calibration_run(cal, g, run_fp32(g, {x}), 100.0);
  for (int b : {8, 9, 10, 11, 12, 13, 14, 15, 16}) {
    CAPTURE(b);
    QuantConfig qc;
    qc.weight_bits = qc.activation_bits = b;
    const QuantizedGraph qg = quantize(g, cal, qc);
    CHECK(qg.layers[1].wide_accumulator == (b > 8));
    const IntRun r = run_int(qg, {x}, true, 2);
    const double top = std::ldexp(1.0, b - 1) - 1.0;
    // The input codes: x / s rounded half away from zero (std::round), within +-top.
    const double sx = qg.layers[0].out.scale;
    CHECK(sx == Approx(cal.range[0] / top));
    std::vector<double> qx(x.data.size());
    for (size_t i = 0; i < qx.size(); ++i) {
      qx[i] = std::max(-top, std::min(top, std::round(double(x.data[i]) / sx)));
      REQUIRE(double(r.values[0].data[i]) == qx[i]);
    }
    const Layer& l = g.layers[1];
    const QuantLayer& ql = qg.layers[1];
    std::vector<double> qw(l.weights.size());
    for (int f = 0; f < 2; ++f) {
      double m = 0.0;
      for (int k = 0; k < 27; ++k)
        m = std::max(m, std::fabs(double(l.weights[size_t(f * 27 + k)])));
      CHECK(ql.weight_scale[size_t(f)] == Approx(m / top));
      for (int k = 0; k < 27; ++k)
        qw[size_t(f * 27 + k)] =
            std::round(double(l.weights[size_t(f * 27 + k)]) / ql.weight_scale[size_t(f)]);
    }
    const TensorQuant& yq = ql.out;
    for (int oy = 0; oy < 5; ++oy)
      for (int ox = 0; ox < 5; ++ox)
        for (int f = 0; f < 2; ++f) {
          double acc = std::round(double(l.bias[size_t(f)]) / (sx * ql.weight_scale[size_t(f)]));
          for (int ky = 0; ky < 3; ++ky)
            for (int kx = 0; kx < 3; ++kx) {
              const int iy = oy + ky - 1, ix = ox + kx - 1;
              if (iy < 0 || iy >= 5 || ix < 0 || ix >= 5) continue;
              for (int c = 0; c < 3; ++c)
                acc +=
                    qx[size_t((iy * 5 + ix) * 3 + c)] * qw[size_t(((f * 3 + ky) * 3 + kx) * 3 + c)];
            }
          const size_t o = size_t((oy * 5 + ox) * 2 + f);
          REQUIRE(double(r.accumulators[1][o]) == acc);
          // Requantization: acc * s_x s_w / s_y, rounded, clamped; the executor's fixed-point
          // multiplier is within 2^-31 of the real one, so the codes agree to within one.
          const double y =
              std::max(double(yq.qmin),
                       std::min(double(yq.qmax),
                                std::round(acc * sx * ql.weight_scale[size_t(f)] / yq.scale)));
          CHECK(std::fabs(double(r.values[1].data[o]) - y) <= 1.0);
        }
  }
}

TEST_CASE("data widths are the smallest two's complement or unsigned widths") {
  auto w = [](std::vector<int32_t> v, bool s) { return data_width(v.data(), v.size(), s); };
  CHECK(w({}, true) == 1);
  CHECK(w({0, 0}, true) == 1);
  CHECK(w({0}, false) == 1);
  CHECK(w({-1}, true) == 1);
  CHECK(w({1}, true) == 2);
  CHECK(w({1}, false) == 1);
  CHECK(w({-2, 1}, true) == 2);
  CHECK(w({127, -3}, true) == 8);
  CHECK(w({-128}, true) == 8);  // two's complement: -128 fits 8 bits
  CHECK(w({-129}, true) == 9);
  CHECK(w({128}, true) == 9);
  CHECK(w({255, 3}, false) == 8);
  CHECK(w({256}, false) == 9);
  CHECK(w({32767, -32767}, true) == 16);
  CHECK(w({65535}, false) == 16);
  CHECK(w({INT32_MAX}, true) == 32);
  CHECK(w({INT32_MIN}, true) == 32);
  CHECK_THROWS_AS(w({3, -1}, false), apack::Error);
}

TEST_CASE("data precisions of a run are the widths of each layer's own int values") {
  const Graph g = branchy_graph();
  const FloatTensor x = random_input({1, 8, 8, 3}, 5);
  Calibration cal;
  // Calibrated on a wider input, so the run's values do not reach the top codes.
  FloatTensor wide = x;
  for (auto& v : wide.data) v *= 4.0f;
  add_calibration_run(cal, g, run_fp32(g, {wide}), 100.0);
  QuantConfig qc;
  qc.activation_bits = 12;
  const QuantizedGraph qg = quantize(g, cal, qc);
  const IntRun r = run_int(qg, {x});
  const PrecisionProfile p = data_precisions(qg, r);
  CHECK(p.network == "branchy");
  CHECK(p.default_pa == 12);
  REQUIRE(p.layers.size() == 4);
  const std::vector<int> conv = {1, 3, 4, 7};
  for (size_t k = 0; k < conv.size(); ++k) {
    const Layer& l = g.layers[size_t(conv[k])];
    CAPTURE(l.name);
    CHECK(p.layers[k].layer == l.name);
    // By brute force: the smallest b whose range holds every value.
    const IntTensor& in = r.values[size_t(l.inputs[0])];
    int32_t lo = 0, hi = 0;
    for (int32_t v : in.data) lo = std::min(lo, v), hi = std::max(hi, v);
    int b = 2;
    if (in.q.is_signed)
      while (!(lo >= -(1 << (b - 1)) && hi < (1 << (b - 1)))) ++b;
    else
      while (!(hi < (1 << b))) ++b;
    CHECK(p.layers[k].pa == b);
    CHECK(p.layers[k].pa < 12);  // the run stays below the calibrated range
    CHECK(p.layers[k].pw == 8);  // per channel the largest weight is +-127: 8 bits
  }
}
