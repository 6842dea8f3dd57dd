// libFuzzer target for the comparison decoders. The first four bytes choose the element format,
// the ShapeShifter group size and n; the rest is fed to every decoder as a stream, and also
// encoded as values, so both directions are exercised on the same input.
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "apack/compare.hpp"
#include "apack/error.hpp"

namespace {

using apack::ElementFormat;
namespace cmp = apack::compare;

bool fits(const std::vector<uint8_t>& v, ElementFormat f) {
  for (uint8_t b : v) {
    const int x = f.is_signed ? int(int8_t(b)) : int(b);
    const int lo = f.is_signed ? -(1 << (f.bits - 1)) : 0;
    const int hi = f.is_signed ? (1 << (f.bits - 1)) - 1 : (1 << f.bits) - 1;
    if (x < lo || x > hi) return false;
  }
  return true;
}

// Any stream a decoder accepts must give n in-range values that survive a re-encode.
template <class Decode, class Encode>
void check_decoder(const uint8_t* s, size_t size, size_t n, ElementFormat f, Decode decode,
                   Encode encode) {
  std::vector<uint8_t> out;
  try {
    out = decode(s, size, n);
  } catch (const apack::FormatError&) {
    return;
  }
  if (out.size() != n || !fits(out, f)) std::abort();
  const auto again = encode(out);
  if (decode(again.data(), again.size(), n) != out) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 4) return 0;
  const ElementFormat f{(data[0] & 1) != 0, 2 + (data[0] >> 1) % 7};
  const int group = (data[1] & 0x80) ? 16 : 1 + data[1] % 64;
  const size_t n = (size_t(data[2]) | size_t(data[3]) << 8) % 8192;
  const uint8_t* s = data + 4;
  const size_t len = size - 4;

  check_decoder(
      s, len, n, f,
      [&](const uint8_t* b, size_t sz, size_t nn) { return cmp::zrle_decode(b, sz, nn, f); },
      [&](const std::vector<uint8_t>& v) { return cmp::zrle_encode(v.data(), v.size(), f); });
  check_decoder(
      s, len, n, f,
      [&](const uint8_t* b, size_t sz, size_t nn) {
        return cmp::shapeshifter_decode(b, sz, nn, f, group);
      },
      [&](const std::vector<uint8_t>& v) {
        return cmp::shapeshifter_encode(v.data(), v.size(), f, group);
      });
  for (auto dec : {&cmp::zstd_decompress, &cmp::deflate_decompress}) {
    try {
      if (dec(s, len, n).size() != n) std::abort();
    } catch (const apack::FormatError&) {
    }
  }

  // The same bytes as values, cut down to the format, must round-trip through the encoders.
  std::vector<uint8_t> values(s, s + len);
  for (auto& v : values) {
    const unsigned low = v & ((1u << f.bits) - 1);
    const bool neg = f.is_signed && (low >> (f.bits - 1)) != 0;
    v = uint8_t(neg ? (low | (~0u << f.bits)) : low);
  }
  const auto z = cmp::zrle_encode(values.data(), values.size(), f);
  if (cmp::zrle_decode(z.data(), z.size(), values.size(), f) != values) std::abort();
  const auto ss = cmp::shapeshifter_encode(values.data(), values.size(), f, group);
  if (cmp::shapeshifter_decode(ss.data(), ss.size(), values.size(), f, group) != values)
    std::abort();
  return 0;
}
