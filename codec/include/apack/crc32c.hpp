// CRC-32C (Castagnoli), with the SSE4.2 instruction where the CPU has it.
#pragma once

#include <cstddef>
#include <cstdint>

namespace apack {

// Continues a CRC: crc32c(crc32c(0, a), b) == crc32c(0, a + b).
uint32_t crc32c(uint32_t crc, const void* data, size_t size);
bool crc32c_hardware();

}  // namespace apack
