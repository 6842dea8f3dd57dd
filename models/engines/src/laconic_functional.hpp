// Laconic's functional model: the output sums its lanes produce. A lane adds, for every term pair
// of its activation a and weight w, sign_a * sign_w * 2^(e_a + e_w); the processing element sums
// its lanes and the accumulator sums the bricks.
#pragma once

#include <cstdint>
#include <vector>

#include "apack/engines/layer.hpp"
#include "apack/engines/terms.hpp"

namespace apack::engines::detail {

// Literally, term pair by term pair (HWF order, no bias). O(MACs * terms^2): for tests and small
// layers, the reference the fast form is checked against.
std::vector<int64_t> laconic_term_pair_sums(const LayerWork& l, const TermEncoding& e);

// The same sums in factored form, for whole networks: sum over term pairs of
// s_a s_w 2^(e_a + e_w) = (sum over a's terms of s_a 2^e_a) * (sum over w's terms of s_w 2^e_w)
// = decode(terms(a)) * decode(terms(w)) by distributivity, so the output is layer_sums() of the
// decoded operands (equal to the plain integer sums exactly when the encoding is exact).
std::vector<int64_t> laconic_sums(const LayerWork& l, const TermEncoding& e);

}  // namespace apack::engines::detail
