// Real-like tensors for the pipeline tests: peaked int8 weights and ReLU-like uint8 activations.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace apack::pipeline::test {

// Discretised Laplacian around zero as int8 bytes (quantized weights), clamped to the bits.
inline std::vector<uint8_t> peaked_int8(size_t n, double scale, uint32_t seed, int bits = 8) {
  std::mt19937 rng(seed);
  std::exponential_distribution<double> mag(1.0 / scale);
  std::bernoulli_distribution sign(0.5);
  const int hi = (1 << (bits - 1)) - 1, lo = -(1 << (bits - 1));
  std::vector<uint8_t> v(n);
  for (auto& b : v) {
    int x = int(std::lround(mag(rng)));
    if (sign(rng)) x = -x;
    x = x > hi ? hi : x < lo ? lo : x;
    b = uint8_t(int8_t(x));
  }
  return v;
}

// ReLU-like activations: about half zeros, the rest geometric-ish magnitudes, uint8.
inline std::vector<uint8_t> peaked_uint8(size_t n, double scale, uint32_t seed, int bits = 8) {
  std::mt19937 rng(seed);
  std::exponential_distribution<double> mag(1.0 / scale);
  std::bernoulli_distribution zero(0.5);
  const int hi = (1 << bits) - 1;
  std::vector<uint8_t> v(n);
  for (auto& b : v) {
    const int x = zero(rng) ? 0 : 1 + int(mag(rng));
    b = uint8_t(x > hi ? hi : x);
  }
  return v;
}

}  // namespace apack::pipeline::test
