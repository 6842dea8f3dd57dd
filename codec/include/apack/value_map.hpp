// Turning array elements into the codes the table sees (spec sections 1, 2 and 4) and back.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace apack {

enum class ValueMap { raw, zigzag };
// What the user asks for: a fixed map, or `auto` (try both on signed data, keep the smaller).
enum class MapChoice { raw, zigzag, automatic };
const char* to_string(ValueMap m);

// Element interpretation of the array: int8 or uint8 bytes holding `bits`-bit values.
struct ElementFormat {
  bool is_signed = false;
  int bits = 8;
};

// Checks every value fits `bits` (naming the first offending index) and returns the codes.
// `what` names the input in error messages. zigzag is refused for unsigned data.
std::vector<uint8_t> to_codes(const uint8_t* data, size_t n, ElementFormat f, ValueMap m,
                              const std::string& what);
// In-place inverse of to_codes: codes back to the stored bytes (sign-extended where signed).
void from_codes(uint8_t* data, size_t n, ElementFormat f, ValueMap m);

}  // namespace apack
