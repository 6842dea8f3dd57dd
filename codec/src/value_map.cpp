// Element bytes <-> table codes (spec sections 1, 2 and 4).
#include "apack/value_map.hpp"

#include <cstring>

#include "apack/error.hpp"

namespace apack {

const char* to_string(ValueMap m) { return m == ValueMap::zigzag ? "zigzag" : "raw"; }

namespace {

// Whether a stored byte is a legal value, and its code: a 256-entry table turns the per-value work
// into one load, and the validity check into an OR the compiler can vectorise.
struct CodeTable {
  uint8_t code[256];
  uint8_t invalid[256];
};

CodeTable code_table(ElementFormat f, ValueMap m) {
  CodeTable t{};
  const unsigned mask = (1u << f.bits) - 1;
  for (unsigned b = 0; b < 256; ++b) {
    if (f.is_signed) {
      const int v = int8_t(b);
      t.invalid[b] = v < -(1 << (f.bits - 1)) || v >= (1 << (f.bits - 1));
      t.code[b] = m == ValueMap::zigzag ? uint8_t(((unsigned(v) << 1) ^ unsigned(v >> 7)) & mask)
                                        : uint8_t(unsigned(v) & mask);
    } else {
      t.invalid[b] = b > mask;
      t.code[b] = uint8_t(b);
    }
  }
  return t;
}

}  // namespace

std::vector<uint8_t> to_codes(const uint8_t* data, size_t n, ElementFormat f, ValueMap m,
                              const std::string& what) {
  if (f.bits < 2 || f.bits > 8)
    throw Error(what + ": --bits must be between 2 and 8, got " + std::to_string(f.bits));
  if (m == ValueMap::zigzag && !f.is_signed)
    throw Error(what + ": the zigzag map applies to signed (int8) data only");
  std::vector<uint8_t> codes(n);
  if (f.bits == 8) {
    // Every byte is a legal 8-bit value; the maps are plain arithmetic the compiler vectorises.
    if (m == ValueMap::raw) {
      if (n > 0) std::memcpy(codes.data(), data, n);
    } else {
      for (size_t i = 0; i < n; ++i) codes[i] = uint8_t((data[i] << 1) ^ uint8_t(int8_t(data[i]) >> 7));
    }
    return codes;
  }
  const CodeTable t = code_table(f, m);
  uint8_t bad = 0;
  for (size_t i = 0; i < n; ++i) {
    codes[i] = t.code[data[i]];
    bad |= t.invalid[data[i]];
  }
  if (bad) {
    size_t i = 0;
    while (!t.invalid[data[i]]) ++i;
    const int lo = f.is_signed ? -(1 << (f.bits - 1)) : 0;
    const int hi = f.is_signed ? (1 << (f.bits - 1)) - 1 : (1 << f.bits) - 1;
    const int v = f.is_signed ? int(int8_t(data[i])) : int(data[i]);
    throw Error(what + ": value " + std::to_string(v) + " at index " + std::to_string(i) +
                " does not fit " + (f.is_signed ? "signed " : "unsigned ") +
                std::to_string(f.bits) + "-bit range [" + std::to_string(lo) + ", " +
                std::to_string(hi) + "]");
  }
  return codes;
}

void from_codes(uint8_t* data, size_t n, ElementFormat f, ValueMap m) {
  if (!f.is_signed) return;
  const unsigned sign = 1u << (f.bits - 1);
  uint8_t value[256];
  for (unsigned c = 0; c < 256; ++c)
    value[c] = uint8_t(m == ValueMap::zigzag ? int(c >> 1) ^ -int(c & 1)
                                             : int(c ^ sign) - int(sign));  // sign-extend
  for (size_t i = 0; i < n; ++i) data[i] = value[data[i]];
}

}  // namespace apack
