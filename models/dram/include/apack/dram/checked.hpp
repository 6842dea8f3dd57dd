// Checked integer arithmetic for counters and energy sums: a wrapped counter would silently
// report nonsense after a long run, so every accumulation throws apack::Error instead.
#pragma once

#include <cstdint>
#include <string>

#include "apack/error.hpp"

namespace apack::dram {

[[noreturn]] inline void overflow(const char* what) {
  throw apack::Error(std::string("dram: arithmetic overflow in ") + what);
}

// Leaves `acc` unchanged when it throws.
inline void add_to(uint64_t& acc, uint64_t v, const char* what) {
  uint64_t r;
  if (__builtin_add_overflow(acc, v, &r)) overflow(what);
  acc = r;
}

inline int64_t checked_add(int64_t a, int64_t b, const char* what) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r)) overflow(what);
  return r;
}

inline int64_t checked_mul(int64_t a, int64_t b, const char* what) {
  int64_t r;
  if (__builtin_mul_overflow(a, b, &r)) overflow(what);
  return r;
}

// 128-bit products for energy: a count (up to 2^64) times a per-event charge (mV x nA x cycles,
// below 2^50 for any real device) fits easily, but is still checked.
using Wide = __int128;

inline Wide wide_mul(Wide a, Wide b, const char* what) {
  Wide r;
  if (__builtin_mul_overflow(a, b, &r)) overflow(what);
  return r;
}

inline Wide wide_add(Wide a, Wide b, const char* what) {
  Wide r;
  if (__builtin_add_overflow(a, b, &r)) overflow(what);
  return r;
}

}  // namespace apack::dram
