// Helpers shared by the codec tests: reading test files and hashing streams.
#pragma once

#include <openssl/evp.h>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace apack::test {

inline std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot open test file " + path);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

inline std::string sha256_hex(const std::vector<uint8_t>& data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string s;
  for (unsigned i = 0; i < len; ++i) {
    s += hex[md[i] >> 4];
    s += hex[md[i] & 15];
  }
  return s;
}

// Values shaped like quantized weights: a discretised Laplacian around zero, as int8 bytes.
inline std::vector<uint8_t> laplacian_int8(size_t n, double scale, uint32_t seed) {
  std::mt19937 rng(seed);
  std::exponential_distribution<double> mag(1.0 / scale);
  std::bernoulli_distribution sign(0.5);
  std::vector<uint8_t> v(n);
  for (auto& x : v) {
    double m = std::min(127.0, std::round(mag(rng)));
    x = uint8_t(int8_t(sign(rng) ? -m : m));
  }
  return v;
}

}  // namespace apack::test
