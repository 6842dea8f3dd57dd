// CRC-32C. The SSE4.2 crc32 instruction does 8 bytes per step, which keeps the checksums of
// `apack decompress` a small serial part; a table fallback covers CPUs without it.
#include "apack/crc32c.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <vector>

#include "apack/parallel.hpp"

#if defined(__x86_64__) || defined(__i386__)
#include <nmmintrin.h>
#define APACK_X86 1
#endif

namespace apack {

namespace {

constexpr uint32_t kPoly = 0x82F63B78u;  // Castagnoli, reflected

std::array<uint32_t, 256> make_table() {
  std::array<uint32_t, 256> t{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ kPoly : c >> 1;
    t[i] = c;
  }
  return t;
}

uint32_t crc_software(uint32_t crc, const uint8_t* p, size_t n) {
  static const auto table = make_table();
  for (size_t i = 0; i < n; ++i) crc = table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
  return crc;
}

#ifdef APACK_X86
__attribute__((target("sse4.2"))) uint32_t crc_hardware(uint32_t crc, const uint8_t* p, size_t n) {
  uint64_t c = crc;
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    c = _mm_crc32_u64(c, w);
    p += 8;
    n -= 8;
  }
  uint32_t c32 = uint32_t(c);
  while (n--) c32 = _mm_crc32_u8(c32, *p++);
  return c32;
}
#endif

}  // namespace

bool crc32c_hardware() {
#ifdef APACK_X86
  static const bool has = __builtin_cpu_supports("sse4.2");
  return has;
#else
  return false;
#endif
}

uint32_t crc32c(uint32_t crc, const void* data, size_t size) {
  const auto* p = static_cast<const uint8_t*>(data);
  crc = ~crc;
#ifdef APACK_X86
  if (crc32c_hardware()) return ~crc_hardware(crc, p, size);
#endif
  return ~crc_software(crc, p, size);
}

namespace {

// Appending zero bits to a message is linear over GF(2): the CRC register after n zero bits
// is a 32x32 bit matrix times the register before. Matrices are stored as 32 columns.
uint32_t gf2_apply(const uint32_t* matrix, uint32_t vector) {
  uint32_t sum = 0;
  for (int i = 0; vector != 0; ++i, vector >>= 1)
    if (vector & 1) sum ^= matrix[i];
  return sum;
}

void gf2_square(uint32_t* square, const uint32_t* matrix) {
  for (int i = 0; i < 32; ++i) square[i] = gf2_apply(matrix, matrix[i]);
}

}  // namespace

uint32_t crc32c_combine(uint32_t crc_a, uint32_t crc_b, uint64_t length_b) {
  if (length_b == 0) return crc_a;
  // One zero bit: shift right, folding in the polynomial when the low bit falls out.
  uint32_t odd[32], even[32];
  odd[0] = kPoly;
  for (int i = 1; i < 32; ++i) odd[i] = uint32_t(1) << (i - 1);
  gf2_square(even, odd);  // two zero bits
  gf2_square(odd, even);  // four zero bits
  // Square up to one zero byte, then apply the powers of two present in length_b.
  uint32_t crc = crc_a;
  for (;;) {
    gf2_square(even, odd);
    if (length_b & 1) crc = gf2_apply(even, crc);
    length_b >>= 1;
    if (length_b == 0) break;
    gf2_square(odd, even);
    if (length_b & 1) crc = gf2_apply(odd, crc);
    length_b >>= 1;
    if (length_b == 0) break;
  }
  return crc ^ crc_b;
}

uint32_t crc32c_parallel(const void* data, size_t size, unsigned threads) {
  const auto* p = static_cast<const uint8_t*>(data);
  constexpr size_t kMinSlice = size_t(1) << 18;  // below this a thread costs more than it saves
  threads = unsigned(std::max<size_t>(1, std::min<size_t>(threads, size / kMinSlice)));
  if (threads == 1) return crc32c(0, p, size);
  std::vector<uint32_t> part(threads);
  detail::parallel_ranges(threads, threads, [&](size_t first, size_t last) {
    for (size_t t = first; t < last; ++t) {
      const size_t begin = size * t / threads, end = size * (t + 1) / threads;
      part[t] = crc32c(0, p + begin, end - begin);
    }
  });
  uint32_t crc = part[0];
  for (unsigned t = 1; t < threads; ++t)
    crc = crc32c_combine(crc, part[t], size * (t + 1) / threads - size * t / threads);
  return crc;
}

}  // namespace apack
