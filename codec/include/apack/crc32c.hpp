// CRC-32C (Castagnoli), with the SSE4.2 instruction where the CPU has it.
#pragma once

#include <cstddef>
#include <cstdint>

namespace apack {

// Continues a CRC: crc32c(crc32c(0, a), b) == crc32c(0, a + b).
uint32_t crc32c(uint32_t crc, const void* data, size_t size);
bool crc32c_hardware();

// The CRC of A followed by B from crc(A), crc(B) and B's length: checksums of slices computed
// in parallel combine into the checksum of the whole.
uint32_t crc32c_combine(uint32_t crc_a, uint32_t crc_b, uint64_t length_b);

// CRC-32C of a buffer computed in `threads` slices.
uint32_t crc32c_parallel(const void* data, size_t size, unsigned threads);

}  // namespace apack
