// Element bytes <-> table codes (spec sections 1, 2 and 4).
#include "apack/value_map.hpp"

#include <cstring>

#include "apack/error.hpp"

namespace apack {

const char* to_string(ValueMap m) { return m == ValueMap::zigzag ? "zigzag" : "raw"; }

CodeMap make_code_map(ElementFormat f, ValueMap m, const std::string& what) {
  if (f.bits < 2 || f.bits > 8)
    throw Error(what + ": --bits must be between 2 and 8, got " + std::to_string(f.bits));
  if (m == ValueMap::zigzag && !f.is_signed)
    throw Error(what + ": the zigzag map applies to signed (int8) data only");
  CodeMap c;
  const unsigned mask = (1u << f.bits) - 1, sign = 1u << (f.bits - 1);
  for (unsigned b = 0; b < 256; ++b) {
    if (f.is_signed) {
      const int v = int8_t(b);
      c.legal[b] = v >= -int(sign) && v < int(sign);
      c.code_of_byte[b] = m == ValueMap::zigzag
                              ? uint8_t(((unsigned(v) << 1) ^ unsigned(v >> 7)) & mask)
                              : uint8_t(unsigned(v) & mask);
    } else {
      c.legal[b] = b <= mask;
      c.code_of_byte[b] = uint8_t(b & mask);
    }
  }
  for (unsigned code = 0; code <= mask; ++code) {
    int v = int(code);
    if (f.is_signed)
      v = m == ValueMap::zigzag ? int(code >> 1) ^ -int(code & 1)
                                : int(code ^ sign) - int(sign);  // sign-extend
    c.byte_of_code[code] = uint8_t(v);
  }
  return c;
}

void check_values(const uint8_t* data, size_t n, ElementFormat f, const std::string& what) {
  if (f.bits == 8) return;  // every byte is a value
  const CodeMap c = make_code_map(f, ValueMap::raw, what);
  uint8_t bad = 0;
  for (size_t i = 0; i < n; ++i) bad |= uint8_t(c.legal[data[i]] ^ 1);
  if (!bad) return;
  size_t i = 0;
  while (c.legal[data[i]]) ++i;
  const int lo = f.is_signed ? -(1 << (f.bits - 1)) : 0;
  const int hi = f.is_signed ? (1 << (f.bits - 1)) - 1 : (1 << f.bits) - 1;
  const int v = f.is_signed ? int(int8_t(data[i])) : int(data[i]);
  throw Error(what + ": value " + std::to_string(v) + " at index " + std::to_string(i) +
              " does not fit " + (f.is_signed ? "signed " : "unsigned ") + std::to_string(f.bits) +
              "-bit range [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
}

std::vector<uint8_t> to_codes(const uint8_t* data, size_t n, ElementFormat f, ValueMap m,
                              const std::string& what) {
  const CodeMap c = make_code_map(f, m, what);
  check_values(data, n, f, what);
  std::vector<uint8_t> codes(n);
  for (size_t i = 0; i < n; ++i) codes[i] = c.code_of_byte[data[i]];
  return codes;
}

}  // namespace apack
