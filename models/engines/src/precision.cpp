#include "apack/engines/precision.hpp"

namespace apack::engines {

namespace {
int leading_one(uint64_t x) { return x == 0 ? 0 : 64 - __builtin_clzll(x); }
}  // namespace

int bits_needed(int64_t v, bool is_signed) {
  if (v == 0) return 0;
  if (!is_signed) return v < 0 ? 64 : leading_one(uint64_t(v));
  // Non-negative v needs its magnitude's bits plus a sign bit; negative v needs those of ~v = -v-1
  // plus the sign bit (so -128 fits 8 bits).
  return leading_one(uint64_t(v < 0 ? ~v : v)) + 1;
}

int dynamic_precision(uint32_t or_of_magnitudes, bool is_signed, int cap) {
  if (or_of_magnitudes == 0) return 0;
  const int p = leading_one(or_of_magnitudes) + (is_signed ? 1 : 0);
  return p < cap ? p : cap;
}

int64_t truncate_to(int64_t v, int precision, bool is_signed) {
  if (precision >= 63) return v;
  const uint64_t mask = (uint64_t(1) << precision) - 1;
  const uint64_t low = uint64_t(v) & mask;
  if (!is_signed || precision == 0) return int64_t(low);
  const uint64_t sign = uint64_t(1) << (precision - 1);
  return int64_t(low ^ sign) - int64_t(sign);
}

}  // namespace apack::engines
