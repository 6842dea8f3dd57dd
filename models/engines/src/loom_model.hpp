// Loom (engines.md §3): the configuration and the operand rules that the fast engine model
// (loom.cpp) and the literal bit-serial reference (loom_reference.cpp) share, so that both read
// the same precisions from the same values.
#pragma once

#include <cstdint>
#include <vector>

#include "apack/engines/layer.hpp"
#include "apack/engines/precision.hpp"

namespace apack::engines::detail {

struct LoomConfig {
  int k = 1;             // activation bits per cycle (1, 2 or 4)
  int64_t columns = 16;  // NC: window columns
  int64_t rows = 128;    // NR: filter rows
  bool dynamic_act = true;
  int group = 16;  // activations per dynamic-precision storage group (16 or 256)
  bool dynamic_weights = false;
};

// The magnitude the precision detector sees: the value as the Pa- (or Pw-) bit datapath holds
// it, so a value wider than the static precision never raises the dynamic one above the cap.
inline uint32_t loom_magnitude(int32_t v, const OperandFormat& f) {
  const int64_t t = truncate_to(v, f.precision, f.is_signed);
  return uint32_t(t < 0 ? -t : t);
}

inline std::vector<int32_t> loom_magnitudes(const int32_t* v, int64_t n, const OperandFormat& f) {
  std::vector<int32_t> out(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) out[size_t(i)] = int32_t(loom_magnitude(v[i], f));
  return out;
}

// Cycles one step spends on activations: ceil(P / k), at least one (engines.md: a step always
// costs at least one cycle, even when every activation of it is zero).
inline int64_t loom_act_passes(int p, int k) {
  const int64_t c = (p + k - 1) / k;
  return c < 1 ? 1 : c;
}

// Bits of the precision header of one dynamically stored activation group [ours]: enough to
// write any precision 0..Pa, i.e. ceil(log2(Pa + 1)) (4 bits for Pa = 8 or 9..15, 5 for 16).
inline int loom_header_bits(int pa) {
  int b = 0;
  while ((1 << b) < pa + 1) ++b;
  return b;
}

}  // namespace apack::engines::detail
