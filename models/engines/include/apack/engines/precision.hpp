// Value precisions: how many bits a value or a group of values needs, and the value an engine
// that processes only `precision` bits of it actually sees.
#pragma once

#include <cstdint>

namespace apack::engines {

// Bits that hold v: the smallest p with -2^(p-1) <= v < 2^(p-1) (signed, two's complement) or
// 0 <= v < 2^p (unsigned); 0 for v == 0. A negative v with is_signed false needs 64 (never fits).
int bits_needed(int64_t v, bool is_signed);

// Loom's dynamic precision of a group from the OR of its magnitudes (engines.md §3): leading one
// + 1, + 1 if the data are signed, capped at `cap`; 0 for an all-zero group.
int dynamic_precision(uint32_t or_of_magnitudes, bool is_signed, int cap);

// The value a `precision`-bit datapath computes with: v's low `precision` bits, read as two's
// complement (signed) or as an unsigned number. Equals v when v fits.
int64_t truncate_to(int64_t v, int precision, bool is_signed);

}  // namespace apack::engines
