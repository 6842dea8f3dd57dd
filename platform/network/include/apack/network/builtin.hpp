// Built-in network topologies with synthetic, seeded weights: the classic ImageNet CNNs the
// accelerator literature reports on, buildable without any model file.
//
// Topologies (docs/builtin-topologies.md gives every layer rule, name and count):
// - alexnet       torchvision AlexNet (single tower, no groups, no LRN), 224x224
// - vgg16         torchvision VGG-16 (configuration D, no batch norm), 224x224
// - googlenet     torchvision GoogLeNet / Inception v1 (3x3 "5x5" branch, no LRN, no aux), 224
// - resnet18      torchvision ResNet-18, 224x224
// - resnet50      torchvision ResNet-50 v1.5 (stride in the 3x3 conv), 224x224
// - mobilenet_v1  MobileNetV1 1.0-224 as released (TF-Slim / Keras: ReLU6, SAME padding)
// - mobilenet_v2  torchvision MobileNetV2 1.0-224 (ReLU6, inverted residuals)
//
// Every graph: one Input "input" {1,224,224,3} (NHWC), batch norm folded into the preceding
// convolution (a conv bias per output channel), ReLU/ReLU6 fused into the producing layer, a
// FullyConnected classifier to 1000 classes and a Softmax "prob" {1,1000} as the only output.
// Graph::format is "builtin", source "built-in", synthetic_values true.
//
// Synthetic values: weights He-normal N(0, 2 / fan_in) (fan_in = Kh*Kw*C/groups for a conv, C for
// a fully connected layer), biases N(0, 0.01^2). The normal deviates come from SyntheticNormal
// below, which uses only std::mt19937_64 (fully specified by the C++ standard) and exact integer
// and IEEE-754 arithmetic, so a seed gives bit-identical weights on any conforming platform.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "apack/network/graph.hpp"

namespace apack::network {

// The built-in topology names, in a fixed order: alexnet, vgg16, googlenet, resnet18,
// resnet50, mobilenet_v1, mobilenet_v2.
std::vector<std::string> builtin_names();
bool is_builtin(const std::string& name);

// One line for --help and inspect, e.g. "ResNet-50 v1.5 (torchvision), 224x224, ...".
// Throws apack::Error listing the known names when `name` is not built in.
std::string builtin_description(const std::string& name);

// Builds and validates the topology with synthetic values drawn from `seed`. Throws apack::Error
// listing the known names when `name` is not built in. Weight generation runs on every hardware
// thread; the values do not depend on the thread count.
Graph builtin_graph(const std::string& name, uint64_t seed = 1);

// Standard normal deviates, reproducible bit for bit: Irwin-Hall with 12 terms. Each deviate
// takes four std::mt19937_64 outputs, cuts each into three 21-bit fields u (bits 0-20, 21-41,
// 42-62; bit 63 unused) and returns the sum of (2u + 1) / 2^22 over the 12 fields, minus 6:
//   z = (2 * (u1 + ... + u12) + 12) * 2^-22 - 6,
// which double arithmetic computes exactly. z has mean 0, variance 1 - 2^-42, lies in (-6, 6)
// and has excess kurtosis -0.1 (a Gaussian's is 0; its tails beyond ~3 sigma are thinner).
class SyntheticNormal {
 public:
  explicit SyntheticNormal(uint64_t stream_seed) : bits_(stream_seed) {}
  double next() {
    uint64_t sum = 0;
    for (int i = 0; i < 4; ++i) {
      const uint64_t b = bits_();
      sum += (b & kField) + ((b >> 21) & kField) + ((b >> 42) & kField);
    }
    return double(2 * sum + 12) * 0x1p-22 - 6.0;
  }

 private:
  static constexpr uint64_t kField = (uint64_t(1) << 21) - 1;
  std::mt19937_64 bits_;
};

// Values are drawn in blocks of this many, each block from its own stream, so generation can
// run in parallel and still give the same values on any thread count.
constexpr int64_t kSyntheticBlock = int64_t(1) << 20;

// The seed of one stream: part 0 = weights, 1 = bias; block = index of the kSyntheticBlock-sized
// block within the tensor. key = FNV-1a-64 of "<network>/<layer>"; then
//   s = splitmix64(seed ^ splitmix64(key)); s = splitmix64(s ^ part); s = splitmix64(s ^ block).
uint64_t synthetic_stream_seed(uint64_t seed, const std::string& network, const std::string& layer,
                               uint64_t part, uint64_t block);

}  // namespace apack::network
