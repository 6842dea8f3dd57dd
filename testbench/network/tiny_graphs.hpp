// Builders of small hand-made graphs for the network tests (executors, precision profiles, the
// profiler). Deliberately free of Catch2: only the network library's own headers are used, so a
// non-test target could include it too.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "apack/network/executor.hpp"
#include "apack/network/graph.hpp"

namespace apack::test {

// A layer of `kind` reading `inputs`; every other field keeps its default, for the test to set.
inline network::Layer op_layer(const std::string& name, network::LayerKind kind,
                               std::vector<int> inputs = {}) {
  network::Layer l;
  l.name = name;
  l.kind = kind;
  l.inputs = std::move(inputs);
  return l;
}

inline network::Layer input_layer(const std::string& name, network::Shape shape) {
  network::Layer l = op_layer(name, network::LayerKind::Input);
  l.shape = std::move(shape);
  return l;
}

inline network::Layer const_layer(const std::string& name, network::Shape shape,
                                  std::vector<float> values) {
  network::Layer l = op_layer(name, network::LayerKind::Const);
  l.shape = std::move(shape);
  l.values = std::move(values);
  return l;
}

// A k x k conv with f filters over c_per_group channels in each of `groups` groups, stride 1, no
// padding, zero weights and bias: the test sets what it is about.
inline network::Layer conv_layer(const std::string& name, int in, int64_t f, int64_t k,
                                 int64_t c_per_group, int64_t groups = 1) {
  network::Layer l = op_layer(name, network::LayerKind::Conv, {in});
  l.out_channels = f;
  l.kernel_h = l.kernel_w = k;
  l.groups = groups;
  l.weights.assign(size_t(f * k * k * c_per_group), 0.0f);
  l.bias.assign(size_t(f), 0.0f);
  return l;
}

// A k x k conv with f filters over c channels, SAME-style padding (k / 2 on every side) and the
// fused activation `act`. Weights N(0,1) * weight_scale, then biases N(0,1) * 0.1, drawn in that
// order from `rng` through one fresh distribution (so a given seed always gives the same layer).
inline network::Layer random_conv_layer(const std::string& name, int in, int64_t f, int64_t k,
                                        int64_t c, std::mt19937& rng, float weight_scale,
                                        network::Act act) {
  std::normal_distribution<float> n01(0.0f, 1.0f);
  network::Layer l = conv_layer(name, in, f, k, c);
  l.pad_top = l.pad_bottom = l.pad_left = l.pad_right = k / 2;
  l.act = act;
  for (auto& w : l.weights) w = n01(rng) * weight_scale;
  for (auto& b : l.bias) b = n01(rng) * 0.1f;
  return l;
}

// A fully connected layer of f outputs over c inputs: weights N(0,1) * weight_scale from `rng`,
// every bias `bias`.
inline network::Layer random_fc_layer(const std::string& name, int in, int64_t f, int64_t c,
                                      std::mt19937& rng, float weight_scale, float bias) {
  std::normal_distribution<float> n01(0.0f, 1.0f);
  network::Layer l = op_layer(name, network::LayerKind::FullyConnected, {in});
  l.out_channels = f;
  l.weights.resize(size_t(f * c));
  for (auto& w : l.weights) w = n01(rng) * weight_scale;
  l.bias.assign(size_t(f), bias);
  return l;
}

// A max or average pool of k x k windows, stride s, no padding.
inline network::Layer pool_layer(const std::string& name, network::LayerKind kind, int in,
                                 int64_t k, int64_t s) {
  network::Layer l = op_layer(name, kind, {in});
  l.kernel_h = l.kernel_w = k;
  l.stride_h = l.stride_w = s;
  return l;
}

inline network::Layer reshape_layer(const std::string& name, int in, network::Shape shape) {
  network::Layer l = op_layer(name, network::LayerKind::Reshape, {in});
  l.shape = std::move(shape);
  return l;
}

// A graph named `name` to build layer by layer, whose layer 0 is its input "x" of `input_shape`.
inline network::Graph start_graph(const std::string& name, network::Shape input_shape) {
  network::Graph g;
  g.name = name;
  g.layers.push_back(input_layer("x", std::move(input_shape)));
  return g;
}

// Closes a graph built layer by layer: layer 0 is its input, the last layer its output (named
// `output`); validate() then computes every shape and checks the structure.
inline void finish_graph(network::Graph& g, const std::string& output) {
  g.inputs = {0};
  g.outputs = {{output, int(g.layers.size()) - 1}};
  network::validate(g);
}

// A tensor of `shape` with values uniform in [-1, 1) drawn from `rng`.
inline network::FloatTensor random_input(const network::Shape& shape, std::mt19937& rng) {
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  network::FloatTensor t{shape, std::vector<float>(size_t(network::element_count(shape)))};
  for (auto& v : t.data) v = u(rng);
  return t;
}

inline network::FloatTensor random_input(const network::Shape& shape, uint32_t seed) {
  std::mt19937 rng(seed);
  return random_input(shape, rng);
}

}  // namespace apack::test
