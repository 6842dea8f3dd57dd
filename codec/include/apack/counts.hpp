// Coding counts (spec section 5): the row probabilities the arithmetic coder uses, scaled to 1024.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "apack/table.hpp"

namespace apack {

constexpr uint32_t kCountTotal = 1024;
constexpr int kCountShift = 10;

using Counts = std::array<uint32_t, kRows>;
using Cumulative = std::array<uint32_t, kRows + 1>;

// q from row counts c (N = sum c > 0).
Counts coding_counts(const std::array<uint64_t, kRows>& c);
Cumulative cumulative(const Counts& q);

}  // namespace apack
