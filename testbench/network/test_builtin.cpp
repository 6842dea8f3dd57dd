// Built-in topologies: structure against the reference definitions, multiply-accumulates and
// parameter counts against published figures, and the synthetic values against the documented
// recipe (golden values from an independent Python implementation of it) and its statistics.
//
// Expected figures. "published" parameter counts are torchvision's num_params (AlexNet, VGG-16,
// GoogLeNet without aux classifiers, ResNet-18/50, MobileNetV2) and Keras' trainable-parameter
// count for MobileNet 1.0-224. They count each batch norm's gamma and beta (2 per channel) and no
// conv bias; folding BN gives each such conv a bias (1 per channel), so the built-in graph holds
// published - (BN channels) parameters exactly. The BN channel totals and the exact MAC counts
// (conv and fully connected layers) come from an independent count written from the reference
// definitions in Python, which reproduces every published total exactly.
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "apack/error.hpp"
#include "apack/network/builtin.hpp"
#include "apack/network/graph.hpp"

using namespace apack::network;
using Catch::Matchers::Contains;

namespace {

struct Expected {
  const char* name;
  int64_t macs;              // exact: conv + fully connected multiply-accumulates
  double published_gmac;     // as published (torchvision GFLOPS column, MobileNet papers)
  int64_t published_params;  // with batch norm, without folding
  int64_t bn_channels;       // channels of all batch norms folded away
  size_t convs, fcs;
};

// Published MACs: torchvision model docs (AlexNet 0.71, VGG-16 15.47, GoogLeNet 1.50, ResNet-18
// 1.81, ResNet-50 4.09, MobileNetV2 0.30 "GFLOPS", which are multiply-accumulates), MobileNetV1
// paper Table 8 (569 M mult-adds).
const Expected kExpected[] = {
    {"alexnet", 714188480, 0.71, 61100840, 0, 5, 3},
    {"vgg16", 15470264320, 15.47, 138357544, 0, 13, 3},
    {"googlenet", 1498376192, 1.50, 6624904, 7280, 57, 1},
    {"resnet18", 1814073344, 1.81, 11689512, 4800, 20, 1},
    {"resnet50", 4089184256, 4.09, 25557032, 26560, 53, 1},
    {"mobilenet_v1", 568740352, 0.569, 4231976, 10944, 27, 1},
    {"mobilenet_v2", 300774272, 0.30, 3504872, 17056, 52, 1},
};

const Expected& expected(const std::string& name) {
  for (const Expected& e : kExpected)
    if (name == e.name) return e;
  FAIL("no expectation for " << name);
  throw;
}

const Layer& layer(const Graph& g, const std::string& name) {
  const int i = g.find(name);
  INFO("layer " << name);
  REQUIRE(i >= 0);
  return g.layers[size_t(i)];
}

Shape out_shape(const Graph& g, const std::string& name) { return layer(g, name).shape; }

size_t count_kind(const Graph& g, LayerKind kind) {
  size_t n = 0;
  for (const Layer& l : g.layers) n += l.kind == kind;
  return n;
}

size_t count_depthwise(const Graph& g) {
  size_t n = 0;
  for (const Layer& l : g.layers)
    n += l.kind == LayerKind::Conv && l.groups > 1 && l.groups == l.in_channels() &&
         l.out_channels == l.groups;
  return n;
}

bool same_pads(const Layer& l, int64_t t, int64_t b, int64_t lf, int64_t r) {
  return l.pad_top == t && l.pad_bottom == b && l.pad_left == lf && l.pad_right == r;
}

// Builds one topology, checks what every built-in graph shares and its figures, prints its row.
Graph build_and_check(const std::string& name) {
  const auto t0 = std::chrono::steady_clock::now();
  Graph g = builtin_graph(name);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const Expected& e = expected(name);

  CHECK(g.name == name);
  CHECK(g.format == "builtin");
  CHECK(g.source == "built-in");
  CHECK(g.synthetic_values);
  CHECK_THAT(g.synthetic_note, Contains("seed 1") && Contains("He-normal"));

  REQUIRE(g.inputs == std::vector<int>{0});
  CHECK(g.layers[0].name == "input");
  CHECK(g.layers[0].kind == LayerKind::Input);
  CHECK(g.layers[0].shape == Shape{1, 224, 224, 3});
  REQUIRE(g.outputs.size() == 1);
  CHECK(g.outputs[0].name == "prob");
  CHECK_FALSE(g.outputs[0].source_nchw);
  REQUIRE(g.outputs[0].layer == int(g.layers.size()) - 1);
  const Layer& prob = g.layers.back();
  CHECK(prob.name == "prob");
  CHECK(prob.kind == LayerKind::Softmax);
  CHECK(prob.shape == Shape{1, 1000});
  const Layer& logits = g.layers[size_t(prob.inputs.at(0))];
  CHECK(logits.kind == LayerKind::FullyConnected);
  CHECK(logits.out_channels == 1000);
  CHECK(logits.act == Act::None);

  // validate() again on a copy: the builder's own call must have left a consistent graph.
  Graph copy = g;
  CHECK_NOTHROW(validate(copy));
  for (size_t i = 0; i < g.layers.size(); ++i) CHECK(copy.layers[i].shape == g.layers[i].shape);

  CHECK(count_kind(g, LayerKind::Conv) == e.convs);
  CHECK(count_kind(g, LayerKind::FullyConnected) == e.fcs);
  CHECK(count_kind(g, LayerKind::Input) == 1);
  for (const Layer& l : g.layers) {
    if (!l.has_weights()) continue;
    INFO(l.name);
    CHECK_FALSE(l.sources.empty());
    CHECK(int64_t(l.bias.size()) == l.out_channels);
    CHECK(l.dilation_h == 1);
    CHECK(l.dilation_w == 1);
  }

  // Exact figures, then the published ones within 1%: they are printed to 2-3 significant
  // digits, so rounding alone moves them by up to 0.7% (MobileNetV2: 0.30 vs 0.3008).
  CHECK(g.macs() == e.macs);
  CHECK(g.parameter_count() == e.published_params - e.bn_channels);
  CHECK(double(g.macs()) * 1e-9 == Approx(e.published_gmac).epsilon(0.01));
  CHECK(double(g.parameter_count()) == Approx(double(e.published_params)).epsilon(0.01));

  std::printf(
      "%-13s %7zu layers  %15lld MAC (%6.3f G, published %.3f)  %11lld params "
      "(published %lld - %lld BN)  built in %.2f s\n",
      name.c_str(), g.layers.size(), static_cast<long long>(g.macs()), double(g.macs()) * 1e-9,
      e.published_gmac, static_cast<long long>(g.parameter_count()),
      static_cast<long long>(e.published_params), static_cast<long long>(e.bn_channels), seconds);
  return g;
}

// He-normal check: every layer's sample standard deviation against sqrt(2 / fan_in), and the
// pooled standardised weights' moments against the generator's (mean 0, variance 1, kurtosis
// 3 - 6/(5*12) = 2.9 for Irwin-Hall with 12 terms, |z| < 6).
void check_statistics(const Graph& g) {
  double n = 0, s1 = 0, s2 = 0, s4 = 0, zmax = 0;
  double bn = 0, b1 = 0, b2 = 0;
  for (const Layer& l : g.layers) {
    if (!l.has_weights()) continue;
    const double fan_in = double(l.weights.size()) / double(l.out_channels);
    const double sd = std::sqrt(2.0 / fan_in);
    double ls1 = 0, ls2 = 0;
    for (float w : l.weights) {
      const double z = double(w) / sd;
      ls1 += z;
      ls2 += z * z;
      s4 += z * z * z * z;
      zmax = std::max(zmax, std::fabs(z));
    }
    const double ln = double(l.weights.size());
    n += ln;
    s1 += ls1;
    s2 += ls2;
    // Relative standard error of a sample standard deviation is 1/sqrt(2n): 0.7% at 10,000
    // weights, so 3% is over 4 standard errors; smaller layers (a depthwise 3x3x32 has 288) get
    // 6 standard errors.
    const double layer_sd = std::sqrt(ls2 / ln - (ls1 / ln) * (ls1 / ln));
    const double tol = std::max(0.03, 6.0 / std::sqrt(2.0 * ln));
    INFO(g.name << " " << l.name << ": " << ln << " weights, sample sd / He sd = " << layer_sd);
    CHECK(std::fabs(layer_sd - 1.0) < tol);
    for (float b : l.bias) {
      bn += 1;
      b1 += b;
      b2 += double(b) * b;
    }
  }
  const double mean = s1 / n, var = s2 / n - mean * mean, kurt = s4 / n / (var * var);
  INFO(g.name << ": pooled mean " << mean << ", variance " << var << ", kurtosis " << kurt
              << ", max |z| " << zmax << " over " << n << " weights");
  CHECK(std::fabs(mean) < 5.0 / std::sqrt(n));
  CHECK(std::fabs(var - 1.0) < 0.005);
  CHECK(std::fabs(kurt - 2.9) < 0.02);
  CHECK(zmax < 6.0);
  CHECK(zmax > 4.0);
  const double bias_sd = std::sqrt(b2 / bn - (b1 / bn) * (b1 / bn));
  INFO(g.name << ": bias sd " << bias_sd << " over " << bn);
  CHECK(std::fabs(bias_sd / 0.01 - 1.0) < 0.05);
}

// Recomputes a layer's values serially from the documented recipe.
void check_recipe(const Graph& g, const std::string& name, uint64_t seed) {
  const Layer& l = layer(g, name);
  const double sd = std::sqrt(2.0 / (double(l.weights.size()) / double(l.out_channels)));
  size_t mismatches = 0;
  for (size_t i = 0; i < l.weights.size(); i += size_t(kSyntheticBlock)) {
    SyntheticNormal normal(synthetic_stream_seed(seed, g.name, name, 0, i / kSyntheticBlock));
    const size_t end = std::min(l.weights.size(), i + size_t(kSyntheticBlock));
    for (size_t k = i; k < end; ++k) mismatches += l.weights[k] != float(normal.next() * sd);
  }
  SyntheticNormal normal(synthetic_stream_seed(seed, g.name, name, 1, 0));
  for (float b : l.bias) mismatches += b != float(normal.next() * 0.01);
  INFO(g.name << " " << name);
  CHECK(mismatches == 0);
}

}  // namespace

TEST_CASE("builtin: names and descriptions and unknown names", "[network][builtin]") {
  const std::vector<std::string> names = builtin_names();
  CHECK(names == std::vector<std::string>{"alexnet", "vgg16", "googlenet", "resnet18", "resnet50",
                                          "mobilenet_v1", "mobilenet_v2"});
  for (const std::string& n : names) {
    CHECK(is_builtin(n));
    const std::string d = builtin_description(n);
    CHECK(d.size() > 20);
    CHECK(d.find('\n') == std::string::npos);
  }
  CHECK_FALSE(is_builtin("resnet"));
  CHECK_FALSE(is_builtin(""));
  CHECK_FALSE(is_builtin("ResNet50"));
  CHECK_THROWS_AS(builtin_graph("resnet34"), apack::Error);
  CHECK_THROWS_WITH(builtin_graph("resnet34"),
                    Contains("resnet34") && Contains("alexnet, vgg16, googlenet, resnet18, "
                                                     "resnet50, mobilenet_v1, mobilenet_v2"));
  CHECK_THROWS_WITH(builtin_description("inception_v3"), Contains("mobilenet_v2"));
}

TEST_CASE("builtin: the normal generator", "[network][builtin]") {
  // Bit-exact values of an independent Python implementation of the recipe (mt19937_64 written
  // from the published algorithm; Python floats are IEEE doubles).
  CHECK(synthetic_stream_seed(1, "alexnet", "features.0", 0, 0) == 0xa9ba36cea03cc4caULL);
  CHECK(synthetic_stream_seed(1, "resnet50", "layer3.2.conv2", 0, 0) == 0x43ded285ca045f47ULL);
  CHECK(synthetic_stream_seed(7, "resnet50", "layer3.2.conv2", 0, 0) == 0x1ba345a8d786e898ULL);
  CHECK(synthetic_stream_seed(1, "vgg16", "classifier.0", 0, 3) == 0xbbde9866f647cef1ULL);
  CHECK(synthetic_stream_seed(1, "alexnet", "features.0", 1, 0) !=
        synthetic_stream_seed(1, "alexnet", "features.0", 0, 0));

  // Moments over 4 M draws: mean 0 (se 0.0005), variance 1, kurtosis 2.9, range (-6, 6).
  SyntheticNormal normal(12345);
  double s1 = 0, s2 = 0, s4 = 0, lo = 0, hi = 0;
  const int n = 1 << 22;
  for (int i = 0; i < n; ++i) {
    const double z = normal.next();
    s1 += z;
    s2 += z * z;
    s4 += z * z * z * z;
    lo = std::min(lo, z);
    hi = std::max(hi, z);
  }
  const double mean = s1 / n, var = s2 / n - mean * mean;
  CHECK(std::fabs(mean) < 0.0025);
  CHECK(std::fabs(var - 1.0) < 0.005);
  CHECK(std::fabs(s4 / n / (var * var) - 2.9) < 0.02);
  CHECK(lo > -6.0);
  CHECK(hi < 6.0);
}

TEST_CASE("builtin: a seed fixes every value and another seed changes them", "[network][builtin]") {
  const Graph a = builtin_graph("mobilenet_v2", 1);
  const Graph b = builtin_graph("mobilenet_v2", 1);
  const Graph c = builtin_graph("mobilenet_v2", 2);
  CHECK_THAT(c.synthetic_note, Contains("seed 2"));
  REQUIRE(a.layers.size() == c.layers.size());
  for (size_t i = 0; i < a.layers.size(); ++i) {
    const Layer& la = a.layers[i];
    if (!la.has_weights()) continue;
    INFO(la.name);
    CHECK(la.weights == b.layers[i].weights);
    CHECK(la.bias == b.layers[i].bias);
    size_t equal = 0;
    for (size_t k = 0; k < la.weights.size(); ++k) equal += la.weights[k] == c.layers[i].weights[k];
    CHECK(equal * 100 <= la.weights.size());
    CHECK(la.bias != c.layers[i].bias);
  }
  // The values follow the documented recipe, whatever the thread count (block streams).
  check_recipe(a, "features.0", 1);
  check_recipe(a, "features.17.conv.1", 1);
  check_recipe(c, "classifier.1", 2);  // 1.28 M weights: two blocks
  const Graph r = builtin_graph("resnet18", 1);
  check_recipe(r, "layer4.1.conv2", 1);  // 2.36 M weights: three blocks
  check_recipe(r, "fc", 1);
  // Same layer name and shape in another network: other values (the network name is hashed).
  const Graph r50 = builtin_graph("resnet50", 1);
  REQUIRE(layer(r50, "conv1").weights.size() == layer(r, "conv1").weights.size());
  CHECK(layer(r50, "conv1").weights != layer(r, "conv1").weights);
}

TEST_CASE("builtin: alexnet", "[network][builtin]") {
  const Graph g = build_and_check("alexnet");
  CHECK(out_shape(g, "features.0") == Shape{1, 55, 55, 64});
  CHECK(layer(g, "features.0").kernel_h == 11);
  CHECK(layer(g, "features.0").stride_h == 4);
  CHECK(same_pads(layer(g, "features.0"), 2, 2, 2, 2));
  CHECK(out_shape(g, "features.2") == Shape{1, 27, 27, 64});
  CHECK(out_shape(g, "features.5") == Shape{1, 13, 13, 192});
  CHECK(out_shape(g, "features.12") == Shape{1, 6, 6, 256});
  CHECK(layer(g, "classifier.1").in_channels() == 9216);
  CHECK(layer(g, "classifier.4").act == Act::Relu);
  for (const Layer& l : g.layers) CHECK(l.groups == 1);
  // Golden values (independent Python implementation of the recipe).
  const Layer& c = layer(g, "features.0");
  CHECK(c.weights[0] == 0x1.2459a2p-5f);
  CHECK(c.weights[1] == -0x1.6c41b4p-4f);
  CHECK(c.weights[2] == -0x1.5463c8p-3f);
  CHECK(c.weights[3] == -0x1.265dd0p-5f);
  CHECK(c.bias[0] == -0x1.3fba3ep-9f);
  CHECK(c.bias[1] == 0x1.bd4448p-7f);
  check_statistics(g);
}

TEST_CASE("builtin: vgg16", "[network][builtin]") {
  const Graph g = build_and_check("vgg16");
  CHECK(out_shape(g, "features.0") == Shape{1, 224, 224, 64});
  CHECK(out_shape(g, "features.4") == Shape{1, 112, 112, 64});
  CHECK(out_shape(g, "features.28") == Shape{1, 14, 14, 512});
  CHECK(out_shape(g, "features.30") == Shape{1, 7, 7, 512});
  CHECK(layer(g, "features.30").kind == LayerKind::MaxPool);
  CHECK(layer(g, "classifier.0").in_channels() == 25088);
  CHECK(count_kind(g, LayerKind::MaxPool) == 5);
  // Golden values from block 3 of fc6 (the 4th 2^20-value stream).
  const Layer& fc6 = layer(g, "classifier.0");
  const size_t base = size_t(3) * size_t(kSyntheticBlock);
  CHECK(fc6.weights[base + 0] == -0x1.b94312p-7f);
  CHECK(fc6.weights[base + 1] == 0x1.ccd5a4p-8f);
  CHECK(fc6.weights[base + 2] == 0x1.9cfa6ap-6f);
  CHECK(fc6.weights[base + 3] == -0x1.7fc64ap-11f);
  check_statistics(g);
}

TEST_CASE("builtin: googlenet", "[network][builtin]") {
  const Graph g = build_and_check("googlenet");
  CHECK(out_shape(g, "conv1") == Shape{1, 112, 112, 64});
  // ceil_mode pools as floor pools with one cell of padding at the end.
  const Layer& p1 = layer(g, "maxpool1");
  CHECK(same_pads(p1, 0, 1, 0, 1));
  CHECK(p1.shape == Shape{1, 56, 56, 64});
  CHECK(out_shape(g, "conv3") == Shape{1, 56, 56, 192});
  CHECK(same_pads(layer(g, "maxpool2"), 0, 1, 0, 1));
  CHECK(out_shape(g, "maxpool2") == Shape{1, 28, 28, 192});
  CHECK(out_shape(g, "inception3a.concat") == Shape{1, 28, 28, 256});
  CHECK(out_shape(g, "inception3b.concat") == Shape{1, 28, 28, 480});
  CHECK(out_shape(g, "maxpool3") == Shape{1, 14, 14, 480});
  CHECK(out_shape(g, "inception4a.concat") == Shape{1, 14, 14, 512});
  CHECK(out_shape(g, "inception4d.concat") == Shape{1, 14, 14, 528});
  CHECK(out_shape(g, "inception4e.concat") == Shape{1, 14, 14, 832});
  CHECK(same_pads(layer(g, "maxpool4"), 0, 0, 0, 0));
  CHECK(out_shape(g, "maxpool4") == Shape{1, 7, 7, 832});
  CHECK(out_shape(g, "inception5b.concat") == Shape{1, 7, 7, 1024});
  CHECK(layer(g, "inception3a.branch3.1").kernel_h == 3);  // torchvision's "5x5" branch
  CHECK(same_pads(layer(g, "inception3a.branch4.0"), 1, 1, 1, 1));
  CHECK(layer(g, "inception3a.branch4.0").stride_h == 1);
  CHECK(count_kind(g, LayerKind::Concat) == 9);
  CHECK(count_kind(g, LayerKind::MaxPool) == 4 + 9);
  CHECK(layer(g, "fc").in_channels() == 1024);
  CHECK(layer(g, "conv1").sources == std::vector<std::string>{"conv1.conv", "conv1.bn"});
  check_statistics(g);
}

TEST_CASE("builtin: resnet18", "[network][builtin]") {
  const Graph g = build_and_check("resnet18");
  const Layer& c1 = layer(g, "conv1");
  CHECK(c1.kernel_h == 7);
  CHECK(c1.stride_h == 2);
  CHECK(same_pads(c1, 3, 3, 3, 3));
  CHECK(c1.shape == Shape{1, 112, 112, 64});
  CHECK(same_pads(layer(g, "maxpool"), 1, 1, 1, 1));
  CHECK(out_shape(g, "maxpool") == Shape{1, 56, 56, 64});
  CHECK(g.find("layer1.0.downsample.0") < 0);
  CHECK(layer(g, "layer2.0.conv1").stride_h == 2);
  CHECK(layer(g, "layer2.0.downsample.0").stride_h == 2);
  CHECK(out_shape(g, "layer2.0.add") == Shape{1, 28, 28, 128});
  CHECK(out_shape(g, "layer4.1.add") == Shape{1, 7, 7, 512});
  CHECK(count_kind(g, LayerKind::Add) == 8);
  for (const Layer& l : g.layers)
    if (l.kind == LayerKind::Add) CHECK(l.act == Act::Relu);
  CHECK(layer(g, "layer1.0.conv2").act == Act::None);
  CHECK(out_shape(g, "avgpool") == Shape{1, 512});
  check_statistics(g);
}

TEST_CASE("builtin: resnet50", "[network][builtin]") {
  const Graph g = build_and_check("resnet50");
  // v1.5: the 3x3 strides, the first 1x1 does not.
  CHECK(layer(g, "layer2.0.conv1").stride_h == 1);
  CHECK(layer(g, "layer2.0.conv2").stride_h == 2);
  CHECK(layer(g, "layer2.0.downsample.0").stride_h == 2);
  CHECK(layer(g, "layer1.0.downsample.0").stride_h == 1);  // widens 64 -> 256
  CHECK(g.find("layer1.1.downsample.0") < 0);
  CHECK(out_shape(g, "layer1.2.add") == Shape{1, 56, 56, 256});
  CHECK(out_shape(g, "layer3.5.add") == Shape{1, 14, 14, 1024});
  CHECK(out_shape(g, "layer4.2.add") == Shape{1, 7, 7, 2048});
  CHECK(count_kind(g, LayerKind::Add) == 16);
  CHECK(layer(g, "fc").in_channels() == 2048);
  CHECK(layer(g, "layer3.2.conv2").sources ==
        std::vector<std::string>{"layer3.2.conv2", "layer3.2.bn2", "layer3.2.relu"});
  // Golden values from the independent Python implementation.
  const Layer& c = layer(g, "layer3.2.conv2");
  CHECK(c.weights[0] == -0x1.56c4a4p-4f);
  CHECK(c.weights[1] == 0x1.a70e20p-6f);
  CHECK(c.weights[2] == -0x1.a09b54p-5f);
  CHECK(c.weights[3] == -0x1.e635c4p-6f);
  CHECK(c.bias[0] == -0x1.cae1aep-8f);
  CHECK(c.bias[1] == 0x1.12ce86p-6f);
  check_statistics(g);
}

TEST_CASE("builtin: mobilenet_v1", "[network][builtin]") {
  const Graph g = build_and_check("mobilenet_v1");
  // TF SAME padding: stride-2 windows pad one cell at the bottom/right only.
  CHECK(same_pads(layer(g, "conv1"), 0, 1, 0, 1));
  CHECK(out_shape(g, "conv1") == Shape{1, 112, 112, 32});
  CHECK(same_pads(layer(g, "conv_dw_2"), 0, 1, 0, 1));
  CHECK(same_pads(layer(g, "conv_dw_3"), 1, 1, 1, 1));
  CHECK(out_shape(g, "conv_pw_1") == Shape{1, 112, 112, 64});
  CHECK(out_shape(g, "conv_pw_11") == Shape{1, 14, 14, 512});
  CHECK(out_shape(g, "conv_pw_13") == Shape{1, 7, 7, 1024});
  CHECK(count_depthwise(g) == 13);
  CHECK(layer(g, "conv_dw_1").groups == 32);
  CHECK(layer(g, "conv_dw_1").weights.size() == 32 * 3 * 3);
  for (const Layer& l : g.layers)
    if (l.kind == LayerKind::Conv) CHECK(l.act == Act::Relu6);
  check_statistics(g);
}

TEST_CASE("builtin: mobilenet_v2", "[network][builtin]") {
  const Graph g = build_and_check("mobilenet_v2");
  CHECK(out_shape(g, "features.0") == Shape{1, 112, 112, 32});
  CHECK(same_pads(layer(g, "features.0"), 1, 1, 1, 1));
  // Block 1 (expansion 1): depthwise then the linear projection.
  CHECK(layer(g, "features.1.conv.0").groups == 32);
  CHECK(layer(g, "features.1.conv.1").act == Act::None);
  CHECK(out_shape(g, "features.1.conv.1") == Shape{1, 112, 112, 16});
  // Block 2: 1x1 expansion x6, 3x3 depthwise stride 2, linear projection, no residual.
  CHECK(out_shape(g, "features.2.conv.0") == Shape{1, 112, 112, 96});
  CHECK(layer(g, "features.2.conv.1").stride_h == 2);
  CHECK(out_shape(g, "features.2.conv.2") == Shape{1, 56, 56, 24});
  CHECK(g.find("features.2.add") < 0);
  CHECK(out_shape(g, "features.3.add") == Shape{1, 56, 56, 24});
  CHECK(layer(g, "features.3.add").act == Act::None);
  CHECK(layer(g, "features.3.conv.2").sources ==
        std::vector<std::string>{"features.3.conv.2", "features.3.conv.3"});
  CHECK(out_shape(g, "features.17.conv.2") == Shape{1, 7, 7, 320});
  CHECK(out_shape(g, "features.18") == Shape{1, 7, 7, 1280});
  CHECK(count_kind(g, LayerKind::Add) == 10);
  CHECK(count_depthwise(g) == 17);
  check_statistics(g);
}
