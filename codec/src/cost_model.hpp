// The float32 prefix term of spec section 3, shared by the table report and the sweep so both
// round identically.
#pragma once

#include <cmath>
#include <cstdint>

namespace apack::detail {

// prod_i of section 3 (<= 0) for a row holding c of n values.
inline float prefix_term_f32(uint64_t c, float n) {
  const float fc = float(c);
  const float p = fc / n;
  float t = p * 1024.0f;
  t = std::round(t);  // half away from zero
  t = t / 1024.0f;
  const float e = t == 0.0f ? 0.0f : float(std::log2(double(t)));
  return fc * e;
}

}  // namespace apack::detail
